#if canImport(Glibc)
import Glibc
#endif

/// Elementwise math over float buffers, eight lanes at a time.
public enum VectorMath {
  /// `p[i] = log(max(p[i], floor))` for `count` values, with a Cephes-style polynomial log
  /// (within 2 ulp of `logf` for positive finite input; infinity and NaN go through `logf`).
  /// Filterbank and MFCC code takes one log per mel bin per frame, so this loop matters.
  public static func logWithFloor(_ p: UnsafeMutablePointer<Float>, _ count: Int, floor: Float) {
    let raw = UnsafeMutableRawPointer(p)
    var i = 0
    while i + 8 <= count {
      var x = raw.loadUnaligned(fromByteOffset: 4 &* i, as: SIMD8<Float>.self)
      x.replace(with: SIMD8(repeating: floor), where: x .< floor)
      if any(x .== .infinity) || any(x .!= x) {
        for k in 0..<8 { p[i + k] = logf(Swift.max(p[i + k], floor)) }
      } else {
        raw.storeBytes(of: log8(x), toByteOffset: 4 &* i, as: SIMD8<Float>.self)
      }
      i &+= 8
    }
    while i < count {
      p[i] = logf(Swift.max(p[i], floor))
      i &+= 1
    }
  }

  /// Natural log of eight positive, finite, normal floats.
  @inline(__always)
  static func log8(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
    var exponent = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: (bits &>> 23) & 0xff) &- 127)
    var m = unsafeBitCast((bits & 0x007f_ffff) | 0x3f80_0000, to: SIMD8<Float>.self)  // [1, 2)
    // Centre the mantissa on 1: [√½, √2).
    let big = m .> 1.41421356
    m.replace(with: m * 0.5, where: big)
    exponent.replace(with: exponent + 1, where: big)
    let f = m - 1
    let z = f * f
    var poly = SIMD8<Float>(repeating: 7.0376836292e-2)
    poly = poly * f - 1.1514610310e-1
    poly = poly * f + 1.1676998740e-1
    poly = poly * f - 1.2420140846e-1
    poly = poly * f + 1.4249322787e-1
    poly = poly * f - 1.6668057665e-1
    poly = poly * f + 2.0000714765e-1
    poly = poly * f - 2.4999993993e-1
    poly = poly * f + 3.3333331174e-1
    var y = f * z * poly
    y += exponent * -2.12194440e-4
    y -= 0.5 * z
    return f + y + exponent * 0.693359375
  }
}

