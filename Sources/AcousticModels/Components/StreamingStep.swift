#if canImport(Glibc)
import Glibc
#endif
import CSparse
import KaldiMatrix

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
