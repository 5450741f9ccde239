#if canImport(Glibc)
import Glibc
#endif
import KaldiBase

/// sclite's "SYSTEM SUMMARY PERCENTAGES by SPEAKER" table (the `.sys` report), laid out as
/// sclite 2.10 lays it out, so results can be read beside numbers from the TIMIT literature
/// and fed to `best_wer.sh`.
///
/// The counts are compute-wer's (Kaldi's tie rule), not sclite's weighted alignment: totals
/// are always the same, the split between substitutions, deletions and insertions can differ
/// on some utterances.
public struct SystemSummary {
  public struct Speaker {
    public var name: String
    public var sentences = 0
    public var words = 0
    public var correct = 0
    public var counts = ErrorCounts()
    public var sentenceErrors = 0
  }

  public var title: String
  public private(set) var speakers: [String: Speaker] = [:]

  public init(title: String) { self.title = title }

  /// Adds one utterance's counts to its speaker.
  public mutating func add(speaker: String, referenceWords: Int, counts: ErrorCounts) {
    var s = speakers[speaker, default: Speaker(name: speaker)]
    s.sentences += 1
    s.words += referenceWords
    s.correct += referenceWords - counts.deletions - counts.substitutions
    s.counts += counts
    if counts.errors > 0 { s.sentenceErrors += 1 }
    speakers[speaker] = s
  }

  /// The report text.
  public var report: String {
    let ordered = speakers.keys.sorted().map { speakers[$0]! }
    var rows: [Row] = []
    rows.append(Row(cells: [" SPKR", " # Snt", "# Wrd", "Corr", " Sub", " Del", " Ins", " Err", "S.Err"], leftFirst: true, separatorBefore: "-"))
    for s in ordered {
      var cells = [" \(s.name) ", int5(s.sentences), int5(s.words)]
      let values = [s.correct, s.counts.substitutions, s.counts.deletions, s.counts.insertions, s.counts.errors]
      if s.words > 0 {
        cells += values.map { pct1(percentage($0, s.words)) }
      } else {
        cells += values.map { formatC("%5.0f*", round(percentage($0, s.words), 0)) }
      }
      cells.append(pct1(percentage(s.sentenceErrors, s.sentences)))
      rows.append(Row(cells: cells, leftFirst: true, separatorBefore: "-"))
    }
    let total = ordered.reduce(into: Speaker(name: "")) { t, s in
      t.sentences += s.sentences; t.words += s.words; t.correct += s.correct
      t.counts += s.counts; t.sentenceErrors += s.sentenceErrors
    }
    rows.append(Row(cells: [" Sum/Avg", int5(total.sentences), int5(total.words)]
      + [total.correct, total.counts.substitutions, total.counts.deletions, total.counts.insertions, total.counts.errors].map { pct1(percentage($0, total.words)) }
      + [pct1(percentage(total.sentenceErrors, total.sentences))], leftFirst: true, separatorBefore: "="))

    // Mean, S.D. and median over speakers; speakers without reference words are left out of
    // the percentage columns, as sclite does.
    let scored = ordered.filter { $0.words > 0 }
    let someEmpty = scored.count != ordered.count
    func columnStats(_ f: (Speaker) -> Double, over list: [Speaker]) -> (Double, Double, Double) { statistics(list.map(f)) }
    let columns: [(Speaker) -> Double] = [
      { percentage($0.correct, $0.words) }, { percentage($0.counts.substitutions, $0.words) },
      { percentage($0.counts.deletions, $0.words) }, { percentage($0.counts.insertions, $0.words) },
      { percentage($0.counts.errors, $0.words) },
    ]
    let sentStats = columnStats({ Double($0.sentences) }, over: ordered)
    let wordStats = columnStats({ Double($0.words) }, over: ordered)
    let pctStats = columns.map { columnStats($0, over: scored) }
    let serrStats = columnStats({ percentage($0.sentenceErrors, $0.sentences) }, over: ordered)
    for (k, label) in [" Mean ", " S.D. ", "Median"].enumerated() {
      func pick(_ s: (Double, Double, Double)) -> Double { k == 0 ? s.0 : k == 1 ? s.1 : s.2 }
      let pctFormat = someEmpty ? "%5.1f+" : "%5.1f "
      rows.append(Row(
        cells: [label, pct1(pick(sentStats)), pct1(pick(wordStats))] + pctStats.map { formatC(pctFormat, round(pick($0), 1)) } + [pct1(pick(serrStats))],
        leftFirst: false, separatorBefore: k == 0 ? "=" : nil))
    }
    return render(rows)
  }

