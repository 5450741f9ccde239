import Foundation
import Testing

/// `lattice-align-words`, `lattice-align-words-lexicon` and `lattice-align-phones` against
/// Kaldi's own programs on the worked cases of Fixtures/align and Fixtures/lexicon (a toy
/// 5-phone model: displaced word labels, silences, reordered and non-reordered graphs,
/// forced-out ends, partial words, ambiguous and renaming lexicons, broken lattices and
/// lexicons): the same lattices (state numbers included), exit status and log lines.
@Suite struct LatticeAlignToolTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("DecodingTests/Fixtures/align").path
  static let root = URL(fileURLWithPath: fixtures).deletingLastPathComponent().path
  /// "<fixture folder>/<case>" for every case of both folders.
  static let cases: [String] = ["align", "lexicon"].flatMap { folder in
    ((try? FileManager.default.contentsOfDirectory(atPath: root + "/\(folder)/expected")) ?? [])
      .filter { $0.hasSuffix(".cmd") }.map { folder + "/" + $0.dropLast(4) }
  }.sorted()

  func expected(_ path: String, _ ext: String) throws -> String {
    let (folder, name) = (path.split(separator: "/")[0], path.split(separator: "/")[1])
    return try String(contentsOfFile: Self.root + "/\(folder)/expected/\(name).\(ext)", encoding: .utf8)
  }

  /// Log lines without the `(program[version]:function():file:line)` details but the function.
  func normalized(_ log: some StringProtocol) -> [String] {
    log.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.replacingOccurrences(of: #" \([a-z-]+\[[^]]*\]:([A-Za-z]+)\(\):[^)]*\)"#, with: " ($1)", options: .regularExpression)
    }.filter { !$0.isEmpty }
  }

  @Test func everyCaseIsHere() { #expect(Self.cases.count == 24 + 33) }

  @Test(arguments: cases)
  func alignmentMatchesKaldi(path: String) throws {
    let command = try expected(path, "cmd").trimmingCharacters(in: .whitespacesAndNewlines)
    let folder = String(path.split(separator: "/")[0]), name = String(path.split(separator: "/")[1])
    let run = try Ksnn.sh("ksnn " + command, in: Self.root + "/" + folder)
    #expect(run.status == Int32(try expected(path, "rc").trimmingCharacters(in: .whitespacesAndNewlines)), "\(run.stderr)")
    #expect(run.stdoutText == (try expected(path, "out")))
    // Usage texts and fatal errors are worded as Kaldi's but laid out as ksnn's.
    guard !name.hasPrefix("x_help"), !name.hasPrefix("x_usage"), name != "usage", name != "x_wb_blankline",
          !name.hasPrefix("lexerr") else { return }
    #expect(normalized(run.stderr.split(separator: "\n").dropFirst().joined(separator: "\n")) == normalized(try expected(path, "log")))
  }

  @Test func latticeOfAnotherModelIsAnErrorNamingItsKey() throws {
    let run = try Ksnn.sh("ksnn lattice-align-phones toy.mdl ark:real/lat.txt ark:/dev/null", in: Self.fixtures)
    #expect(run.status == 255)
    #expect(run.stderr.contains("Lattice has transition-id 478, but toy.mdl has transition-ids 1..30 (lattice of another model?) (key 'FDBM0_SI546' in 'ark:real/lat.txt')"), "\(run.stderr)")
    let lexicon = try Ksnn.sh("ksnn lattice-align-words-lexicon lexA.int ../align/toy.mdl ark:lattices/missing.txt ark:/dev/null", in: Self.root + "/lexicon")
    #expect(lexicon.status == 255)
    #expect(lexicon.stderr.contains("Word 20 is not present in the lexicon. (key 'missing' in 'ark:lattices/missing.txt')"), "\(lexicon.stderr)")
  }

  @Test func badWordBoundaryLineNamesFileAndLine() throws {
    let run = try Ksnn.sh("ksnn lattice-align-words expected/x_wb_blankline.int toy.mdl ark:lattices/e1.txt ark,t:-", in: Self.fixtures)
    #expect(run.status == 255)
    #expect(run.stderr.contains("Invalid line in word-boundary file:  (expected/x_wb_blankline.int, line 2)"))
  }
}

/// The real Kaldi TIMIT tri3 system (Fixtures/tri3): lattices made by Kaldi's own
/// latgen-faster-mapped, then aligned and turned into CTMs by ksnn, byte for byte as Kaldi's
/// tools do it (Fixtures/align/real).
@Suite struct RealLatticeAlignmentTests {
  static let fixtures = LatticeAlignToolTests.fixtures + "/real"
  static let model = "../../tri3/final.mdl"

