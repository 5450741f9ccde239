import Foundation
import KaldiBase
import Testing
@testable import AcousticModels

@Suite struct ModelFileTests {
  func tempPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ksnn-model-\(getpid())")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
  }

  @Test(arguments: Architecture.allCases)
  func roundTripKeepsEveryValue(_ arch: Architecture) throws {
    let model = AcousticModel(config: ModelConfig(architecture: arch, inputDim: 6, hiddenDim: 9, outputDim: 5, bits: 4, threshold: 1), seed: 11)
    var rng = RandomSource(seed: 2)
    _ = model.propagate(syntheticBatch(steps: 8, batch: 2, dim: 6, classes: 5, seed: 4), training: true, rng: &rng)
    let path = tempPath("\(arch).mdl")
    try model.save(path)
    let loaded = try AcousticModel.load(path)
    #expect(loaded.config == model.config)
    var a = [[Float]](), b = [[Float]]()
    model.visitParameters { a.append($0.value) }
    model.visitBuffers { _, v in a.append(v) }
    loaded.visitParameters { b.append($0.value) }
    loaded.visitBuffers { _, v in b.append(v) }
    #expect(a == b)
    let batch = syntheticBatch(steps: 5, batch: 1, dim: 6, classes: 5, seed: 9)
    #expect(model.propagate(batch, training: false, rng: &rng) == loaded.propagate(batch, training: false, rng: &rng))
  }

  @Test func corruptTruncatedAndForeignFilesAreClearErrors() throws {
    let model = AcousticModel(config: ModelConfig(architecture: .gru, inputDim: 3, hiddenDim: 4, outputDim: 3), seed: 1)
    let bytes = ModelFile(model: model).encoded()
    var flipped = bytes
    flipped[bytes.count / 2] ^= 0x40
    func message(_ b: [UInt8]) -> String {
      do {
        _ = try ModelFile(decoding: b, path: "m.mdl")
        return ""
      } catch {
        return error.message
      }
    }
    #expect(message(flipped).contains("checksum mismatch"))
    #expect(message(Array(bytes.prefix(bytes.count - 20))).contains("m.mdl"))
    #expect(message(Array("<Nnet> <LstmProjected>".utf8)).contains("wrong magic"))
    var file = ModelFile(model: model)
    file.metadata[0] = ("architecture", "transformer")
    #expect(throws: KaldiError.self) { try ModelFile(decoding: file.encoded(), path: "x").makeModel(path: "x") }
    file = ModelFile(model: model)
    file.tensors.removeLast()
    let err = message(file.encoded())
    #expect(err.isEmpty)  // decodes, but does not fit its own configuration:
    #expect(throws: KaldiError.self) { try ModelFile(decoding: file.encoded(), path: "x").makeModel(path: "x") }
  }

  @Test func synapticDecayStartsTheLeakAndIsKeptForTheTraditionalSNNOnly() throws {
    let snn = ModelConfig(architecture: .snn, inputDim: 3, hiddenDim: 4, outputDim: 3, synapticDecayInit: 0.9)
    let model = AcousticModel(config: snn, seed: 1)
    var alphas = [Float]()
    model.visitParameters { if $0.name.hasSuffix(".alpha") { alphas += $0.value } }
    #expect(alphas == [Float](repeating: 0.9, count: 8))
    #expect(snn.keyValues.contains { $0 == ("synaptic-decay-init", "0.9") })
    let lstm = ModelConfig(architecture: .lstm, inputDim: 3, hiddenDim: 4, outputDim: 3, synapticDecayInit: 0.9)
    #expect(!lstm.keyValues.contains { $0.0 == "synaptic-decay-init" })
    // Files written before the option existed have no key: their models started at 1.
    var old = Dictionary(snn.keyValues, uniquingKeysWith: { $1 })
    old["synaptic-decay-init"] = nil
    #expect(try ModelConfig(keyValues: old).synapticDecayInit == 1)
    old["synaptic-decay-init"] = "1.5"
    #expect(throws: KaldiError.self) { try ModelConfig(keyValues: old) }
  }
}
