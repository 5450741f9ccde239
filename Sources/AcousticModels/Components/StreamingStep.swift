#if canImport(Glibc)
import Glibc
#endif
import CBLAS

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

/// y += a·x over n values.
@inline(__always)
func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
  for i in 0..<n { y[i] += a * x[i] }
}

/// y = W·x (+ y with `accumulate`) for a row-major rows × cols W.
@inline(__always)
func gemv(_ w: UnsafePointer<Float>, rows: Int, cols: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, accumulate: Bool) {
  cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(rows), Int32(cols), 1, w, Int32(cols), x, 1, accumulate ? 1 : 0, y, 1)
}

/// y = Wᵀ·x for a W stored transposed (x.count × n): only the rows of non-zero inputs are
/// read, the event-driven product of a spiking layer.
@inline(__always)
func sparseProduct(_ wt: UnsafePointer<Float>, inputs: Int, outputs n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, accumulate: Bool) {
  if !accumulate { y.update(repeating: 0, count: n) }
  for j in 0..<inputs where x[j] != 0 { axpy(x[j], wt + j * n, y, n) }
}