  static let pipelines: [(name: String, command: String)] = [
    ("align_phones", "ksnn lattice-align-phones \(model) ark:lat.txt ark,t:-"),
    ("align_phones.replace", "ksnn lattice-align-phones --replace-output-symbols=true \(model) ark:lat.txt ark,t:-"),
    ("align_words", "ksnn lattice-align-words word_boundary.int \(model) ark:lat.txt ark,t:-"),
    ("align_words.silword", "ksnn lattice-align-words word_boundary_silword.int \(model) ark:lat.txt ark,t:-"),
    ("align_words_lexicon", "ksnn lattice-align-words-lexicon align_lexicon.int \(model) ark:lat.txt ark,t:-"),
    ("best1.align_words", "ksnn lattice-1best --acoustic-scale=0.1 ark:lat.txt ark:- | ksnn lattice-align-words word_boundary.int \(model) ark:- ark,t:-"),
    ("ctm_words", "ksnn lattice-1best --acoustic-scale=0.1 ark:lat.txt ark:- | ksnn lattice-align-words word_boundary.int \(model) ark:- ark:- | ksnn nbest-to-ctm ark:- -"),
    ("ctm_words.print_sil", "ksnn lattice-1best --acoustic-scale=0.1 ark:lat.txt ark:- | ksnn lattice-align-words word_boundary.int \(model) ark:- ark:- | ksnn nbest-to-ctm --print-silence=true ark:- -"),
    ("ctm_conf.align_phones", "ksnn lattice-align-phones \(model) ark:lat.txt ark:- | ksnn lattice-to-ctm-conf --acoustic-scale=0.1 ark:- -"),
    ("ctm_conf.align_phones.replace", "ksnn lattice-align-phones --replace-output-symbols=true \(model) ark:lat.txt ark:- | ksnn lattice-to-ctm-conf --acoustic-scale=0.1 ark:- -"),
  ]

  @Test(arguments: pipelines.map(\.name))
  func matchesKaldi(name: String) throws {
    let command = Self.pipelines.first { $0.name == name }!.command
    let run = try Ksnn.sh(command, in: Self.fixtures)
    #expect(run.stdoutText == (try String(contentsOfFile: Self.fixtures + "/\(name).out", encoding: .utf8)), "\(run.stderr)")
  }

  /// ksnn's own lattices of the same log-likelihoods: the best path of Kaldi's at every LM
  /// weight, and Kaldi's arc count within one per utterance.
  @Test func latgenAgreesWithKaldisLattices() throws {
    let ws = try Workspace()
    let tri3 = Self.fixtures + "/../../tri3"
    let gen = try Ksnn.run(["latgen-faster-mapped", "--acoustic-scale=0.1", "--beam=13", "--lattice-beam=8", "--max-active=7000",
                            "--allow-partial=true", tri3 + "/final.mdl", tri3 + "/HCLG.fst", "ark:" + tri3 + "/loglikes.ark", "ark,t:" + (ws.path + "/lat.txt")])
    #expect(gen.status == 0)
    for lmwt in 1...10 {
      let ours = try Ksnn.sh("ksnn lattice-scale --inv-acoustic-scale=\(lmwt) ark:\((ws.path + "/lat.txt")) ark:- | ksnn lattice-best-path ark:- ark,t:-", in: Self.fixtures)
      let kaldi = try Ksnn.sh("ksnn lattice-scale --inv-acoustic-scale=\(lmwt) ark:lat.txt ark:- | ksnn lattice-best-path ark:- ark,t:-", in: Self.fixtures)
      #expect(ours.stdoutText == kaldi.stdoutText, "LM weight \(lmwt)")
    }
    func arcCounts(_ text: String) -> [String: Int] {
      var counts: [String: Int] = [:], key = ""
      for line in text.split(separator: "\n") {
        let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
        if fields.count == 1 && Int(fields[0]) == nil { key = String(fields[0]) } else if fields.count >= 3 { counts[key, default: 0] += 1 }
      }
      return counts
    }
    let ours = arcCounts(try String(contentsOfFile: (ws.path + "/lat.txt"), encoding: .utf8))
    let kaldi = arcCounts(try String(contentsOfFile: Self.fixtures + "/lat.txt", encoding: .utf8))
    #expect(ours.keys.sorted() == kaldi.keys.sorted())
    for (key, n) in kaldi { #expect(abs(ours[key, default: 0] - n) <= 1, "\(key): \(ours[key, default: 0]) arcs, Kaldi \(n)") }
    // The same oracle error count against the reference transcripts (3.76 %, 8 of 213).
    let utils = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("recipes/utils").path
    let reference = "ark:\(utils)/sym2int.pl -f 2- \(tri3)/words.txt < \(tri3)/ref.txt |"
    func oracle(_ lattices: String) throws -> String {
      let run = try Ksnn.sh("ksnn lattice-oracle ark:\(lattices) '\(reference)' ark:/dev/null", in: Self.fixtures)
      return run.stderr.split(separator: "\n").last { $0.contains("Overall %WER") }.map { String($0.split(separator: ")").last!.split(separator: ",")[0]) } ?? run.stderr
    }
    #expect(try oracle(ws.path + "/lat.txt") == oracle("lat.txt"))
    #expect(try oracle("lat.txt") == " Overall %WER 3.75587 [ 8 / 213")
  }
}
