import KaldiBase
import KaldiIO
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

/// `copy-matrix`: copies matrices or tables of them, optionally scaling or transforming values.
public enum CopyMatrix: KaldiTool {
  public static let name = "copy-matrix"
  public static let usage = """
    Copy matrices, or archives of matrices (e.g. features or transforms)
    Also see copy-feats which has other format options

    Usage: copy-matrix [options] <matrix-in-rspecifier> <matrix-out-wspecifier>
      or: copy-matrix [options] <matrix-in-rxfilename> <matrix-out-wxfilename>
     e.g.: copy-matrix --binary=false 1.mat -
       copy-matrix ark:2.trans ark,t:-
    See also: copy-feats
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", true, "Write in binary mode (only relevant if output is a wxfilename)")
    let scale = invocation.option("scale", Float(1), "This option can be used to scale the matrices being copied.")
    let applyLog = invocation.option("apply-log", false, "This option can be used to apply log on the matrices. Must be avoided if matrix has negative quantities.")
    let applyExp = invocation.option("apply-exp", false, "This option can be used to apply exp on the matrices")
    let applyPower = invocation.option("apply-power", Float(1), "This option can be used to apply a power on the matrices")
    let softmax = invocation.option("apply-softmax-per-row", false, "This option can be used to apply softmax per row of the matrices")
    let args = try invocation.arguments(2)
    if [applyLog.value, applyExp.value, softmax.value].filter({ $0 }).count > 1 {
      throw KaldiError("Only one of apply-log, apply-exp and apply-softmax-per-row can be given")
    }
    func transform(_ m: Matrix<Float>) -> Matrix<Float> {
      var m = m
      if scale.value != 1 { for i in m.data.indices { m.data[i] *= scale.value } }
      if applyLog.value { for i in m.data.indices { m.data[i] = logf(max(m.data[i], 1e-20)) } }
      if applyExp.value { for i in m.data.indices { m.data[i] = expf(m.data[i]) } }
      if softmax.value {
        for r in 0..<m.rows {
          let row = m.row(r)
          let top = row.max() ?? 0
          var sum = 0.0
          for v in row { sum += Double(expf(v - top)) }
          let logSum = top + Float(log(sum))
          for c in 0..<m.cols { m[r, c] = expf(m[r, c] - logSum) }
        }
      }
      if applyPower.value != 1 { for i in m.data.indices { m.data[i] = powf(m.data[i], applyPower.value) } }
      return m
    }
    let inIsTable = ReadSpecifier(args[0]) != nil
    let outIsTable = WriteSpecifier(args[1]) != nil
    if inIsTable != outIsTable { throw KaldiError("Cannot mix archives with regular files (copying matrices)") }
    if !inIsTable {
      let m = transform(try readKaldiObject(MatrixHolder<Float>.self, from: args[0]))
      try writeKaldiObject(MatrixHolder<Float>.self, m, to: args[1], binary: binary.value)
      KaldiLog.log("Copied matrix to \(args[1])")
      return 0
    }
    let done = try copyTable(args[0], MatrixHolder<Float>.self, to: args[1], MatrixHolder<Float>.self) { transform($1) }
    KaldiLog.log("Copied \(done) matrices.")
    return done != 0 ? 0 : 1
  }
}
