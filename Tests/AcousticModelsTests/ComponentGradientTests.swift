import Testing
@testable import AcousticModels

/// Finite-difference checks of each component on its own: loss = Σ r⊙y for a fixed random
/// r, so the analytic input and parameter gradients come from `backpropagate(r)`.
@Suite struct ComponentGradientTests {
  static func randomVector(_ n: Int, seed: UInt64, scale: Double = 1) -> [Float] {
    var rng = RandomSource(seed: seed)
    return (0..<n).map { _ in Float(rng.normal() * scale) }
  }

  static func dot(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  }

  /// Checks d/dε Σ r⊙f(x + ε·u, θ + ε·v) against the analytic gradient.
  static func check(
    inputCount: Int, outputCount: Int, owner: any ParameterOwner,
    forward: ([Float]) -> [Float], backward: ([Float]) -> [Float], name: String
  ) {
    let x = randomVector(inputCount, seed: 1)
    let r = randomVector(outputCount, seed: 2)
    var saved = [[Float]]()
    owner.visitBuffers { _, b in saved.append(b) }
    func restore() {
      var i = 0
      owner.visitBuffers { _, b in
        b = saved[i]
        i += 1
      }
    }
    owner.visitParameters { $0.zeroGrad() }
    _ = forward(x)
    let dx = backward(r)
    let u = randomVector(inputCount, seed: 3)
    var directions = [[Float]]()
    var analytic = dot(dx, u)
    var seed: UInt64 = 10
    owner.visitParameters { p in
      seed += 1
      let v = randomVector(p.count, seed: seed)
      analytic += dot(p.grad, v)
      directions.append(v)
    }
    // Small enough not to cross a ReLU kink or the quantizer's clamp edge on these inputs.
    let eps: Float = 1e-4
    func value(_ s: Float) -> Double {
      shift(owner, along: directions, by: s)
      defer { shift(owner, along: directions, by: -s) }
      restore()
      let y = forward(zip(x, u).map { $0 + s * $1 })
      return dot(r, y)
    }
    let numeric = (value(eps) - value(-eps)) / Double(2 * eps)
    #expect(abs(analytic - numeric) <= 3e-3 * max(1, abs(numeric)), "\(name): analytic \(analytic), numeric \(numeric)")
  }

  @Test(arguments: [true, false])
  func batchNorm(training: Bool) {
    let bn = BatchNorm(features: 6, momentum: 0.1, name: "bn")
    bn.gamma.value = ComponentGradientTests.randomVector(6, seed: 5, scale: 0.5).map { $0 + 1 }
    bn.beta.value = ComponentGradientTests.randomVector(6, seed: 6)
    bn.runningMean = ComponentGradientTests.randomVector(6, seed: 7, scale: 0.3)
    ComponentGradientTests.check(
      inputCount: 10 * 6, outputCount: 10 * 6, owner: bn,
      forward: { x in
        var y = x
        bn.propagate(&y, rows: 10, training: training)
        return y
      },
      backward: { r in
        var d = r
        bn.backpropagate(&d)
        return d
      }, name: "batch norm (training \(training))")
  }

  @Test(arguments: ["lstm", "gru", "lif", "v1", "v2"])
  func recurrentLayer(kind: String) {
    var rng = RandomSource(seed: 4)
    let (steps, batch, din, h) = (7, 3, 5, 6)
    let layer: any RecurrentLayer
    switch kind {
    case "lstm": layer = LSTMLayer(inputDim: din, hiddenDim: h, dropout: 0.2, momentum: 0.1, name: "l", rng: &rng)
    case "gru": layer = GRULayer(inputDim: din, hiddenDim: h, dropout: 0.2, momentum: 0.1, name: "l", rng: &rng)
    default:
      layer = SpikingLayer(
        dynamics: SpikingDynamics(rawValue: kind)!, inputDim: din, hiddenDim: h, dropout: 0, bits: 32, threshold: 0,
        momentum: 0.1, name: "l", rng: &rng)
    }
    // Training passes set batch-norm statistics and (spiking) a wide EMA range; then the
    // check runs in evaluation mode, where the range no longer moves with the input.
    for s in 0..<3 {
      var r = RandomSource(seed: 50 + UInt64(s))
      _ = layer.propagate(ComponentGradientTests.randomVector(steps * batch * din, seed: 40 + UInt64(s), scale: 3), steps: steps, batch: batch, training: true, rng: &r)
    }
    ComponentGradientTests.check(
      inputCount: steps * batch * din, outputCount: steps * batch * h, owner: layer,
      forward: { x in
        var r = RandomSource(seed: 9)
        return layer.propagate(x, steps: steps, batch: batch, training: false, rng: &r)
      },
      backward: { layer.backpropagate($0) }, name: kind)
  }

  @Test func outputHead() {
    var rng = RandomSource(seed: 8)
    let head = OutputHead(hiddenDim: 5, outputDim: 4, momentum: 0.1, rng: &rng)
    let targets: [Int32] = [0, 3, 1, 2, -1, 2, 0, 1]
    // The head's own loss is the cross-entropy; check it directly rather than Σ r⊙y.
    let x = ComponentGradientTests.randomVector(8 * 5, seed: 1)
    _ = head.propagate(x, rows: 8, training: true)
    head.visitParameters { $0.zeroGrad() }
    _ = head.propagate(x, rows: 8, training: true)
    let (_, frames, dx) = head.backpropagate(targets: targets)
    #expect(frames == 7)
    let u = ComponentGradientTests.randomVector(8 * 5, seed: 2)
    let analytic = ComponentGradientTests.dot(dx, u)
    func loss(_ s: Float) -> Double {
      let lp = head.propagate(zip(x, u).map { $0 + s * $1 }, rows: 8, training: true)
      var total = 0.0
      for (r, y) in targets.enumerated() where y >= 0 { total -= Double(lp[r * 4 + Int(y)]) }
      return total / 7
    }
    let numeric = (loss(1e-3) - loss(-1e-3)) / 2e-3
    #expect(abs(analytic - numeric) <= 3e-3 * max(1, abs(numeric)), "head: \(analytic) vs \(numeric)")
  }
}
