import Features
import Foundation
import KaldiBase
import KaldiIO
import KaldiMatrix
import Testing
import TestSupport

enum Fixture {
  static let folder = FixtureFolder(besides: #filePath)
  static func path(_ name: String) -> String { folder.path(name) }
  static func matrix(_ name: String) throws -> Matrix<Float> {
    let reader = try SequentialTableReader<MatrixHolder<Float>>("ark:" + path(name))
    return try #require(try reader.next()).value
  }
  static func wave(_ name: String) throws -> WaveData { try readKaldiObject(WaveHolder.self, from: path(name)) }
}

/// |a − b| ≤ atol + rtol·|b| everywhere, the tolerance kaldi-native-fbank meets against Kaldi.
func expectClose(_ a: Matrix<Float>, _ b: Matrix<Float>, atol: Float, rtol: Float, _ what: String) {
  #expect(a.rows == b.rows && a.cols == b.cols, "\(what): \(a.rows)×\(a.cols) vs \(b.rows)×\(b.cols)")
  guard a.rows == b.rows && a.cols == b.cols else { return }
  var worst: Float = 0
  for (x, y) in zip(a.data, b.data) { worst = max(worst, abs(x - y) - rtol * abs(y)) }
  #expect(worst <= atol, "\(what): excess error \(worst)")
}

/// Options parsed the way the tools parse them, so option names are tested too.
func parsed<T>(_ value: T, _ register: (ParseOptions, Setting<T>) -> Void, _ args: [String]) throws -> T {
  let po = ParseOptions(usage: "test")
  let s = Setting(value)
  register(po, s)
  _ = try po.read(["--print-args=false"] + args)
  return s.value
}

func mfcc(_ args: [String], wave: String = "e1_16k.wav") throws -> Matrix<Float> {
  let w = try Fixture.wave(wave)
  let extractor = try FeatureExtractor(try MfccComputer(try parsed(MfccOptions(), MfccOptions.register, args)))
  return try extractor.compute(w.channel(0), sampleRate: w.sampleRate)
}

func fbank(_ args: [String], wave: String = "e1_16k.wav") throws -> Matrix<Float> {
  let w = try Fixture.wave(wave)
  let extractor = try FeatureExtractor(try FbankComputer(try parsed(FbankOptions(), FbankOptions.register, args)))
  return try extractor.compute(w.channel(0), sampleRate: w.sampleRate)
}

@Suite struct KaldiGoldenFeatureTests {
  @Test(arguments: [
    (["--dither=0"], "e1_16k.wav", "mfcc13.ark"),
    (["--dither=0", "--sample-frequency=8000", "--num-mel-bins=23", "--high-freq=-200"], "e1_8k.wav", "mfcc13_8k.ark"),
    (["--dither=0", "--use-energy=false", "--htk-compat=true", "--window-type=hamming", "--round-to-power-of-two=false"], "e1_16k.wav", "mfcc13_htk_hamming_nopow2.ark"),
    (["--dither=0", "--snip-edges=false", "--remove-dc-offset=false", "--preemphasis-coefficient=0"], "e1_16k.wav", "knf_mfcc_nosnip_nodc_nopreemph.ark"),
    (["--dither=0", "--window-type=blackman"], "e1_16k.wav", "knf_mfcc_blackman.ark"),
    (["--dither=0", "--cepstral-lifter=0", "--energy-floor=1.0", "--raw-energy=false", "--window-type=sine"], "e1_16k.wav", "knf_mfcc_nolifter_floor_sine.ark"),
    (["--dither=0", "--num-mel-bins=40", "--num-ceps=40", "--frame-length=20", "--frame-shift=5", "--window-type=rectangular"], "e1_16k.wav", "knf_mfcc40_rect_20ms.ark"),
  ])
  func mfccMatchesKaldi(args: [String], wave: String, golden: String) throws {
    expectClose(try mfcc(args, wave: wave), try Fixture.matrix(golden), atol: 1e-2, rtol: 2e-3, golden)
  }

  @Test(arguments: [
    (["--dither=0", "--num-mel-bins=80"], "fbank80.ark"),
    (["--dither=0", "--num-mel-bins=80", "--snip-edges=false", "--use-energy=true"], "fbank80_nosnip_energy.ark"),
    (["--dither=0", "--num-mel-bins=40", "--use-energy=true", "--htk-compat=true", "--raw-energy=false"], "knf_fbank40_htk_energy.ark"),
    (["--dither=0", "--num-mel-bins=80", "--low-freq=40", "--high-freq=-400", "--window-type=hanning"], "knf_fbank80_hanning_band.ark"),
  ])
  func logFbankMatchesKaldi(args: [String], golden: String) throws {
    expectClose(try fbank(args), try Fixture.matrix(golden), atol: 1e-2, rtol: 2e-3, golden)
  }

