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

  subscript(name: String) -> [Float] { tensors[name] ?? [] }
}

/// The largest |a−b| / max(1, |b|) over two equally long tensors.
func relativeError(_ a: [Float], _ b: [Float]) -> Float {
  precondition(a.count == b.count, "sizes \(a.count) vs \(b.count)")
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
    model.visitParameters { p in
      let v = fx["init." + p.name]
      #expect(v.count == p.count, "\(p.name)")
      if v.count == p.count { p.value = v }
    }
    model.visitBuffers { name, b in
      let v = fx["init." + name]
      #expect(v.count == b.count, "\(name)")
      if v.count == b.count { b = v }
    }
    let batch = SequenceBatch(
      steps: 12, batch: 3, dim: 5, features: fx["input"], targets: fx["targets"].map { Int32($0) },
      lengths: [12, 12, 12])
    for mode in ["train", "eval"] {
      var rng = RandomSource(seed: 0)
      model.zeroGradients()
      let logProbs = model.propagate(batch, training: mode == "train", rng: &rng)
      let (loss, _) = model.backpropagate(targets: batch.targets)
      #expect(relativeError(logProbs, fx[mode + ".logprobs"]) < 1e-4, "\(arch) \(mode) log-probabilities")
      #expect(abs(Float(loss) - fx[mode + ".loss"][0]) < 1e-4, "\(arch) \(mode) loss")
      model.visitParameters { p in
        let err = relativeError(p.grad, fx["\(mode).grad.\(p.name)"])
        #expect(err < 1e-4, "\(arch) \(mode) gradient of \(p.name): \(err)")
      }
      if mode == "train" {
        model.visitBuffers { name, b in
          let err = relativeError(b, fx["after." + name])
          #expect(err < 1e-4, "\(arch) \(name) after a training pass: \(err)")
        }
      }
    }
  }
}
