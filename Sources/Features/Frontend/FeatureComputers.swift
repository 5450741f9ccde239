#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiMatrix

/// Turns one prepared frame into one feature vector (Kaldi's `*Computer` classes).
public protocol FrameFeatureComputer: AnyObject {
  var frameOptions: FrameOptions { get }
  var dimension: Int { get }
  /// Whether `compute` needs the energy measured before pre-emphasis and windowing.
  var needsRawLogEnergy: Bool { get }
  /// `frame` holds paddedWindowSize samples and may be overwritten.
  func compute(rawLogEnergy: Float, vtlnWarp: Float, frame: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) throws
}

/// Mel banks per VTLN warp factor, built on first use.
final class MelBankCache {
  let options: MelOptions
  let frame: FrameOptions
  private var banks: [Float: MelBanks] = [:]
  private var last: (warp: Float, banks: MelBanks)?
  init(_ options: MelOptions, _ frame: FrameOptions) {
    self.options = options
    self.frame = frame
  }
  func banks(for warp: Float) throws -> MelBanks {
    // Every frame of an utterance asks for the same warp.
    if let last, last.warp == warp { return last.banks }
    let b = try banks[warp] ?? MelBanks(options, frame: frame, vtlnWarp: warp)
    banks[warp] = b
    last = (warp, b)
    return b
  }
}

let floatEpsilon = Float.ulpOfOne

/// The part MFCC and fbank share: FFT power (or magnitude) spectrum, then mel filterbank
/// energies for the utterance's VTLN warp.
final class MelEnergies {
  private let fft: RealFFT
  private let cache: MelBankCache
  private var power: [Float]
  let bins: Int

  init(mel: MelOptions, frame: FrameOptions) throws {
    fft = RealFFT(size: frame.paddedWindowSize)
    cache = MelBankCache(mel, frame)
    bins = mel.numBins
    power = [Float](repeating: 0, count: frame.paddedWindowSize / 2 + 1)
    _ = try cache.banks(for: 1)
  }

  /// Mel energies of one padded frame into `out` (`bins` values).
  func compute(frame: UnsafeMutablePointer<Float>, vtlnWarp: Float, magnitude: Bool, into out: UnsafeMutablePointer<Float>) throws {
    let banks = try cache.banks(for: vtlnWarp)
    // Room for the bank's padded reads, zeros past the spectrum.
    if power.count < banks.spectrumLength { power = [Float](repeating: 0, count: banks.spectrumLength) }
    let half = fft.size / 2
    power.withUnsafeMutableBufferPointer { p in
      fft.powerSpectrum(of: frame, into: p.baseAddress!)
      if magnitude { for i in 0...half { p[i] = powf(p[i], 0.5) } }
      banks.apply(p.baseAddress!, into: out)
    }
  }
}

/// MFCC: log mel energies, DCT, lifter, energy or C0 (Kaldi's `MfccComputer`).
public final class MfccComputer: FrameFeatureComputer {
  public let options: MfccOptions
  private let energies: MelEnergies
  /// numCeps × numBins, row-major.
  private let dct: [Float]
  private let lifter: [Float]
  private let logEnergyFloor: Float
  private var mel: [Float]

  public init(_ options: MfccOptions) throws {
    self.options = options
    let bins = options.mel.numBins
    guard options.numCeps <= bins else {
      throw KaldiError("num-ceps cannot be larger than num-mel-bins. It should be smaller or equal. You provided num-ceps: \(options.numCeps)  and num-mel-bins: \(bins)")
    }
    var dct = [Float](repeating: 0, count: options.numCeps * bins)
    for n in 0..<bins { dct[n] = Float(sqrt(1.0 / Double(Float(bins)))) }
    let normalizer = Float(sqrt(2.0 / Double(Float(bins))))
    for k in 1..<max(options.numCeps, 1) {
      for n in 0..<bins { dct[k * bins + n] = Float(Double(normalizer) * cos(Double.pi / Double(bins) * (Double(n) + 0.5) * Double(k))) }
    }
    self.dct = dct
    let q = options.cepstralLifter
    lifter = (0..<options.numCeps).map { Float(1.0 + 0.5 * Double(q) * sin(Double.pi * Double($0) / Double(q))) }
    logEnergyFloor = options.energyFloor > 0 ? logf(options.energyFloor) : 0
    energies = try MelEnergies(mel: options.mel, frame: options.frame)
    mel = [Float](repeating: 0, count: bins)
  }

  public var frameOptions: FrameOptions { options.frame }
  public var dimension: Int { options.numCeps }
  public var needsRawLogEnergy: Bool { options.useEnergy && options.rawEnergy }

  public func compute(rawLogEnergy: Float, vtlnWarp: Float, frame: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) throws {
    var energy = rawLogEnergy
    let padded = options.frame.paddedWindowSize
    if options.useEnergy && !options.rawEnergy { energy = logf(max(shortDot(frame, frame, padded), floatEpsilon)) }
    let bins = options.mel.numBins, ceps = options.numCeps
    try mel.withUnsafeMutableBufferPointer { m in
      try energies.compute(frame: frame, vtlnWarp: vtlnWarp, magnitude: false, into: m.baseAddress!)
      VectorMath.logWithFloor(m.baseAddress!, bins, floor: floatEpsilon)
      dct.withUnsafeBufferPointer { d in
        for k in 0..<ceps { output[k] = shortDot(d.baseAddress! + k * bins, m.baseAddress!, bins) }
      }
    }
    if options.cepstralLifter != 0 { for k in 0..<ceps { output[k] *= lifter[k] } }
    if options.useEnergy {
      if options.energyFloor > 0 && energy < logEnergyFloor { energy = logEnergyFloor }
      output[0] = energy
    }
    if options.htkCompat {
      var c0 = output[0]
      for i in 0..<(ceps - 1) { output[i] = output[i + 1] }
      if !options.useEnergy { c0 *= Float(2.0.squareRoot()) }
      output[ceps - 1] = c0
    }
  }
}

