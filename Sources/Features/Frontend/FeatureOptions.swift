import KaldiBase

/// How frames are cut from a waveform (Kaldi's `FrameExtractionOptions`, same names and
/// defaults, so `--config=conf/mfcc.conf` files keep their meaning).
public struct FrameOptions: Sendable {
  public var sampleFrequency: Float = 16000
  public var frameShiftMs: Float = 10
  public var frameLengthMs: Float = 25
  public var dither: Float = 1
  public var preemphasisCoefficient: Float = 0.97
  public var removeDcOffset = true
  public var windowType = "povey"
  public var roundToPowerOfTwo = true
  public var blackmanCoeff: Float = 0.42
  public var snipEdges = true
  public var allowDownsample = false
  public var allowUpsample = false
  public var maxFeatureVectors = -1

  public init() {}

  /// Samples between frame starts.
  public var windowShift: Int { Int(Double(sampleFrequency) * 0.001 * Double(frameShiftMs)) }
  /// Samples per frame.
  public var windowSize: Int { Int(Double(sampleFrequency) * 0.001 * Double(frameLengthMs)) }
  /// FFT length.
  public var paddedWindowSize: Int {
    guard roundToPowerOfTwo else { return windowSize }
    var n = 1
    while n < windowSize { n <<= 1 }
    return n
  }

  /// Kaldi's `NumFrames(num_samples, opts, flush=true)`.
  public func frameCount(samples: Int) -> Int {
    let shift = windowShift, length = windowSize
    if snipEdges { return samples < length ? 0 : 1 + (samples - length) / shift }
    return (samples + shift / 2) / shift
  }

  /// Kaldi's `NumFrames(num_samples, opts, flush)`: without `flush` (more audio may come),
  /// only frames whose window lies inside the samples seen so far.
  public func frameCount(samples: Int, flush: Bool) -> Int {
    if flush || snipEdges { return frameCount(samples: samples) }
    var frames = frameCount(samples: samples)
    var end = firstSample(ofFrame: frames - 1) + windowSize
    while frames > 0 && end > samples {
      frames -= 1
      end -= windowShift
    }
    return frames
  }

  /// Kaldi's `FirstSampleOfFrame`.
  public func firstSample(ofFrame f: Int) -> Int {
    snipEdges ? f * windowShift : f * windowShift + windowShift / 2 - windowSize / 2
  }

  public static func register<Root>(_ po: ParseOptions, _ s: Setting<Root>, _ k: WritableKeyPath<Root, FrameOptions>) {
    po.register("sample-frequency", s, k.appending(path: \.sampleFrequency), "Waveform data sample frequency (must match the waveform file, if specified there)")
    po.register("frame-length", s, k.appending(path: \.frameLengthMs), "Frame length in milliseconds")
    po.register("frame-shift", s, k.appending(path: \.frameShiftMs), "Frame shift in milliseconds")
    po.register("preemphasis-coefficient", s, k.appending(path: \.preemphasisCoefficient), "Coefficient for use in signal preemphasis")
    po.register("remove-dc-offset", s, k.appending(path: \.removeDcOffset), "Subtract mean from waveform on each frame")
    po.register("dither", s, k.appending(path: \.dither), "Dithering constant (0.0 means no dither). If you turn this off, you should set the --energy-floor option, e.g. to 1.0 or 0.1")
    po.register("window-type", s, k.appending(path: \.windowType), "Type of window (\"hamming\"|\"hanning\"|\"povey\"|\"rectangular\"|\"sine\"|\"blackmann\")")
    po.register("blackman-coeff", s, k.appending(path: \.blackmanCoeff), "Constant coefficient for generalized Blackman window.")
    po.register("round-to-power-of-two", s, k.appending(path: \.roundToPowerOfTwo), "If true, round window size to power of two by zero-padding input to FFT.")
    po.register("snip-edges", s, k.appending(path: \.snipEdges), "If true, end effects will be handled by outputting only frames that completely fit in the file, and the number of frames depends on the frame-length.  If false, the number of frames depends only on the frame-shift, and we reflect the data at the ends.")
    po.register("allow-downsample", s, k.appending(path: \.allowDownsample), "If true, allow the input waveform to have a higher frequency than the specified --sample-frequency (and we'll downsample).")
    po.register("max-feature-vectors", s, k.appending(path: \.maxFeatureVectors), "Memory optimization. If larger than 0, periodically remove feature vectors so that only this number of the latest feature vectors is retained. (The offline tools compute a whole utterance at once and ignore it; on-line recognition keeps the N frames up to the latest one read.)")
    po.register("allow-upsample", s, k.appending(path: \.allowUpsample), "If true, allow the input waveform to have a lower frequency than the specified --sample-frequency (and we'll upsample).")
  }
}

/// Triangular mel filterbank settings (Kaldi's `MelBanksOptions`).
public struct MelOptions: Sendable {
  public var numBins = 25
  public var lowFreq: Float = 20
  public var highFreq: Float = 0
  public var vtlnLow: Float = 100
  public var vtlnHigh: Float = -500
  public var debugMel = false
  /// Not a command-line option: set by HTK-compatible configurations in code.
  public var htkMode = false

