import Testing
@testable import AcousticModels

/// AR(1)-correlated Gaussian features, like the reference's `synth_feats`.
func syntheticBatch(steps: Int, batch: Int, dim: Int, classes: Int, seed: UInt64) -> SequenceBatch {
  var rng = RandomSource(seed: seed)
  var x = [Float](repeating: 0, count: steps * batch * dim)
  var prev = (0..<(batch * dim)).map { _ in rng.normal() }
  for t in 0..<steps {
    for i in 0..<(batch * dim) {
      prev[i] = 0.9 * prev[i] + (1 - 0.81).squareRoot() * rng.normal()
      x[t * batch * dim + i] = Float(prev[i])
    }
  }
  let y = (0..<(steps * batch)).map { _ in Int32(rng.next() % UInt64(classes)) }
  return SequenceBatch(steps: steps, batch: batch, dim: dim, features: x, targets: y, lengths: [Int](repeating: steps, count: batch))
}

func loss(_ model: AcousticModel, _ batch: SequenceBatch, training: Bool) -> Double {
  var rng = RandomSource(seed: 99)
  let lp = model.propagate(batch, training: training, rng: &rng)
  let k = model.config.outputDim
  var total = 0.0
  for r in 0..<batch.targets.count { total -= Double(lp[r * k + Int(batch.targets[r])]) }
  return total / Double(batch.targets.count)
}

/// Analytic directional derivative of the loss against a central finite difference, in eval
/// mode after a few training passes set the batch-norm and EMA statistics. Spiking models use
/// 32 bits and threshold 0, where the straight-through gradient is the true gradient.
func directionalCheck(_ arch: Architecture, training: Bool = false) -> (analytic: Double, numeric: Double) {
  let config = ModelConfig(
    architecture: arch, inputDim: 5, hiddenDim: 7, outputDim: 4, bits: arch.isSpiking ? 32 : 6,
    threshold: arch.isSpiking ? 0 : 3, dropout: 0)
  let model = AcousticModel(config: config, seed: 1)
  let batch = syntheticBatch(steps: 12, batch: 3, dim: 5, classes: 4, seed: 3)
  var rng = RandomSource(seed: 5)
  for _ in 0..<3 { _ = model.propagate(batch, training: true, rng: &rng) }
  // Parameters move the training-mode quantizer ranges too; freeze them by checking in eval
  // mode unless batch statistics are what is being checked.
  let saved = snapshotBuffers(model)
  model.zeroGradients()
  _ = model.propagate(batch, training: training, rng: &rng)
  model.backpropagate(targets: batch.targets)
  var direction = [[Float]]()
  var analytic = 0.0
  var dirRng = RandomSource(seed: 7)
  model.visitParameters { p in
    let d = (0..<p.count).map { _ in Float(dirRng.normal()) }
    for i in 0..<p.count { analytic += Double(p.grad[i]) * Double(d[i]) }
    direction.append(d)
  }
  let eps: Float = 1e-3
  func shifted(_ scale: Float) -> Double {
    shift(model, along: direction, by: scale)
    defer { shift(model, along: direction, by: -scale) }
    restoreBuffers(model, saved)
    return loss(model, batch, training: training)
  }
  let numeric = (shifted(eps) - shifted(-eps)) / Double(2 * eps)
  return (analytic, numeric)
}

/// Moves every parameter by `scale` times its direction (directions in visiting order).
func shift(_ owner: some ParameterOwner, along directions: [[Float]], by scale: Float) {
  var i = 0
  owner.visitParameters { p in
    for j in 0..<p.count { p.value[j] += scale * directions[i][j] }
    i += 1
  }
}

func snapshotBuffers(_ model: AcousticModel) -> [[Float]] {
  var out = [[Float]]()
  model.visitBuffers { _, b in out.append(b) }
  return out
}

func restoreBuffers(_ model: AcousticModel, _ saved: [[Float]]) {
  var i = 0
  model.visitBuffers { _, b in
    b = saved[i]
    i += 1
  }
}

@Suite struct GradientCheckTests {
  @Test(arguments: Architecture.allCases)
  func evalModeGradientMatchesFiniteDifference(_ arch: Architecture) {
    let (a, n) = directionalCheck(arch)
    #expect(abs(a - n) <= 2e-3 * max(abs(n), 1e-3), "\(arch): analytic \(a) vs numeric \(n)")
  }

  @Test(arguments: [Architecture.lstm, .gru])
  func trainingModeGradientMatchesFiniteDifference(_ arch: Architecture) {
    // Batch statistics depend on the parameters; this checks the batch-norm backward.
    let (a, n) = directionalCheck(arch, training: true)
    #expect(abs(a - n) <= 5e-3 * max(abs(n), 1e-3), "\(arch): analytic \(a) vs numeric \(n)")
  }
}
