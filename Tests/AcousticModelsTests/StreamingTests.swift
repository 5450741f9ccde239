import Testing
@testable import AcousticModels

@Suite struct StreamingTests {
  /// Frame-by-frame stepping reproduces the whole-sequence evaluation forward pass, also
  /// across a reset between utterances.
  @Test(arguments: Architecture.allCases)
  func streamingEqualsBatchEvaluation(_ arch: Architecture) {
    let config = ModelConfig(architecture: arch, inputDim: 12, hiddenDim: 16, outputDim: 20)
    let model = AcousticModel(config: config, seed: 3)
    var rng = RandomSource(seed: 4)
    for s in 0..<3 { _ = model.propagate(syntheticBatch(steps: 30, batch: 2, dim: 12, classes: 20, seed: UInt64(10 + s)), training: true, rng: &rng) }
    let stream = StreamingAcousticModel(model: model)
    var out = [Float](repeating: 0, count: 20)
    for seed in [UInt64(21), 22] {
      let utt = syntheticBatch(steps: 30, batch: 1, dim: 12, classes: 20, seed: seed)
      let full = model.propagate(utt, training: false, rng: &rng)
      stream.reset()
      var worst: Float = 0
      for t in 0..<30 {
        utt.features.withUnsafeBufferPointer { stream.step($0.baseAddress! + t * 12, into: &out) }
        for j in 0..<20 { worst = max(worst, abs(out[j] - full[t * 20 + j])) }
      }
      #expect(worst < 1e-5, "\(arch): max difference \(worst)")
    }
  }
}
