#if canImport(Glibc)
import Glibc
#endif
import KaldiMatrix

/// The output layer every model shares: affine H→K without bias, batch norm, log-softmax.
public final class OutputHead: ParameterOwner {
  var w: Projection
  public let norm: BatchNorm
  private var input: [Float] = []
  private var logProbabilities: [Float] = []
  private var probabilities: [Float] = []
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
    // The softmax itself is kept for the backward pass (one exp per value in all).
    if probabilities.count != rows * k { probabilities = .zeros(rows * k) }
    z.withUnsafeMutableBufferPointer { zp in
      probabilities.withUnsafeMutableBufferPointer { pp in
        for r in 0..<rows {
          let row = zp.baseAddress! + r * k, prob = pp.baseAddress! + r * k
          var mx = -Float.infinity
          for j in 0..<k { mx = max(mx, row[j]) }
          var sum: Float = 0
          for j in 0..<k {
            let e = expf(row[j] - mx)
            prob[j] = e
            sum += e
          }
          let shift = mx + logf(sum), inv = 1 / sum
          for j in 0..<k {
            row[j] -= shift
            prob[j] *= inv
          }
        }
      }
    }
    logProbabilities = z
    return z
  }

  /// Cross-entropy of the last `propagate` against `targets` (−1 = frame not scored), averaged
  /// over the scored frames (of every process, in data-parallel training); returns the loss,
  /// the number of scored frames and the hidden-activation gradient.
  public func backpropagate(targets: [Int32]) -> (loss: Double, frames: Int, inputGradient: [Float]) {
    let k = outputDim
    precondition(targets.count == rows)
    let scored = Int(DataParallel.sum([Double(targets.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) })])[0])
    var dz = [Float].zeros(rows * k)
    var loss = 0.0
    if scored > 0 {
      let inv = 1 / Float(scored)
      dz.withUnsafeMutableBufferPointer { dp in
        logProbabilities.withUnsafeBufferPointer { lp in
          probabilities.withUnsafeBufferPointer { pp in
            for r in 0..<rows where targets[r] >= 0 {
              let drow = dp.baseAddress! + r * k, prob = pp.baseAddress! + r * k
              for j in 0..<k { drow[j] = prob[j] * inv }
              let y = Int(targets[r])
              drow[y] -= inv
              loss -= Double(lp[r * k + y])
            }
          }
        }
      }
      loss = DataParallel.sum([loss])[0] / Double(scored)
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

extension OutputHead {
  /// The head's batch-1 step; `sparseInput` (a spiking stack's output) reads only the weight
  /// columns of non-zero inputs.
  public func makeStreamingStep(sparseInput: Bool) -> any StreamingStep { OutputHeadStreamingStep(self, sparseInput: sparseInput) }
}

/// Log-posteriors of one frame: BN(W·x), log-softmax.
final class OutputHeadStreamingStep: StreamingStep {
  let inputs: Int, outputs: Int
  let sparse: Bool
  let w: PinnedFloats  // W (K × H), or Wᵀ (H × K) when sparse
  let norm: FoldedBatchNorm
  let input: NonZeroEntries

  init(_ head: OutputHead, sparseInput: Bool) {
    inputs = head.w.inputs
    outputs = head.w.outputs
    sparse = sparseInput
    w = PinnedFloats(sparseInput ? transposed(head.w.weight.value, rows: outputs, cols: inputs) : head.w.weight.value)
    norm = FoldedBatchNorm(head.norm)
    input = NonZeroEntries(capacity: sparseInput ? inputs : 0)
  }

  var outputDim: Int { outputs }
  func reset() {}

  func step(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
    let k = outputs
    if sparse {
      input.gather(x, inputs)
      sparseProduct(w.pointer, outputs: k, input, y, accumulate: false)
    } else {
      gemv(w.pointer, rows: k, cols: inputs, x, y, accumulate: false)
    }
    norm.apply(y, k)
    var top = -Float.infinity
    for j in 0..<k { top = max(top, y[j]) }
    var sum: Float = 0
    for j in 0..<k { sum += expf(y[j] - top) }
    let shift = top + logf(sum)
    for j in 0..<k { y[j] -= shift }
  }
}
