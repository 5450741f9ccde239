import KaldiBase
import KaldiIO
import Scoring

/// `wer-per-spk-details`: Kaldi's `utils/scoring/wer_per_spk_details.pl` as a tool.
public enum WerPerSpkDetails: KaldiTool {
  public static let name = "wer-per-spk-details"
  public static let usage = """
    Sums the #csid lines of wer-per-utt-details per speaker and prints, for each speaker and
    for the whole set (SUM), a 'raw' row of counts and a 'sys' row of percentages; the output
    of Kaldi's utils/scoring/wer_per_spk_details.pl.

    Usage: wer-per-spk-details [options] <utt2spk> [<details-rxfilename>]
     e.g.: wer-per-utt-details < align.txt | wer-per-spk-details data/test/utt2spk
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let speakerWidth = invocation.option("spk-field-width", 15, "Width of the first field (speaker id)")
    let fieldWidth = invocation.option("field-width", 10, "Width of the other fields")
    let args = try invocation.arguments(1...2)
    var utt2spk: [String: String] = [:]
    let map = try InputStream.open(args[0])
    var lineNumber = 0
    while let line = try map.readLine() {
      lineNumber += 1
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      if fields.isEmpty { continue }
      guard fields.count == 2 else { throw KaldiError("Incompatible format of the utt2spk file \(args[0]), line \(lineNumber): '\(line)'") }
      utt2spk[String(fields[0])] = String(fields[1])
    }
    try map.close()
    var summary = SpeakerSummary()
    let input = try InputStream.open(args.count == 2 ? args[1] : "-")
    lineNumber = 0
    while let line = try input.readLine() {
      lineNumber += 1
      let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
      guard f.count >= 2, f[1] == "#csid" else { continue }
      guard f.count == 6, let c = Int(f[2]), let s = Int(f[3]), let i = Int(f[4]), let d = Int(f[5]) else {
        throw KaldiError("Incompatible #csid entry on line \(lineNumber): '\(line)'")
      }
      guard let speaker = utt2spk[f[0]] else { throw KaldiError("Utterance \(f[0]) (line \(lineNumber)) is not in \(args[0])") }
      summary.add(speaker: speaker, c: c, s: s, i: i, d: d)
    }
    try input.close()
    let out = try OutputStream.open("-")
    try out.write(summary.report(speakerWidth: speakerWidth.value, fieldWidth: fieldWidth.value))
    try out.commit()
    return 0
  }
}
