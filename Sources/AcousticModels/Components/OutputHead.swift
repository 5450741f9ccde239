#if canImport(Glibc)
import Glibc
#endif

/// The output layer every model shares: affine H→K without bias, batch norm, log-softmax.
public final class OutputHead: ParameterOwner {
  var w: Projection
  public let norm: BatchNorm
  private var input: [Float] = []
  private var logProbabilities: [Float] = []
  private var rows = 0

  public init(hiddenDim: Int, outputDim: Int, momentum: Float, rng: inout RandomSource) {
    let bound = (0.01 / Double(hiddenDim + outputDim)).squareRoot()
    w = Projection(name: "head.W", outputs: outputDim, inputs: hiddenDim,
                   value: Initializer.uniform(count: outputDim * hiddenDim, bound: bound, rng: &rng))
    norm = BatchNorm(features: outputDim, momentum: momentum, name: "head.bn")
  }

  public var outputDim: Int { w.outputs }

  /// Log-posteriors (rows × K) of the hidden activations (rows × H).
  public func propagate(_ x: [Float], rows: Int, training: Bool) -> [Float] {
    self.rows = rows
    input = x
    var z = w.apply(x, rows: rows)
    norm.propagate(&z, rows: rows, training: training)
    let k = outputDim
    z.withUnsafeMutableBufferPointer { zp in
      for r in 0..<rows {
        let row = zp.baseAddress! + r * k
        var mx = -Float.infinity
        for j in 0..<k { mx = max(mx, row[j]) }
        var sum: Float = 0
        for j in 0..<k { sum += expf(row[j] - mx) }
        let shift = mx + logf(sum)
        for j in 0..<k { row[j] -= shift }
      }
    }
    logProbabilities = z
    return z
  }

  /// Cross-entropy of the last `propagate` against `targets` (−1 = frame not scored), averaged
  /// over the scored frames; returns the loss and the hidden-activation gradient.
  public func backpropagate(targets: [Int32]) -> (loss: Double, frames: Int, inputGradient: [Float]) {
    let k = outputDim
    precondition(targets.count == rows)
    let scored = targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
    var dz = [Float].zeros(rows * k)
    var loss = 0.0
    if scored > 0 {
      let inv = 1 / Float(scored)
      dz.withUnsafeMutableBufferPointer { dp in
        logProbabilities.withUnsafeBufferPointer { lp in
          for r in 0..<rows where targets[r] >= 0 {
            let row = lp.baseAddress! + r * k, drow = dp.baseAddress! + r * k
            for j in 0..<k { drow[j] = expf(row[j]) * inv }
            let y = Int(targets[r])
            drow[y] -= inv
            loss -= Double(row[y])
          }
        }
      }
      loss /= Double(scored)
    }
    norm.backpropagate(&dz)
    return (loss, scored, w.backpropagate(dz, input: input, rows: rows))
  }

  public func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
    try body(&w.weight)
    try norm.visitParameters(body)
  }

  public func visitBuffers(_ body: (String, inout [Float]) throws -> Void) rethrows {
    try norm.visitBuffers(body)
  }
}
