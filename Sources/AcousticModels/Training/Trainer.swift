#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiIO

/// The training schedule: the paper's defaults (Adam 1e-3, batch 64, 24 epochs, PyTorch-Kaldi's
/// sequence-length curriculum and learning-rate halving).
public struct TrainingOptions: Sendable {
  public var epochs = 24
  public var batchSize = 64
  public var learningRate: Float = 1e-3
  public var halvingFactor: Float = 0.5
  /// Relative dev-error improvement below which an epoch counts as bad.
  public var improvementThreshold: Double = 0.005
  /// The learning rate is halved when more than `patience` consecutive epochs were bad.
  public var patience = 1
  public var minLearningRate: Float = 1.25e-4
  public var lengthSchedule = "100*4|200*4|400*4|800*4|1000*8"
  public var maxValidLength = 1000
  public var seed = 1234
  /// Also checkpoint every this many minibatches (0: at the end of each epoch only).
  public var checkpointEvery = 0
  /// Gradients whose global L2 norm exceeds this are scaled down to it before the update
  /// (0: never), so that one exploding minibatch cannot throw the weights far.
  public var maxGradientNorm: Float = 0
  /// A run stops when this many minibatches in a row had a non-finite loss or gradient
  /// (each is skipped, and the learning rate halved, until then).
  public var maxConsecutiveSkips = 10
  /// final.mdl is the model of the epoch with the best dev frame accuracy, as Kaldi nnet1's
  /// scheduler ends on its last accepted epoch; otherwise the last epoch's (PyTorch-Kaldi, the
  /// paper). Training itself runs the same either way.
  public var keepBest = false
  /// An epoch ends after this many minibatches (0: when the data is used up), for quick checks
  /// and benchmarks on large sets.
  public var maxBatchesPerEpoch = 0

  public init() {}

  /// Registers the schedule's options (Kaldi's `Register`): one source for the command line,
  /// config files and library callers.
  public static func register<Root>(_ po: ParseOptions, _ s: Setting<Root>, _ k: WritableKeyPath<Root, TrainingOptions>) {
    po.register("epochs", s, k.appending(path: \.epochs), "Training epochs")
    po.register("batch-size", s, k.appending(path: \.batchSize), "Sequences per minibatch")
    po.register("learning-rate", s, k.appending(path: \.learningRate), "Initial Adam learning rate")
    po.register("halving-factor", s, k.appending(path: \.halvingFactor), "Learning-rate factor when the dev error stops improving")
    po.register(
      "improvement-threshold", s, k.appending(path: \.improvementThreshold), "Relative dev-error improvement below which an epoch counts as bad")
    po.register("patience", s, k.appending(path: \.patience), "Halve the learning rate after more than this many consecutive bad epochs")
    po.register("min-learning-rate", s, k.appending(path: \.minLearningRate), "Learning rate floor")
    po.register("seq-length-schedule", s, k.appending(path: \.lengthSchedule), "Maximum chunk length per epoch, as length*epochs groups")
    po.register("max-seq-length-valid", s, k.appending(path: \.maxValidLength), "Maximum chunk length for dev evaluation")
    po.register("seed", s, k.appending(path: \.seed), "Random seed (initialisation, shuffling, dropout)")
    po.register(
      "checkpoint-every", s, k.appending(path: \.checkpointEvery), "Also write checkpoint.mdl every this many minibatches (0 = once per epoch)")
    po.register(
      "max-grad-norm", s, k.appending(path: \.maxGradientNorm),
      "Scale each minibatch's gradient down to this global L2 norm when larger (0 = never, as the paper)")
    po.register(
      "max-consecutive-skips", s, k.appending(path: \.maxConsecutiveSkips),
      "Stop when this many minibatches in a row had a non-finite loss or gradient (each is skipped and halves the learning rate)")
    po.register(
      "keep-best", s, k.appending(path: \.keepBest),
      "final.mdl is the model of the epoch with the best dev frame accuracy (as Kaldi nnet1's scheduler keeps its last accepted epoch); false: the last epoch's, as the paper")
    po.register(
      "max-batches-per-epoch", s, k.appending(path: \.maxBatchesPerEpoch),
      "End each epoch after this many minibatches (0 = use all the data; for quick checks and benchmarks)")
  }

