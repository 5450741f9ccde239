#if canImport(Glibc)
import Glibc
#endif
import KaldiMatrix

/// The multi-bit spiking activation of the paper's Eq. 22: levels `trunc(u·scale)` with
/// `scale = 2^(b-1)·(1−10⁻⁴)/u_max`, levels with |level| ≤ threshold forced to zero, and u_max
/// the bias-corrected EMA of the membrane potential's min/max. The gradient is straight-through
/// inside the clamp range [−u_max, u_max] and zero outside it.
public final class MultiBitQuantizer: ParameterOwner {
  public let bits: Int
  public let threshold: Int
  public let momentum: Float
  /// [biased EMA of min, biased EMA of max, corrected min, corrected max, step count].
  public var statistics: [Float] = .zeros(5)
  let name: String

  public init(bits: Int, threshold: Int, momentum: Float, name: String) {
    self.bits = bits
    self.threshold = threshold
    self.momentum = momentum
    self.name = name
  }

  /// The range in use: max(|EMA min|, |EMA max|).
  public var range: Float { max(abs(statistics[2]), abs(statistics[3])) }

  /// Folds the min and max of `u` into the EMA (training only).
  func observe(_ u: UnsafePointer<Float>, count: Int) {
    var lo = Float.infinity, hi = -Float.infinity
    for i in 0..<count {
      lo = min(lo, u[i])
      hi = max(hi, u[i])
    }
    // In data-parallel training the range follows every process's values, as with one process.
    DataParallel.group?.extremes(&lo, &hi)
    let m = momentum
    statistics[4] += 1
    let correction = 1 - powf(1 - m, statistics[4])
    statistics[0] = statistics[0] * (1 - m) + m * lo
    statistics[1] = statistics[1] * (1 - m) + m * hi
    statistics[2] = statistics[0] / correction
    statistics[3] = statistics[1] / correction
  }

  /// `y = Q(u)` for `count` values; `pass` (if given) receives 1 where the straight-through
  /// gradient flows (inside the clamp range) and 0 elsewhere.
  func quantize(
    _ u: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>,
    pass: UnsafeMutablePointer<Float>?, training: Bool
  ) {
    if training { observe(u, count: count) }
    let levels = Double(1 << (bits - 1))
    var limit = range
    let scale: Float
    if limit == 0 {
      scale = Float(1 - 1e-4)
      limit = Float(levels)
    } else {
      scale = Float(levels * (1 - 1e-4) / Double(limit))
    }
    let th = Float(threshold)
    for i in 0..<count {
      let v = u[i]
      let clamped = min(max(v, -limit), limit)
      // Truncation through an integer is `rounded(.towardZero)` without a libm call per value
      // (x86-64's baseline has no rounding instruction); NaN keeps the libm path.
      let scaled = clamped * scale
      var q = abs(scaled) < 2_000_000_000 ? Float(Int32(scaled)) : scaled.rounded(.towardZero)
      if abs(q) <= th { q = 0 }
      y[i] = q / scale
      if let pass { pass[i] = (v >= -limit && v <= limit) ? 1 : 0 }
    }
  }

  public func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {}

  public func visitBuffers(_ body: (String, inout [Float]) throws -> Void) rethrows {
    try body(name + ".ema", &statistics)
  }
}

/// Sigma-delta multi-bit encoding of the input features, used by every spiking model: the
/// residual `acc ← acc + x[n]; y[n] = Q(acc); acc ← acc − y[n]` carries what was not emitted.
public final class SigmaDeltaEncoder: ParameterOwner {
  public let quantizer: MultiBitQuantizer

  public init(bits: Int, threshold: Int, momentum: Float) {
    quantizer = MultiBitQuantizer(bits: bits, threshold: threshold, momentum: momentum, name: "encoder")
  }

  /// Encodes a time-major T·B × D sequence.
  public func propagate(_ x: [Float], steps: Int, batch: Int, dim: Int, training: Bool) -> [Float] {
    let width = batch * dim
    var out = [Float].zeros(steps * width)
    var acc = [Float].zeros(width)
    x.withUnsafeBufferPointer { xp in
      out.withUnsafeMutableBufferPointer { op in
        acc.withUnsafeMutableBufferPointer { ap in
          for t in 0..<steps {
            let xt = xp.baseAddress! + t * width, yt = op.baseAddress! + t * width
            for i in 0..<width { ap[i] += xt[i] }
            quantizer.quantize(ap.baseAddress!, count: width, into: yt, pass: nil, training: training)
            for i in 0..<width { ap[i] -= yt[i] }
          }
        }
      }
    }
    return out
  }

  public func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {}
  public func visitBuffers(_ body: (String, inout [Float]) throws -> Void) rethrows {
    try quantizer.visitBuffers(body)
  }
}

extension SigmaDeltaEncoder {
  public func makeStreamingStep(dimension: Int) -> any StreamingStep { SigmaDeltaStreamingStep(self, dimension: dimension) }
}

/// One frame of sigma-delta encoding, the residual carried to the next frame.
final class SigmaDeltaStreamingStep: StreamingStep {
  let quantizer: MultiBitQuantizer
  let residual: PinnedFloats
  let outputDim: Int

  init(_ encoder: SigmaDeltaEncoder, dimension: Int) {
    quantizer = encoder.quantizer
    outputDim = dimension
    residual = PinnedFloats(zeros: dimension)
  }

  func reset() { residual.zero() }

  func step(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
    let acc = residual.pointer, d = outputDim
    for i in 0..<d { acc[i] += x[i] }
    quantizer.quantize(acc, count: d, into: y, pass: nil, training: false)
    for i in 0..<d { acc[i] -= y[i] }
  }
}
