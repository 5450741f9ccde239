import KaldiBase
import KaldiIO

/// `copy-int-vector`: copies int32 vectors such as alignments, or tables of them.
public enum CopyIntVector: KaldiTool {
  public static let name = "copy-int-vector"
  public static let usage = """
    Copy vectors of integers, or archives of vectors of integers 
    (e.g. alignments)

    Usage: copy-int-vector [options] (vector-in-rspecifier|vector-in-rxfilename) (vector-out-wspecifier|vector-out-wxfilename)
     e.g.: copy-int-vector --binary=false foo -
       copy-int-vector ark:1.ali ark,t:-
       copy-int-vector "ark:gunzip -c exp/tri3_ali/ali.1.gz |" ark,t:-
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", true, "Write in binary mode (only relevant if output is a wxfilename)")
    let args = try invocation.arguments(2)
    let inIsTable = ReadSpecifier(args[0]) != nil
    if inIsTable != (WriteSpecifier(args[1]) != nil) {
      throw KaldiError("Cannot mix archives with regular files (copying vectors)")
    }
    if !inIsTable {
      let v = try readKaldiObject(IntegerVectorFileHolder.self, from: args[0])
      try writeKaldiObject(IntegerVectorFileHolder.self, v, to: args[1], binary: binary.value)
      KaldiLog.log("Copied vector to \(args[1])")
      return 0
    }
    let done = try copyTable(args[0], Int32VectorHolder.self, to: args[1], Int32VectorHolder.self) { $1 }
    KaldiLog.log("Copied \(done) vectors of int32.")
    return done != 0 ? 0 : 1
  }
}
