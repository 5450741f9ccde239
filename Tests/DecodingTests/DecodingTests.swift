import Decoding
import Foundation
import KaldiBase
import KaldiIO
import KaldiMatrix
import Testing
import TestSupport

enum Fixture {
  static let folder = FixtureFolder(besides: #filePath)
  static func path(_ name: String) -> String { folder.path(name) }
  static func text(_ name: String) throws -> String { try folder.text(name) }
}

@Suite struct TransitionModelTests {
  @Test func syntheticModelMapsTransitionIds() throws {
    let model = try TransitionModelReader.read(Fixture.path("decoding/final.mdl"))
    #expect(model.numPdfs == 15 && model.numTransitionIds == 30 && model.numPhones == 5)
    for line in try Fixture.text("decoding/tid2pdf.txt").split(separator: "\n") {
      let f = line.split(separator: " ").compactMap { Int32($0) }
      #expect(model.pdf(of: f[0]) == f[1])
    }
    for line in try Fixture.text("decoding/tid2phone.txt").split(separator: "\n") {
      let f = line.split(separator: " ").compactMap { Int32($0) }
      #expect(model.phone(of: f[0]) == f[1])
    }
  }

  @Test func realTri3ModelSkipsItsGmm() throws {
    let model = try TransitionModelReader.read(Fixture.path("tri3/final.mdl"))
    #expect(model.numPhones == 46 && model.numPdfs == 264 && model.numTransitionIds == 626 && model.numTransitionStates == 313)
  }

  @Test func textTopologyParses() throws {
    let topology = try TransitionModelReader.readTopology(file: Fixture.path("decoding/topo"))
    #expect(topology.phones == [1, 2, 3, 4, 5])
    let sil = try topology.entry(forPhone: 1)
    #expect(sil.count == 4 && sil[0].transitions.map { $0.probability } == [0.5, 0.5])
    #expect(try topology.entry(forPhone: 2)[0].transitions.map { $0.probability } == [0.75, 0.25])
  }

  @Test func corruptModelIsAClearError() throws {
    let dir = NSTemporaryDirectory() + "ksnn-mdl-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("decoding/final.mdl")))
    try bytes.prefix(300).write(to: URL(fileURLWithPath: dir + "/cut.mdl"))
    do {
      _ = try TransitionModelReader.read(dir + "/cut.mdl")
      Issue.record("read a truncated model")
    } catch let e as KaldiError {
      #expect(e.message.contains("cut.mdl") && e.message.contains("at byte"))
    }
  }
}

@Suite struct FstTests {
  @Test func vectorAndConstToysAreTheSameFst() throws {
    for name in ["toy.vector.fst", "toy.const.fst"] {
      let fst = try FstReader.read(Fixture.path("decoding/" + name))
      #expect(fst.start == 0 && fst.stateCount == 3 && fst.arcCount == 3)
      #expect(fst.finals == [0.7, .infinity, 0.1])
      #expect(fst.arcs(of: 1).map { fst.ilabels[$0] } == [2, 3])
      #expect(fst.weights == [0.5, 0.25, 0])
    }
  }

  @Test func constGraphMatchesFstprint() throws {
    let fst = try FstReader.read(Fixture.path("decoding/HCLG.const.fst"))
    var lines: [String] = []
    for s in 0..<fst.stateCount {
      for a in fst.arcs(of: s) {
        let w = fst.weights[a]
        lines.append("\(s)\t\(fst.nextStates[a])\t\(fst.ilabels[a])\t\(fst.olabels[a])" + (w == 0 ? "" : "\t\(formatG(Double(w), precision: 9))"))
      }
      if fst.isFinal(s) { lines.append("\(s)" + (fst.finals[s] == 0 ? "" : "\t\(formatG(Double(fst.finals[s]), precision: 9))")) }
    }
    #expect(lines.joined(separator: "\n") + "\n" == (try Fixture.text("decoding/HCLG.const.fstprint.txt")))
    let vector = try FstReader.read(Fixture.path("decoding/HCLG.vector.fst"))
    #expect(vector.ilabels == fst.ilabels && vector.weights == fst.weights && vector.finals == fst.finals)
  }

