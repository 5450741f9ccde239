import KaldiBase
import KaldiIO

/// `best-wer`: the lowest-error line among compute-wer outputs and sclite Sum/Avg rows.
public enum BestWer: KaldiTool {
  public static let name = "best-wer"
  public static let usage = """
    Reads lines of compute-wer output ('%WER ...', usually prefixed 'file:' by grep) and of
    sclite .sys reports (their 'Sum/Avg' or 'Mean' rows), and prints the one with the lowest
    error rate in the one-line form of Kaldi's utils/best_wer.sh:
      %WER 9.10 [ 4786 / 52576, 708 ins, 464 del, 3614 sub ] exp/tri4b/decode_test/wer_17
      %WER 18.5 | 192 7215 | 84.2 11.0 4.8 2.7 18.5 100.0 | exp/mono/decode_test/score_4/ctm_39phn.sys
    The first of equally good lines wins.

    Usage: best-wer [options] [<lines-rxfilename>]
     e.g.: grep WER exp/mono/decode_test/wer_* | best-wer
           grep Sum exp/mono/decode_test/score_*/*.sys | utils/best_wer.sh
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(0...1)
    let input = try InputStream.open(args.first ?? "-")
    var best: (rate: Double, line: String)? = nil
    while let raw = try input.readLine() {
      guard let (rate, line) = BestWerLine.parse(raw) else { continue }
      if best == nil || rate < best!.rate { best = (rate, line) }
    }
    try input.close()
    guard let best else { return 0 }
    let out = try OutputStream.open("-")
    try out.write(best.line + "\n")
    try out.commit()
    return 0
  }
}

/// One candidate line and how best_wer.sh rewrites it.
enum BestWerLine {
  static func parse(_ raw: String) -> (Double, String)? {
    let line = spaceOutBars(raw)
    if let range = firstMatch(of: ["%WER ", "%SER ", "WER ", "SER "], in: line) {
      // compute-wer: the rate follows "WER"; the text before "%WER" (grep's "file:") moves to the end.
      let after = line[range.upperBound...]
      guard let value = Double(after.split(separator: " ").first ?? "") else { return nil }
      if let wer = line.firstRange(of: "%WER") {
        let rewritten = "%WER" + line[wer.upperBound...] + " " + line[..<wer.lowerBound]
        return (value, tidy(rewritten))
      }
      return (value, tidy(line))
    }
    // sclite: "| Sum/Avg|  192  7215 | 84.2 11.0 4.8 2.7 18.5 100.0 | ..." (or Mean); Err is the 5th percentage.
    for label in ["Sum/Avg", "Mean"] {
      guard let at = line.firstRange(of: label) else { continue }
      let rest = line[at.upperBound...]
      let fields = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
      // | snt wrd | corr sub del ins err serr |
      guard fields.count >= 11, fields[0] == "|", fields[3] == "|", fields[10] == "|", let err = Double(fields[8]) else { continue }
      let rewritten = "%WER \(fields[8]) " + rest + " " + line[..<at.lowerBound]
      return (err, tidy(rewritten))
    }
    return nil
  }

  /// best_wer.sh first turns "|1" into "| 1" and "1|" into "1 |".
  static func spaceOutBars(_ s: String) -> String {
    var out = ""
    let chars = Array(s)
    for (i, c) in chars.enumerated() {
      out.append(c)
      if c == "|", i + 1 < chars.count, chars[i + 1].isNumber { out.append(" ") }
      if c.isNumber, i + 1 < chars.count, chars[i + 1] == "|" { out.append(" ") }
    }
    return out
  }

  /// Collapses runs of white space and drops a trailing ':' or ': |' (grep's file prefix).
  static func tidy(_ s: String) -> String {
    var t = s.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    for suffix in [": |", ":"] where t.hasSuffix(suffix) {
      t.removeLast(suffix.count)
      break
    }
    while t.hasSuffix(" ") { t.removeLast() }
    return t
  }

  static func firstMatch(of needles: [String], in s: String) -> Range<String.Index>? {
    needles.compactMap { s.firstRange(of: $0) }.min { $0.lowerBound < $1.lowerBound }
  }
}

