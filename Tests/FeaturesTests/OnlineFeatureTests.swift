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

  @Test func globalStatsOfAnotherDimensionAreAnError() throws {
    let feats = Matrix<Float>(rows: 3, cols: 4)
    let stats = Matrix<Double>(rows: 2, cols: 14)
    #expect(throws: KaldiError.self) {
      _ = try OnlineCmvn(options: OnlineCmvnOptions(), state: OnlineCmvnState(globalStats: stats), source: OnlineMatrixFeature(feats))
    }
  }
}
