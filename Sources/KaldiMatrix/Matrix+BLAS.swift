import CBLAS

extension Matrix where Element == Float {
  /// `self · other` through `gemm` (the GMMs' log-likelihoods; the acoustic models call `gemm`
  /// on raw buffers, to work on gate blocks in place).
  public func multiplied(by other: Matrix<Float>, transposeSelf: Bool = false, transposeOther: Bool = false) -> Matrix<Float> {
    let m = transposeSelf ? cols : rows
    let k = transposeSelf ? rows : cols
    let k2 = transposeOther ? other.cols : other.rows
    let n = transposeOther ? other.rows : other.cols
    precondition(k == k2, "inner dimensions differ: \(k) vs \(k2)")
    var out = Matrix<Float>(rows: m, cols: n)
    if m == 0 || n == 0 || k == 0 { return out }
    withBuffers(data, other.data) { a, b in
      out.data.withUnsafeMutableBufferPointer { c in
        gemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k, a: a.baseAddress!, lda: cols,
             b: b.baseAddress!, ldb: other.cols, c: c.baseAddress!, ldc: n)
      }
    }
    return out
  }
}

/// Thread control for OpenBLAS. Tools default to one thread: parallelism comes from running
/// jobs side by side (`--nj`), and idle OpenBLAS workers otherwise spin on the other cores.
public enum BLASThreads {
  public static func set(_ count: Int) { ksnn_blas_set_threads(Int32(max(1, count))) }
}


/// `Σ a[i]·b[i]` for short vectors, without a BLAS call: two SIMD8 accumulators (the sum is
/// reassociated, as BLAS does too). For the per-frame filterbank and energy sums.
@inlinable
public func shortDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
  var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
  var i = 0
  let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
  while i + 16 <= count {
    s0 += ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
    s1 += ra.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self)
    i += 16
  }
  if i + 8 <= count {
    s0 += ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
    i += 8
  }
  var total = (s0 + s1).sum()
  while i < count {
    total += a[i] * b[i]
    i += 1
  }
  return total
}
