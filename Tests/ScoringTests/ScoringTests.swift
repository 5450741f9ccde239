import Foundation
import KaldiBase
import KaldiIO
import Scoring
import Testing
import TestSupport

enum Fixture {
  static let folder = FixtureFolder(besides: #filePath)
  static func path(_ name: String) -> String { folder.path(name) }
  static func text(_ name: String) throws -> String { try folder.text(name) }
  static func table(_ name: String) throws -> [(String, [String])] {
    let reader = try SequentialTableReader<TokenVectorHolder>("ark:" + path(name))
    var out: [(String, [String])] = []
    while let (k, v) = try reader.next() { out.append((k, v)) }
    return out
  }
}

/// compute-wer as the library computes it: reference order, hypotheses looked up by key.
func computeWer(_ refFile: String, _ hypFile: String, mode: String) throws -> String {
  let hyps = Dictionary(uniqueKeysWithValues: try Fixture.table(hypFile))
  var wer = WordErrorRate()
  var vocabulary = Vocabulary()
  for (key, ref) in try Fixture.table(refFile) {
    if let hyp = hyps[key] {
      wer.add(reference: ref, hypothesis: hyp, vocabulary: &vocabulary)
    } else {
      wer.absentSentences += 1
      if mode == "all" { wer.add(reference: ref, hypothesis: [], vocabulary: &vocabulary) }
    }
  }
  return wer.report
}

@Suite struct ComputeWerTests {
  @Test(arguments: [("present", "rand_hyp.txt"), ("all", "rand_hyp.txt"), ("strict", "rand_hyp_full.txt")])
  func realKaldiOutputs(mode: String, hyp: String) throws {
    #expect(try computeWer("rand_ref.txt", hyp, mode: mode) == Fixture.text("rand_compute-wer.\(mode).txt"))
  }

  @Test func demo() throws {
    #expect(try computeWer("demo_ref.txt", "demo_hyp.txt", mode: "present") == Fixture.text("demo_compute-wer.txt"))
  }

  @Test func emptySides() {
    var v = Vocabulary()
    var wer = WordErrorRate()
    wer.add(reference: [], hypothesis: ["a", "b"], vocabulary: &v)
    #expect(wer.report == "%WER inf [ 2 / 0, 2 ins, 0 del, 0 sub ]\n%SER 100.00 [ 1 / 1 ]\nScored 1 sentences, 0 not present in hyp.\n")
    var empty = WordErrorRate()
    empty.add(reference: [], hypothesis: [], vocabulary: &v)
    #expect(empty.report.hasPrefix("%WER -nan [ 0 / 0, 0 ins, 0 del, 0 sub ]\n%SER 0.00 [ 0 / 1 ]"))
    var deleted = WordErrorRate()
    deleted.add(reference: ["中文", "é"], hypothesis: [], vocabulary: &v)
    #expect(deleted.report.hasPrefix("%WER 100.00 [ 2 / 2, 0 ins, 2 del, 0 sub ]"))
  }
}

@Suite struct AlignmentTests {
  func alignText(_ ref: [String], _ hyp: [String], eps: String) -> String {
    levenshteinAlignment(reference: ref, hypothesis: hyp).map { "\($0.reference ?? eps) \($0.hypothesis ?? eps)" }.joined(separator: " ; ")
  }

  @Test(arguments: [("<eps>", "rand_align-text.txt"), ("***", "rand_align-text.stars.txt")])
  func alignTextMatchesKaldi(eps: String, expected: String) throws {
    let hyps = Dictionary(uniqueKeysWithValues: try Fixture.table("rand_hyp.txt"))
    var out = ""
    for (key, ref) in try Fixture.table("rand_ref.txt") {
      guard let hyp = hyps[key] else { continue }
      let aligned = alignText(ref, hyp, eps: eps)
      out += aligned.isEmpty ? "\(key) \n" : "\(key) \(aligned) \n"
    }
    // The tables' words are byte strings (ByteString); the fixture is read as UTF-8.
    #expect(ByteString.unicode(out) == (try Fixture.text(expected)))
  }

  @Test func perUtteranceDetailsMatchKaldisScript() throws {
    var out = ""
    for line in try Fixture.text("rand_align-text.stars.txt").split(separator: "\n") {
      out += try UtteranceDetails(alignmentLine: String(line), specialSymbol: "***", separator: ";").lines()
    }
    #expect(out == (try Fixture.text("rand_per_utt.txt")))
    let hyps = Dictionary(uniqueKeysWithValues: try Fixture.table("demo_hyp.txt"))
    var demo = ""
    for (key, ref) in try Fixture.table("demo_ref.txt") {
      demo += try UtteranceDetails(alignmentLine: "\(key) " + alignText(ref, hyps[key]!, eps: "<eps>"), specialSymbol: "<eps>", separator: ";").lines()
    }
    #expect(demo == (try Fixture.text("demo_per_utt.txt")))
  }

  @Test func badSeparatorIsAnError() {
    #expect(throws: ScoringError.self) { try UtteranceDetails(alignmentLine: "u a a | b b", specialSymbol: "<eps>", separator: ";") }
  }