  public init(numBins: Int = 25) { self.numBins = numBins }

  public static func register<Root>(_ po: ParseOptions, _ s: Setting<Root>, _ k: WritableKeyPath<Root, MelOptions>) {
    po.register("num-mel-bins", s, k.appending(path: \.numBins), "Number of triangular mel-frequency bins")
    po.register("low-freq", s, k.appending(path: \.lowFreq), "Low cutoff frequency for mel bins")
    po.register("high-freq", s, k.appending(path: \.highFreq), "High cutoff frequency for mel bins (if <= 0, offset from Nyquist)")
    po.register("vtln-low", s, k.appending(path: \.vtlnLow), "Low inflection point in piecewise linear VTLN warping function")
    po.register("vtln-high", s, k.appending(path: \.vtlnHigh), "High inflection point in piecewise linear VTLN warping function (if negative, offset from high-mel-freq")
    po.register("debug-mel", s, k.appending(path: \.debugMel), "Print out debugging information for mel bin computation")
  }
}

/// MFCC settings (Kaldi's `MfccOptions`).
public struct MfccOptions: Sendable {
  public var frame = FrameOptions()
  public var mel = MelOptions(numBins: 23)
  public var numCeps = 13
  public var useEnergy = true
  public var energyFloor: Float = 0
  public var rawEnergy = true
  public var cepstralLifter: Float = 22
  public var htkCompat = false
  public init() {}

  public static func register(_ po: ParseOptions, _ s: Setting<MfccOptions>) {
    FrameOptions.register(po, s, \.frame)
    MelOptions.register(po, s, \.mel)
    po.register("num-ceps", s, \.numCeps, "Number of cepstra in MFCC computation (including C0)")
    po.register("use-energy", s, \.useEnergy, "Use energy (not C0) in MFCC computation")
    po.register("energy-floor", s, \.energyFloor, "Floor on energy (absolute, not relative) in MFCC computation. Only makes a difference if --use-energy=true; only necessary if --dither=0.0.  Suggested values: 0.1 or 1.0")
    po.register("raw-energy", s, \.rawEnergy, "If true, compute energy before preemphasis and windowing")
    po.register("cepstral-lifter", s, \.cepstralLifter, "Constant that controls scaling of MFCCs")
    po.register("htk-compat", s, \.htkCompat, "If true, put energy or C0 last and use a factor of sqrt(2) on C0.  Warning: not sufficient to get HTK compatible features (need to change other parameters).")
  }
}

/// Filterbank settings (Kaldi's `FbankOptions`).
public struct FbankOptions: Sendable {
  public var frame = FrameOptions()
  public var mel = MelOptions(numBins: 23)
  public var useEnergy = false
  public var energyFloor: Float = 0
  public var rawEnergy = true
  public var htkCompat = false
  public var useLogFbank = true
  public var usePower = true
  public init() {}

  public static func register(_ po: ParseOptions, _ s: Setting<FbankOptions>) {
    FrameOptions.register(po, s, \.frame)
    MelOptions.register(po, s, \.mel)
    po.register("use-energy", s, \.useEnergy, "Add an extra dimension with energy to the FBANK output.")
    po.register("energy-floor", s, \.energyFloor, "Floor on energy (absolute, not relative) in FBANK computation. Only makes a difference if --use-energy=true; only necessary if --dither=0.0.  Suggested values: 0.1 or 1.0")
    po.register("raw-energy", s, \.rawEnergy, "If true, compute energy before preemphasis and windowing")
    po.register("htk-compat", s, \.htkCompat, "If true, put energy last.  Warning: not sufficient to get HTK compatible features (need to change other parameters).")
    po.register("use-log-fbank", s, \.useLogFbank, "If true, produce log-filterbank, else produce linear.")
    po.register("use-power", s, \.usePower, "If true, use power, else use magnitude.")
  }
}

/// Log power spectrum settings (Kaldi's `SpectrogramOptions`).
public struct SpectrogramOptions: Sendable {
  public var frame = FrameOptions()
  public var energyFloor: Float = 0
  public var rawEnergy = true
  public var returnRawFft = false
  public init() {}

  public static func register(_ po: ParseOptions, _ s: Setting<SpectrogramOptions>) {
    FrameOptions.register(po, s, \.frame)
    po.register("energy-floor", s, \.energyFloor, "Floor on energy (absolute, not relative) in Spectrogram computation.  Caution: this floor is applied to the zeroth component, representing the total signal energy.  The floor on the individual spectrogram elements is fixed at std::numeric_limits<float>::epsilon().")
    po.register("raw-energy", s, \.rawEnergy, "If true, compute energy before preemphasis and windowing")
    po.register("return-raw-fft", s, \.returnRawFft, "If true, return raw FFT complex numbers instead of log magnitudes")
  }
}
