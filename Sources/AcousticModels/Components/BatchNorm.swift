import KaldiMatrix
/// Batch normalisation over the rows of an N × F buffer (PyTorch's `BatchNorm1d`): batch
/// statistics in training (running averages updated with `momentum`, the variance unbiased),
/// running statistics in evaluation.
public final class BatchNorm: ParameterOwner {
  public let features: Int
  public let momentum: Float
  public let epsilon: Float = 1e-5
  public var gamma: Parameter
  public var beta: Parameter
  public var runningMean: [Float]
  public var runningVar: [Float]
  let prefix: String

  // Saved by `propagate` for `backpropagate`.
  private var normalized: [Float] = []
  private var inverseStd: [Float] = []
  private var rows = 0
  /// Rows the batch statistics came from: this process's, or all processes' in data-parallel training.
  private var statisticRows = 0
  private var usedBatchStatistics = false

  public init(features: Int, momentum: Float, name: String) {
    self.features = features
    self.momentum = momentum
    prefix = name
    gamma = Parameter(name: name + ".gamma", rows: 1, cols: features, value: [Float](repeating: 1, count: features))
    beta = Parameter(name: name + ".beta", rows: 1, cols: features)
    runningMean = .zeros(features)
    runningVar = [Float](repeating: 1, count: features)
  }

  /// Normalises `x` (rows × features) in place.
  public func propagate(_ x: inout [Float], rows n: Int, training: Bool) {
    let f = features
    precondition(x.count >= n * f)
    rows = n
    usedBatchStatistics = training
    // The sums carry the row count along, so that a data-parallel group reduces both at once.
    var mean = [Double](repeating: 0, count: f + 1)
    var variance = [Double](repeating: 0, count: f)
    if training {
      mean[f] = Double(n)
      x.withUnsafeBufferPointer { xp in
        mean.withUnsafeMutableBufferPointer { mp in
          for r in 0..<n {
            let row = xp.baseAddress! + r * f
            for c in 0..<f { mp[c] += Double(row[c]) }
          }
        }
      }
      DataParallel.sum(&mean, training: true)
      let total = Int(mean[f])
      statisticRows = total
      for c in 0..<f { mean[c] /= Double(total) }
      x.withUnsafeBufferPointer { xp in
        mean.withUnsafeMutableBufferPointer { mp in
          variance.withUnsafeMutableBufferPointer { vp in
            for r in 0..<n {
              let row = xp.baseAddress! + r * f
              for c in 0..<f {
                let d = Double(row[c]) - mp[c]
                vp[c] += d * d
              }
            }
          }
        }
      }
      DataParallel.sum(&variance, training: true)
      let m = Double(momentum)
      for c in 0..<f {
        let biased = variance[c] / Double(total)
        let unbiased = total > 1 ? variance[c] / Double(total - 1) : biased
        runningMean[c] = Float((1 - m) * Double(runningMean[c]) + m * mean[c])
        runningVar[c] = Float((1 - m) * Double(runningVar[c]) + m * unbiased)
        variance[c] = biased
      }
    } else {
      for c in 0..<f {
        mean[c] = Double(runningMean[c])
        variance[c] = Double(runningVar[c])
      }
    }
    inverseStd = (0..<f).map { Float(1 / (variance[$0] + Double(epsilon)).squareRoot()) }
    let meanF = mean.prefix(f).map { Float($0) }
    if normalized.count < n * f { normalized = .zeros(n * f) }
    withMutableBuffers(&x, &normalized) { xp, np in
      withBuffers(inverseStd, meanF, gamma.value, beta.value) { sp, mp, gp, bp in
        for r in 0..<n {
          let row = xp.baseAddress! + r * f, nrow = np.baseAddress! + r * f
          for c in 0..<f {
            let h = (row[c] - mp[c]) * sp[c]
            nrow[c] = h
            row[c] = h * gp[c] + bp[c]
          }
        }
      }
    }
  }

  /// Turns the output gradient `dy` (rows × features) into the input gradient, in place,
  /// accumulating the gradients of gamma and beta.
  public func backpropagate(_ dy: inout [Float]) {
    let f = features
    // Σ dy and Σ dy·x̂ per feature over this process's rows: the gradients of beta and gamma.
    var sums = [Double](repeating: 0, count: 2 * f)
    columnSums(dy, into: &sums)
    for c in 0..<f {
      beta.grad[c] += Float(sums[c])
      gamma.grad[c] += Float(sums[f + c])
    }
    let scale = (0..<f).map { gamma.value[$0] * inverseStd[$0] }
    guard usedBatchStatistics else {
      Self.scaleRows(&dy, rows: rows, by: scale)
      return
    }
    // The input gradient needs the means over every row the statistics came from.
    DataParallel.sum(&sums, training: true)
    let means = sums.map { Float($0 / Double(statisticRows)) }
    // dx = γ·σ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂))
    dy.withUnsafeMutableBufferPointer { dp in
      withBuffers(normalized, scale, means) { np, sc, m in
        for r in 0..<rows {
          let drow = dp.baseAddress! + r * f, nrow = np.baseAddress! + r * f
          for c in 0..<f { drow[c] = sc[c] * (drow[c] - m[c] - nrow[c] * m[f + c]) }
        }
      }
    }
  }

  /// Σ dy (first `features` values) and Σ dy·x̂ (the next) over the rows of the last pass.
  private func columnSums(_ dy: [Float], into sums: inout [Double]) {
    let f = features
    withBuffers(dy, normalized) { dp, np in
      sums.withUnsafeMutableBufferPointer { sp in
        for r in 0..<rows {
          let drow = dp.baseAddress! + r * f, nrow = np.baseAddress! + r * f
          for c in 0..<f {
            sp[c] += Double(drow[c])
            sp[f + c] += Double(drow[c] * nrow[c])
          }
        }
      }
    }
  }

  private static func scaleRows(_ x: inout [Float], rows: Int, by scale: [Float]) {
    let f = scale.count
    x.withUnsafeMutableBufferPointer { xp in
      scale.withUnsafeBufferPointer { sc in
        for r in 0..<rows {
          let row = xp.baseAddress! + r * f
          for c in 0..<f { row[c] *= sc[c] }
        }
      }
    }
  }

  public func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
    try body(&gamma)
    try body(&beta)
  }

  public func visitBuffers(_ body: (String, inout [Float]) throws -> Void) rethrows {
    try body(prefix + ".running_mean", &runningMean)
    try body(prefix + ".running_var", &runningVar)
  }
}
