import Features
import Foundation
import KaldiBase
import KaldiIO
import KaldiMatrix
import Testing

/// On-line features: chunked extraction equal to the offline extractor, splicing with
/// lookahead equal to `spliceFrames`, on-line CMVN equal to Kaldi's `apply-cmvn-online`
/// (Fixtures/online_cmvn, made by Kaldi's own binaries; README there).
@Suite struct OnlineFeatureTests {
  /// Feeds `wave` in chunks of the given sizes (cycled) and returns every frame.
  func online<C: FrameFeatureComputer>(_ computer: C, _ wave: WaveData, chunks: [Int]) throws -> (Matrix<Float>, [Int]) {
    let feature = try OnlineBaseFeature(computer)
    let samples = wave.channel(0)
    var start = 0, k = 0
    var readyAfterChunk: [Int] = []
    while start < samples.count {
      let end = min(samples.count, start + chunks[k % chunks.count])
      try feature.acceptWaveform(samples[start..<end], sampleRate: wave.sampleRate)
      readyAfterChunk.append(feature.framesReady)
      start = end
      k += 1
    }
    #expect(!feature.isLastFrame(feature.framesReady - 1))
    try feature.finishInput()
    #expect(feature.isLastFrame(feature.framesReady - 1))
    return (feature.readyFrames(), readyAfterChunk)
  }

  @Test(arguments: [[1], [160], [400], [2880], [7, 1001, 33, 4000], [100_000]])
  func chunkedFbankEqualsOffline(chunks: [Int]) throws {
    let wave = try Fixture.wave("e1_16k.wav")
    let options = try parsed(FbankOptions(), FbankOptions.register, ["--dither=0", "--num-mel-bins=40"])
    let offline = try FeatureExtractor(try FbankComputer(options)).compute(wave.channel(0), sampleRate: wave.sampleRate)
    let (frames, ready) = try online(try FbankComputer(options), wave, chunks: chunks)
    #expect(frames == offline)
    // Frames appear as soon as their window is complete, never before.
    #expect(ready == ready.sorted())
    #expect(ready.last == offline.rows)
  }

  @Test func withoutSnippingTheLastFramesWaitForTheEndOfInput() throws {
    let wave = try Fixture.wave("e1_16k.wav")
    let options = try parsed(MfccOptions(), MfccOptions.register, ["--dither=0", "--snip-edges=false"])
    let offline = try FeatureExtractor(try MfccComputer(options)).compute(wave.channel(0), sampleRate: wave.sampleRate)
    let (frames, ready) = try online(try MfccComputer(options), wave, chunks: [2880])
    #expect(frames == offline)
    #expect(ready.last! < offline.rows)
  }

  @Test func ditherGivesTheOfflineNoiseWhenFramesComeInTheSameOrder() throws {
    let wave = try Fixture.wave("e1_16k.wav")
    let options = try parsed(FbankOptions(), FbankOptions.register, ["--dither=1"])
    srand(11)
    let offline = try FeatureExtractor(try FbankComputer(options)).compute(wave.channel(0), sampleRate: wave.sampleRate)
    srand(11)
    let (frames, _) = try online(try FbankComputer(options), wave, chunks: [1234])
    #expect(frames == offline)
  }

  @Test func aWrongSampleRateIsAnError() throws {
    let feature = try OnlineBaseFeature(try FbankComputer(FbankOptions()))
    #expect(throws: KaldiError.self) { try feature.acceptWaveform([0, 1, 2], sampleRate: 8000) }
  }

  @Test func splicingWaitsForItsRightContextThenRepeatsTheLastFrame() throws {
    let wave = try Fixture.wave("e1_16k.wav")
    let options = try parsed(FbankOptions(), FbankOptions.register, ["--dither=0"])
    let feature = try OnlineBaseFeature(try FbankComputer(options))
    let splice = try OnlineSplice(feature, left: 3, right: 3)
    let samples = wave.channel(0)
    try feature.acceptWaveform(samples[0..<8000], sampleRate: 16000)
    #expect(splice.framesReady == feature.framesReady - 3)
    try feature.acceptWaveform(samples[8000...], sampleRate: 16000)
    try feature.finishInput()
    #expect(splice.framesReady == feature.framesReady)
    let offline = try FeatureExtractor(try FbankComputer(options)).compute(samples, sampleRate: 16000)
    #expect(splice.readyFrames() == (try spliceFrames(offline, left: 3, right: 3)))
  }

  // MARK: - On-line CMVN against Kaldi's apply-cmvn-online

  static let cmvnFixtures = Fixture.path("online_cmvn")

  func table(_ name: String) throws -> [(String, Matrix<Float>)] {
    let reader = try SequentialTableReader<MatrixHolder<Float>>("ark:" + Self.cmvnFixtures + "/" + name)
    var out: [(String, Matrix<Float>)] = []
    while let entry = try reader.next() { out.append(entry) }
    return out
  }

  func speakers() throws -> [[String]] {
    try String(contentsOfFile: Self.cmvnFixtures + "/spk2utt", encoding: .utf8).split(separator: "\n")
      .map { $0.split(separator: " ").dropFirst().map(String.init) }
  }

  /// Normalizes the fixture's features per speaker (state carried) or per utterance.
  func normalized(_ args: [String], carryingSpeakerState: Bool) throws -> [String: Matrix<Float>] {
    let options = try parsed(OnlineCmvnOptions(), { OnlineCmvnOptions.register($0, $1, \.self) }, args)
    let global = try readKaldiObject(MatrixHolder<Double>.self, from: Self.cmvnFixtures + "/global.mat")
    let feats = Dictionary(uniqueKeysWithValues: try table("feats.ark"))
    var out: [String: Matrix<Float>] = [:]
    let groups = carryingSpeakerState ? try speakers() : feats.keys.map { [$0] }
    for utterances in groups {
      var state = OnlineCmvnState(globalStats: global)
      for utt in utterances {
        let cmvn = try OnlineCmvn(options: options, state: state, source: OnlineMatrixFeature(feats[utt]!))
        out[utt] = cmvn.readyFrames()
        state = cmvn.state(through: feats[utt]!.rows - 1)
      }
    }
    return out
  }

