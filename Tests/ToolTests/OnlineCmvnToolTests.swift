import Foundation
import Testing

/// `apply-cmvn-online` and `matrix-sum` byte for byte against Kaldi's own programs
/// (FeaturesTests/Fixtures/online_cmvn/README.md).
@Suite struct OnlineCmvnToolTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("FeaturesTests/Fixtures/online_cmvn").path
  func expected(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/" + name)) }

  @Test(arguments: [
    ([String](), "default.ark"),
    (["--spk2utt=ark:spk2utt"], "spk.ark"),
    (["--spk2utt=ark:spk2utt", "--norm-vars=true"], "vars.ark"),
    (["--spk2utt=ark:spk2utt", "--cmn-window=100", "--speaker-frames=50", "--global-frames=20"], "window.ark"),
    (["--skip-dims=0:5", "--cmn-window=150"], "skip.ark"),
    (["--norm-means=false"], "feats.ark"),
  ])
  func applyCmvnOnlineWritesKaldisArchive(options: [String], golden: String) throws {
    let run = try Ksnn.run(["apply-cmvn-online"] + options + ["global.mat", "ark:feats.ark", "ark:-"], in: Self.fixtures)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == (try expected(golden)))
    #expect(run.stderr.contains("Applied online CMVN to 5 files, or 1956 frames."))
  }

  @Test func aSpeakerWithoutFeaturesIsWarnedAbout() throws {
    let run = try Ksnn.sh("ksnn apply-cmvn-online --spk2utt='ark:(cat spk2utt; echo S9 nobody) |' global.mat ark:feats.ark ark:/dev/null", in: Self.fixtures)
    #expect(run.status == 0)
    #expect(run.stderr.contains("No features for utterance nobody"))
  }

  @Test func badSkipDimsAndStatsOfTheWrongSizeAreErrors() throws {
    let skip = try Ksnn.run(["apply-cmvn-online", "--skip-dims=0:x", "global.mat", "ark:feats.ark", "ark:/dev/null"], in: Self.fixtures)
    #expect(skip.status != 0)
    #expect(skip.stderr.contains("Bad --skip-dims option"))
    let stats = try Ksnn.sh("ksnn apply-cmvn-online 'echo [ 1 2 1 ] |' ark:feats.ark ark:/dev/null", in: Self.fixtures)
    #expect(stats.status != 0)
    #expect(stats.stderr.contains("global CMVN stats are 1x3, features have dimension 13"))
  }

  @Test func matrixSumOfATableIsKaldisGlobalStats() throws {
    let run = try Ksnn.run(["matrix-sum", "--binary=false", "ark:cmvn.ark", "-"], in: Self.fixtures)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == (try expected("global.mat")))
    #expect(run.stderr.contains("Summed 2 matrices, 0 with errors; wrote sum to standard output"))
  }

  @Test func matrixSumOfFilesAndOfTables() throws {
    let dir = NSTemporaryDirectory() + "matrix-sum-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "[ 1 2\n 3 4 ]\n".write(toFile: dir + "/a.mat", atomically: true, encoding: .utf8)
    try "[ 10 20 30 ]\n".write(toFile: dir + "/b.mat", atomically: true, encoding: .utf8)
    // Type three: the sum is as large as the largest input.
    let files = try Ksnn.run(["matrix-sum", "--binary=false", "a.mat", "a.mat", "sum.mat"], in: dir)
    #expect(files.status == 0, "\(files.stderr)")
    #expect(try String(contentsOfFile: dir + "/sum.mat", encoding: .utf8) == " [\n  2 4 \n  6 8 ]\n")
    let mismatch = try Ksnn.run(["matrix-sum", "a.mat", "b.mat", "bad.mat"], in: dir)
    #expect(mismatch.status != 0)
    #expect(!FileManager.default.fileExists(atPath: dir + "/bad.mat"))
    // Type one: key by key, --scale1/--scale2 on the first two tables, a missing key warned about.
    let tables = try Ksnn.sh(
      "ksnn matrix-sum --scale1=2 --scale2=0.5 'ark:echo u [ 1 2 ]; echo v [ 3 4 ] |' 'ark:echo u [ 4 6 ] |' ark,t:-", in: dir)
    // Kaldi's exit status: failure when half the keys or more missed a matrix.
    #expect(tables.status == 1, "\(tables.stderr)")
    #expect(tables.stdoutText == "u  [\n  4 7 ]\nv  [\n  6 8 ]\n")
    #expect(tables.stderr.contains("No matrix found for utterance v for system 2"))
    #expect(tables.stderr.contains("Produced output for 2 utterances; 1 total missing matrices"))
  }
}