  @Test(arguments: [0, 20, 40, 100])
  func truncatedOrForeignFstsAreClearErrors(cut: Int) throws {
    let dir = NSTemporaryDirectory() + "ksnn-fst-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixture.path("decoding/toy.const.fst"))))
    if cut == 0 {
      bytes[8...12] = [0x6c, 0x6f, 0x67, 0x6f, 0x6f]  // "const" -> "logoo": an unknown type
    } else {
      bytes = Array(bytes.prefix(cut))
    }
    try Data(bytes).write(to: URL(fileURLWithPath: dir + "/bad.fst"))
    do {
      _ = try FstReader.read(dir + "/bad.fst")
      Issue.record("read a bad FST")
    } catch let e as KaldiError {
      #expect(e.message.contains("bad.fst") && e.message.contains("at byte"), "\(e.message)")
    }
  }
}

@Suite struct DecoderTests {
  func loglikes(_ file: String) throws -> [(String, Matrix<Float>)] {
    let reader = try SequentialTableReader<MatrixHolder<Float>>("ark:" + Fixture.path(file))
    var out: [(String, Matrix<Float>)] = []
    while let (k, m) = try reader.next() { out.append((k, m)) }
    return out
  }

  func decodeAll(system: String, graph: String, loglikes file: String, scale: Float, options: DecoderOptions) throws -> (words: String, alignments: String) {
    let model = try TransitionModelReader.read(Fixture.path("\(system)/final.mdl"))
    let decoder = FasterDecoder(fst: try FstReader.read(Fixture.path("\(system)/\(graph)")), options: options)
    var words = "", alignments = ""
    for (key, m) in try loglikes(file) {
      decoder.decode(try MappedMatrixDecodable(model: model, loglikes: m, scale: scale))
      let path = try #require(decoder.bestPath())
      #expect(decoder.reachedFinal)
      words += "\(key) " + path.words.map { "\($0) " }.joined() + "\n"
      alignments += "\(key) " + path.alignment.map { "\($0) " }.joined() + "\n"
    }
    return (words, alignments)
  }

  @Test(arguments: ["1.0", "0.1"])
  func syntheticSystemMatchesKaldi(scale: String) throws {
    for graph in ["HCLG.const.fst", "HCLG.vector.fst"] {
      let got = try decodeAll(system: "decoding", graph: graph, loglikes: "decoding/loglikes.ark", scale: Float(scale)!, options: DecoderOptions())
      #expect(got.words == (try Fixture.text("decoding/expected_words.acwt\(scale).int")))
      #expect(got.alignments == (try Fixture.text("decoding/expected_ali.acwt\(scale).txt")))
    }
  }

  @Test func realTri3SystemMatchesKaldi() throws {
    var options = DecoderOptions()
    options.beam = 13
    options.maxActive = 7000
    let got = try decodeAll(system: "tri3", graph: "HCLG.fst", loglikes: "tri3/loglikes.ark", scale: 0.2, options: options)
    #expect(got.words == (try Fixture.text("tri3/expected_words.int")))
    #expect(got.alignments == (try Fixture.text("tri3/expected_ali.txt")))
  }

  /// Random graphs with epsilon arcs and random scores: with a wide beam the fast decoder
  /// finds the exact best cost.
  @Test(arguments: 0..<25)
  func fastDecoderFindsTheReferenceBestCost(seed: Int) throws {
    let problem = RandomDecodingProblem(seed: seed)
    let (fst, scores) = (problem.fst, problem.scores)
    let reference = ReferenceDecoder.bestCost(fst, scores)
    var wide = DecoderOptions()
    wide.beam = 1000
    let decoder = FasterDecoder(fst: fst, options: wide)
    decoder.decode(scores)
    if reference == .infinity {
      #expect(!decoder.reachedFinal)
    } else {
      let path = try #require(decoder.bestPath())
      #expect(decoder.reachedFinal)
      #expect(abs(Double(path.graphCost + path.acousticCost) - reference) < 1e-3, "seed \(seed)")
      #expect(path.alignment.count == scores.frameCount)
    }
  }