  @Test(arguments: [
    ([String](), false, "default.ark"),
    ([], true, "spk.ark"),
    (["--norm-vars=true"], true, "vars.ark"),
    (["--cmn-window=100", "--speaker-frames=50", "--global-frames=20"], true, "window.ark"),
    (["--skip-dims=0:5", "--cmn-window=150"], false, "skip.ark"),
  ])
  func onlineCmvnEqualsKaldis(args: [String], carry: Bool, golden: String) throws {
    let ours = try normalized(args, carryingSpeakerState: carry)
    let kaldi = try table(golden)
    #expect(kaldi.count == 5)
    for (utt, expected) in kaldi { #expect(ours[utt] == expected, "\(golden): \(utt)") }
  }

  @Test func framesAskedForOutOfOrderGetTheSameValues() throws {
    let global = try readKaldiObject(MatrixHolder<Double>.self, from: Self.cmvnFixtures + "/global.mat")
    let (utt, feats) = try table("feats.ark")[0]
    var options = OnlineCmvnOptions()
    options.cmnWindow = 100
    let cmvn = try OnlineCmvn(options: options, state: OnlineCmvnState(globalStats: global), source: OnlineMatrixFeature(feats))
    let expected = try Dictionary(uniqueKeysWithValues: table("default.ark"))[utt]!
    let inOrder = try OnlineCmvn(options: options, state: OnlineCmvnState(globalStats: global), source: OnlineMatrixFeature(feats)).readyFrames()
    for t in [feats.rows - 1, 0, 57, 41, 300, 20, 21, 140] where t < feats.rows {
      #expect(cmvn.frame(t) == Array(inOrder.row(t)), "frame \(t)")
    }
    // With the default window (600 frames, longer than the utterance) it is Kaldi's output.
    let whole = try OnlineCmvn(options: OnlineCmvnOptions(), state: OnlineCmvnState(globalStats: global), source: OnlineMatrixFeature(feats))
    #expect(whole.frame(feats.rows - 1) == Array(expected.row(feats.rows - 1)))
  }

  /// With `--max-feature-vectors` a long stream keeps a bounded number of frames, while on-line
  /// CMVN (its sliding window and the speaker stats handed to the next utterance) and splicing
  /// give exactly the values of a stream that keeps every frame.
  @Test func aLongStreamKeepsOnlyItsLatestFrames() throws {
    // Two minutes of a tone whose pitch and level drift, with deterministic noise.
    var seed: UInt32 = 12345
    let samples = (0..<(120 * 16000)).map { i -> Float in
      seed = seed &* 1_664_525 &+ 1_013_904_223
      let t = Float(i) / 16000
      return 3000 * (1 + sinf(0.3 * t)) * sinf(2 * .pi * (200 + 50 * sinf(0.1 * t)) * t) + Float(seed >> 20) - 2048
    }
    func pipeline(keep: Int) throws -> (OnlineBaseFeature<FbankComputer>, OnlineCmvn, OnlineSplice) {
      let options = try parsed(FbankOptions(), FbankOptions.register, ["--dither=0", "--num-mel-bins=20", "--max-feature-vectors=\(keep)"])
      let base = try OnlineBaseFeature(try FbankComputer(options))
      var global = Matrix<Double>(rows: 2, cols: 21)
      global[0, 20] = 100
      for c in 0..<20 { (global[0, c], global[1, c]) = (1000, 100 * 110) }
      let cmvn = try OnlineCmvn(options: OnlineCmvnOptions(), state: OnlineCmvnState(globalStats: global), source: base)
      return (base, cmvn, try OnlineSplice(cmvn, left: 3, right: 3))
    }
    let (allBase, allCmvn, all) = try pipeline(keep: -1)
    let (base, cmvn, bounded) = try pipeline(keep: 700)
    var read = 0, mostStored = 0, start = 0
    func readReady() {
      while read < bounded.framesReady {
        #expect(bounded.frame(read) == all.frame(read), "frame \(read)")
        read += 1
      }
      mostStored = max(mostStored, base.framesStored)
    }
    while start < samples.count {
      let end = min(samples.count, start + 2880)
      try base.acceptWaveform(samples[start..<end], sampleRate: 16000)
      try allBase.acceptWaveform(samples[start..<end], sampleRate: 16000)
      readReady()
      start = end
    }
    try base.finishInput()
    try allBase.finishInput()
    readReady()
    #expect(read == 11998 && all.framesReady == read)
    #expect(allBase.framesStored == read)
    #expect(mostStored <= 2 * 700 + 18, "\(mostStored) frames stored")
    #expect(base.firstAvailableFrame > 10_000)
    let last = read - 1
    #expect(cmvn.state(through: last).speakerStats == allCmvn.state(through: last).speakerStats)
  }

  @Test func globalStatsOfAnotherDimensionAreAnError() throws {
    let feats = Matrix<Float>(rows: 3, cols: 4)
    let stats = Matrix<Double>(rows: 2, cols: 14)
    #expect(throws: KaldiError.self) {
      _ = try OnlineCmvn(options: OnlineCmvnOptions(), state: OnlineCmvnState(globalStats: stats), source: OnlineMatrixFeature(feats))
    }
  }
}