  @Test func sclitesSummaryTable() throws {
    let hyps = Dictionary(uniqueKeysWithValues: try Fixture.table("demo_hyp.txt"))
    var summary = SystemSummary(title: "demo_hyp.trn")
    var v = Vocabulary()
    for (key, ref) in try Fixture.table("demo_ref.txt") {
      let counts = editDistance(reference: v.ids(for: ref), hypothesis: v.ids(for: hyps[key]!))
      summary.add(speaker: String(key.split(separator: "_")[0]), referenceWords: ref.count, counts: counts)
    }
    #expect(summary.report == (try Fixture.text("demo_sclite.sys")))
  }

  @Test func speakerSummaryFollowsKaldisScript() {
    var s = SpeakerSummary()
    s.add(speaker: "spk1", c: 5, s: 0, i: 0, d: 1)
    s.add(speaker: "spk1", c: 4, s: 1, i: 1, d: 0)
    s.add(speaker: "spk2", c: 2, s: 0, i: 1, d: 0)
    #expect(s.report() == """
      SPEAKER         id       #SENT      #WORD       Corr        Sub        Ins        Del        Err      S.Err
      spk1            raw          2         11          9          1          1          1          3          2
      spk1            sys          2         11      81.82       9.09       9.09       9.09      27.27     100.00
      spk2            raw          1          2          2          0          1          0          1          1
      spk2            sys          1          2     100.00       0.00      50.00       0.00      50.00     100.00
      SUM             raw          3         13         11          1          2          1          4          3
      SUM             sys          3         13      84.62       7.69      15.38       7.69      30.77     100.00

      """)
  }
}

/// The fast two-row edit distance against a slow full-table one with the same tie rule, and
/// against the textbook minimum.
@Suite struct EditDistancePropertyTests {
  struct Cell { var cost = 0, ins = 0, del = 0, sub = 0 }

  /// Obviously correct reference: the whole (hyp+1)×(ref+1) table, each cell from its three
  /// neighbours with compute-wer's preference (sub/match strictly best, then del, then ins).
  func slow(_ ref: [Int32], _ hyp: [Int32]) -> ErrorCounts {
    var t = [[Cell]](repeating: [Cell](repeating: Cell(), count: ref.count + 1), count: hyp.count + 1)
    for r in 0...ref.count { t[0][r] = Cell(cost: r, ins: 0, del: r, sub: 0) }
    for h in 1..<(hyp.count + 1) {
      t[h][0] = Cell(cost: t[h - 1][0].cost + 1, ins: t[h - 1][0].ins + 1, del: t[h - 1][0].del, sub: 0)
      for r in 1..<(ref.count + 1) {
        let mismatch = hyp[h - 1] == ref[r - 1] ? 0 : 1
        let s = t[h - 1][r - 1].cost + mismatch, d = t[h][r - 1].cost + 1, i = t[h - 1][r].cost + 1
        if s < i && s < d {
          t[h][r] = t[h - 1][r - 1]; t[h][r].cost = s; t[h][r].sub += mismatch
        } else if d < i {
          t[h][r] = t[h][r - 1]; t[h][r].cost = d; t[h][r].del += 1
        } else {
          t[h][r] = t[h - 1][r]; t[h][r].cost = i; t[h][r].ins += 1
        }
      }
    }
    let c = t[hyp.count][ref.count]
    return ErrorCounts(insertions: c.ins, deletions: c.del, substitutions: c.sub)
  }

  func textbook(_ a: [Int32], _ b: [Int32]) -> Int {
    var row = Array(0...b.count)
    for i in 1..<(a.count + 1) {
      var next = [i] + [Int](repeating: 0, count: b.count)
      for j in 1..<(b.count + 1) { next[j] = min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)) }
      row = next
    }
    return row[b.count]
  }

  @Test func randomPairsAgreeWithTheSlowReference() {
    var state: UInt64 = 42
    func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % UInt64(n)) }
    for _ in 0..<2000 {
      let vocab = 1 + next(6)  // small vocabularies: many ties
      let ref = (0..<next(15)).map { _ in Int32(next(vocab)) }
      let hyp = (0..<next(15)).map { _ in Int32(next(vocab)) }
      let fast = editDistance(reference: ref, hypothesis: hyp)
      #expect(fast == slow(ref, hyp), "ref \(ref) hyp \(hyp)")
      #expect(fast.errors == textbook(ref, hyp))
      #expect(levenshteinAlignment(reference: ref, hypothesis: hyp).filter { $0.reference != $0.hypothesis }.count == fast.errors)
    }
  }
}

@Suite struct PhoneFoldingTests {
  @Test func timitFolding() throws {
    let to39 = try PhoneFolding(mapFile: Fixture.path("phones.60-48-39.map"), from: 48, to: 39)
    #expect(to39.fold(["sil", "cl", "vcl", "epi", "ao", "ix", "zh", "q", "unknown"]) == ["sil", "sil", "sil", "sil", "aa", "ih", "sh", "unknown"])
    let to48 = try PhoneFolding(mapFile: Fixture.path("phones.60-48-39.map"), from: 60, to: 48)
    #expect(to48.fold(["h#", "bcl", "b", "q", "ax-h", "ux", "pau"]) == ["sil", "vcl", "b", "ax", "uw", "sil"])
    #expect(throws: KaldiError.self) { try PhoneFolding(mapFile: Fixture.path("phones.60-48-39.map"), from: 39, to: 48) }
  }
}