  private struct Row {
    var cells: [String]
    var leftFirst: Bool
    var separatorBefore: Character?
  }

  /// sclite's report generator for this table: column widths from the widest cell, no padding,
  /// one character between columns ('|' between the name, count and percentage groups), the
  /// box centred on an 80-column page.
  private func render(_ rows: [Row]) -> String {
    let widths = (0..<9).map { c in rows.map { ByteString.byteCount(of: $0.cells[c]) }.max()! }
    let width = 2 + widths.reduce(0, +) + 8
    let margin = String(repeating: " ", count: width < 80 ? (80 - width) / 2 : 0)
    let groupBreaks: Set<Int> = [0, 2]  // '|' after these columns
    var out = "\n\n\n" + centre("SYSTEM SUMMARY PERCENTAGES by SPEAKER", 80) + "\n\n"
    out += margin + "," + String(repeating: "-", count: width - 2) + ".\n"
    out += margin + "|" + centre(title, width - 2) + "|\n"
    for (r, row) in rows.enumerated() {
      if let sep = row.separatorBefore {
        var line = "|"
        for c in 0..<9 {
          line += String(repeating: String(sep), count: widths[c])
          if c < 8 {
            // A '-' rule crossing a '|' that the previous row also had becomes '+'.
            line += groupBreaks.contains(c) ? (sep == "-" && r > 0 ? "+" : String(sep)) : String(sep)
          }
        }
        out += margin + line + "|\n"
      }
      var line = "|"
      for c in 0..<9 {
        let cell = row.cells[c]
        line += (c == 0 && row.leftFirst) ? cell + String(repeating: " ", count: widths[c] - ByteString.byteCount(of: cell)) : centre(cell, widths[c])
        if c < 8 { line += groupBreaks.contains(c) ? "|" : " " }
      }
      out += margin + line + "|\n"
    }
    out += margin + "`" + String(repeating: "-", count: width - 2) + "'\n"
    return out
  }
}

/// sclite's `pct`: 0 when the denominator is 0.
private func percentage(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) * 100 }

/// sclite's `F_ROUND`: round half away from zero at `places` decimals through float.
private func round(_ x: Double, _ places: Int) -> Double {
  let scale = pow(10.0, Double(Float(places)))
  let shifted = Int32(truncatingIfNeeded: Int(x * scale + (x > 0 ? 0.5 : -0.5)))
  return Double(Float(shifted)) / scale
}

private func pct1(_ x: Double) -> String { formatC("%5.1f ", round(x, 1)) }
private func int5(_ n: Int) -> String { formatC("%5d", n) }

/// Mean, sample standard deviation and median, as sclite's calc_mean_var_std_dev_Zstat.
private func statistics(_ values: [Double]) -> (Double, Double, Double) {
  guard !values.isEmpty else { return (0, 0, 0) }
  let mean = values.reduce(0, +) / Double(values.count)
  let sorted = values.sorted()
  let n = sorted.count
  let median = n % 2 == 0 ? (sorted[n / 2] + sorted[n / 2 - 1]) / 2 : sorted[n / 2]
  let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
  let sd = squares != 0 ? (squares / Double(n - 1)).squareRoot() : 0
  return (mean, sd, median)
}

/// sclite's `center`: the odd space goes to the right.
private func centre(_ s: String, _ width: Int) -> String {
  let spare = max(0, width - ByteString.byteCount(of: s))
  let left = spare / 2
  return String(repeating: " ", count: left) + s + String(repeating: " ", count: spare - left)
}

func formatC(_ format: String, _ value: Double) -> String {
  var buffer = [CChar](repeating: 0, count: 64)
  let count = buffer.withUnsafeMutableBufferPointer { out in withVaList([value]) { vsnprintf(out.baseAddress, 64, format, $0) } }
  return String(decoding: buffer[0..<Int(count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func formatC(_ format: String, _ value: Int) -> String {
  var buffer = [CChar](repeating: 0, count: 64)
  let count = buffer.withUnsafeMutableBufferPointer { out in withVaList([Int32(truncatingIfNeeded: value)]) { vsnprintf(out.baseAddress, 64, format, $0) } }
  return String(decoding: buffer[0..<Int(count)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
