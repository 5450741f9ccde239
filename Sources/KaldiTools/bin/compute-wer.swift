import KaldiBase
import KaldiIO
import Scoring

/// `compute-wer`: corpus WER and SER of hypotheses against references, Kaldi's counting.
public enum ComputeWer: KaldiTool {
  public static let name = "compute-wer"
  public static let usage = """
    Compute WER by comparing different transcriptions
    Takes two transcription files, in integer or text format,
    and outputs overall WER statistics to standard output.

    Usage: compute-wer [options] <ref-rspecifier> <hyp-rspecifier>
    E.g.: compute-wer --text --mode=present ark:data/train/text ark:hyp_text
    See also: align-text,
    Example scoring script: recipes/steps/score.sh
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let mode = invocation.option("mode", "strict", "Scoring mode: \"present\"|\"all\"|\"strict\":\n  \"present\" means score those we have transcriptions for\n  \"all\" means treat absent transcriptions as empty\n  \"strict\" means die if all in ref not also in hyp")
    _ = invocation.option("text", false, "Deprecated option! Keeping for compatibility reasons.")
    let args = try invocation.arguments(2)
    guard ["strict", "present", "all"].contains(mode.value) else {
      throw KaldiError("--mode option invalid: expected \"present\"|\"all\"|\"strict\", got \(mode.value)")
    }
    let refs = try SequentialTableReader<TokenVectorHolder>(args[0])
    let hyps = try RandomAccessTableReader<TokenVectorHolder>(args[1])
    var wer = WordErrorRate()
    var vocabulary = Vocabulary()
    var seen = Set<String>()
    while let (key, ref) = try refs.next() {
      guard seen.insert(key).inserted else { throw KaldiError("Duplicate key \(key) in the reference \(args[0])") }
      var hyp: [String] = []
      if try hyps.hasKey(key) {
        hyp = try hyps.value(for: key)
      } else {
        if mode.value == "strict" { throw KaldiError("No hypothesis for key \(key) and strict mode specifier.") }
        wer.absentSentences += 1
        if mode.value == "present" { continue }
      }
      wer.add(reference: ref, hypothesis: hyp, vocabulary: &vocabulary)
    }
    let out = try OutputStream.open("-")
    try out.write(wer.report)
    try out.commit()
    return 0
  }
}
