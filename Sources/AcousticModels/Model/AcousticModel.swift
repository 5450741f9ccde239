import KaldiMatrix
/// A time-major minibatch of B sequences padded to T frames: features (T·B × D) and frame
/// targets (T·B, −1 where a frame is padding or unscored).
public struct SequenceBatch: Sendable {
  public var steps: Int
  public var batch: Int
  public var dim: Int
  public var features: [Float]
  public var targets: [Int32]
  /// Valid frames of each sequence.
  public var lengths: [Int]

  public init(steps: Int, batch: Int, dim: Int, features: [Float], targets: [Int32], lengths: [Int]) {
    precondition(features.count == steps * batch * dim && targets.count == steps * batch && lengths.count == batch)
    self.steps = steps
    self.batch = batch
    self.dim = dim
    self.features = features
    self.targets = targets
    self.lengths = lengths
  }

  /// Packs sequences (each frames × dim, row-major) and their targets, padding with zeros to
  /// the longest of them or to `steps` frames if that is more.
  public init(sequences: [[Float]], targets: [[Int32]], dim: Int, steps minimumSteps: Int = 0) {
    let lengths = sequences.map { $0.count / dim }
    let steps = max(lengths.max() ?? 0, minimumSteps), batch = sequences.count
    var x = [Float].zeros(steps * batch * dim)
    var y = [Int32](repeating: -1, count: steps * batch)
    for (b, seq) in sequences.enumerated() {
      for t in 0..<lengths[b] {
        let dst = (t * batch + b) * dim
        for d in 0..<dim { x[dst + d] = seq[t * dim + d] }
        y[t * batch + b] = t < targets[b].count ? targets[b][t] : -1
      }
    }
    self.init(steps: steps, batch: batch, dim: dim, features: x, targets: y, lengths: lengths)
  }
}

/// One of the paper's five acoustic models: optional sigma-delta input encoding, a stack of
/// recurrent layers, and the shared output head.
public final class AcousticModel: ParameterOwner {
  public let config: ModelConfig
  public let encoder: SigmaDeltaEncoder?
  public let layers: [any RecurrentLayer]
  public let head: OutputHead
  /// Inputs to each layer and the last layer's output, from the last forward pass: what the
  /// sparsity measures count.
  public private(set) var activations: [[Float]] = []
  private var lastRows = 0

  public init(config: ModelConfig, seed: UInt64) {
    self.config = config
    var rng = RandomSource(seed: seed)
    let c = config
    encoder = c.architecture.isSpiking && c.encodeInput
      ? SigmaDeltaEncoder(bits: c.bits, threshold: c.threshold, momentum: c.momentum) : nil
    var stack = [any RecurrentLayer]()
    for i in 0..<c.layers {
      let din = i == 0 ? c.inputDim : c.hiddenDim
      let name = "layer\(i + 1)"
      switch c.architecture {
      case .lstm:
        stack.append(LSTMLayer(inputDim: din, hiddenDim: c.hiddenDim, dropout: c.dropout, momentum: c.momentum, name: name, rng: &rng))
      case .gru:
        stack.append(GRULayer(inputDim: din, hiddenDim: c.hiddenDim, dropout: c.dropout, momentum: c.momentum, name: name, rng: &rng))
      case .snn, .v1, .v2:
        stack.append(SpikingLayer(
          dynamics: c.architecture.dynamics!, inputDim: din, hiddenDim: c.hiddenDim, dropout: c.dropout,
          bits: c.bits, threshold: c.threshold, momentum: c.momentum, synapticDecay: c.synapticDecayInit,
          name: name, rng: &rng))
      }
    }
    // Nothing needs the gradient w.r.t. the features: the first layer skips that product.
    (stack.first as? ProjectedLayer)?.needsInputGradient = false
    layers = stack
    head = OutputHead(hiddenDim: c.hiddenDim, outputDim: c.outputDim, momentum: c.momentum, rng: &rng)
  }