  /// Frames given one at a time (on-line) decode to Kaldi's words and alignments, as the whole
  /// utterance does; the settled words only grow and start the final words.
  @Test func frameByFrameDecodingEqualsWholeUtterances() throws {
    let model = try TransitionModelReader.read(Fixture.path("tri3/final.mdl"))
    var options = DecoderOptions()
    options.beam = 13
    options.maxActive = 7000
    let decoder = FasterDecoder(fst: try FstReader.read(Fixture.path("tri3/HCLG.fst")), options: options)
    var words = "", alignments = ""
    for (key, m) in try loglikes("tri3/loglikes.ark") {
      let online = OnlineMappedDecodable(model: model, scale: 0.2)
      decoder.initDecoding()
      var settled: [Int32] = []
      for t in 0..<m.rows {
        m.data.withUnsafeBufferPointer { online.append($0.baseAddress! + t * m.cols) }
        decoder.advanceDecoding(online)
        let now = decoder.settledWords
        #expect(now.starts(with: settled), "\(key) frame \(t): \(settled) then \(now)")
        settled = now
      }
      #expect(decoder.framesDecoded == m.rows)
      #expect(decoder.finalRelativeCost < .infinity)
      let path = try #require(decoder.bestPath())
      #expect(path.words.starts(with: settled))
      #expect(path.wordFrames.count == path.words.count && path.wordFrames == path.wordFrames.sorted())
      words += "\(key) " + path.words.map { "\($0) " }.joined() + "\n"
      alignments += "\(key) " + path.alignment.map { "\($0) " }.joined() + "\n"
    }
    #expect(words == (try Fixture.text("tri3/expected_words.int")))
    #expect(alignments == (try Fixture.text("tri3/expected_ali.txt")))
  }

  /// Kaldi's endpoint rules on measurements: the first rule that fires, lengths in seconds.
  @Test func endpointRulesFireAsKaldis() throws {
    let config = OnlineEndpointConfig()
    func rule(_ frames: Int, _ silence: Int, _ cost: Float) -> Int? {
      config.firingRule(framesDecoded: frames, trailingSilenceFrames: silence, frameShift: 0.01, relativeCost: cost)
    }
    #expect(rule(300, 40, 0) == nil)  // 0.4 s of silence: too short for any rule
    #expect(rule(300, 50, 1.5) == 2)  // 0.5 s after speech, final state with a good score
    #expect(rule(300, 50, 3) == nil)
    #expect(rule(300, 100, 3) == 3)  // 1 s, a fair score
    #expect(rule(300, 200, .infinity) == 4)  // 2 s, no final state
    #expect(rule(500, 500, .infinity) == 1)  // 5 s of nothing but silence
    #expect(rule(400, 400, 0) == nil)  // silence only, 4 s: rules 2-4 need speech first
    #expect(rule(2000, 0, .infinity) == 5)  // 20 s, whatever else
    var strict = OnlineEndpointConfig()
    strict.rules[1].maxRelativeCost = 1
    #expect(strict.firingRule(framesDecoded: 300, trailingSilenceFrames: 50, frameShift: 0.01, relativeCost: 1.5) == nil)
    // Options by Kaldi's names, and the silence phones they need.
    let po = ParseOptions(usage: "")
    let s = Setting(OnlineEndpointConfig())
    OnlineEndpointConfig.register(po, s, \.self)
    _ = try po.read(["--print-args=false", "--endpoint.rule2.min-trailing-silence=0.3", "--endpoint.silence-phones=1:2:3"])
    #expect(s.value.rules[1].minTrailingSilence == 0.3 && s.value.rules[2].minTrailingSilence == 1)
    #expect(try s.value.silencePhoneSet() == [1, 2, 3])
    #expect(throws: KaldiError.self) { _ = try OnlineEndpointConfig().silencePhoneSet() }
    var bad = OnlineEndpointConfig()
    bad.silencePhones = "1:x"
    #expect(throws: KaldiError.self) { _ = try bad.silencePhoneSet() }
  }

