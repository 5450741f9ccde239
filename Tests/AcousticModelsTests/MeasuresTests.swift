import Testing
@testable import AcousticModels

@Suite struct MeasuresTests {
  /// Totals and recurrent-stack sizes from the reference (`models.build(k, 40, 55, 193)`).
  @Test(arguments: [
    (Architecture.lstm, 56981, 45980), (.gru, 45486, 34485), (.snn, 16556, 5555), (.v1, 21891, 10890), (.v2, 33991, 22990),
  ])
  func parameterCountsMatchTheReference(_ arch: Architecture, total: Int, stack: Int) {
    let model = AcousticModel(config: ModelConfig(architecture: arch, inputDim: 40, hiddenDim: 55, outputDim: 193), seed: 1)
    let counts = model.parameterCounts
    #expect(counts.recurrentStack == stack)
    #expect(counts.recurrentStack + counts.head == total)
  }

  /// `models.mults_per_frame` and `mults_authors_formula` at nnz [30.5, 20.25, 10.125], H=550, K=1936.
  @Test(arguments: [
    (Architecture.lstm, 2564452.0, 2564452.0), (.gru, 1931539.5, 1931539.5), (.snn, 54114.5, 54114.5),
    (.v1, 84227.0, 140052.0), (.v2, 117639.5, 140052.0),
  ])
  func multiplicationCountsMatchTheReference(_ arch: Architecture, sparse: Double, authors: Double) {
    let nnz = [30.5, 20.25, 10.125]
    #expect(Measures.multiplications(arch, nonZeros: nnz, hidden: 550, outputs: 1936) == sparse)
    #expect(Measures.multiplications(arch, nonZeros: nnz, hidden: 550, outputs: 1936, authors: true) == authors)
  }

  @Test func zeroPercentCountsValidFramesOnly() {
    let config = ModelConfig(architecture: .v2, inputDim: 5, hiddenDim: 7, outputDim: 4)
    let model = AcousticModel(config: config, seed: 3)
    var batch = syntheticBatch(steps: 10, batch: 2, dim: 5, classes: 4, seed: 1)
    batch.lengths = [10, 6]
    var rng = RandomSource(seed: 1)
    _ = model.propagate(batch, training: true, rng: &rng)
    var m = Measures(config: config)
    m.accumulate(model, lengths: batch.lengths)
    #expect(m.frames == 16)
    var zeros = 0
    for t in 0..<10 {
      for b in 0..<2 where t < batch.lengths[b] {
        for j in 0..<7 where model.activations[2][(t * 2 + b) * 7 + j] == 0 { zeros += 1 }
      }
    }
    #expect(abs(m.zeroPercent[2] - 100 * Double(zeros) / Double(16 * 7)) < 1e-9)
    #expect(abs(m.nonZerosPerFrame[2] - (7 - Double(zeros) / 16)) < 1e-9)
  }
}
