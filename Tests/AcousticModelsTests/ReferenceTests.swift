import Foundation
import Testing
@testable import AcousticModels

/// Tensors exported by `Fixtures/reference/export.py` from the PyTorch reference.
struct ReferenceFixture {
  var tensors: [String: [Float]] = [:]

  init(kind: String) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/reference/\(kind).txt")
    for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
      let fields = line.split(separator: " ")
      tensors[String(fields[0])] = fields.dropFirst(3).map { Float(Double($0)!) }
    }
  }

  /// The tensor `name`; a fixture without it fails the test that asks (it was exported by an
  /// older export.py, or the model gained a parameter the reference does not have).
  func tensor(_ name: String) throws -> [Float] {
    guard let t = tensors[name] else { throw MissingTensor(name: name) }
    return t
  }
}

struct MissingTensor: Error, CustomStringConvertible {
  let name: String
  var description: String { "the reference fixture has no tensor '\(name)'" }
}

/// The largest |a−b| / max(1, |b|) over two equally long tensors; infinite when their sizes
/// differ.
func relativeError(_ a: [Float], _ b: [Float]) -> Float {
  guard a.count == b.count else { return .infinity }
  var worst: Float = 0
  for i in 0..<a.count { worst = max(worst, abs(a[i] - b[i]) / max(1, abs(b[i]))) }
  return worst
}

@Suite struct ReferenceTests {
  @Test(arguments: Architecture.allCases)
  func forwardAndGradientsMatchPyTorch(_ arch: Architecture) throws {
    let fx = try ReferenceFixture(kind: arch.rawValue)
    let config = ModelConfig(architecture: arch, inputDim: 5, hiddenDim: 7, outputDim: 4, dropout: 0)
    let model = AcousticModel(config: config, seed: 0)
    try model.visitParameters { p in
      let v = try fx.tensor("init." + p.name)
      #expect(v.count == p.count, "\(p.name)")
      if v.count == p.count { p.value = v }
    }
    try model.visitBuffers { name, b in
      let v = try fx.tensor("init." + name)
      #expect(v.count == b.count, "\(name)")
      if v.count == b.count { b = v }
    }
    let batch = SequenceBatch(
      steps: 12, batch: 3, dim: 5, features: try fx.tensor("input"), targets: try fx.tensor("targets").map { Int32($0) },
      lengths: [12, 12, 12])
    for mode in ["train", "eval"] {
      var rng = RandomSource(seed: 0)
      model.zeroGradients()
      let logProbs = model.propagate(batch, training: mode == "train", rng: &rng)
      let (loss, _) = model.backpropagate(targets: batch.targets)
      #expect(relativeError(logProbs, try fx.tensor(mode + ".logprobs")) < 1e-4, "\(arch) \(mode) log-probabilities")
      #expect(abs(Float(loss) - (try fx.tensor(mode + ".loss").first ?? .nan)) < 1e-4, "\(arch) \(mode) loss")
      try model.visitParameters { p in
        let err = relativeError(p.grad, try fx.tensor("\(mode).grad.\(p.name)"))
        #expect(err < 1e-4, "\(arch) \(mode) gradient of \(p.name): \(err)")
      }
      if mode == "train" {
        try model.visitBuffers { name, b in
          let err = relativeError(b, try fx.tensor("after." + name))
          #expect(err < 1e-4, "\(arch) \(name) after a training pass: \(err)")
        }
      }
    }
  }
}