  /// Checks ranges; the error names the offending option.
  public func validate() throws(KaldiError) {
    guard batchSize > 0, epochs > 0, maxValidLength > 0 else {
      throw KaldiError.usage("--batch-size, --epochs and --max-seq-length-valid must be positive")
    }
    guard maxGradientNorm >= 0, maxGradientNorm.isFinite else {
      throw KaldiError.usage("--max-grad-norm must be a finite non-negative number, got \(maxGradientNorm)")
    }
    guard maxConsecutiveSkips > 0 else { throw KaldiError.usage("--max-consecutive-skips must be positive") }
    guard maxBatchesPerEpoch >= 0 else { throw KaldiError.usage("--max-batches-per-epoch must not be negative") }
    _ = try LengthSchedule(lengthSchedule)
  }
}

/// One line of the training history.
public struct EpochRecord: Sendable, Equatable {
  public var epoch: Int
  public var learningRate: Float
  public var maxLength: Int
  public var trainLoss: Double
  public var trainAccuracy: Double
  public var devLoss: Double
  public var devAccuracy: Double
  /// Minibatches skipped for a non-finite loss or gradient.
  public var skippedBatches = 0

  var encoded: String {
    "\(epoch),\(learningRate),\(maxLength),\(trainLoss),\(trainAccuracy),\(devLoss),\(devAccuracy),\(skippedBatches)"
  }

  init(
    epoch: Int, learningRate: Float, maxLength: Int, trainLoss: Double, trainAccuracy: Double, devLoss: Double, devAccuracy: Double,
    skippedBatches: Int = 0
  ) {
    (self.epoch, self.learningRate, self.maxLength) = (epoch, learningRate, maxLength)
    (self.trainLoss, self.trainAccuracy, self.devLoss, self.devAccuracy) = (trainLoss, trainAccuracy, devLoss, devAccuracy)
    self.skippedBatches = skippedBatches
  }

  /// Reads `encoded`; checkpoints written before the skipped count had 7 fields.
  init?(encoded: Substring) {
    let f = encoded.split(separator: ",")
    guard f.count == 7 || f.count == 8, let e = Int(f[0]), let lr = Float(f[1]), let ml = Int(f[2]), let tl = Double(f[3]),
      let ta = Double(f[4]), let dl = Double(f[5]), let da = Double(f[6])
    else { return nil }
    let skipped = f.count == 8 ? Int(f[7]) : 0
    guard let skipped else { return nil }
    self.init(
      epoch: e, learningRate: lr, maxLength: ml, trainLoss: tl, trainAccuracy: ta, devLoss: dl, devAccuracy: da, skippedBatches: skipped)
  }
}

/// Trains an acoustic model with BPTT over minibatches of sequence chunks, evaluating on the
/// dev set every epoch, and keeps `final.mdl`, `best.mdl`, `checkpoint.mdl` and
/// `history.tsv` in its directory. Shuffling and dropout draw from generators seeded by
/// (seed, epoch, minibatch), so a resumed run is bit-identical to an uninterrupted one.
public final class Trainer {
  public let model: AcousticModel
  public let options: TrainingOptions
  let train: FrameDataset
  let dev: FrameDataset
  let directory: String
  let schedule: LengthSchedule

  // Resumable state.
  public private(set) var epoch = 1
  var batchInEpoch = 0
  public private(set) var learningRate: Float
  var badEpochs = 0
  var previousDevError = Double.nan
  var bestDevError = Double.infinity
  var adam: Adam
  public private(set) var history: [EpochRecord] = []
  /// Dev-set measures of the model as it stands after the last epoch this run finished.
  public private(set) var lastDevMeasures: Measures?
  /// Dev-set measures of the model in final.mdl, when this run wrote it.
  var finalDevMeasures: Measures?
  var epochLoss = 0.0, epochFrames = 0, epochCorrect = 0
  /// Minibatches skipped in this epoch, and in a row (for giving up on a broken model).
  var epochSkipped = 0, consecutiveSkips = 0
  /// Minibatches whose gradient was scaled down to `maxGradientNorm` in this epoch.
  var epochClipped = 0

  /// Tests simulate an interruption by stopping after this many minibatches.
  var stopAfterBatches: Int?

