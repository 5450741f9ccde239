import KaldiMatrix
/// One recurrent layer of an acoustic model over a time-major batch: row `t·B + b` of every
/// T·B × dim buffer is frame t of sequence b. `propagate` keeps what `backpropagate` needs.
public protocol RecurrentLayer: ParameterOwner {
  var inputDim: Int { get }
  var hiddenDim: Int { get }
  /// Output sequence (T·B × hiddenDim) of input `x` (T·B × inputDim).
  func propagate(_ x: [Float], steps: Int, batch: Int, training: Bool, rng: inout RandomSource) -> [Float]
  /// Input gradient of the last `propagate`, given its output gradient; parameter gradients
  /// are accumulated.
  func backpropagate(_ dy: [Float]) -> [Float]
  /// The layer's batch-1 evaluation step for on-line use, equal to `propagate` frame by frame.
  func makeStreamingStep() -> any StreamingStep
}

/// What every recurrent layer here shares: input weights W without bias, applied to all
/// frames of a batch at once, batch norm over W·x, a per-sequence recurrent-dropout mask,
/// and what the backward pass needs of them.
public class ProjectedLayer {
  public let inputDim: Int
  public let hiddenDim: Int
  public let dropout: Float
  var w: Projection
  public let norm: BatchNorm
  /// False for a model's first layer, whose input gradient (w.r.t. the features) nobody needs.
  public var needsInputGradient = true

  // Saved by `projectInput` for `backpropagateInput` and the layers' own loops.
  var input: [Float] = []
  var mask: [Float] = []
  var steps = 0, batch = 0

  init(inputDim: Int, hiddenDim: Int, dropout: Float, momentum: Float, name: String, weights: [Float], outputs: Int) {
    self.inputDim = inputDim
    self.hiddenDim = hiddenDim
    self.dropout = dropout
    w = Projection(name: name + ".W", outputs: outputs, inputs: inputDim, value: weights)
    norm = BatchNorm(features: outputs, momentum: momentum, name: name + ".bn")
  }

  /// BN(W·x) for all T·B frames; keeps x, T, B and draws the dropout mask (inverted for the
  /// spiking layers, PyTorch-Kaldi's non-inverted one for LSTM/GRU).
  func projectInput(_ x: [Float], steps: Int, batch: Int, training: Bool, invertedMask: Bool, rng: inout RandomSource) -> [Float] {
    self.steps = steps
    self.batch = batch
    input = x
    var z = w.apply(x, rows: steps * batch)
    norm.propagate(&z, rows: steps * batch, training: training)
    // Masks are drawn for the whole minibatch; in data-parallel training this process keeps its rows.
    let share = training ? DataParallel.share ?? (first: 0, total: batch) : (first: 0, total: batch)
    let whole = invertedMask
      ? DropoutMask.inverted(batch: share.total, hidden: hiddenDim, p: dropout, training: training, rng: &rng)
      : DropoutMask.nonInverted(batch: share.total, hidden: hiddenDim, p: dropout, training: training, rng: &rng)
    mask = share.total == batch ? whole : Array(whole[(share.first * hiddenDim)..<((share.first + batch) * hiddenDim)])
    return z
  }

  /// The input gradient from the gradient of the pre-activations BN(W·x) (which is consumed),
  /// accumulating the gradients of W and the batch norm.
  func backpropagateInput(_ dz: inout [Float]) -> [Float] {
    norm.backpropagate(&dz)
    return w.backpropagate(dz, input: input, rows: steps * batch, needInputGradient: needsInputGradient)
  }
}

/// What LSTM and GRU layers share: per-gate Glorot input weights, per-gate orthogonal
/// recurrent weights U.
public class GatedRecurrentLayer: ProjectedLayer {
  public var u: Parameter
  /// Gates per unit, the blocks of W, U and the batch norm (LSTM 4, GRU 3).
  let gateCount: Int

  init(gates: Int, inputDim: Int, hiddenDim: Int, dropout: Float, momentum: Float, name: String, rng: inout RandomSource) {
    let h = hiddenDim
    gateCount = gates
    var wv = [Float](), uv = [Float]()
    for _ in 0..<gates { wv += Initializer.glorot(rows: h, cols: inputDim, rng: &rng) }
    for _ in 0..<gates { uv += Initializer.orthogonal(rows: h, cols: h, rng: &rng) }
    u = Parameter(name: name + ".U", rows: gates * h, cols: h, value: uv)
    super.init(inputDim: inputDim, hiddenDim: hiddenDim, dropout: dropout, momentum: momentum, name: name, weights: wv, outputs: gates * h)
  }

