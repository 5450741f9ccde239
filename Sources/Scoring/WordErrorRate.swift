#if canImport(Glibc)
import Glibc
#endif
import KaldiBase

/// compute-wer's totals over a corpus and the three lines it prints.
public struct WordErrorRate: Equatable, Sendable {
  public var counts = ErrorCounts()
  public var referenceWords = 0
  public var sentences = 0
  public var sentenceErrors = 0
  /// Keys of the reference with no hypothesis (scored as empty in mode `all`, skipped in `present`).
  public var absentSentences = 0

  public init() {}

  /// Adds one scored sentence.
  public mutating func add(reference: [String], hypothesis: [String], vocabulary: inout Vocabulary) {
    let (r, h) = (vocabulary.ids(for: reference), vocabulary.ids(for: hypothesis))
    counts += editDistance(reference: r, hypothesis: h)
    referenceWords += reference.count
    sentences += 1
    if r != h { sentenceErrors += 1 }
  }

  /// `%WER 30.77 [ 4 / 13, 2 ins, 1 del, 1 sub ]`, `%SER ...`, `Scored ...`, as Kaldi prints
  /// them (percentages computed in float, printed with two decimals).
  public var report: String {
    let wer = percent(counts.errors, referenceWords)
    let ser = percent(sentenceErrors, sentences)
    return "%WER \(wer) [ \(counts.errors) / \(referenceWords), \(counts.insertions) ins, \(counts.deletions) del, \(counts.substitutions) sub ]"
      + (absentSentences != 0 ? " [PARTIAL]" : "") + "\n"
      + "%SER \(ser) [ \(sentenceErrors) / \(sentences) ]\n"
      + "Scored \(sentences) sentences, \(absentSentences) not present in hyp.\n"
  }
}

/// `100.0 * float(a) / float(b)` rounded to float, printed with `%.2f`, as compute-wer does;
/// 0/0 prints `-nan` and x/0 `inf`, as Kaldi does on x86-64.
func percent(_ a: Int, _ b: Int) -> String {
  if b == 0 { return a == 0 ? "-nan" : "inf" }
  let value = Float(100.0 * Double(Float(a)) / Double(Float(b)))
  return formatFixed(Double(value), decimals: 2)
}