  public init(model: AcousticModel, options: TrainingOptions, train: FrameDataset, dev: FrameDataset, directory: String) throws(KaldiError) {
    self.model = model
    self.options = options
    self.train = train
    self.dev = dev
    self.directory = directory
    schedule = try LengthSchedule(options.lengthSchedule)
    learningRate = options.learningRate
    adam = Adam(learningRate: options.learningRate)
  }

  public var checkpointPath: String { directory + "/checkpoint.mdl" }

  /// Runs the remaining epochs.
  public func run() throws {
    var batchesRun = 0
    while epoch <= options.epochs {
      let maxLength = schedule.maxLength(epoch: epoch)
      var order = chunks(of: train, maxLength: maxLength)
      var shuffler = RandomSource(seed: mix(UInt64(options.seed), UInt64(epoch), 0xC0FFEE))
      order.shuffle(using: &shuffler)
      let allBatches = (order.count + options.batchSize - 1) / options.batchSize
      let batches = options.maxBatchesPerEpoch > 0 ? min(allBatches, options.maxBatchesPerEpoch) : allBatches
      if batchInEpoch == 0 {
        KaldiLog.log("Epoch \(epoch)/\(options.epochs): \(order.count) chunks of at most \(maxLength) frames in \(allBatches) minibatches, learning rate \(learningRate)\(batches < allBatches ? "; the first \(batches) of them (--max-batches-per-epoch)" : "")")
      }
      let progressStep = max(1, batches / 5)
      // Training speed of this process's part of the epoch (a resumed epoch counts from the resume).
      let epochStart = monotonicSeconds(), framesBefore = epochFrames
      let minibatch = { (i: Int) in Array(order[(i * self.options.batchSize)..<min(order.count, (i + 1) * self.options.batchSize)]) }
      let prefetcher = MinibatchPrefetcher()
      while batchInEpoch < batches {
        let slice = minibatch(batchInEpoch)
        let share = Self.share(of: slice)
        if DataParallel.group != nil { DataParallel.share = (share.first, slice.count) }
        let batch = try prefetcher.take(batchInEpoch) { try Self.makeBatch(share.pieces, from: train, steps: share.steps) }
        if batchInEpoch + 1 < batches {
          let next = Self.share(of: minibatch(batchInEpoch + 1)), data = train
          prefetcher.prefetch(batchInEpoch + 1) { try Trainer.makeBatch(next.pieces, from: data, steps: next.steps) }
        }
        var rng = RandomSource(seed: mix(UInt64(options.seed), UInt64(epoch), UInt64(batchInEpoch) + 1))
        // The forward pass updates batch-norm and range statistics: keep them to undo a bad minibatch.
        let buffers = model.bufferValues()
        model.zeroGradients()
        let logProbs = model.propagate(batch, training: true, rng: &rng)
        let (loss, frames) = model.backpropagate(targets: batch.targets)
        if let group = DataParallel.group { model.sumGradients(over: group) }
        let gradientNorm = model.gradientNorm()
        KaldiLog.vlog(2, "Epoch \(epoch) minibatch \(batchInEpoch + 1): \(slice.count) chunks, \(frames) frames, loss \(loss), gradient norm \(gradientNorm)")
        // Overflowing inputs can leave the loss finite (batch norm divides them by an infinite
        // variance) and still ruin the running statistics.
        // Summed over a data-parallel group: every rank must take the same branch.
        let counts = DataParallel.sum([model.buffersAreFinite() ? 0 : 1, Double(correctFrames(logProbs, batch.targets))])
        guard loss.isFinite, gradientNorm.isFinite, counts[0] == 0 else {
          try skipMinibatch(slice, loss: loss, restoring: buffers)
          batchInEpoch += 1
          batchesRun += 1
          continue
        }
        consecutiveSkips = 0
        if options.maxGradientNorm > 0, gradientNorm > Double(options.maxGradientNorm) {
          model.scaleGradients(by: Float(Double(options.maxGradientNorm) / gradientNorm))
          epochClipped += 1
        }
        adam.learningRate = learningRate
        adam.update(model)
        epochLoss += loss * Double(frames)
        epochFrames += frames
        epochCorrect += Int(counts[1])
        batchInEpoch += 1
        batchesRun += 1
        if batchInEpoch % progressStep == 0 || batchInEpoch == batches {
          KaldiLog.log("Epoch \(epoch) minibatch \(batchInEpoch)/\(batches): loss \(formatG(epochLoss / Double(max(1, epochFrames)), precision: 5)), frame accuracy \(formatG(100 * Double(epochCorrect) / Double(max(1, epochFrames)), precision: 4))%")
        }
        if options.checkpointEvery > 0, batchInEpoch % options.checkpointEvery == 0, batchInEpoch < batches {
          try saveCheckpoint()
        }
        if let stop = stopAfterBatches, batchesRun >= stop { return }
      }
      let seconds = monotonicSeconds() - epochStart
      KaldiLog.log("Epoch \(epoch): trained on \(epochFrames - framesBefore) frames in \(formatG(seconds, precision: 4)) s, \(formatG(Double(epochFrames - framesBefore) / max(seconds, 1e-9), precision: 5)) frames/s")
      let devMeasures = try evaluate(dev)
      lastDevMeasures = devMeasures
      let devError = 1 - devMeasures.frameAccuracy
      let record = EpochRecord(
        epoch: epoch, learningRate: learningRate, maxLength: maxLength,
        trainLoss: epochLoss / Double(max(1, epochFrames)), trainAccuracy: Double(epochCorrect) / Double(max(1, epochFrames)),
        devLoss: devMeasures.crossEntropy, devAccuracy: devMeasures.frameAccuracy, skippedBatches: epochSkipped)
      history.append(record)
      if epochSkipped > 0 {
        KaldiLog.warn("Epoch \(epoch): skipped \(epochSkipped) of \(batches) minibatches with a non-finite loss, gradient or statistics")
      }
      if epochClipped > 0 {
        KaldiLog.log("Epoch \(epoch): gradients of \(epochClipped) of \(batches) minibatches scaled down to norm \(options.maxGradientNorm)")
      }
      KaldiLog.log("Epoch \(epoch) done: train loss \(formatG(record.trainLoss, precision: 5)), accuracy \(formatG(100 * record.trainAccuracy, precision: 4))%; dev loss \(formatG(record.devLoss, precision: 5)), accuracy \(formatG(100 * record.devAccuracy, precision: 4))%")
      let improved = devError < bestDevError
      if improved {
        bestDevError = devError
        if writesFiles { try model.save(directory + "/best.mdl") }
      }
      if improved || !options.keepBest {
        if writesFiles { try model.save(directory + "/final.mdl") }
        finalDevMeasures = devMeasures
      } else {
        KaldiLog.log("Epoch \(epoch): dev accuracy below the best epoch's (\(formatG(100 * (1 - bestDevError), precision: 4))%); final.mdl stays that epoch's model (--keep-best)")
      }
      if previousDevError.isFinite {
        let improvement = devError > 0 ? (previousDevError - devError) / devError : .infinity
        badEpochs = improvement < options.improvementThreshold ? badEpochs + 1 : 0
        if badEpochs > options.patience, learningRate > options.minLearningRate {
          learningRate = max(learningRate * options.halvingFactor, options.minLearningRate)
          badEpochs = 0
          KaldiLog.log("Dev error improved by less than \(options.improvementThreshold) (relative) for \(options.patience + 1) epochs; learning rate now \(learningRate)")
        }
      }
      previousDevError = devError
      epoch += 1
      batchInEpoch = 0
      epochLoss = 0
      epochFrames = 0
      epochCorrect = 0
      epochSkipped = 0
      epochClipped = 0
      try saveCheckpoint()
      try writeHistory()
    }
  }

