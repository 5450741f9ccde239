#if canImport(Glibc)
import Glibc
#endif
import CBLAS
import CSparse

/// Batch-1, evaluation-mode stepping of one component for on-line recognition: state carried
/// from frame to frame, every buffer allocated once. Each layer type makes its own
/// (`RecurrentLayer.makeStreamingStep`), so a new layer cannot be left out of streaming.
public protocol StreamingStep: AnyObject {
  var outputDim: Int { get }
  /// Forgets the carried state: the next frame starts a new utterance.
  func reset()
  /// The component's output for one input frame.
  func step(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>)
}

/// Floats at one address for the owner's lifetime, so per-frame loops use plain pointers
/// instead of pinning arrays in nested closures.
final class PinnedFloats {
  let pointer: UnsafeMutablePointer<Float>
  let count: Int

  init(_ values: [Float]) {
    count = values.count
    pointer = .allocate(capacity: max(count, 1))
    values.withUnsafeBufferPointer { if count > 0 { pointer.update(from: $0.baseAddress!, count: count) } }
  }

  init(zeros count: Int) {
    self.count = count
    pointer = .allocate(capacity: max(count, 1))
    pointer.update(repeating: 0, count: max(count, 1))
  }

  deinit { pointer.deallocate() }

  func zero() { pointer.update(repeating: 0, count: count) }
}

/// An evaluation-mode batch norm as one multiply-add per value.
struct FoldedBatchNorm {
  let scale: PinnedFloats
  let shift: PinnedFloats

  init(_ bn: BatchNorm) {
    var s = [Float](), b = [Float]()
    for j in 0..<bn.features {
      let k = bn.gamma.value[j] / (bn.runningVar[j] + bn.epsilon).squareRoot()
      s.append(k)
      b.append(bn.beta.value[j] - bn.runningMean[j] * k)
    }
    scale = PinnedFloats(s)
    shift = PinnedFloats(b)
  }

  func apply(_ z: UnsafeMutablePointer<Float>, _ n: Int) {
    let s = scale.pointer, b = shift.pointer
    for j in 0..<n { z[j] = z[j] * s[j] + b[j] }
  }
}

/// Row-major rows × cols matrix transposed (cols × rows).
func transposed(_ m: [Float], rows: Int, cols: Int) -> [Float] {
  var out = [Float](repeating: 0, count: rows * cols)
  for r in 0..<rows { for q in 0..<cols { out[q * rows + r] = m[r * cols + q] } }
  return out
}

/// y = W·x (+ y with `accumulate`) for a row-major rows × cols W.
@inline(__always)
func gemv(_ w: UnsafePointer<Float>, rows: Int, cols: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, accumulate: Bool) {
  cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(cols), 1, w, Int32(cols), x, 1, accumulate ? 1 : 0, y, 1)
}

/// The non-zero entries of one vector, gathered once per frame so that each product reading
/// it visits only their weight rows (a spiking layer's outputs are mostly zero).
final class NonZeroEntries {
  let indices: UnsafeMutablePointer<Int32>
  let values: UnsafeMutablePointer<Float>
  private(set) var count: Int32 = 0

  init(capacity: Int) {
    indices = .allocate(capacity: max(capacity, 1))
    values = .allocate(capacity: max(capacity, 1))
  }

  deinit {
    indices.deallocate()
    values.deallocate()
  }

  func gather(_ x: UnsafePointer<Float>, _ n: Int) { count = ksnn_gather_nonzero(x, Int32(n), indices, values) }
}

/// y = Wᵀ·x (+ y with `accumulate`) for a W stored transposed (one row of n outputs per
/// input), over the gathered non-zero entries of x: the event-driven product.
@inline(__always)
func sparseProduct(_ wt: UnsafePointer<Float>, outputs n: Int, _ x: NonZeroEntries, _ y: UnsafeMutablePointer<Float>, accumulate: Bool) {
  ksnn_sparse_rows_product(wt, Int32(n), x.indices, x.values, x.count, y, accumulate ? 1 : 0)
}
