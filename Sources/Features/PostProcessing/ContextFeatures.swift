import KaldiBase
import KaldiMatrix

/// Delta and acceleration features (Kaldi's `DeltaFeatures`): the order-k filter is the
/// order-(k−1) filter convolved with the regression window, applied to the original frames
/// with edge frames repeated.
public struct DeltaFeatures: Sendable {
  public let order: Int
  public let window: Int
  /// scales[k] has 2·k·window+1 taps.
  public let scales: [[Float]]

  public init(order: Int = 2, window: Int = 2) throws {
    guard order >= 0, order < 1000, window > 0, window < 1000 else {
      throw KaldiError("Bad delta options: --delta-order=\(order) --delta-window=\(window)")
    }
    self.order = order
    self.window = window
    var scales: [[Float]] = [[1]]
    for i in 1..<(order + 1) {
      let previous = scales[i - 1]
      let previousOffset = (previous.count - 1) / 2
      let offset = previousOffset + window
      var current = [Float](repeating: 0, count: previous.count + 2 * window)
      var normalizer: Float = 0
      for j in -window...window {
        normalizer += Float(j * j)
        for k in -previousOffset...previousOffset {
          current[j + k + offset] += Float(j) * previous[k + previousOffset]
        }
      }
      scales.append(current.map { $0 * (1 / normalizer) })
    }
    self.scales = scales
  }

  public func apply(_ input: Matrix<Float>) -> Matrix<Float> {
    let (t, d) = (input.rows, input.cols)
    var out = Matrix<Float>(rows: t, cols: d * (order + 1))
    for frame in 0..<t {
      for (i, taps) in scales.enumerated() {
        let maxOffset = (taps.count - 1) / 2
        for j in -maxOffset...maxOffset {
          let source = min(max(frame + j, 0), t - 1)
          let scale = taps[j + maxOffset]
          if scale == 0 { continue }
          for c in 0..<d { out[frame, i * d + c] += scale * input[source, c] }
        }
      }
    }
    return out
  }
}

/// Stacks each frame with its neighbours, edge frames repeated (Kaldi's `SpliceFrames`).
public func spliceFrames(_ input: Matrix<Float>, left: Int, right: Int) throws -> Matrix<Float> {
  let (t, d) = (input.rows, input.cols)
  guard t > 0, d > 0 else { throw KaldiError("SpliceFrames: empty input") }
  guard left >= 0, right >= 0 else { throw KaldiError("Contexts must be non-negative: --left-context=\(left) --right-context=\(right)") }
  let n = 1 + left + right
  var out = [Float]()
  out.reserveCapacity(t * d * n)
  for frame in 0..<t {
    for j in 0..<n {
      let source = min(max(frame + j - left, 0), t - 1)
      out.append(contentsOf: input.row(source))
    }
  }
  return Matrix(rows: t, cols: d * n, data: out)
}
