import Foundation
import KaldiBase
import KaldiIO
import KaldiMatrix
import Testing
@testable import AcousticModels

/// A small sequence-labelling task: segments of 4-11 frames of one of 4 classes, each frame
/// the class mean plus unit Gaussian noise. Writes feature and target arks into a fresh
/// directory and returns its path. Training utterances listed in `poisoned` get one frame of
/// the largest finite floats, which overflow in the first product (the data reader would drop
/// NaN features itself).
func writeSyntheticTask(utterances: Int, seed: UInt64, name: String, poisoned: Set<Int> = []) throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ksnn-train-\(getpid())-\(name)")
  try? FileManager.default.removeItem(at: dir)
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  var rng = RandomSource(seed: 77)
  let dim = 8, classes = 4
  let means = (0..<(classes * dim)).map { _ in Float(rng.normal()) }
  rng = RandomSource(seed: seed)
  for part in ["train", "dev"] {
    let feats = try TableWriter<MatrixHolder<Float>>("ark:\(dir.path)/\(part).feats.ark")
    let ali = try TableWriter<Int32VectorHolder>("ark:\(dir.path)/\(part).ali.ark")
    for u in 0..<(part == "train" ? utterances : utterances / 4) {
      let frames = 40 + Int(rng.next() % 80)
      var labels = [Int32]()
      while labels.count < frames {
        let c = Int32(rng.next() % UInt64(classes))
        labels += [Int32](repeating: c, count: 4 + Int(rng.next() % 8))
      }
      labels = Array(labels.prefix(frames))
      var m = Matrix<Float>(rows: frames, cols: dim)
      for t in 0..<frames {
        for d in 0..<dim { m[t, d] = means[Int(labels[t]) * dim + d] + Float(rng.normal()) }
      }
      if part == "train", poisoned.contains(u) {
        for d in 0..<dim { m[frames / 2, d] = (d % 2 == 0 ? 1 : -1) * .greatestFiniteMagnitude }
      }
      let key = String(format: "utt%04d", u)
      try feats.write(key, m)
      try ali.write(key, labels)
    }
    try feats.close()
    try ali.close()
  }
  return dir.path
}

func makeTrainer(_ arch: Architecture, dir: String, options: TrainingOptions, bits: Int = 6, threshold: Int = 3) throws -> Trainer {
  let train = try FrameDataset(features: "ark:\(dir)/train.feats.ark", targets: "ark:\(dir)/train.ali.ark", cache: dir + "/train.cache")
  let dev = try FrameDataset(features: "ark:\(dir)/dev.feats.ark", targets: "ark:\(dir)/dev.ali.ark", cache: dir + "/dev.cache")
  let config = ModelConfig(architecture: arch, inputDim: 8, hiddenDim: 32, outputDim: 4, bits: bits, threshold: threshold)
  return try Trainer(model: AcousticModel(config: config, seed: UInt64(options.seed)), options: options, train: train, dev: dev, directory: dir)
}

func weights(_ model: AcousticModel) -> [[Float]] {
  var out = [[Float]]()
  model.visitParameters { out.append($0.value) }
  model.visitBuffers { _, b in out.append(b) }
  return out
}

@Suite(.serialized) struct TrainingTests {
  /// Every model learns the task. The traditional LIF network starts as a double integrator
  /// (α = 1, no membrane leak) and needs many more updates: with 6-bit outputs and threshold 3
  /// it silences itself on a task this small, and the PyTorch reference stays at chance too
  /// (30 % after 6 epochs, also with 32 bits), so it gets 32-bit outputs, 4× the data and more
  /// epochs, and a lower bar.
  @Test(arguments: Architecture.allCases)
  func learnsASmallSequenceTask(_ arch: Architecture) throws {
    let dir = try writeSyntheticTask(utterances: arch == .snn ? 256 : 64, seed: 5, name: "learn-\(arch)")
    var options = TrainingOptions()
    options.epochs = arch == .snn ? 20 : 6
    options.batchSize = 8
    options.lengthSchedule = "20*2|50*2|100*2"
    let trainer = try makeTrainer(arch, dir: dir, options: options, bits: arch == .snn ? 32 : 6, threshold: arch == .snn ? 0 : 3)
    try trainer.run()
    let accuracy = try trainer.evaluate(trainer.dev).frameAccuracy
    #expect(trainer.lastDevMeasures?.frameAccuracy == accuracy)
    #expect(accuracy > (arch == .snn ? 0.45 : 0.8), "\(arch): dev frame accuracy \(accuracy)")
    #expect(trainer.history.count == options.epochs)
    #expect(FileManager.default.fileExists(atPath: dir + "/final.mdl"))
    #expect(FileManager.default.fileExists(atPath: dir + "/best.mdl"))
    #expect(try String(contentsOfFile: dir + "/history.tsv", encoding: .utf8).split(separator: "\n").count == options.epochs + 1)
  }

