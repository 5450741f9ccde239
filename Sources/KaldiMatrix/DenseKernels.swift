#if canImport(Glibc)
import Glibc
#endif
import CBLAS

/// Row-major `C = alpha·op(A)·op(B) + beta·C` on raw buffers: the one call site of OpenBLAS's
/// `cblas_sgemm` (the acoustic models' training and batch evaluation, `Matrix.multiplied`,
/// transform-feats), with leading dimensions so that column blocks (one gate of a fused gate
/// matrix) can be used in place.
@inlinable
public func gemm(
  transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
  a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
  c: UnsafeMutablePointer<Float>, ldc: Int
) {
  if m == 0 || n == 0 { return }
  if k == 0 {
    if beta == 0 { for r in 0..<m { (c + r * ldc).update(repeating: 0, count: n) } }
    return
  }
  ksnn_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// `y = W·x` (`+ y` with `accumulate`) for a row-major rows × cols W: the batch-1 dense product
/// of on-line recognition.
@inlinable
public func gemv(_ w: UnsafePointer<Float>, rows: Int, cols: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, accumulate: Bool) {
  ksnn_sgemv(Int32(rows), Int32(cols), 1, w, Int32(cols), x, accumulate ? 1 : 0, y)
}

/// `C = A·B` (row-major, m × k times k × n), for measuring the BLAS ceiling beside the models.
public func cblasProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
  gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
}

@inlinable public func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

/// tanh through one `expf` (glibc's `tanhf` goes through the slower `expm1f`); absolute error
/// about 1e-7, and saturating cleanly for large |x|.
@inlinable public func fastTanh(_ x: Float) -> Float {
  let e = expf(-2 * abs(x))
  let t = (1 - e) / (1 + e)
  return x < 0 ? -t : t
}

extension Array where Element == Float {
  /// A zero-filled buffer of `count` floats.
  public static func zeros(_ count: Int) -> [Float] { [Float](repeating: 0, count: count) }
}