  /// Leaves a minibatch whose loss or gradient is not finite out of training: the statistics
  /// its forward pass changed are restored, no update is made, and the learning rate is
  /// halved (down to the floor). Too many in a row mean the model itself is broken: that stops
  /// the run, with the last good epoch's model still in final.mdl and checkpoint.mdl.
  func skipMinibatch(_ slice: [Chunk], loss: Double, restoring buffers: [[Float]]) throws {
    model.setBufferValues(buffers)
    model.zeroGradients()
    epochSkipped += 1
    consecutiveSkips += 1
    let keys = slice.map { train.utterances[$0.utterance].key }.joined(separator: " ")
    if consecutiveSkips >= options.maxConsecutiveSkips {
      throw KaldiError(
        "\(consecutiveSkips) minibatches in a row had a non-finite loss, gradient or statistics (last: epoch \(epoch), minibatch \(batchInEpoch + 1), loss \(loss), utterances \(keys)); the model of the last finished epoch is in \(directory)/final.mdl; try a lower --learning-rate or --max-grad-norm")
    }
    learningRate = max(learningRate * options.halvingFactor, options.minLearningRate)
    KaldiLog.warn("Skipping minibatch \(batchInEpoch + 1) of epoch \(epoch): non-finite loss, gradient or statistics (loss \(loss)), utterances \(keys); learning rate now \(learningRate)")
  }

