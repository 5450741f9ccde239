import Foundation
import Testing

/// The Kaldi-interop tools on real Kaldi outputs: byte for byte, logs included.
@Suite struct DecodingToolTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("DecodingTests/Fixtures").path
  func file(_ name: String) -> String { Self.fixtures + "/" + name }
  func text(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }

  @Test(arguments: ["decoding", "tri3"])
  func modelToolsMatchKaldi(system: String) throws {
    let ali = system == "tri3" ? "ark:gunzip -c \(file("tri3/ali.1.gz")) |" : "ark:" + file("decoding/ali.ark")
    let names = system == "tri3"
      ? (st: "show_transitions.txt", pdf: "ali_pdf.txt", perFrame: "ali_phones_per_frame.txt", ctm: "ali.ctm")
      : (st: "show-transitions.txt", pdf: "ali.pdf.txt", perFrame: "ali.phones.per-frame.txt", ctm: "ali.ctm")
    let mdl = file("\(system)/final.mdl")
    #expect(try Ksnn.run(["show-transitions", file("\(system)/phones.txt"), mdl]).stdoutText == (try text("\(system)/\(names.st)")))
    #expect(try Ksnn.run(["ali-to-pdf", mdl, ali, "ark,t:-"]).stdoutText == (try text("\(system)/\(names.pdf)")))
    #expect(try Ksnn.run(["ali-to-phones", "--per-frame=true", mdl, ali, "ark,t:-"]).stdoutText == (try text("\(system)/\(names.perFrame)")))
    #expect(try Ksnn.run(["ali-to-phones", "--ctm-output=true", mdl, ali, "-"]).stdoutText == (try text("\(system)/\(names.ctm)")))
    let counts = try Ksnn.sh("ksnn ali-to-pdf \(mdl) '\(ali)' ark:- 2>/dev/null | ksnn analyze-counts --binary=false ark:- -", in: Self.fixtures)
    #expect(counts.stdoutText == (try text("\(system)/counts.txt")))
    if system == "tri3" {
      #expect(try Ksnn.run(["hmm-info", mdl]).stdoutText == (try text("tri3/hmm_info.txt")))
    } else {
      #expect(try Ksnn.run(["ali-to-phones", mdl, ali, "ark,t:-"]).stdoutText == (try text("decoding/ali.phones.txt")))
    }
  }

  /// Kaldi's log lines, less the command echo and the timing line.
  func logBody(_ log: String) -> [String] {
    log.split(separator: "\n").dropFirst().filter { !$0.contains("Time taken") }.map {
      String($0.replacingOccurrences(of: #"\[[^]]*\]:main\(\):[^)]*\)"#, with: "", options: .regularExpression))
    }
  }

  @Test func decodeFasterMappedMatchesKaldiOnTheRealSystem() throws {
    let ws = try Workspace()
    let run = try Ksnn.run([
      "decode-faster-mapped", "--acoustic-scale=0.2", "--beam=13", "--max-active=7000", file("tri3/final.mdl"), file("tri3/HCLG.fst"),
      "ark:" + file("tri3/loglikes.ark"), "ark,t:words.int", "ark,t:ali.txt",
    ], in: ws.path)
    #expect(run.status == 0)
    #expect(try ws.text("words.int") == (try text("tri3/expected_words.int")))
    #expect(try ws.text("ali.txt") == (try text("tri3/expected_ali.txt")))
    #expect(logBody(run.stderr) == logBody(try text("tri3/expected_decode.log")))
  }

  @Test(arguments: ["1.0", "0.1"])
  func decodeFasterMappedMatchesKaldiOnTheSyntheticSystem(scale: String) throws {
    let run = try Ksnn.run([
      "decode-faster-mapped", "--acoustic-scale=\(scale)", "final.mdl", "HCLG.const.fst", "scp:loglikes.scp", "ark,t:-", "ark,t:/dev/null",
    ], in: file("decoding"))
    #expect(run.stdoutText == (try text("decoding/expected_words.acwt\(scale).int")))
    #expect(logBody(run.stderr) == logBody(try text("decoding/expected_decode.acwt\(scale).log")))
  }

  @Test func mismatchedInputsAreClearErrors() throws {
    // The real system's graph with the synthetic model: transition-ids out of range.
    let graph = try Ksnn.run(["decode-faster-mapped", file("decoding/final.mdl"), file("tri3/HCLG.fst"), "ark:" + file("decoding/loglikes.ark"), "ark:/dev/null"])
    #expect(graph.status == 1 && graph.stderr.contains("model and graph do not match"))
    // The synthetic log-likelihoods (15 pdfs) with the real model (264 pdfs).
    let width = try Ksnn.run(["decode-faster-mapped", file("tri3/final.mdl"), file("tri3/HCLG.fst"), "ark:" + file("decoding/loglikes.ark"), "ark:/dev/null"])
    #expect(width.status == 1 && width.stderr.contains("have 15 columns but the model has 264 pdfs (utterance utt1"))
    let ali = try Ksnn.run(["ali-to-pdf", file("decoding/final.mdl"), "ark:gunzip -c \(file("tri3/ali.1.gz")) |", "ark:/dev/null"])
    #expect(ali.status == 1 && ali.stderr.contains("model and alignment do not match"))
  }
}
