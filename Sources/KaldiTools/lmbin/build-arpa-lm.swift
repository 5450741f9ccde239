import Decoding
import KaldiBase
import KaldiIO

/// `build-arpa-lm`: an n-gram language model estimated from training text, as ARPA.
public enum BuildArpaLm: KaldiTool {
  public static let name = "build-arpa-lm"
  public static let usage = """
    Estimate a backoff n-gram language model with interpolated Witten-Bell smoothing (as
    IRSTLM's build-lm.sh, used by Kaldi's TIMIT recipe for its phone bigram) from sentences,
    one per line, and write it in ARPA format. With --skip-first-field the first word of each
    line (a Kaldi utterance id) is dropped.
    Usage:  build-arpa-lm [options] <text-rxfilename> <arpa-wxfilename>
    e.g.: build-arpa-lm --order=2 --skip-first-field=true data/train/text data/local/lm/phone_bigram.arpa
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let order = invocation.option("order", 2, "N-gram order")
    let skipFirst = invocation.option("skip-first-field", false, "Drop the first field of each line (an utterance id)")
    let args = try invocation.arguments(2)
    let input = try InputStream.open(args[0])
    var sentences: [[String]] = []
    while let line = try input.readLine() {
      var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
      if skipFirst.value && !words.isEmpty { words.removeFirst() }
      if !words.isEmpty { sentences.append(words) }
    }
    try input.close()
    guard !sentences.isEmpty else { throw KaldiError("No sentences in \(args[0])") }
    let lm = try NgramLanguageModel(order: order.value, sentences: sentences)
    let out = try OutputStream.open(args[1])
    try out.write(lm.arpa)
    try out.commit()
    KaldiLog.log("Estimated a \(order.value)-gram model from \(sentences.count) sentences: " + (1...order.value).map { "\(lm.ngrams[$0 - 1].count) \($0)-grams" }.joined(separator: ", "))
    return 0
  }
}
