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
    var mean = [Double](repeating: 0, count: f)
    var variance = [Double](repeating: 0, count: f)
    if training {
      x.withUnsafeBufferPointer { xp in
        mean.withUnsafeMutableBufferPointer { mp in
          for r in 0..<n {
            let row = xp.baseAddress! + r * f
            for c in 0..<f { mp[c] += Double(row[c]) }
          }
          for c in 0..<f { mp[c] /= Double(n) }
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
      let m = Double(momentum)
      for c in 0..<f {
        let biased = variance[c] / Double(n)
        let unbiased = n > 1 ? variance[c] / Double(n - 1) : biased
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
    let meanF = mean.map { Float($0) }
    if normalized.count < n * f { normalized = .zeros(n * f) }
    x.withUnsafeMutableBufferPointer { xp in
      normalized.withUnsafeMutableBufferPointer { np in
        inverseStd.withUnsafeBufferPointer { sp in
          meanF.withUnsafeBufferPointer { mp in
            gamma.value.withUnsafeBufferPointer { gp in
              beta.value.withUnsafeBufferPointer { bp in
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
        }
      }
    }
  }

  /// Turns the output gradient `dy` (rows × features) into the input gradient, in place,
  /// accumulating the gradients of gamma and beta.
  public func backpropagate(_ dy: inout [Float]) {
    let n = rows, f = features
    var sumDy = [Float](repeating: 0, count: f)
    var sumDyXhat = [Float](repeating: 0, count: f)
    var scale = [Float](repeating: 0, count: f)
    let batchStatistics = usedBatchStatistics
    dy.withUnsafeMutableBufferPointer { dp in
      normalized.withUnsafeBufferPointer { np in
        sumDy.withUnsafeMutableBufferPointer { s1 in
          sumDyXhat.withUnsafeMutableBufferPointer { s2 in
            scale.withUnsafeMutableBufferPointer { sc in
              gamma.value.withUnsafeBufferPointer { g in
                gamma.grad.withUnsafeMutableBufferPointer { gg in
                  beta.grad.withUnsafeMutableBufferPointer { bg in
                    inverseStd.withUnsafeBufferPointer { inv in
                      let s1 = s1.baseAddress!, s2 = s2.baseAddress!, sc = sc.baseAddress!
                      for r in 0..<n {
                        let drow = dp.baseAddress! + r * f, nrow = np.baseAddress! + r * f
                        for c in 0..<f {
                          s1[c] += drow[c]
                          s2[c] += drow[c] * nrow[c]
                        }
                      }
                      for c in 0..<f {
                        gg[c] += s2[c]
                        bg[c] += s1[c]
                        sc[c] = g[c] * inv[c]
                      }
                      if batchStatistics {
                        // dx = γ·σ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂))
                        let invN = 1 / Float(n)
                        for c in 0..<f {
                          s1[c] *= invN
                          s2[c] *= invN
                        }
                        for r in 0..<n {
                          let drow = dp.baseAddress! + r * f, nrow = np.baseAddress! + r * f
                          for c in 0..<f { drow[c] = sc[c] * (drow[c] - s1[c] - nrow[c] * s2[c]) }
                        }
                      } else {
                        for r in 0..<n {
                          let drow = dp.baseAddress! + r * f
                          for c in 0..<f { drow[c] *= sc[c] }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
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