  /// With `keepBest`, final.mdl is the model of the best dev epoch (as Kaldi nnet1's scheduler
  /// ends on its last accepted epoch) and the measures say so; training itself runs as without.
  @Test func keepsTheBestDevEpochsModel() throws {
    var options = TrainingOptions()
    options.epochs = 6
    options.batchSize = 4
    options.learningRate = 0.01  // large enough that some epoch ends worse than an earlier one
    options.lengthSchedule = "50*6"
    options.keepBest = true
    let dir = try writeSyntheticTask(utterances: 16, seed: 9, name: "keep-best")
    let trainer = try makeTrainer(.v2, dir: dir, options: options)
    try trainer.run()
    let accuracies = trainer.history.map(\.devAccuracy)
    let best = accuracies.max()!
    // The best epoch is the first to reach the best accuracy (a later tie is not better). On
    // some CPUs an epoch falls behind, on others the last ones tie: either way it is not the last.
    let bestEpoch = accuracies.firstIndex(of: best)!
    #expect(bestEpoch < accuracies.count - 1, "the last epoch is the best: the test proves nothing \(accuracies)")
    let final = try AcousticModel.load(dir + "/final.mdl")
    #expect(try trainer.evaluate(trainer.dev, model: final).frameAccuracy == best)
    #expect(try trainer.finalMeasures().frameAccuracy == best)
    #expect(weights(final) == weights(try AcousticModel.load(dir + "/best.mdl")))

    options.keepBest = false
    let plainDir = try writeSyntheticTask(utterances: 16, seed: 9, name: "keep-last")
    let plain = try makeTrainer(.v2, dir: plainDir, options: options)
    try plain.run()
    #expect(plain.history == trainer.history)
    #expect(try plain.finalMeasures().frameAccuracy == accuracies.last!)
    #expect(weights(try AcousticModel.load(plainDir + "/final.mdl")) == weights(plain.model))
    #expect(weights(final) != weights(plain.model))
  }

  /// A minibatch whose features overflow gives a non-finite loss: it is skipped (no update, batch-norm
  /// statistics restored), the learning rate halves, the log counts it, and training goes on
  /// to a model that still learns.
  @Test func skipsANonFiniteMinibatchAndGoesOn() throws {
    let dir = try writeSyntheticTask(utterances: 32, seed: 5, name: "skip", poisoned: [7])
    var options = TrainingOptions()
    options.epochs = 4
    options.batchSize = 4
    options.lengthSchedule = "200*4"  // whole utterances: the poisoned one is in one minibatch per epoch
    let trainer = try makeTrainer(.v2, dir: dir, options: options)
    try trainer.run()
    #expect(trainer.history.map(\.skippedBatches) == [1, 1, 1, 1])
    #expect(weights(trainer.model).allSatisfy { $0.allSatisfy(\.isFinite) })
    #expect(trainer.history[0].learningRate == 5e-4)
    #expect(trainer.history[1].learningRate <= 2.5e-4)
    // Still learning, at a learning rate halved once per epoch (chance is 0.25).
    #expect(trainer.history[3].devAccuracy > trainer.history[0].devAccuracy + 0.1, "\(trainer.history.map(\.devAccuracy))")
    #expect(trainer.history[3].devAccuracy > 0.5)
    let tsv = try String(contentsOfFile: dir + "/history.tsv", encoding: .utf8).split(separator: "\n")
    #expect(tsv[0].hasSuffix("\tskipped_batches"))
    #expect(tsv[1].hasSuffix("\t1"))
  }

  /// Nothing but non-finite minibatches: the run stops with an error naming the utterances.
  @Test func stopsWhenEveryMinibatchIsNonFinite() throws {
    let dir = try writeSyntheticTask(utterances: 12, seed: 5, name: "all-nan", poisoned: Set(0..<12))
    var options = TrainingOptions()
    options.epochs = 2
    options.batchSize = 1
    options.maxConsecutiveSkips = 5
    let trainer = try makeTrainer(.lstm, dir: dir, options: options)
    let error = #expect(throws: KaldiError.self) { try trainer.run() }
    #expect(error?.message.contains("5 minibatches in a row had a non-finite loss, gradient or statistics") == true, "\(String(describing: error))")
    #expect(error?.message.contains("utterances utt00") == true)
  }

