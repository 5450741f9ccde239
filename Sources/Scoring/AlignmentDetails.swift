import KaldiBase

/// The per-utterance view of an align-text line that Kaldi's
/// `utils/scoring/wer_per_utt_details.pl` prints: ref, hyp and op rows with centred columns,
/// and the `#csid` counts.
public struct UtteranceDetails: Equatable, Sendable {
  public var key: String
  public var reference: [String]
  public var hypothesis: [String]
  public var operations: [String]

  /// Correct, substituted, inserted, deleted.
  public var csid: (c: Int, s: Int, i: Int, d: Int) {
    (operations.filter { $0 == "C" }.count, operations.filter { $0 == "S" }.count,
     operations.filter { $0 == "I" }.count, operations.filter { $0 == "D" }.count)
  }

  public static func == (a: Self, b: Self) -> Bool {
    a.key == b.key && a.reference == b.reference && a.hypothesis == b.hypothesis && a.operations == b.operations
  }

  /// Parses `key r1 h1 ; r2 h2 ; ...` (align-text's output).
  public init(alignmentLine line: String, specialSymbol: String, separator: String) throws {
    let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
    guard let key = fields.first else { throw ScoringError("empty alignment line") }
    self.key = key
    reference = []
    hypothesis = []
    operations = []
    var i = 1
    while i < fields.count {
      guard i + 1 < fields.count else { throw ScoringError("odd number of tokens in the alignment of utterance \(key)") }
      let (r, h) = (fields[i], fields[i + 1])
      i += 2
      if i < fields.count {
        guard fields[i] == separator else {
          throw ScoringError("Detected incorrect separator \(fields[i]) (expected \(separator)) in utterance \(key)")
        }
        i += 1
      }
      reference.append(r)
      hypothesis.append(h)
      operations.append(h == specialSymbol ? "D" : r == specialSymbol ? "I" : r != h ? "S" : "C")
    }
  }

  /// The four lines, each column as wide as its widest entry (in characters), centred with
  /// the odd space on the left.
  public func lines(ref: Bool = true, hyp: Bool = true, ops: Bool = true, counts: Bool = true) -> String {
    var refColumns: [String] = [], hypColumns: [String] = [], opColumns: [String] = []
    for (k, op) in operations.enumerated() {
      let width = max(displayLength(reference[k]), displayLength(hypothesis[k]), displayLength(op))
      refColumns.append(centred(reference[k], width))
      hypColumns.append(centred(hypothesis[k], width))
      opColumns.append(centred(op, width))
    }
    var out = ""
    if ref { out += "\(key) ref  " + refColumns.joined(separator: "  ") + "\n" }
    if hyp { out += "\(key) hyp  " + hypColumns.joined(separator: "  ") + "\n" }
    if ops { out += "\(key) op   " + opColumns.joined(separator: "  ") + "\n" }
    let c = csid
    if counts { out += "\(key) #csid \(c.c) \(c.s) \(c.i) \(c.d)\n" }
    return out
  }
}

/// Characters as Kaldi's Perl scripts count them in text decoded as UTF-8: the Unicode scalars
/// of the bytes `s` carries (`ByteString`).
func displayLength(_ s: String) -> Int { ByteString.unicode(s).unicodeScalars.count }

func centred(_ s: String, _ width: Int) -> String {
  let spare = width - displayLength(s)
  let right = spare / 2
  return String(repeating: " ", count: spare - right) + s + String(repeating: " ", count: right)
}

/// A scoring input that cannot be interpreted.
public struct ScoringError: Error, CustomStringConvertible, Sendable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Kaldi's `utils/scoring/wer_per_spk_details.pl`: per-speaker sums of the `#csid` lines.
public struct SpeakerSummary {
  struct Totals { var c = 0, s = 0, i = 0, d = 0, sentences = 0, sentenceErrors = 0 }
  private var totals: [String: Totals] = [:]
  public init() {}

  public mutating func add(speaker: String, c: Int, s: Int, i: Int, d: Int) {
    var t = totals[speaker, default: Totals()]
    t.c += c; t.s += s; t.i += i; t.d += d
    t.sentences += 1
    if s + i + d != 0 { t.sentenceErrors += 1 }
    totals[speaker] = t
  }

  /// The table: a `raw` row of counts and a `sys` row of percentages per speaker, then `SUM`.
  public func report(speakerWidth minimumSpeakerWidth: Int = 15, fieldWidth: Int = 10) -> String {
    let speakerWidth = max(minimumSpeakerWidth, totals.keys.map(displayLength).max() ?? 0)
    func pad(_ s: String, _ w: Int, left: Bool) -> String {
      let fill = String(repeating: " ", count: max(0, w - displayLength(s)))
      return left ? s + fill : fill + s
    }
    func row(_ name: String, _ kind: String, _ values: [String]) -> String {
      pad(name, speakerWidth, left: true) + " \(kind) " + values.map { pad($0, fieldWidth, left: false) }.joined(separator: " ") + "\n"
    }
    func rows(_ name: String, _ t: Totals) -> String {
      let words = t.c + t.s + t.d
      let errors = t.s + t.d + t.i
      var out = row(name, "raw", [t.sentences, words, t.c, t.s, t.i, t.d, errors, t.sentenceErrors].map(String.init))
      if words != 0 {
        let w = Double(words)
        let p = [100 * Double(t.c) / w, 100 * Double(t.s) / w, 100 * Double(t.i) / w, 100 * Double(t.d) / w,
                 100 * Double(errors) / w, 100 * Double(t.sentenceErrors) / Double(t.sentences)]
        out += row(name, "sys", [String(t.sentences), String(words)] + p.map { formatFixed($0, decimals: 2) })
      }
      return out
    }
    var out = row("SPEAKER", "id ", ["#SENT", "#WORD", "Corr", "Sub", "Ins", "Del", "Err", "S.Err"])
    var sum = Totals()
    for speaker in totals.keys.sorted() {  // byte order (ByteString)
      let t = totals[speaker]!
      out += rows(speaker, t)
      sum.c += t.c; sum.s += t.s; sum.i += t.i; sum.d += t.d
      sum.sentences += t.sentences; sum.sentenceErrors += t.sentenceErrors
    }
    return out + rows("SUM", sum)
  }
}