  @Test func loglikesWithTheWrongWidthAreRejected() throws {
    let model = try TransitionModelReader.read(Fixture.path("decoding/final.mdl"))
    #expect(throws: KaldiError.self) { _ = try MappedMatrixDecodable(model: model, loglikes: Matrix(rows: 2, cols: 14), scale: 1) }
  }
}

@Suite struct AlignmentTests {
  let model = try! TransitionModelReader.read(Fixture.path("decoding/final.mdl"))
  /// The synthetic utterances' phones (sil 1, aa 2, b 3, k 4, t 5): "sil cat sil", "bat at tab", "sil tab cat bat sil".
  let phones: [String: [Int32]] = ["utt1": [1, 4, 2, 5, 1], "utt2": [3, 2, 5, 2, 5, 5, 2, 3], "utt3": [1, 5, 2, 3, 4, 2, 5, 3, 2, 5, 1]]
  /// word-ids of words.txt (sil 1, cat 2, bat 3, tab 4, at 5) and their pronunciations.
  let lexicon: [Int32: [[Int32]]] = [1: [[1]], 2: [[4, 2, 5]], 3: [[3, 2, 5]], 4: [[5, 2, 3]], 5: [[2, 5]]]

  func generating() throws -> [String: [Int32]] {
    let reader = try SequentialTableReader<Int32VectorHolder>("ark:" + Fixture.path("decoding/ali.ark"))
    var out: [String: [Int32]] = [:]
    while let (k, v) = try reader.next() { out[k] = v }
    return out
  }

  func align(_ key: String, _ matrix: Matrix<Float>, words: [[[Int32]]], silence: Int32? = nil) throws -> [Int32] {
    let fst = try TrainingGraphBuilder(model: model).graph(words: words, optionalSilence: silence)
    let decoder = FasterDecoder(fst: fst, options: DecoderOptions())
    decoder.decode(try MappedMatrixDecodable(model: model, loglikes: matrix, scale: 1))
    #expect(decoder.reachedFinal, "\(key)")
    return try #require(decoder.bestPath()).alignment
  }

  @Test func monophoneModelIsByteIdenticalToKaldis() throws {
    let made = try TransitionModel.monophone(try TransitionModelReader.readTopology(file: Fixture.path("decoding/topo")))
    let dir = NSTemporaryDirectory() + "ksnn-mono-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try TransitionModelWriter.write(made, to: dir + "/mono.mdl", binary: true)
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/mono.mdl")) == Data(contentsOf: URL(fileURLWithPath: Fixture.path("decoding/final.mdl"))))
    try TransitionModelWriter.write(made, to: dir + "/mono.txt", binary: false)
    let back = try TransitionModelReader.read(dir + "/mono.txt")
    #expect(back.tuples == made.tuples)
    // Text keeps 7 significant digits, as Kaldi's does.
    #expect(zip(back.logProbs, made.logProbs).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
  }

  @Test func forcedAlignmentRecoversTheGeneratingSegmentation() throws {
    let truth = try generating()
    let reader = try SequentialTableReader<MatrixHolder<Float>>("ark:" + Fixture.path("decoding/loglikes.ark"))
    let splitter = AlignmentSplitter(model: model)
    while let (key, m) = try reader.next() {
      let fromPhones = try align(key, m, words: phones[key]!.map { [[$0]] })
      #expect(fromPhones.count == m.rows)
      #expect(try splitter.splitToPhones(fromPhones).map { model.phone(of: $0[0]) } == phones[key]!)
      let agreement = Double(zip(fromPhones, truth[key]!).filter { $0 == $1 }.count) / Double(m.rows)
      #expect(agreement > 0.95, "\(key): \(agreement)")
      // Words through the lexicon, silence optional: the silences of utt1 and utt3 are found.
      let words: [String: [Int32]] = ["utt1": [2], "utt2": [3, 5, 4], "utt3": [4, 2, 3]]
      let fromWords = try align(key, m, words: words[key]!.map { lexicon[$0]! }, silence: 1)
      #expect(try splitter.splitToPhones(fromWords).map { model.phone(of: $0[0]) } == phones[key]!)
    }
  }