  /// The prefetcher hands back the minibatch read ahead only for the index it was read for,
  /// reads any other one in place, and passes a read error on to the training thread.
  @Test func prefetcherHandsBackTheMinibatchOfItsIndex() throws {
    struct ReadFailed: Error {}
    let one = SequenceBatch(sequences: [[1, 2]], targets: [[0]], dim: 2)
    let two = SequenceBatch(sequences: [[3, 4], [5, 6]], targets: [[1], [2]], dim: 2)
    let prefetcher = MinibatchPrefetcher()
    prefetcher.prefetch(1) { one }
    #expect(try prefetcher.take(0) { two }.features == two.features)   // not the one read ahead
    prefetcher.prefetch(1) { one }
    #expect(try prefetcher.take(1) { two }.features == one.features)
    #expect(try prefetcher.take(1) { two }.features == two.features)   // taken once only
    prefetcher.prefetch(2) { throw ReadFailed() }
    #expect(throws: ReadFailed.self) { try prefetcher.take(2) { two } }
  }

  /// Gradient-norm clipping: every update's gradient is at most --max-grad-norm long.
  @Test func clipsTheGradientNorm() throws {
    let dir = try writeSyntheticTask(utterances: 8, seed: 5, name: "clip")
    let trainer = try makeTrainer(.gru, dir: dir, options: TrainingOptions())
    var rng = RandomSource(seed: 1)
    let batch = try Trainer.makeBatch(chunks(of: trainer.train, maxLength: 50), from: trainer.train)
    trainer.model.zeroGradients()
    _ = trainer.model.propagate(batch, training: true, rng: &rng)
    trainer.model.backpropagate(targets: batch.targets)
    let norm = trainer.model.gradientNorm()
    #expect(norm > 0.1)
    trainer.model.scaleGradients(by: Float(0.1 / norm))
    #expect(abs(trainer.model.gradientNorm() - 0.1) < 1e-5)
  }

  @Test func resumedRunIsBitIdenticalToAnUninterruptedOne() throws {
    var options = TrainingOptions()
    options.epochs = 3
    options.batchSize = 4
    options.lengthSchedule = "30*1|60*2"
    options.checkpointEvery = 2
    options.seed = 42
    let dirA = try writeSyntheticTask(utterances: 20, seed: 8, name: "resume-a")
    let a = try makeTrainer(.v2, dir: dirA, options: options)
    try a.run()

    let dirB = try writeSyntheticTask(utterances: 20, seed: 8, name: "resume-b")
    let b1 = try makeTrainer(.v2, dir: dirB, options: options)
    b1.stopAfterBatches = 9  // mid second epoch, one batch after a checkpoint
    try b1.run()
    let b2 = try Trainer.resume(
      from: try ModelFile.read(dirB + "/checkpoint.mdl"), options: options, train: b1.train, dev: b1.dev, directory: dirB)
    try b2.run()
    #expect(weights(b2.model) == weights(a.model))
    #expect(b2.history == a.history)
    #expect(b2.learningRate == a.learningRate)
  }

  @Test func sameSeedSameModel() throws {
    var options = TrainingOptions()
    options.epochs = 2
    options.batchSize = 4
    options.lengthSchedule = "30*2"
    let dir = try writeSyntheticTask(utterances: 12, seed: 3, name: "determinism")
    let a = try makeTrainer(.lstm, dir: dir, options: options)
    try a.run()
    let b = try makeTrainer(.lstm, dir: dir, options: options)
    try b.run()
    #expect(weights(a.model) == weights(b.model))
    options.seed += 1
    let c = try makeTrainer(.lstm, dir: dir, options: options)
    try c.run()
    #expect(weights(a.model) != weights(c.model))
  }

  @Test func chunkingFollowsPyTorchKaldi() throws {
    let dir = try writeSyntheticTask(utterances: 8, seed: 1, name: "chunks")
    let data = try FrameDataset(features: "ark:\(dir)/train.feats.ark", targets: "ark:\(dir)/train.ali.ark", cache: dir + "/c.cache")
    let pieces = chunks(of: data, maxLength: 30)
    for (i, u) in data.utterances.enumerated() {
      let mine = pieces.filter { $0.utterance == i }
      #expect(mine.map(\.frames.count).reduce(0, +) == u.frames)
      #expect(mine.dropLast().allSatisfy { $0.frames.count == 30 })
      #expect(Double(mine.last!.frames.count) <= 37.5)
    }
    let schedule = try LengthSchedule("100*4|200*4|400*4|800*4|1000*8")
    #expect([1, 4, 5, 13, 17, 24, 30].map(schedule.maxLength) == [100, 100, 200, 800, 1000, 1000, 1000])
    #expect(throws: (any Error).self) { try LengthSchedule("100x4") }
  }
}
