#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiMatrix

/// Cuts frames from a waveform and prepares each one as Kaldi's `ExtractWindow` does:
/// copy (reflecting at the edges when not snipping), dither, DC removal, raw log energy,
/// pre-emphasis, window, zero padding.
public final class FrameExtractor {
  public let options: FrameOptions
  /// Window function values, computed in double and stored as float, as Kaldi does.
  public let window: [Float]

  public init(_ options: FrameOptions) throws {
    self.options = options
    let n = options.windowSize
    guard n > 1, options.windowShift > 0 else {
      throw KaldiError("Frame length \(options.frameLengthMs) ms and shift \(options.frameShiftMs) ms give \(n) samples per frame and a shift of \(options.windowShift) at \(options.sampleFrequency) Hz")
    }
    let a = 2 * Double.pi / Double(n - 1)
    let coeff = Double(options.blackmanCoeff)
    var w = [Float](repeating: 0, count: n)
    for i in 0..<n {
      let x = Double(i)
      switch options.windowType {
      case "hanning": w[i] = Float(0.5 - 0.5 * cos(a * x))
      case "sine": w[i] = Float(sin(0.5 * a * x))
      case "hamming": w[i] = Float(0.54 - 0.46 * cos(a * x))
      case "povey": w[i] = Float(pow(0.5 - 0.5 * cos(a * x), 0.85))
      case "rectangular": w[i] = 1
      case "blackman": w[i] = Float(coeff - 0.5 * cos(a * x) + (0.5 - coeff) * cos(2 * a * x))
      default: throw KaldiError("Invalid window type \(options.windowType)")
      }
    }
    window = w
  }

  /// Fills `frame` (paddedWindowSize floats) with frame `f` of `wave`; returns the raw log
  /// energy (before pre-emphasis and windowing), computed only when asked. `wave` may start
  /// `sampleOffset` samples into the signal (on-line extraction keeps only what later frames
  /// need); reflection at the ends works on what `wave` holds, as Kaldi's `ExtractWindow`.
  public func extract(
    frame f: Int, of wave: UnsafeBufferPointer<Float>, sampleOffset: Int = 0, into frame: UnsafeMutablePointer<Float>,
    wantRawLogEnergy: Bool
  ) -> Float {
    let length = options.windowSize, padded = options.paddedWindowSize
    let start = options.firstSample(ofFrame: f) - sampleOffset
    if start >= 0 && start + length <= wave.count {
      frame.update(from: wave.baseAddress! + start, count: length)
    } else {
      let n = wave.count
      for s in 0..<length {
        var i = start + s
        while i < 0 || i >= n { i = i < 0 ? -i - 1 : 2 * n - 1 - i }
        frame[s] = wave[i]
      }
    }
    if padded > length { (frame + length).update(repeating: 0, count: padded - length) }

    if options.dither != 0 { dither(frame, length, options.dither) }
    if options.removeDcOffset {
      let mean = sum(frame, length) / Float(length)
      for i in 0..<length { frame[i] -= mean }
    }
    var rawLogEnergy: Float = 0
    if wantRawLogEnergy {
      rawLogEnergy = logf(max(shortDot(frame, frame, length), Float.ulpOfOne))
    }
    let c = options.preemphasisCoefficient
    if c != 0 {
      // x[i] -= c·x[i−1] from the top down, eight at a time: each block reads the
      // not-yet-changed samples below it.
      var i = length - 8
      let raw = UnsafeMutableRawPointer(frame)
      while i >= 1 {
        let x = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
        let previous = raw.loadUnaligned(fromByteOffset: 4 * (i - 1), as: SIMD8<Float>.self)
        raw.storeBytes(of: x - c * previous, toByteOffset: 4 * i, as: SIMD8<Float>.self)
        i -= 8
      }
      var k = i + 7
      while k > 0 {
        frame[k] -= c * frame[k - 1]
        k -= 1
      }
      frame[0] -= c * frame[0]
    }
    window.withUnsafeBufferPointer { w in
      for i in 0..<length { frame[i] *= w[i] }
    }
    return rawLogEnergy
  }

  /// Sum with SIMD accumulators (reassociated, as Kaldi's BLAS-based sum is).
  private func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD8<Float>()
    var i = 0
    let raw = UnsafeRawPointer(p)
    while i + 8 <= n {
      acc += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
      i += 8
    }
    var total = acc.sum()
    while i < n {
      total += p[i]
      i += 1
    }
    return total
  }

  /// Kaldi's dither: a fresh `RandomState` per frame seeded with `rand() + 27437`, Gaussian
  /// noise by Box-Muller from `rand_r`, so the same libc gives Kaldi's own noise.
  private func dither(_ frame: UnsafeMutablePointer<Float>, _ length: Int, _ amount: Float) {
    var seed = UInt32(bitPattern: rand() &+ 27437)
    let denominator = Double(RAND_MAX) + 2.0
    for i in 0..<length {
      let u1 = Float((Double(rand_r(&seed)) + 1.0) / denominator)
      let u2 = Float((Double(rand_r(&seed)) + 1.0) / denominator)
      let gauss = sqrtf(-2 * logf(u1)) * cosf(Float(2 * Double.pi * Double(u2)))
      frame[i] += gauss * amount
    }
  }
}
