import Foundation
import Testing

/// The scoring tools and recipe scripts as a Kaldi recipe calls them.
@Suite struct ScoringToolTests {
  static let scoring = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ScoringTests/Fixtures").path
  static let recipes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("recipes").path
  func file(_ name: String) -> String { Self.scoring + "/" + name }
  func text(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }

  @Test func computeWerAndAlignTextMatchRealKaldi() throws {
    for mode in ["present", "all"] {
      let run = try Ksnn.run(["compute-wer", "--text", "--mode=\(mode)", "ark:" + file("rand_ref.txt"), "ark:" + file("rand_hyp.txt")])
      #expect(run.status == 0)
      #expect(run.stdoutText == (try text("rand_compute-wer.\(mode).txt")))
    }
    let strict = try Ksnn.run(["compute-wer", "ark:" + file("rand_ref.txt"), "ark:" + file("rand_hyp.txt")])
    #expect(strict.status == 255 && strict.stdout.isEmpty)
    #expect(strict.stderr.contains("ERROR (compute-wer[ksnn]:main():compute-wer.swift:") && strict.stderr.contains(") No hypothesis for key spk3_u003 and strict mode specifier.\n"))
    let align = try Ksnn.run(["align-text", "--special-symbol=***", "ark:" + file("rand_ref.txt"), "ark:" + file("rand_hyp.txt"), "ark,t:-"])
    #expect(align.stdoutText == (try text("rand_align-text.stars.txt")))
    #expect(align.stderr.contains("WARNING") && align.stderr.contains("Key spk3_u003 is in"))
    let details = try Ksnn.run(["wer-per-utt-details", "--special-symbol", "***"], stdin: align.stdout)
    #expect(details.stdoutText == (try text("rand_per_utt.txt")))
  }

  @Test func duplicatedKeysAreAClearError() throws {
    let ws = try Workspace()
    try ws.write("ref.txt", "u1 a b\nu2 c\nu1 a\n")
    try ws.write("hyp.txt", "u1 a b\nu2 c\n")
    let ref = try Ksnn.run(["compute-wer", "ark:ref.txt", "ark:hyp.txt"], in: ws.path)
    #expect(ref.status == 255 && ref.stderr.contains("Duplicate key u1 in the reference ark:ref.txt"))
    try ws.write("hyp2.txt", "u1 a b\nu1 c\nu2 c\n")
    let hyp = try Ksnn.run(["compute-wer", "ark:hyp.txt", "ark:hyp2.txt"], in: ws.path)
    #expect(hyp.status == 255 && hyp.stderr.contains("Duplicate key 'u1' in archive 'hyp2.txt'"))
  }

  @Test func timitFoldingTool() throws {
    let ws = try Workspace()
    try ws.write("hyp48.txt", "u1 sil cl ao q ix vcl\nu2\n")
    let run = try Ksnn.run(["timit-norm-trans", "--map=" + file("phones.60-48-39.map"), "--from=48", "--to=39", "hyp48.txt", "-"], in: ws.path)
    #expect(run.status == 0 && run.stdoutText == "u1 sil sil aa ih sil\nu2\n")
  }

