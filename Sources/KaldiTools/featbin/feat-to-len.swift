import KaldiBase
import KaldiIO

/// `feat-to-len`: frames per utterance as a table, or the total number of frames.
public enum FeatToLen: KaldiTool {
  public static let name = "feat-to-len"
  public static let usage = """
    Reads an archive of features and writes a corresponding archive
    that maps utterance-id to utterance length in frames, or (with
    one argument) print to stdout the total number of frames in the
    input archive.
    Usage: feat-to-len [options] <in-rspecifier> [<out-wspecifier>]
    e.g.: feat-to-len scp:feats.scp ark,t:feats.lengths
    or: feat-to-len scp:feats.scp
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(1...2)
    let reader = try SequentialTableReader<MatrixHolder<Float>>(args[0])
    if args.count == 2 {
      let writer = try TableWriter<Int32Holder>(args[1])
      while let (key, m) = try reader.next() { try writer.write(key, Int32(m.rows)) }
      try writer.close()
      return 0
    }
    var total = 0
    while let (_, m) = try reader.next() { total += m.rows }
    let out = try OutputStream.open("-")
    try out.write("\(total)\n")
    try out.commit()
    return 0
  }
}