/// Log (or linear) mel filterbank energies, optionally with energy (Kaldi's `FbankComputer`).
public final class FbankComputer: FrameFeatureComputer {
  public let options: FbankOptions
  private let energies: MelEnergies
  private let logEnergyFloor: Float

  public init(_ options: FbankOptions) throws {
    self.options = options
    logEnergyFloor = options.energyFloor > 0 ? logf(options.energyFloor) : 0
    energies = try MelEnergies(mel: options.mel, frame: options.frame)
  }

  public var frameOptions: FrameOptions { options.frame }
  public var dimension: Int { options.mel.numBins + (options.useEnergy ? 1 : 0) }
  public var needsRawLogEnergy: Bool { options.useEnergy && options.rawEnergy }

  public func compute(rawLogEnergy: Float, vtlnWarp: Float, frame: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) throws {
    var energy = rawLogEnergy
    let padded = options.frame.paddedWindowSize
    if options.useEnergy && !options.rawEnergy { energy = logf(max(shortDot(frame, frame, padded), floatEpsilon)) }
    let bins = options.mel.numBins
    let offset = options.useEnergy && !options.htkCompat ? 1 : 0
    try energies.compute(frame: frame, vtlnWarp: vtlnWarp, magnitude: !options.usePower, into: output + offset)
    if options.useLogFbank { VectorMath.logWithFloor(output + offset, bins, floor: floatEpsilon) }
    if options.useEnergy {
      if options.energyFloor > 0 && energy < logEnergyFloor { energy = logEnergyFloor }
      output[options.htkCompat ? bins : 0] = energy
    }
  }
}

/// Log power spectrum with energy in bin 0, or the raw packed FFT (Kaldi's `SpectrogramComputer`).
public final class SpectrogramComputer: FrameFeatureComputer {
  public let options: SpectrogramOptions
  private let fft: RealFFT
  private let logEnergyFloor: Float

  public init(_ options: SpectrogramOptions) {
    self.options = options
    logEnergyFloor = options.energyFloor > 0 ? logf(options.energyFloor) : 0
    fft = RealFFT(size: options.frame.paddedWindowSize)
  }

  public var frameOptions: FrameOptions { options.frame }
  public var dimension: Int { options.returnRawFft ? options.frame.paddedWindowSize : options.frame.paddedWindowSize / 2 + 1 }
  public var needsRawLogEnergy: Bool { options.rawEnergy }

  public func compute(rawLogEnergy: Float, vtlnWarp: Float, frame: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) throws {
    var energy = rawLogEnergy
    let padded = options.frame.paddedWindowSize
    if !options.rawEnergy { energy = logf(max(shortDot(frame, frame, padded), floatEpsilon)) }
    if options.returnRawFft {
      fft.packedSpectrum(of: frame, into: output)
      return
    }
    fft.powerSpectrum(of: frame, into: output)
    VectorMath.logWithFloor(output, padded / 2 + 1, floor: floatEpsilon)
    if options.energyFloor > 0 && energy < logEnergyFloor { energy = logEnergyFloor }
    output[0] = energy
  }
}

/// Whole-utterance feature extraction (Kaldi's `OfflineFeatureTpl`): resampling when allowed,
/// then one feature row per frame.
public final class FeatureExtractor<Computer: FrameFeatureComputer> {
  public let computer: Computer
  private let frames: FrameExtractor
  private var scratch: [Float]

  public init(_ computer: Computer) throws {
    self.computer = computer
    frames = try FrameExtractor(computer.frameOptions)
    scratch = [Float](repeating: 0, count: computer.frameOptions.paddedWindowSize)
  }

  /// Features of one channel of audio sampled at `sampleRate`.
  public func compute(_ wave: [Float], sampleRate: Float, vtlnWarp: Float = 1) throws -> Matrix<Float> {
    let opts = computer.frameOptions
    var samples = wave
    if sampleRate != opts.sampleFrequency {
      if opts.sampleFrequency < sampleRate && !opts.allowDownsample {
        throw KaldiError("Waveform and config sample Frequency mismatch: \(sampleRate.optionDescription) .vs \(opts.sampleFrequency.optionDescription) (use --allow-downsample=true to allow  downsampling the waveform).")
      }
      if opts.sampleFrequency > sampleRate && !opts.allowUpsample {
        throw KaldiError("Waveform and config sample Frequency mismatch: \(sampleRate.optionDescription) .vs \(opts.sampleFrequency.optionDescription) (use --allow-upsample=true option to allow  upsampling the waveform).")
      }
      samples = Resampler(from: Int(sampleRate), to: Int(opts.sampleFrequency)).resample(wave)
    }
    let rows = opts.frameCount(samples: samples.count)
    let dim = computer.dimension
    var out = Matrix<Float>(rows: rows, cols: dim)
    if rows == 0 { return out }
    let needEnergy = computer.needsRawLogEnergy
    try samples.withUnsafeBufferPointer { wave in
      try scratch.withUnsafeMutableBufferPointer { frame in
        try out.data.withUnsafeMutableBufferPointer { features in
          for f in 0..<rows {
            let energy = frames.extract(frame: f, of: wave, into: frame.baseAddress!, wantRawLogEnergy: needEnergy)
            try computer.compute(rawLogEnergy: energy, vtlnWarp: vtlnWarp, frame: frame.baseAddress!, output: features.baseAddress! + f * dim)
          }
        }
      }
    }
    return out
  }
}