  @Test func linearMagnitudeFbankWithinRelativeTolerance() throws {
    let ours = try fbank(["--dither=0", "--num-mel-bins=64", "--use-log-fbank=false", "--use-power=false"])
    expectClose(ours, try Fixture.matrix("knf_fbank64_linear_magnitude.ark"), atol: 0, rtol: 2e-3, "linear fbank")
  }

  @Test func spectrogramIsTheLogPowerOfTheSameFrames() throws {
    let w = try Fixture.wave("e1_16k.wav")
    var opts = SpectrogramOptions()
    opts.frame.dither = 0
    let spec = try FeatureExtractor(SpectrogramComputer(opts)).compute(w.channel(0), sampleRate: w.sampleRate)
    #expect(spec.rows == 276 && spec.cols == 257)
    // Column 0 is the raw log energy, which MFCC with --use-energy puts in column 0 too.
    let m = try mfcc(["--dither=0"])
    for r in 0..<spec.rows { #expect(abs(spec[r, 0] - m[r, 0]) < 1e-4) }
    opts.returnRawFft = true
    let raw = try FeatureExtractor(SpectrogramComputer(opts)).compute(w.channel(0), sampleRate: w.sampleRate)
    #expect(raw.cols == 512)
    // |X_k|² from the packed FFT equals exp of the log power spectrum (bins 1..255).
    for k in 1..<256 {
      let power = raw[100, 2 * k] * raw[100, 2 * k] + raw[100, 2 * k + 1] * raw[100, 2 * k + 1]
      #expect(abs(logf(max(power, Float.ulpOfOne)) - spec[100, k]) < 1e-3)
    }
  }

  @Test func vtlnWarpMovesTheBins() throws {
    let w = try Fixture.wave("e1_16k.wav")
    let opts = try parsed(FbankOptions(), FbankOptions.register, ["--dither=0", "--num-mel-bins=23"])
    let extractor = try FeatureExtractor(try FbankComputer(opts))
    let plain = try extractor.compute(w.channel(0), sampleRate: w.sampleRate, vtlnWarp: 1)
    let warped = try extractor.compute(w.channel(0), sampleRate: w.sampleRate, vtlnWarp: 0.9)
    #expect(plain.rows == warped.rows)
    #expect(plain != warped)
    let banks = try MelBanks(opts.mel, frame: opts.frame, vtlnWarp: 0.9)
    let unwarped = try MelBanks(opts.mel, frame: opts.frame, vtlnWarp: 1)
    // Warp < 1 maps frequencies up, so mid bins' centres move down in the original axis.
    #expect(banks.centerFrequencies[10] > unwarped.centerFrequencies[10])
    #expect(abs(MelBanks.vtlnWarpFrequency(low: 100, high: 7500, lowFreq: 20, highFreq: 8000, warp: 0.9, frequency: 1000) - 1000 / 0.9) < 1e-3)
  }
}

@Suite struct PostProcessingTests {
  @Test func cmvnStatsMatchKaldi() throws {
    var stats = Cmvn.emptyStats(dimension: 13)
    Cmvn.accumulate(try Fixture.matrix("mfcc13.ark"), into: &stats)
    let reader = try SequentialTableReader<MatrixHolder<Double>>("ark:" + Fixture.path("cmvn.ark"))
    let kaldi = try #require(try reader.next()).value
    for (a, b) in zip(stats.data, kaldi.data) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b))) }
  }

  @Test(arguments: [(false, "mfcc13_cmvn.ark"), (true, "mfcc13_cmvn_normvars.ark")])
  func applyCmvnMatchesKaldi(variances: Bool, golden: String) throws {
    let reader = try SequentialTableReader<MatrixHolder<Double>>("ark:" + Fixture.path("cmvn.ark"))
    let stats = try #require(try reader.next()).value
    var feats = try Fixture.matrix("mfcc13.ark")
    try Cmvn.apply(stats, to: &feats, variances: variances)
    expectClose(feats, try Fixture.matrix(golden), atol: 1e-5, rtol: 0, golden)
    // Reverse undoes it.
    try Cmvn.apply(stats, to: &feats, variances: variances, reverse: true)
    expectClose(feats, try Fixture.matrix("mfcc13.ark"), atol: 2e-4, rtol: 1e-5, "reverse")
  }

  @Test func deltasAndSplicingMatchKaldi() throws {
    let feats = try Fixture.matrix("mfcc13.ark")
    let deltas = try DeltaFeatures(order: 2, window: 2)
    #expect(deltas.scales[1] == [-0.2, -0.1, 0, 0.1, 0.2])
    #expect(deltas.scales[2].count == 9)
    expectClose(deltas.apply(feats), try Fixture.matrix("mfcc13_deltas.ark"), atol: 1e-5, rtol: 0, "deltas")
    expectClose(try spliceFrames(feats, left: 3, right: 3), try Fixture.matrix("mfcc13_splice3.ark"), atol: 0, rtol: 0, "splice")
  }

  @Test func skipDimsLeaveThoseDimensionsAlone() throws {
    var stats = Cmvn.emptyStats(dimension: 2)
    let feats = Matrix<Float>(rowArrays: [[1, 10], [3, 30]])
    Cmvn.accumulate(feats, into: &stats)
    try Cmvn.skip(dimensions: [1], in: &stats)
    var f = feats
    try Cmvn.apply(stats, to: &f, variances: true)
    #expect(f[0, 0] == -1 && f[1, 0] == 1)
    #expect(f[0, 1] == 10 && f[1, 1] == 30)
  }
}