  @Test func equalAlignmentSpreadsFramesOverTheStates() throws {
    let ali = try #require(try equalAlignment(model: model, phones: [1, 4, 2, 5, 1], frames: 54))
    #expect(ali.count == 54)
    #expect(try AlignmentSplitter(model: model).splitToPhones(ali).map { model.phone(of: $0[0]) } == [1, 4, 2, 5, 1])
    // 15 emitting states share 54 frames: 3 or 4 each.
    for piece in try AlignmentSplitter(model: model).splitToPhones(ali) {
      let perState = Dictionary(grouping: piece, by: { model.transitionState(of: $0) }).mapValues(\.count)
      #expect(perState.count == 3 && perState.values.allSatisfy { $0 == 3 || $0 == 4 })
    }
    #expect(try equalAlignment(model: model, phones: [1, 4, 2, 5, 1], frames: 14) == nil)
  }
}

@Suite struct LanguageModelTests {
  let sentences = [["sil", "cat", "sil"], ["bat", "at", "tab"], ["sil", "tab", "cat", "bat", "sil"]]

  /// P(w | h) over the vocabulary and </s> sums to one for every history, backoff included.
  @Test(arguments: [1, 2, 3])
  func distributionsAreNormalized(order: Int) throws {
    let lm = try NgramLanguageModel(order: order, sentences: sentences)
    let vocabulary = ["sil", "cat", "bat", "tab", "at", "</s>"]
    func logProb(_ gram: [String]) -> Double {
      if let e = lm.ngrams[gram.count - 1][gram] { return e.logProb }
      let history = Array(gram.dropLast())
      let backoff = lm.ngrams[history.count - 1][history]?.backoff ?? 0
      return backoff + logProb(Array(gram.dropFirst()))
    }
    var histories: [[String]] = [[]]
    if order > 1 { histories += lm.ngrams[0].keys.filter { $0 != ["</s>"] } }
    if order > 2 { histories += lm.ngrams[1].keys.filter { $0.last != "</s>" } }
    for h in histories {
      let total = vocabulary.map { pow(10, logProb(h + [$0])) }.reduce(0, +)
      #expect(abs(total - 1) < 1e-6, "history \(h): \(total)")
    }
  }

  @Test func arpaRoundTrips() throws {
    let lm = try NgramLanguageModel(order: 2, sentences: sentences)
    let back = try NgramLanguageModel.parse(arpa: lm.arpa, name: "test")
    #expect(back.order == 2 && back.arpa == lm.arpa)
    #expect(throws: KaldiError.self) { _ = try NgramLanguageModel.parse(arpa: "\\data\\\n\\2-grams:\n-1 a b\n", name: "bad") }
  }

  @Test func ambiguousPronunciationsGetDisambiguationSymbols() throws {
    let dir = NSTemporaryDirectory() + "ksnn-lex-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "red r eh d\nread r eh d\nre r eh\nredo r eh d ow\n".write(toFile: dir + "/lexicon.txt", atomically: true, encoding: .utf8)
    var lexicon = try Lexicon(dir + "/lexicon.txt")
    #expect(lexicon.addDisambiguationSymbols() == 2)
    #expect(lexicon.entries.map { $0.phones.joined(separator: " ") } == ["r eh d #1", "r eh d #2", "r eh #1", "r eh d ow"])
  }
}
