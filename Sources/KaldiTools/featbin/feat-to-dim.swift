import KaldiBase
import KaldiIO

/// `feat-to-dim`: the feature dimension of the first matrix, or of every matrix as a table.
public enum FeatToDim: KaldiTool {
  public static let name = "feat-to-dim"
  public static let usage = """
    Reads an archive of features.  If second argument is wxfilename, writes
    the feature dimension of the first feature file; if second argument is
    wspecifier, writes an archive of the feature dimension, indexed by utterance
    id.
    Usage: feat-to-dim [options] <feat-rspecifier> (<dim-wspecifier>|<dim-wxfilename>)
    e.g.: feat-to-dim scp:feats.scp -
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(2)
    let reader = try SequentialTableReader<MatrixHolder<Float>>(args[0])
    if WriteSpecifier(args[1]) != nil {
      let writer = try TableWriter<Int32Holder>(args[1])
      while let (key, m) = try reader.next() { try writer.write(key, Int32(m.cols)) }
      try writer.close()
      return 0
    }
    guard let (_, first) = try reader.next() else {
      throw KaldiError("Could not read any features (empty archive?)")
    }
    let out = try OutputStream.open(args[1])
    try out.write("\(first.cols)\n")
    try out.commit()
    return 0
  }
}