@Suite struct AudioTests {
  @Test func flacSphereAndWavDecodeToTheSameSamples() throws {
    let wav = try Fixture.wave("e1_16k.wav")
    #expect(wav.sampleRate == 16000 && wav.sampleCount == 44555 && wav.channelCount == 1)
    #expect(try Fixture.wave("e1.flac") == wav)
    #expect(try Fixture.wave("e1.sph") == wav)
    // FLAC from a streaming encoder has no total-sample count (libsndfile then reports its
    // maximum length): read to the end of the stream.
    #expect(try Fixture.wave("e1_nolength.flac") == wav)
    // Kaldi's scale: int16 values, not ±1.
    #expect(wav.samples.data.allSatisfy { $0 == $0.rounded() && abs($0) <= 32768 })
    #expect(wav.samples.data.contains { abs($0) > 1000 })
  }

  @Test(arguments: ["sine_8bit.wav", "sine_24bit.wav", "sine_float.wav"])
  func otherSampleFormatsUseTheInt16Scale(file: String) throws {
    let reference = try Fixture.wave("sine_16bit.wav")
    let other = try Fixture.wave(file)
    #expect(other.sampleCount == reference.sampleCount)
    // 8-bit audio has steps of 256 in int16 units, and sox dithered it by about one step.
    let tolerance: Float = file == "sine_8bit.wav" ? 400 : 2
    for (a, b) in zip(other.samples.data, reference.samples.data) { #expect(abs(a - b) <= tolerance) }
  }

  @Test func stereoKeepsBothChannels() throws {
    let w = try Fixture.wave("stereo.wav")
    #expect(w.channelCount == 2 && w.sampleCount == 1600)
    #expect(w.channel(0) != w.channel(1))
  }

  @Test func shortenCompressedSphereIsAClearError() throws {
    var header = Array("NIST_1A\n   1024\nsample_count -i 10\nsample_n_bytes -i 2\nsample_coding -s26 pcm,embedded-shorten-v2.00\nend_head\n".utf8)
    header += [UInt8](repeating: 0x20, count: 1024 - header.count) + [UInt8](repeating: 1, count: 20)
    do {
      _ = try AudioDecoder.decode(header, name: "x.sph")
      Issue.record("decoded shorten data")
    } catch let e as KaldiError {
      #expect(e.message.contains("shorten") && e.message.contains("x.sph"))
    }
  }

  @Test func waveArchivesRoundTripAndStreamedHeadersReadToTheEnd() throws {
    let dir = NSTemporaryDirectory() + "ksnn-wave-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let a = try Fixture.wave("e1_8k.wav"), b = try Fixture.wave("stereo.wav")
    let writer = try TableWriter<WaveHolder>("ark:\(dir)/w.ark")
    try writer.write("a", a)
    try writer.write("b", b)
    try writer.close()
    let reader = try SequentialTableReader<WaveHolder>("ark:\(dir)/w.ark")
    #expect(try reader.next()?.value == a)
    #expect(try reader.next()?.value == b)
    #expect(try reader.next() == nil)
    // A WAV written to a pipe has unknown sizes (0xFFFFFFFF): read to end of input.
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixture.path("sine_16bit.wav"))))
    for k in 4..<8 { bytes[k] = 0xFF }
    for k in 40..<44 { bytes[k] = 0xFF }
    try Data(bytes).write(to: URL(fileURLWithPath: "\(dir)/streamed.wav"))
    #expect(try readKaldiObject(WaveHolder.self, from: "\(dir)/streamed.wav") == (try Fixture.wave("sine_16bit.wav")))
  }

  @Test func resamplingKeepsATone() throws {
    let n = 16000
    let tone = (0..<n).map { Float(10000 * sin(2 * Double.pi * 1000 * Double($0) / 16000)) }
    let r = Resampler(from: 16000, to: 8000)
    #expect(r.outputCount(for: n) == 8000)
    let down = r.resample(tone)
    #expect(down.count == 8000)
    // Away from the edges the 1 kHz tone is intact: sample k is the tone at time k/8000.
    for k in stride(from: 100, to: 7900, by: 97) {
      let expected = Float(10000 * sin(2 * Double.pi * 1000 * Double(k) / 8000))
      #expect(abs(down[k] - expected) < 150, "sample \(k)")
    }
    // Features at 8 kHz from the 16 kHz file, allowed to downsample.
    let w = try Fixture.wave("e1_16k.wav")
    let opts = try parsed(MfccOptions(), MfccOptions.register, ["--dither=0", "--sample-frequency=8000", "--allow-downsample=true"])
    let feats = try FeatureExtractor(try MfccComputer(opts)).compute(w.channel(0), sampleRate: w.sampleRate)
    #expect(feats.rows == 276)
    // Without permission it is an error naming both rates.
    let strict = try FeatureExtractor(try MfccComputer(try parsed(MfccOptions(), MfccOptions.register, ["--sample-frequency=8000"])))
    #expect(throws: KaldiError.self) { _ = try strict.compute(w.channel(0), sampleRate: w.sampleRate) }
  }

  @Test func ditherIsDeterministicForAFixedSeed() throws {
    func run(_ seed: UInt32) throws -> Matrix<Float> {
      srand(seed)
      return try mfcc(["--dither=1"])
    }
    let a = try run(1), b = try run(1), c = try run(7)
    #expect(a == b)
    #expect(a != c)
    // The noise itself: silence through a rectangular window, no DC removal or
    // pre-emphasis, comes out as Gaussian noise with σ = --dither.
    var opts = FrameOptions()
    opts.dither = 2
    opts.removeDcOffset = false
    opts.preemphasisCoefficient = 0
    opts.windowType = "rectangular"
    let frames = try FrameExtractor(opts)
    let silence = [Float](repeating: 0, count: 16000)
    var frame = [Float](repeating: 0, count: opts.paddedWindowSize)
    var sum = 0.0, sumSquares = 0.0, n = 0.0
    silence.withUnsafeBufferPointer { wave in
      frame.withUnsafeMutableBufferPointer { f in
        for k in 0..<opts.frameCount(samples: wave.count) {
          _ = frames.extract(frame: k, of: wave, into: f.baseAddress!, wantRawLogEnergy: false)
          for i in 0..<opts.windowSize { sum += Double(f[i]); sumSquares += Double(f[i] * f[i]); n += 1 }
        }
      }
    }
    #expect(abs(sum / n) < 0.05)
    #expect(abs((sumSquares / n).squareRoot() - 2) < 0.05)
  }
}