  /// Dev-set measures of the model training leaves in final.mdl: the last epoch's, or with
  /// `keepBest` the best epoch's (read back from final.mdl when that epoch ran before a resume).
  public func finalMeasures() throws -> Measures {
    if let finalDevMeasures { return finalDevMeasures }
    if options.keepBest, history.count > 0 {
      return try evaluate(dev, model: try AcousticModel.load(directory + "/final.mdl"))
    }
    return try evaluate(dev)
  }

  /// Frame accuracy, cross-entropy and sparsity on a data set, in evaluation mode, over
  /// chunks of at most `maxValidLength` frames.
  public func evaluate(_ data: FrameDataset) throws -> Measures { try evaluate(data, model: model) }

  func evaluate(_ data: FrameDataset, model: AcousticModel) throws -> Measures {
    var measures = Measures(config: model.config)
    var pieces = chunks(of: data, maxLength: options.maxValidLength)
    pieces.sort { $0.frames.count > $1.frames.count }  // similar lengths together: less padding
    var rng = RandomSource(seed: 0)
    var start = 0
    while start < pieces.count {
      let slice = Array(pieces[start..<min(pieces.count, start + options.batchSize)])
      let batch = try Self.makeBatch(slice, from: data)
      let logProbs = model.propagate(batch, training: false, rng: &rng)
      measures.accumulate(model, lengths: batch.lengths, logProbabilities: logProbs, targets: batch.targets)
      start += slice.count
    }
    return measures
  }

  static func makeBatch(_ pieces: [Chunk], from data: FrameDataset, steps: Int = 0) throws -> SequenceBatch {
    try SequenceBatch(
      sequences: pieces.map { try data.features($0.utterance, $0.frames) },
      targets: pieces.map { try data.targets($0.utterance, $0.frames) }, dim: data.dim, steps: steps)
  }

  /// The pieces of a training minibatch this process trains on: all of them, or in
  /// data-parallel training its share (from piece `first` on), padded to the whole
  /// minibatch's length (`steps`) so that batch norm sees the same rows as one process would.
  static func share(of pieces: [Chunk]) -> (pieces: [Chunk], first: Int, steps: Int) {
    guard let group = DataParallel.group else { return (pieces, 0, 0) }
    let mine = DataParallel.shareOfBatch(pieces.count, rank: group.rank, size: group.size)
    return (Array(pieces[mine]), mine.lowerBound, pieces.map(\.frames.count).max() ?? 0)
  }

  /// Whether this process writes models, checkpoints and the history (rank 0 of a group).
  var writesFiles: Bool { (DataParallel.group?.rank ?? 0) == 0 }

  func correctFrames(_ logProbs: [Float], _ targets: [Int32]) -> Int {
    let k = model.config.outputDim
    var correct = 0
    logProbs.withUnsafeBufferPointer { lp in
      for (r, y) in targets.enumerated() where y >= 0 {
        if bestClass(lp.baseAddress! + r * k, count: k) == Int(y) { correct += 1 }
      }
    }
    return correct
  }

  // MARK: - Checkpoints