  @Test func scoreScriptWritesKaldisScoringFiles() throws {
    let ws = try Workspace()
    // A bin folder of tool links, as `make` makes, first on PATH.
    let bin = ws.path + "/bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    for tool in try Ksnn.run(["--list-tools"]).stdoutText.split(separator: "\n") {
      try FileManager.default.createSymbolicLink(atPath: bin + "/" + tool, withDestinationPath: Ksnn.binary)
    }
    try FileManager.default.createSymbolicLink(atPath: bin + "/ksnn", withDestinationPath: Ksnn.binary)
    for dir in ["data/test", "lang", "exp/decode/scoring"] {
      try FileManager.default.createDirectory(atPath: ws.path + "/" + dir, withIntermediateDirectories: true)
    }
    try FileManager.default.copyItem(atPath: file("demo_ref.txt"), toPath: ws.path + "/data/test/text")
    try ws.write("data/test/utt2spk", "spk1_utt1 spk1\nspk1_utt2 spk1\nspk2_utt1 spk2\n")
    // Weight 2: the demo hypotheses as word ids; weight 3: perfect.
    try ws.write("lang/words.txt", "<eps> 0\na 1\nb 2\nc 3\nd 4\ne 5\nf 6\nx 7\nthe 8\ncat 9\nsat 10\non 11\nmat 12\nhello 13\nthere 14\nworld 15\n")
    try ws.write("exp/decode/scoring/2.tra", "spk1_utt1 8 9 10 11 12\nspk1_utt2 1 7 3 4 5 6\nspk2_utt1 13 14 15\n")
    try FileManager.default.copyItem(atPath: file("demo_ref.txt"), toPath: ws.path + "/exp/decode/scoring/3.txt")
    let run = try Ksnn.sh("PATH=\(bin):$PATH \(Self.recipes)/steps/score.sh data/test lang exp/decode", in: ws.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try ws.text("exp/decode/wer_2") == (try text("demo_compute-wer.txt")))
    #expect(try ws.text("exp/decode/wer_3").hasPrefix("%WER 0.00 [ 0 / 13, 0 ins, 0 del, 0 sub ]"))
    #expect(run.stdoutText.hasSuffix("%WER 0.00 [ 0 / 13, 0 ins, 0 del, 0 sub ] exp/decode/wer_3\n"))
    #expect(try ws.text("exp/decode/scoring_kaldi/best_wer") == "%WER 0.00 [ 0 / 13, 0 ins, 0 del, 0 sub ] exp/decode/wer_3\n")
    #expect(try ws.text("exp/decode/scoring/2.sys").contains("| Sum/Avg|    3     13 | 84.6    7.7    7.7   15.4   30.8  100.0 |"))
    #expect(try ws.text("exp/decode/scoring_kaldi/wer_details/per_spk").contains("SUM             raw          3         13         13"))
    let best = try Ksnn.sh("grep Sum exp/decode/scoring/*.sys | \(Self.recipes)/utils/best_wer.sh", in: ws.path)
    #expect(best.stdoutText == "%WER 0.0 | 3 13 | 100.0 0.0 0.0 0.0 0.0 0.0 | exp/decode/scoring/3.sys\n", "\(best.stderr)")
  }

  /// Kaldi's local/score.sh grid: hypotheses per word insertion penalty and LM weight, one
  /// wer_<LMWT>_<WIP> each, the best pair named in best_wer, best_lmwt and best_wip.
  @Test func scoreScriptScoresTheInsertionPenaltyGrid() throws {
    let ws = try Workspace()
    let bin = ws.path + "/bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    for tool in try Ksnn.run(["--list-tools"]).stdoutText.split(separator: "\n").map(String.init) + ["ksnn"] {
      try FileManager.default.createSymbolicLink(atPath: bin + "/" + tool, withDestinationPath: Ksnn.binary)
    }
    for dir in ["data/test", "lang", "exp/decode/scoring/penalty_0.0", "exp/decode/scoring/penalty_0.5"] {
      try FileManager.default.createDirectory(atPath: ws.path + "/" + dir, withIntermediateDirectories: true)
    }
    try ws.write("data/test/text", "u1 a b c\nu2 c b\n")
    try ws.write("lang/words.txt", "<eps> 0\na 1\nb 2\nc 3\n")
    try ws.write("exp/decode/scoring/penalty_0.0/1.tra", "u1 1 2 3 3\nu2 3 2 1\n")  // 2 insertions
    try ws.write("exp/decode/scoring/penalty_0.5/1.tra", "u1 1 2 3\nu2 3 2 1\n")    // 1 insertion
    try ws.write("exp/decode/scoring/penalty_0.0/2.tra", "u1 1 2\nu2 3\n")          // 2 deletions
    try ws.write("exp/decode/scoring/penalty_0.5/2.tra", "u1 1 2 3\nu2 3 2\n")      // perfect
    let run = try Ksnn.sh(
      "PATH=\(bin):$PATH \(Self.recipes)/steps/score.sh --max-lmwt 2 --word-ins-penalty 0.0,0.5,1.0 data/test lang exp/decode", in: ws.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try ws.text("exp/decode/wer_1_0.0").hasPrefix("%WER 40.00 [ 2 / 5, 2 ins, 0 del, 0 sub ]"))
    #expect(try ws.text("exp/decode/wer_1_0.5").hasPrefix("%WER 20.00 [ 1 / 5, 1 ins, 0 del, 0 sub ]"))
    #expect(try ws.text("exp/decode/wer_2_0.0").hasPrefix("%WER 40.00 [ 2 / 5, 0 ins, 2 del, 0 sub ]"))
    #expect(!ws.exists("exp/decode/wer_1_1.0"))  // no hypotheses for that penalty
    #expect(try ws.text("exp/decode/scoring_kaldi/best_wer") == "%WER 0.00 [ 0 / 5, 0 ins, 0 del, 0 sub ] exp/decode/wer_2_0.5\n")
    #expect(try ws.text("exp/decode/scoring_kaldi/best_lmwt") == "2\n")
    #expect(try ws.text("exp/decode/scoring_kaldi/best_wip") == "0.5\n")
    #expect(try ws.text("exp/decode/scoring_kaldi/wer_details/per_utt").contains("u2 #csid 2 0 0 0"))
  }

  @Test func bestWerPicksTheFirstLowest() throws {
    let lines = "exp/a/wer_1:%WER 30.77 [ 4 / 13, 2 ins, 1 del, 1 sub ]\nexp/a/wer_2:%WER 22.20 [ 457 / 2059, 172 ins, 132 del, 153 sub ] [PARTIAL]\nexp/a/wer_3:%WER 22.20 [ 1 / 2059, 1 ins, 0 del, 0 sub ]\n"
    let run = try Ksnn.run(["best-wer"], stdin: Data(lines.utf8))
    #expect(run.stdoutText == "%WER 22.20 [ 457 / 2059, 172 ins, 132 del, 153 sub ] [PARTIAL] exp/a/wer_2\n")
    let sclite = "exp/m/score_4/ctm_39phn.filt.sys:       | Sum/Avg|  192  7215 | 84.2 11.0 4.8 2.7 18.5 100.0 | -1.151 |\n"
    #expect(try Ksnn.run(["best-wer"], stdin: Data(sclite.utf8)).stdoutText == "%WER 18.5 | 192 7215 | 84.2 11.0 4.8 2.7 18.5 100.0 | -1.151 | exp/m/score_4/ctm_39phn.filt.sys\n")
  }
}