  /// dU of a block of gates, `dU[gates] += Σ_t dA(t)[gates]ᵀ·x(t − lag)`, as one GEMM over all
  /// steps: `dGates` holds the pre-activation gradients (T·B × gates·H), `inputs` what U
  /// multiplied (T·B × H; h(t−1) with lag 1, the GRU's r ⊙ h(t−1) with lag 0).
  func accumulateRecurrentGradient(_ dGates: [Float], gates: Range<Int>, from inputs: [Float], lag: Int) {
    let h = hiddenDim, g = gateCount * h
    guard steps > lag else { return }
    withBuffers(dGates, inputs) { dp, xp in
      u.grad.withUnsafeMutableBufferPointer { gp in
        gemm(transA: true, m: gates.count * h, n: h, k: (steps - lag) * batch, a: dp.baseAddress! + lag * batch * g + gates.lowerBound * h,
             lda: g, b: xp.baseAddress!, ldb: h, beta: 1, c: gp.baseAddress! + gates.lowerBound * h * h, ldc: h)
      }
    }
  }

  public func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
    try body(&w.weight)
    try body(&u)
    try norm.visitParameters(body)
  }

  public func visitBuffers(_ body: (String, inout [Float]) throws -> Void) rethrows {
    try norm.visitBuffers(body)
  }
}

/// What the LSTM's and GRU's streaming steps share: W and U as trained, the folded batch
/// norm, the evaluation-mode dropout scale 1−p, the carried state and the pre-activations.
class GatedStreamingStep {
  let inputs: Int, hidden: Int
  let w: PinnedFloats, u: PinnedFloats
  let norm: FoldedBatchNorm
  let keep: Float
  let state: PinnedFloats
  let z: PinnedFloats

  init(_ layer: GatedRecurrentLayer, gates: Int, state size: Int) {
    inputs = layer.inputDim
    hidden = layer.hiddenDim
    w = PinnedFloats(layer.w.weight.value)
    u = PinnedFloats(layer.u.value)
    norm = FoldedBatchNorm(layer.norm)
    keep = 1 - layer.dropout
    state = PinnedFloats(zeros: size)
    z = PinnedFloats(zeros: gates * layer.hiddenDim)
  }

  var outputDim: Int { hidden }
  func reset() { state.zero() }
}

/// Weights without bias, applied to all frames of a batch as one GEMM (`y = x·Wᵀ`).
struct Projection {
  var weight: Parameter

  init(name: String, outputs: Int, inputs: Int, value: [Float]) {
    weight = Parameter(name: name, rows: outputs, cols: inputs, value: value)
  }

  var outputs: Int { weight.rows }
  var inputs: Int { weight.cols }

  func apply(_ x: [Float], rows: Int) -> [Float] {
    var y = [Float].zeros(rows * outputs)
    x.withUnsafeBufferPointer { xp in
      weight.value.withUnsafeBufferPointer { wp in
        y.withUnsafeMutableBufferPointer { yp in
          gemm(transB: true, m: rows, n: outputs, k: inputs, a: xp.baseAddress!, lda: inputs,
               b: wp.baseAddress!, ldb: inputs, c: yp.baseAddress!, ldc: outputs)
        }
      }
    }
    return y
  }

  /// Accumulates `dW += dyᵀ·x` and returns `dx = dy·W`.
  mutating func backpropagate(_ dy: [Float], input x: [Float], rows: Int, needInputGradient: Bool = true) -> [Float] {
    let (o, i) = (outputs, inputs)
    dy.withUnsafeBufferPointer { dp in
      x.withUnsafeBufferPointer { xp in
        weight.grad.withUnsafeMutableBufferPointer { gp in
          gemm(transA: true, m: o, n: i, k: rows, a: dp.baseAddress!, lda: o, b: xp.baseAddress!, ldb: i,
               beta: 1, c: gp.baseAddress!, ldc: i)
        }
      }
    }
    guard needInputGradient else { return [] }
    var dx = [Float].zeros(rows * i)
    dy.withUnsafeBufferPointer { dp in
      weight.value.withUnsafeBufferPointer { wp in
        dx.withUnsafeMutableBufferPointer { xp in
          gemm(m: rows, n: i, k: o, a: dp.baseAddress!, lda: o, b: wp.baseAddress!, ldb: i,
               c: xp.baseAddress!, ldc: i)
        }
      }
    }
    return dx
  }
}

/// Per-sequence recurrent dropout masks (B × H), drawn once per forward pass.
enum DropoutMask {
  /// PyTorch-Kaldi's non-inverted mask for LSTM/GRU: Bernoulli(1−p) in training, the constant
  /// 1−p in evaluation.
  static func nonInverted(batch: Int, hidden: Int, p: Float, training: Bool, rng: inout RandomSource) -> [Float] {
    if !training || p == 0 { return [Float](repeating: 1 - p, count: batch * hidden) }
    return (0..<(batch * hidden)).map { _ in rng.uniform() < Double(1 - p) ? 1 : 0 }
  }

  /// The spiking models' inverted mask: Bernoulli(1−p)/(1−p) in training, none in evaluation.
  static func inverted(batch: Int, hidden: Int, p: Float, training: Bool, rng: inout RandomSource) -> [Float] {
    if !training || p == 0 { return [Float](repeating: 1, count: batch * hidden) }
    let keep = 1 - p
    return (0..<(batch * hidden)).map { _ in rng.uniform() < Double(keep) ? 1 / keep : 0 }
  }
}
