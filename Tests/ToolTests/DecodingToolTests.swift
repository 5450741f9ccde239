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
    #expect(graph.status == 255 && graph.stderr.contains("model and graph do not match"))
    // The synthetic log-likelihoods (15 pdfs) with the real model (264 pdfs).
    let width = try Ksnn.run(["decode-faster-mapped", file("tri3/final.mdl"), file("tri3/HCLG.fst"), "ark:" + file("decoding/loglikes.ark"), "ark:/dev/null"])
    #expect(width.status == 255 && width.stderr.contains("have 15 columns but the model has 264 pdfs (utterance utt1"))
    let ali = try Ksnn.run(["ali-to-pdf", file("decoding/final.mdl"), "ark:gunzip -c \(file("tri3/ali.1.gz")) |", "ark:/dev/null"])
    #expect(ali.status == 255 && ali.stderr.contains("model and alignment do not match"))
  }
}

/// A decoding graph built without Kaldi, from a lexicon and an LM estimated from text,
/// decodes the synthetic log-likelihoods back to the sentences that produced them.
@Suite struct GraphBuildingTests {
  static let recipes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("recipes").path

  @Test func lexiconAndLanguageModelGraphDecodesKnownSentences() throws {
    let ws = try Workspace()
    let fixtures = DecodingToolTests.fixtures + "/decoding"
    try FileManager.default.createDirectory(atPath: ws.path + "/bin", withIntermediateDirectories: true)
    for tool in try Ksnn.run(["--list-tools"]).stdoutText.split(separator: "\n").map(String.init) + ["ksnn"] {
      try FileManager.default.createSymbolicLink(atPath: ws.path + "/bin/" + tool, withDestinationPath: Ksnn.binary)
    }
    for dir in ["dict", "exp/mono"] { try FileManager.default.createDirectory(atPath: ws.path + "/" + dir, withIntermediateDirectories: true) }
    try ws.write("dict/lexicon.txt", "sil sil\ncat k aa t\nbat b aa t\ntab t aa b\nat aa t\n")
    try ws.write("dict/silence_phones.txt", "sil\n")
    try ws.write("dict/nonsilence_phones.txt", "aa\nb\nk\nt\n")
    try ws.write("dict/optional_silence.txt", "sil\n")
    try FileManager.default.copyItem(atPath: fixtures + "/final.mdl", toPath: ws.path + "/exp/mono/final.mdl")
    let script = """
      set -e; export PATH=$PWD/bin:$PATH; u=\(Self.recipes)/utils
      $u/prepare_lang.sh --sil-prob 0 dict sil tmp lang > prep.log
      build-arpa-lm --skip-first-field=true \(fixtures)/ref.txt lm.arpa 2> lm.log
      arpa2fst --read-symbol-table=lang/words.txt lm.arpa lang/G.fst 2>> lm.log
      $u/mkgraph.sh --self-loop-scale 1.0 lang exp/mono exp/mono/graph > graph.log
      decode-faster-mapped --acoustic-scale=1.0 exp/mono/final.mdl exp/mono/graph/HCLG.fst ark:\(fixtures)/loglikes.ark ark,t:- 2> decode.log \\
        | $u/int2sym.pl -f 2- lang/words.txt
      """
    let run = try Ksnn.sh(script, in: ws.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText == "utt1 sil cat sil\nutt2 bat at tab\nutt3 sil tab cat bat sil\n")
    #expect(try ws.text("lang/phones.txt").hasPrefix("<eps> 0\nsil 1\naa 2\nb 3\nk 4\nt 5\n#0 6\n"))
    #expect(try ws.text("lm.arpa").contains("\\2-grams:\n"))
  }
}

extension GraphBuildingTests {
  /// As Kaldi's arpa2fst with a symbol table: n-grams holding a word outside it are skipped
  /// with a warning each (up to --max-arpa-warnings), and G is the LM without them.
  @Test func arpaWordsOutsideTheSymbolTableAreSkipped() throws {
    let ws = try Workspace()
    try ws.write("words.txt", "<eps> 0\ncat 1\nbat 2\n#0 3\n")
    let kept = [("-0.5", "<s>", "-0.3"), ("-0.7", "</s>", ""), ("-0.6", "cat", "-0.2"), ("-0.8", "bat", "-0.1")]
    let keptBigrams = ["-0.2\t<s> cat", "-0.3\tcat bat", "-0.1\tbat </s>"]
    func arpa(_ unigrams: [(String, String, String)], _ bigrams: [String]) -> String {
      "\\data\\\nngram 1=\(unigrams.count)\nngram 2=\(bigrams.count)\n\n\\1-grams:\n"
        + unigrams.map { "\($0.0)\t\($0.1)" + ($0.2.isEmpty ? "" : "\t\($0.2)") + "\n" }.joined()
        + "\n\\2-grams:\n" + bigrams.map { $0 + "\n" }.joined() + "\n\\end\\\n"
    }
    try ws.write("in.arpa", arpa(kept, keptBigrams))
    try ws.write("oov.arpa", arpa(kept + [("-0.9", "dog", "-0.1")], keptBigrams + ["-0.4\tdog cat", "-0.5\tcat dog"]))
    let clean = try Ksnn.run(["arpa2fst", "--read-symbol-table=words.txt", "in.arpa", "G.clean.fst"], in: ws.path)
    #expect(clean.status == 0 && !clean.stderr.contains("WARNING"), "\(clean.stderr)")
    let oov = try Ksnn.run(["arpa2fst", "--read-symbol-table=words.txt", "oov.arpa", "G.oov.fst"], in: ws.path)
    #expect(oov.status == 0, "\(oov.stderr)")
    #expect(oov.stderr.contains("1-gram 'dog' skipped: word 'dog' not in symbol table"))
    #expect(oov.stderr.contains("2-gram 'cat dog' skipped: word 'dog' not in symbol table"))
    #expect(try ws.read("G.oov.fst") == (try ws.read("G.clean.fst")))
    let few = try Ksnn.run(["arpa2fst", "--max-arpa-warnings=1", "--read-symbol-table=words.txt", "oov.arpa", "G.fst"], in: ws.path)
    #expect(few.stderr.contains("Of 3 parse warnings, 1 were reported. Run program with --max-arpa-warnings=-1 to see all warnings"))
  }
}

extension DecodingToolTests {
  @Test func partialTracebackOnlyWithAllowPartial() throws {
    let ws = try Workspace()
    // Two frames cannot get through any word of the synthetic graph (3 states per phone).
    let cut = try Ksnn.sh("ksnn copy-matrix 'scp:echo utt1 \(file("decoding/loglikes.ark")):5[0:1] |' ark:short.ark", in: ws.path)
    #expect(cut.status == 0, "\(cut.stderr)")
    let partial = try Ksnn.run(["decode-faster-mapped", file("decoding/final.mdl"), file("decoding/HCLG.const.fst"), "ark:short.ark", "ark,t:-"], in: ws.path)
    #expect(partial.status == 0 && partial.stderr.contains("Decoder did not reach end-state, outputting partial traceback."))
    let strict = try Ksnn.run(["decode-faster-mapped", "--allow-partial=false", file("decoding/final.mdl"), file("decoding/HCLG.const.fst"), "ark:short.ark", "ark,t:-"], in: ws.path)
    #expect(strict.status == 1 && strict.stdout.isEmpty)
    #expect(strict.stderr.contains("Did not successfully decode utterance utt1, len = 2") && strict.stderr.contains("Done 0 utterances, failed for 1"))
  }
}
