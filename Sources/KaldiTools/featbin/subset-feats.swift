import KaldiBase
import KaldiIO

/// `subset-feats`: the first n matrices of a table, or those whose keys a list includes or excludes.
public enum SubsetFeats: KaldiTool {
  public static let name = "subset-feats"
  public static let usage = """
    Copy a subset of features (by default, the first n feature files)
    Usually used where only a small amount of data is needed
    Note: if you want a specific subset, it's usually best to
    filter the original .scp file with utils/filter_scp.pl
    (possibly with the --exclude option).  The --include and --exclude
    options of this program are intended for specialized uses.
    The --include and --exclude options are mutually exclusive, 
    and both cause the --n option to be ignored.
    Usage: subset-feats [options] <in-rspecifier> <out-wspecifier>
    e.g.: subset-feats --n=10 ark:- ark:-
    or:  subset-feats --include=include_uttlist ark:- ark:-
    or:  subset-feats --exclude=exclude_uttlist ark:- ark:-
    See also extract-feature-segments, select-feats, subsample-feats
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let n = invocation.option("n", 10, "If nonnegative, copy the first n feature files.")
    let include = invocation.option("include", "", "Text file, the first field of each line being interpreted as an utterance-id whose features will be included")
    let exclude = invocation.option("exclude", "", "Text file, the first field of each line being interpreted as an utterance-id whose features will be excluded")
    let args = try invocation.arguments(2)
    if n.value < 0 { throw KaldiError("Invalid option --n=\(n.value): must be nonnegative") }
    let writer = try TableWriter<MatrixHolder<Float>>(args[1])
    let reader = try SequentialTableReader<MatrixHolder<Float>>(args[0])

    if !include.value.isEmpty || !exclude.value.isEmpty {
      if !include.value.isEmpty && !exclude.value.isEmpty { throw KaldiError("should not have both --exclude and --include option!") }
      if n.value != 10 { throw KaldiError("Should not have both --\(include.value.isEmpty ? "exclude" : "include") and --n option!") }
      let listFile = include.value.isEmpty ? exclude.value : include.value
      let keys = try readFirstFields(listFile)
      let keep = !include.value.isEmpty
      var total = 0, written = 0
      while let (key, m) = try reader.next() {
        total += 1
        if keys.contains(key) == keep {
          try writer.write(key, m)
          written += 1
        }
      }
      try writer.close()
      KaldiLog.log(" Wrote \(written) out of \(total) utterances.")
      return written != 0 ? 0 : 1
    }
    if n.value == 0 { throw KaldiError("Invalid option --n=0. Should be at least 1") }
    var k = 0
    while k < n.value, let (key, m) = try reader.next() {
      try writer.write(key, m)
      k += 1
    }
    try writer.close()
    return 0
  }
}

/// The first whitespace-separated field of every line of a text file (an utterance list).
func readFirstFields(_ rxfilename: String) throws -> Set<String> {
  let stream = try InputStream.open(rxfilename)
  var keys = Set<String>()
  var lineNumber = 0
  while let line = try stream.readLine() {
    lineNumber += 1
    guard let first = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).first else {
      throw KaldiError("Empty line \(lineNumber) in '\(rxfilename)'")
    }
    keys.insert(String(first))
  }
  try stream.close()
  return keys
}
