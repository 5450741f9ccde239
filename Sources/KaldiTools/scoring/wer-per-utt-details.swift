import KaldiBase
import KaldiIO
import Scoring

/// `wer-per-utt-details`: Kaldi's `utils/scoring/wer_per_utt_details.pl` as a tool.
public enum WerPerUttDetails: KaldiTool {
  public static let name = "wer-per-utt-details"
  public static let usage = """
    Reads align-text output and prints, per utterance, the aligned reference, hypothesis
    and edit operations (C, S, I, D) in centred columns, and the counts of each (#csid);
    the output of Kaldi's utils/scoring/wer_per_utt_details.pl.

    Usage: wer-per-utt-details [options] [<alignment-rxfilename> [<details-wxfilename>]]
     e.g.: align-text --special-symbol='***' ark:ref.txt ark:hyp.txt ark,t:- | wer-per-utt-details --special-symbol='***'
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let special = invocation.option("special-symbol", "<eps>", "Symbol align-text used for the empty side of an insertion or deletion")
    let separator = invocation.option("separator", ";", "Separator between aligned pairs")
    let showHyp = invocation.option("output-hyp", true, "Print the hyp line")
    let showRef = invocation.option("output-ref", true, "Print the ref line")
    let showOps = invocation.option("output-ops", true, "Print the op line")
    let showCsid = invocation.option("output-csid", true, "Print the #csid line")
    let args = try invocation.arguments(0...2)
    let input = try InputStream.open(args.first ?? "-")
    let out = try OutputStream.open(args.count == 2 ? args[1] : "-")
    var lineNumber = 0
    while let line = try input.readLine() {
      lineNumber += 1
      if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
      do {
        let details = try UtteranceDetails(alignmentLine: line, specialSymbol: special.value, separator: separator.value)
        try out.write(details.lines(ref: showRef.value, hyp: showHyp.value, ops: showOps.value, counts: showCsid.value))
      } catch let e as ScoringError {
        throw KaldiError("\(e.message) (line \(lineNumber) of \(args.first ?? "standard input"))")
      }
    }
    try input.close()
    try out.commit()
    return 0
  }
}
