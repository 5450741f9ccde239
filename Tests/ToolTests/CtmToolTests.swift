import Foundation
import Testing

/// `lattice-to-ctm-conf` (minimum Bayes risk, confidences) and `nbest-to-ctm` against the
/// outputs of Kaldi's own programs on the same lattices (Fixtures/ctm/README.md).
@Suite struct CtmToolTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("DecodingTests/Fixtures/ctm").path
  func lattices(_ name: String) -> String { "ark:" + Self.fixtures + "/lattices/\(name).txt" }
  func expected(_ name: String) throws -> String { try String(contentsOfFile: Self.fixtures + "/expected/\(name)", encoding: .utf8) }

  /// `(program[version]:function():file:line) `, which differs between Kaldi and ksnn.
  static let logHeader = #" \(.*?\.(cc|swift):[0-9]+\)"#

  /// The option sets the expected files were made with, by their file-name suffix.
  static let optionSets: [String: [String]] = [
    "default": ["--confidence-digits=4"], "default2dig": [], "nombr": ["--confidence-digits=4", "--decode-mbr=false"],
    "sil": ["--confidence-digits=4", "--print-silence=true"],
    "sil_nombr": ["--confidence-digits=4", "--print-silence=true", "--decode-mbr=false"],
    "ac01": ["--confidence-digits=4", "--acoustic-scale=0.1"], "lm2ac02": ["--confidence-digits=4", "--lm-scale=2", "--acoustic-scale=0.2"],
    "fs003": ["--frame-shift=0.03"], "d6": ["--confidence-digits=6"],
  ]

  static let cases: [String] = {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: fixtures + "/expected")) ?? []
    return files.filter { $0.hasSuffix(".ctm") && !$0.hasPrefix("nb") && !$0.hasPrefix("random") }
      .map { String($0.dropLast(4)) }.filter { optionSets[String($0.split(separator: ".")[1])] != nil }.sorted()
  }()

  @Test func everyFixtureHasACase() {
    #expect(Self.cases.count == 70)
  }

  @Test(arguments: cases)
  func ctmWithConfidencesMatchesKaldi(name: String) throws {
    let parts = name.split(separator: ".").map(String.init)
    let run = try Ksnn.run(["lattice-to-ctm-conf"] + Self.optionSets[parts[1]]! + [lattices(parts[0]), "-"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText == (try expected(name + ".ctm")))
  }

  @Test func logLinesAreKaldis() throws {
    let run = try Ksnn.run(["lattice-to-ctm-conf", "--confidence-digits=4", lattices("e5"), "-"])
    let body = run.stderr.split(separator: "\n").dropFirst().map { $0.replacingOccurrences(of: Self.logHeader, with: "", options: .regularExpression) }
    let kaldi = try expected("e5.default.log").split(separator: "\n").map { $0.replacingOccurrences(of: Self.logHeader, with: "", options: .regularExpression) }
    #expect(body == kaldi)
  }

  @Test func startingHypothesisFromATable() throws {
    let root = Self.fixtures
    let given = try Ksnn.sh("ksnn lattice-to-ctm-conf --decode-mbr=false ark:\(root)/lattices/e5.txt 'ark:echo e5 7 8 |' -", in: root)
    #expect(given.stdoutText == (try expected("e5.3arg_78_nombr.ctm")))
    let absent = try Ksnn.sh("ksnn lattice-to-ctm-conf --decode-mbr=false --print-silence=true ark:\(root)/lattices/e5.txt 'ark:echo e5 9 |' -", in: root)
    #expect(absent.stdoutText == (try expected("e5.3arg_9_sil_nombr.ctm")))
    let missing = try Ksnn.sh("ksnn lattice-to-ctm-conf ark:\(root)/lattices/two.txt 'ark:echo e5 5 6 |' -", in: root)
    #expect(missing.stdoutText == (try expected("two.3arg.ctm")))
    #expect(missing.stderr.contains("No 1-best present for utterance e2"))
    #expect(missing.stderr.contains("Done 1 lattices."))
  }

  /// 300 random lattices (state times up to 25 frames, ε arcs, several final states): every
  /// line of Kaldi's output, MBR and MAP with ε bins, and the summary risks.
  @Test func randomLatticesMatchKaldi() throws {
    let mbr = try Ksnn.run(["lattice-to-ctm-conf", "--confidence-digits=4", "--acoustic-scale=0.5", lattices("random300_seed7"), "-"])
    #expect(mbr.stdoutText == (try expected("random300.ac05.d4.ctm")))
    let summary = mbr.stderr.split(separator: "\n").suffix(2).map { $0.replacingOccurrences(of: Self.logHeader, with: "", options: .regularExpression) }
    let kaldi = try expected("random300.ac05.d4.summary.log").split(separator: "\n").map { $0.replacingOccurrences(of: Self.logHeader, with: "", options: .regularExpression) }
    #expect(summary == kaldi)
    let map = try Ksnn.run(["lattice-to-ctm-conf", "--confidence-digits=4", "--acoustic-scale=0.5", "--print-silence=true",
                            "--decode-mbr=false", lattices("random300_seed7"), "-"])
    #expect(map.stdoutText == (try expected("random300.ac05.d4.sil_nombr.ctm")))
  }

  @Test func cyclicLatticeIsAnErrorNamingItsKey() throws {
    let ws = try Workspace()
    try ws.write("cyclic.txt", "u1\n0\t1\t5\t1,1,1_1\n1\t0\t6\t1,1,2\n1\t0,0,\n\n")
    let run = try Ksnn.run(["lattice-to-ctm-conf", "ark:" + ws.path + "/cyclic.txt", "-"])
    #expect(run.status == 255)
    #expect(run.stderr.contains("Cycles detected in lattice. (key 'u1' in 'ark:\(ws.path)/cyclic.txt')"), "\(run.stderr)")
  }

  @Test func wspecifierAsCtmFileIsAnError() throws {
    let run = try Ksnn.run(["lattice-to-ctm-conf", lattices("e5"), "ark:-"])
    #expect(run.status == 255)
    #expect(run.stderr.contains("The output ctm file should not be a wspecifier"))
  }

  @Test(arguments: [
    ("nb", [String]()), ("nb__frame_shift_0.03", ["--frame-shift=0.03"]), ("nb__frame_shift_0.0001", ["--frame-shift=0.0001"]),
    ("nb__frame_shift_0.02___precision_1", ["--frame-shift=0.02", "--precision=1"]), ("nb__print_silence_true", ["--print-silence=true"]),
  ])
  func nbestToCtmMatchesKaldi(name: String, options: [String]) throws {
    let run = try Ksnn.run(["nbest-to-ctm"] + options + [lattices("nb"), "-"])
    #expect(run.status == 0)
    #expect(run.stdoutText == (try expected(name + ".ctm")))
    if options.isEmpty {
      let body = run.stderr.split(separator: "\n").dropFirst().map { $0.replacingOccurrences(of: Self.logHeader, with: "", options: .regularExpression) }
      let kaldi = try expected("nb.log").split(separator: "\n").map { $0.replacingOccurrences(of: Self.logHeader, with: "", options: .regularExpression) }
      #expect(body == kaldi)
    }
  }
}
