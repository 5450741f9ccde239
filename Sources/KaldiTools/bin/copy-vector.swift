import KaldiBase
import KaldiIO
import KaldiMatrix

/// `copy-vector`: copies float vectors or tables of them, optionally resizing or scaling.
public enum CopyVector: KaldiTool {
  public static let name = "copy-vector"
  public static let usage = """
    Copy vectors, or archives of vectors (e.g. transition-accs; speaker vectors)

    Usage: copy-vector [options] (<vector-in-rspecifier>|<vector-in-rxfilename>) (<vector-out-wspecifier>|<vector-out-wxfilename>)
     e.g.: copy-vector --binary=false 1.mat -
       copy-vector ark:2.trans ark,t:-
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", true, "Write in binary mode (only relevant if output is a wxfilename)")
    let changeDim = invocation.option("change_dim", -1, "Use this option to truncate or zero-pad the vectors.")
    let scale = invocation.option("scale", Float(1), "This option can be used to scale the vectors being copied.")
    let args = try invocation.arguments(2)
    func transform(_ v: Vector<Float>) -> Vector<Float> {
      var v = v
      if changeDim.value >= 0 {
        v.data = Array(v.data.prefix(changeDim.value)) + [Float](repeating: 0, count: max(0, changeDim.value - v.count))
      }
      if scale.value != 1 { for i in v.data.indices { v.data[i] *= scale.value } }
      return v
    }
    let inIsTable = ReadSpecifier(args[0]) != nil
    if inIsTable != (WriteSpecifier(args[1]) != nil) {
      throw KaldiError("Cannot mix archives with regular files (copying vectors)")
    }
    if !inIsTable {
      var v = try readKaldiObject(VectorHolder<Float>.self, from: args[0])
      if changeDim.value >= 0 { v = transform(v) }
      try writeKaldiObject(VectorHolder<Float>.self, v, to: args[1], binary: binary.value)
      KaldiLog.log("Copied vector to \(args[1])")
      return 0
    }
    let done = try copyTable(args[0], VectorHolder<Float>.self, to: args[1], VectorHolder<Float>.self) { transform($1) }
    if changeDim.value < 0 && scale.value == 1 {
      KaldiLog.log("Copied \(done) vectors.")
    } else {
      KaldiLog.log("Copied \(done) vectors, setting dim to \(changeDim.value) scaled by \(scale.value.optionDescription)")
    }
    return done != 0 ? 0 : 1
  }
}
