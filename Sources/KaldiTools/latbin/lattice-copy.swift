import Decoding
import KaldiBase
import KaldiIO

/// `lattice-copy`: copies lattices, e.g. to text form or from compact to state-level form.
public enum LatticeCopyTool: KaldiTool {
  public static let name = "lattice-copy"
  public static let usage = """
    Copy lattices (e.g. useful for changing to text mode or changing
    format to standard from compact lattice.)
    The --include and --exclude options can be used to copy only a subset of lattices, where are the --include option specifies the whitelisted utterances that would be copied and --exclude option specifies the blacklisted utterances that would not be copied.
    Only one of --include and --exclude can be supplied.
    Usage: lattice-copy [options] lattice-rspecifier lattice-wspecifier
     e.g.: lattice-copy --write-compact=false ark:1.lats ark,t:1.txt
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let writeCompact = invocation.option("write-compact", true, "If true, write in normal (compact) form.")
    let include = invocation.option("include", "", "Text file, the first field of each line being interpreted as the utterance-id whose lattices will be included")
    let exclude = invocation.option("exclude", "", "Text file, the first field of each line being interpreted as an utterance-id whose lattices will be excluded")
    let args = try invocation.arguments(2)
    guard include.value.isEmpty || exclude.value.isEmpty else { throw KaldiError("should not have both --exclude and --include option!") }
    let listed = try Set((include.value.isEmpty ? exclude.value : include.value).isEmpty ? [] : keys(of: include.value.isEmpty ? exclude.value : include.value))
    let keep: (String) -> Bool = include.value.isEmpty ? (exclude.value.isEmpty ? { _ in true } : { !listed.contains($0) }) : { listed.contains($0) }
    let done = try editLattices(args[0], args[1], compact: writeCompact.value, keep: keep) { _ in }
    KaldiLog.log("Done copying \(done) lattices.")
    return done != 0 ? 0 : 1
  }

  /// The first field of each line of a key list.
  private static func keys(of rxfilename: String) throws -> [String] {
    let stream = try InputStream.open(rxfilename)
    var keys: [String] = []
    while let line = try stream.readLine() {
      if let first = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first { keys.append(String(first)) }
    }
    try stream.close()
    return keys
  }
}
