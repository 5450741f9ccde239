import KaldiBase
import KaldiIO
import Scoring

/// `align-text`: the Levenshtein alignment of each reference with its hypothesis.
public enum AlignText: KaldiTool {
  public static let name = "align-text"
  public static let usage = """
    Computes alignment between two sentences with the same key in the
    two given input text-rspecifiers. The current implementation uses
    Levenshtein distance as the distance metric.

    The input text file looks like follows:
      key1 a b c
      key2 d e

    The output alignment file looks like follows:
      key1 a a ; b <eps> ; c c 
      key2 d f ; e e 
    where the aligned pairs are separated by ";"

    Usage: align-text [options] <text1-rspecifier> <text2-rspecifier> \\
                                  <alignment-wspecifier>
     e.g.: align-text ark:text1.txt ark:text2.txt ark,t:alignment.txt
    See also: compute-wer, wer-per-utt-details
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let special = invocation.option("special-symbol", "<eps>", "Special symbol to be aligned with the inserted or deleted words. Your sentences should not contain this symbol.")
    let separator = invocation.option("separator", ";", "Separator for each aligned pair in the output alignment file.  Note: it should not be necessary to change this even if your sentences contain ';', because to parse the output of this program you can just split on space and then assert that every third token is ';'.")
    let args = try invocation.arguments(3)
    let texts1 = try SequentialTableReader<TokenVectorHolder>(args[0])
    let texts2 = try RandomAccessTableReader<TokenVectorHolder>(args[1])
    let writer = try TableWriter<TokenVectorHolder>(args[2])
    var done = 0, failed = 0
    while let (key, text1) = try texts1.next() {
      guard try texts2.hasKey(key) else {
        KaldiLog.warn("Key \(key) is in \(args[0]), but not in \(args[1])")
        failed += 1
        continue
      }
      let text2 = try texts2.value(for: key)
      for (name, text) in [("text1", text1), ("text2", text2)] where text.contains(special.value) {
        throw KaldiError("In \(name), the utterance \(key) contains the special symbol '\(special.value)'. This is not allowed.")
      }
      var tokens: [String] = []
      let aligned = levenshteinAlignment(reference: text1, hypothesis: text2)
      for (k, pair) in aligned.enumerated() {
        tokens.append(pair.reference ?? special.value)
        tokens.append(pair.hypothesis ?? special.value)
        if k + 1 < aligned.count { tokens.append(separator.value) }
      }
      try writer.write(key, tokens)
      done += 1
    }
    try writer.close()
    KaldiLog.log("Done \(done) sentences, failed for \(failed)")
    return done != 0 ? 0 : 1
  }
}