  /// Log-posteriors (T·B × K) of a batch.
  public func propagate(_ batch: SequenceBatch, training: Bool, rng: inout RandomSource) -> [Float] {
    precondition(batch.dim == config.inputDim)
    var x = batch.features
    if let encoder {
      x = encoder.propagate(x, steps: batch.steps, batch: batch.batch, dim: batch.dim, training: training)
    }
    var acts = [x]
    for layer in layers {
      x = layer.propagate(x, steps: batch.steps, batch: batch.batch, training: training, rng: &rng)
      acts.append(x)
    }
    activations = acts
    lastRows = batch.steps * batch.batch
    return head.propagate(x, rows: lastRows, training: training)
  }

  /// Back-propagates the cross-entropy against `targets` through the last forward pass,
  /// accumulating every parameter gradient. Returns the mean loss over scored frames.
  @discardableResult
  public func backpropagate(targets: [Int32]) -> (loss: Double, frames: Int) {
    var (loss, frames, dx) = head.backpropagate(targets: targets)
    for layer in layers.reversed() {
      dx = layer.backpropagate(dx)
    }
    return (loss, frames)
  }

  public func zeroGradients() { visitParameters { $0.zeroGrad() } }

  public func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
    for layer in layers { try layer.visitParameters(body) }
    try head.visitParameters(body)
  }

  public func visitBuffers(_ body: (String, inout [Float]) throws -> Void) rethrows {
    if let encoder { try encoder.visitBuffers(body) }
    for layer in layers { try layer.visitBuffers(body) }
    try head.visitBuffers(body)
  }

  /// Names of the parameters and statistics with a value for which `test` holds (e.g. not finite).
  public func parameterNames(where test: (Float) -> Bool) -> [String] {
    var names: [String] = []
    visitParameters { p in if p.value.contains(where: test) { names.append(p.name) } }
    visitBuffers { name, b in if b.contains(where: test) { names.append(name) } }
    return names
  }

  /// The L2 norm of all parameter gradients together (infinite or NaN when any element is).
  public func gradientNorm() -> Double {
    var sum = 0.0
    visitParameters { p in
      p.grad.withUnsafeBufferPointer { g in
        for v in g { sum += Double(v) * Double(v) }
      }
    }
    return sum.squareRoot()
  }

  /// Replaces every parameter gradient by its sum over a data-parallel group (one reduction of
  /// all gradients together).
  public func sumGradients(over group: any ProcessGroup) {
    var all = [Float]()
    visitParameters { all += $0.grad }
    all.withUnsafeMutableBufferPointer { group.sum($0) }
    var offset = 0
    visitParameters { p in
      p.grad = Array(all[offset..<(offset + p.grad.count)])
      offset += p.grad.count
    }
  }

  /// Multiplies every parameter gradient by `factor`.
  public func scaleGradients(by factor: Float) {
    visitParameters { p in
      p.grad.withUnsafeMutableBufferPointer { g in
        for i in g.indices { g[i] *= factor }
      }
    }
  }

  /// Copies of the non-learned state (batch-norm and range statistics), in visiting order.
  public func bufferValues() -> [[Float]] {
    var values: [[Float]] = []
    visitBuffers { _, b in values.append(b) }
    return values
  }

  /// Whether every batch-norm and range statistic is a finite number.
  public func buffersAreFinite() -> Bool {
    var finite = true
    visitBuffers { _, b in
      if finite { finite = b.allSatisfy(\.isFinite) }
    }
    return finite
  }

  /// Restores state taken by `bufferValues()`.
  public func setBufferValues(_ values: [[Float]]) {
    var index = 0
    visitBuffers { _, b in
      b = values[index]
      index += 1
    }
  }

  /// Learnable values in the recurrent stack (weights, batch norm, leaks) and in the head.
  public var parameterCounts: (recurrentStack: Int, head: Int) {
    var stack = 0, headCount = 0
    for layer in layers { layer.visitParameters { stack += $0.count } }
    head.visitParameters { headCount += $0.count }
    return (stack, headCount)
  }
}
