#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiMatrix

/// Kaldi's triangular mel filterbank (feat/mel-computations.cc), with optional VTLN warping;
/// each bin keeps only its non-zero run of FFT weights.
public struct MelBanks: Sendable {
  public struct Bin: Sendable {
    public var offset: Int
    public var weights: [Float]
  }
  public let bins: [Bin]
  public let centerFrequencies: [Float]
  let htkMode: Bool
  /// Every bin's weights zero-padded to the same width (a multiple of 8), so applying the
  /// bank is one branch-free SIMD dot product per bin.
  private let bandWidth: Int
  private let band: [Float]
  private let offsets: [Int]
  /// How many spectrum values `apply` may read: the spectrum buffer must be this long, with
  /// zeros past the real spectrum.
  public let spectrumLength: Int

  public static func melScale(_ f: Float) -> Float { 1127 * logf(1 + f / 700) }
  public static func inverseMelScale(_ m: Float) -> Float { 700 * (expf(m / 1127) - 1) }

  public init(_ opts: MelOptions, frame: FrameOptions, vtlnWarp: Float) throws {
    let numBins = opts.numBins
    guard numBins >= 3 else { throw KaldiError("Must have at least 3 mel bins") }
    let sampleFreq = frame.sampleFrequency
    let padded = frame.paddedWindowSize
    let numFftBins = padded / 2
    let nyquist = 0.5 * sampleFreq
    let lowFreq = opts.lowFreq
    let highFreq = opts.highFreq > 0 ? opts.highFreq : nyquist + opts.highFreq
    guard lowFreq >= 0, lowFreq < nyquist, highFreq > 0, highFreq <= nyquist, highFreq > lowFreq else {
      throw KaldiError("Bad values in options: low-freq \(lowFreq.optionDescription) and high-freq \(highFreq.optionDescription) vs. nyquist \(nyquist.optionDescription)")
    }
    let fftBinWidth = sampleFreq / Float(padded)
    let melLow = Self.melScale(lowFreq), melHigh = Self.melScale(highFreq)
    let delta = (melHigh - melLow) / Float(numBins + 1)
    var vtlnLow = opts.vtlnLow, vtlnHigh = opts.vtlnHigh
    if vtlnHigh < 0 { vtlnHigh += nyquist }
    if vtlnWarp != 1, vtlnLow < 0 || vtlnLow <= lowFreq || vtlnLow >= highFreq || vtlnHigh <= 0 || vtlnHigh >= highFreq || vtlnHigh <= vtlnLow {
      throw KaldiError("Bad values in options: vtln-low \(vtlnLow.optionDescription) and vtln-high \(vtlnHigh.optionDescription), versus low-freq \(lowFreq.optionDescription) and high-freq \(highFreq.optionDescription)")
    }
    func warp(_ mel: Float) -> Float {
      guard vtlnWarp != 1 else { return mel }
      return Self.melScale(Self.vtlnWarpFrequency(
        low: vtlnLow, high: vtlnHigh, lowFreq: lowFreq, highFreq: highFreq, warp: vtlnWarp, frequency: Self.inverseMelScale(mel)))
    }
    var bins: [Bin] = [], centers: [Float] = []
    let fftMels = (0..<numFftBins).map { Self.melScale(fftBinWidth * Float($0)) }
    for b in 0..<numBins {
      let left = warp(melLow + Float(b) * delta)
      let center = warp(melLow + Float(b + 1) * delta)
      let right = warp(melLow + Float(b + 2) * delta)
      centers.append(Self.inverseMelScale(center))
      var first = -1, last = -1
      var weights = [Float](repeating: 0, count: numFftBins)
      for i in 0..<numFftBins {
        let mel = fftMels[i]
        if mel > left && mel < right {
          weights[i] = mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center)
          if first == -1 { first = i }
          last = i
        }
      }
      guard first != -1 else { throw KaldiError("Mel bin \(b) is empty: you may have set --num-mel-bins too large.") }
      var run = Array(weights[first...last])
      if opts.htkMode && b == 0 && melLow != 0 { run[0] = 0 }
      bins.append(Bin(offset: first, weights: run))
    }
    self.bins = bins
    let widest = bins.map(\.weights.count).max() ?? 1
    bandWidth = (widest + 7) / 8 * 8
    var band = [Float](repeating: 0, count: numBins * bandWidth)
    for (b, bin) in bins.enumerated() {
      for (k, w) in bin.weights.enumerated() { band[b * bandWidth + k] = w }
    }
    self.band = band
    offsets = bins.map(\.offset)
    spectrumLength = max(numFftBins + 1, (bins.map(\.offset).max() ?? 0) + bandWidth)
    centerFrequencies = centers
    htkMode = opts.htkMode
    if opts.debugMel {
      for (i, bin) in bins.enumerated() {
        KaldiLog.log("bin \(i), offset = \(bin.offset), vec =  [ \(bin.weights.map { formatG(Double($0), precision: 6) }.joined(separator: " ")) ]")
      }
    }
  }

  /// Kaldi's piecewise-linear VTLN frequency warp.
  public static func vtlnWarpFrequency(low: Float, high: Float, lowFreq: Float, highFreq: Float, warp: Float, frequency f: Float) -> Float {
    if f < lowFreq || f > highFreq { return f }
    let l = low * max(1, warp), h = high * min(1, warp)
    let scale = 1 / warp
    let fl = scale * l, fh = scale * h
    let scaleLeft = (fl - lowFreq) / (l - lowFreq)
    let scaleRight = (highFreq - fh) / (highFreq - h)
    if f < l { return lowFreq + scaleLeft * (f - lowFreq) }
    if f < h { return scale * f }
    return highFreq + scaleRight * (f - highFreq)
  }

  /// Filterbank energies of one power (or magnitude) spectrum; `spectrum` must hold
  /// `spectrumLength` values, zero past the real spectrum.
  public func apply(_ spectrum: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
    let width = bandWidth
    band.withUnsafeBufferPointer { w in
      offsets.withUnsafeBufferPointer { offsets in
      let weights = UnsafeRawPointer(w.baseAddress!), values = UnsafeRawPointer(spectrum)
      for b in 0..<offsets.count {
        var acc = SIMD8<Float>()
        let w0 = weights + 4 &* b &* width, v0 = values + 4 &* offsets[b]
        var k = 0
        while k < width {
          acc += w0.loadUnaligned(fromByteOffset: 4 &* k, as: SIMD8<Float>.self)
            * v0.loadUnaligned(fromByteOffset: 4 &* k, as: SIMD8<Float>.self)
          k &+= 8
        }
        var energy = (acc.lowHalf + acc.highHalf).sum()
        if htkMode && energy < 1 { energy = 1 }
        out[b] = energy
      }
      }
    }
  }

}