@Suite struct MelBankTests {
  /// The one-pass filterbank against the obvious per-bin sums over each bin's weights.
  @Test(arguments: [(23, Float(1)), (80, 1), (40, 0.85), (64, 1.15), (3, 1)])
  func onePassEqualsPerBinSums(bins: Int, warp: Float) throws {
    var mel = MelOptions(numBins: bins)
    mel.lowFreq = 60
    mel.highFreq = -400
    let banks = try MelBanks(mel, frame: FrameOptions(), vtlnWarp: warp)
    var state: UInt64 = 7
    // The bank reads up to spectrumLength values: the real 257, then zeros.
    let spectrum = (0..<257).map { _ -> Float in
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Float(state >> 40) / Float(1 << 24) * 1000
    } + [Float](repeating: 0, count: max(0, banks.spectrumLength - 257))
    var fast = [Float](repeating: 0, count: bins)
    spectrum.withUnsafeBufferPointer { s in fast.withUnsafeMutableBufferPointer { banks.apply(s.baseAddress!, into: $0.baseAddress!) } }
    for (b, bin) in banks.bins.enumerated() {
      var slow: Double = 0
      for (k, w) in bin.weights.enumerated() { slow += Double(w) * Double(spectrum[bin.offset + k]) }
      #expect(abs(Double(fast[b]) - slow) <= 1e-4 * max(1, slow), "bin \(b)")
    }
  }
}