  public func saveCheckpoint() throws {
    guard writesFiles else { return }
    var file = ModelFile(model: model)
    file.metadata += [
      ("train.epoch", "\(epoch)"), ("train.batch", "\(batchInEpoch)"), ("train.learning-rate", "\(learningRate)"),
      ("train.bad-epochs", "\(badEpochs)"), ("train.previous-dev-error", "\(previousDevError)"),
      ("train.best-dev-error", "\(bestDevError)"), ("train.adam-step", "\(adam.step)"),
      ("train.epoch-loss", "\(epochLoss)"), ("train.epoch-frames", "\(epochFrames)"), ("train.epoch-correct", "\(epochCorrect)"),
      ("train.epoch-skipped", "\(epochSkipped)"), ("train.epoch-clipped", "\(epochClipped)"),
      ("train.seed", "\(options.seed)"),
      ("train.history", history.map(\.encoded).joined(separator: ";")),
    ]
    var index = 0
    model.visitParameters { p in
      if index < adam.firstMoments.count {
        file.tensors.append(("adam.m." + p.name, adam.firstMoments[index]))
        file.tensors.append(("adam.v." + p.name, adam.secondMoments[index]))
      }
      index += 1
    }
    try file.write(checkpointPath)
  }

  /// Continues from `checkpoint.mdl` in `directory` (read already, as `file`) with these options.
  public static func resume(
    from file: ModelFile, options: TrainingOptions, train: FrameDataset, dev: FrameDataset, directory: String
  ) throws -> Trainer {
    let path = directory + "/checkpoint.mdl"
    let model = try file.makeModel(path: path)
    let trainer = try Trainer(model: model, options: options, train: train, dev: dev, directory: directory)
    func value<T: LosslessStringConvertible>(_ key: String, _ type: T.Type) throws -> T {
      guard let s = file.value("train." + key), let v = T(s) else {
        throw KaldiError("\(path) is not a training checkpoint (no valid train.\(key))")
      }
      return v
    }
    let seed = try value("seed", Int.self)
    if seed != options.seed {
      KaldiLog.warn("Resuming with --seed=\(options.seed) but the checkpoint was trained with seed \(seed); the run will not match an uninterrupted one")
    }
    trainer.epoch = try value("epoch", Int.self)
    trainer.batchInEpoch = try value("batch", Int.self)
    trainer.learningRate = try value("learning-rate", Float.self)
    trainer.badEpochs = try value("bad-epochs", Int.self)
    trainer.previousDevError = try value("previous-dev-error", Double.self)
    trainer.bestDevError = try value("best-dev-error", Double.self)
    trainer.epochLoss = try value("epoch-loss", Double.self)
    trainer.epochFrames = try value("epoch-frames", Int.self)
    trainer.epochCorrect = try value("epoch-correct", Int.self)
    // Checkpoints from before skipping and clipping existed have neither count.
    trainer.epochSkipped = file.value("train.epoch-skipped").flatMap { Int($0) } ?? 0
    trainer.epochClipped = file.value("train.epoch-clipped").flatMap { Int($0) } ?? 0
    let history = file.value("train.history") ?? ""
    trainer.history = history.split(separator: ";").compactMap(EpochRecord.init(encoded:))
    var m = [[Float]](), v = [[Float]]()
    model.visitParameters { p in
      if let a = file.tensor("adam.m." + p.name), let b = file.tensor("adam.v." + p.name) {
        m.append(a)
        v.append(b)
      }
    }
    trainer.adam = Adam(learningRate: trainer.learningRate, step: try value("adam-step", Int.self), firstMoments: m, secondMoments: v)
    KaldiLog.log("Resuming from \(path): epoch \(trainer.epoch), minibatch \(trainer.batchInEpoch), learning rate \(trainer.learningRate)")
    return trainer
  }

  func writeHistory() throws {
    guard writesFiles else { return }
    var text = "epoch\tlearning_rate\tmax_length\ttrain_loss\ttrain_accuracy\tdev_loss\tdev_accuracy\tskipped_batches\n"
    for r in history {
      text += "\(r.epoch)\t\(r.learningRate)\t\(r.maxLength)\t\(r.trainLoss)\t\(r.trainAccuracy)\t\(r.devLoss)\t\(r.devAccuracy)\t\(r.skippedBatches)\n"
    }
    try OutputStream.writeWhole(text, to: directory + "/history.tsv")
  }
}

/// Mixes seed components into one well-spread 64-bit seed.
func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
  var r = RandomSource(seed: a &* 0x9E37_79B9_7F4A_7C15 ^ b &* 0xC2B2_AE3D_27D4_EB4F ^ c)
  return r.next()
}
