import KaldiBase
import KaldiIO
import Scoring

/// `wer-sys-summary`: sclite's per-speaker summary table from Kaldi transcripts.
public enum WerSysSummary: KaldiTool {
  public static let name = "wer-sys-summary"
  public static let usage = """
    Prints sclite's "SYSTEM SUMMARY PERCENTAGES by SPEAKER" table (the .sys report, with its
    Sum/Avg row that utils/best_wer.sh reads) for Kaldi text transcripts. Errors are counted
    as compute-wer counts them; totals equal sclite's, the split into Sub/Del/Ins can differ
    where sclite's weighted alignment breaks ties differently. Speakers come from --utt2spk,
    else from the utterance id up to its first '_' (sclite's rule for trn files).

    Usage: wer-sys-summary [options] <ref-rspecifier> <hyp-rspecifier>
     e.g.: wer-sys-summary --utt2spk=data/test/utt2spk --title=ctm_39phn ark:ref39.txt ark:hyp39.txt > score_4/ctm_39phn.sys
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let utt2spkFile = invocation.option("utt2spk", "", "utt2spk file mapping utterances to speakers")
    let title = invocation.option("title", "", "System name in the table's title row (default: the hypothesis file name)")
    let mode = invocation.option("mode", "all", "Missing hypotheses: \"all\" scores them as empty, \"present\" skips them, \"strict\" is an error")
    let args = try invocation.arguments(2)
    var utt2spk: [String: String] = [:]
    if !utt2spkFile.value.isEmpty {
      let stream = try InputStream.open(utt2spkFile.value)
      while let line = try stream.readLine() {
        let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        if f.count >= 2 { utt2spk[String(f[0])] = String(f[1]) }
      }
      try stream.close()
    }
    let defaultTitle = ReadSpecifier(args[1]).map { String($0.filename.split(separator: "/").last ?? "") } ?? args[1]
    var summary = SystemSummary(title: title.value.isEmpty ? defaultTitle : title.value)
    let refs = try SequentialTableReader<TokenVectorHolder>(args[0])
    let hyps = try RandomAccessTableReader<TokenVectorHolder>(args[1])
    var vocabulary = Vocabulary()
    while let (key, ref) = try refs.next() {
      var hyp: [String] = []
      if try hyps.hasKey(key) {
        hyp = try hyps.value(for: key)
      } else if mode.value == "strict" {
        throw KaldiError("No hypothesis for key \(key) and strict mode specifier.")
      } else if mode.value == "present" {
        continue
      }
      let speaker = utt2spk[key] ?? String(key.split(separator: "_", maxSplits: 1).first ?? Substring(key))
      let counts = editDistance(reference: vocabulary.ids(for: ref), hypothesis: vocabulary.ids(for: hyp))
      summary.add(speaker: speaker, referenceWords: ref.count, counts: counts)
    }
    let out = try OutputStream.open("-")
    try out.write(summary.report)
    try out.commit()
    return 0
  }
}
