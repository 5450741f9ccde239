import AcousticModels
import KaldiBase
import KaldiIO
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

/// `ksnn-am-train`: trains one of the five acoustic models (LSTM, GRU, LIF SNN, SNN v1/v2)
/// with BPTT on frame targets, evaluating on a dev set every epoch.
public enum KsnnAmTrain: KaldiTool {
  public static let name = "ksnn-am-train"
  public static let usesBLAS = true
  public static let usage = """
    Train a recurrent or spiking acoustic model (lstm, gru, snn, v1, v2) with BPTT and Adam on
    frame-level targets (e.g. pdf-ids from ali-to-pdf), with PyTorch-Kaldi's sequence-length
    curriculum and learning-rate halving on the dev frame error. Writes <exp-dir>/final.mdl,
    best.mdl, checkpoint.mdl (for --resume), history.tsv and measures.json.

    Usage:  ksnn-am-train [options] <train-feats-rspecifier> <train-targets-rspecifier> <dev-feats-rspecifier> <dev-targets-rspecifier> <exp-dir>
    e.g.: ksnn-am-train --config=recipes/conf/v2.conf --num-targets=1936 scp:data/train/feats.scp \\
            "ark:gunzip -c exp/tri3_ali/ali.*.gz | ali-to-pdf exp/tri3_ali/final.mdl ark:- ark:- |" \\
            scp:data/dev/feats.scp ark:exp/dev.pdf.ark exp/v2
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let arch = invocation.option("architecture", "v2", "Model: lstm, gru, snn (traditional LIF), v1 or v2 (improved spiking dynamics)")
    let hidden = invocation.option("hidden-dim", 550, "Units per recurrent layer")
    let layers = invocation.option("num-layers", 2, "Recurrent layers")
    let targets = invocation.option("num-targets", 0, "Output classes (e.g. number of pdfs from hmm-info); 0 = largest target + 1")
    let bits = invocation.option("bits", 6, "Spiking output precision in bits (1..8 in the paper; 32 = nearly exact)")
    let threshold = invocation.option("threshold", 3, "Spiking threshold level: outputs at or below this many quantisation levels are zero")
    let dropout = invocation.option("dropout", Float(0.2), "Recurrent dropout probability (one mask per sequence)")
    let momentum = invocation.option("momentum", Float(0.1), "Momentum of batch-norm running statistics and of the spiking range EMA")
    let encode = invocation.option("encode-input", true, "Spiking models: sigma-delta encode the input features")
    let decay = invocation.option("synaptic-decay-init", Float(1), "Traditional SNN: initial synaptic-current decay alpha of Eq. 4, learned per neuron (1 = none, as the authors' code)")
    let epochs = invocation.option("epochs", 24, "Training epochs")
    let batch = invocation.option("batch-size", 64, "Sequences per minibatch")
    let lr = invocation.option("learning-rate", Float(1e-3), "Initial Adam learning rate")
    let halving = invocation.option("halving-factor", Float(0.5), "Learning-rate factor when the dev error stops improving")
    let improvement = invocation.option("improvement-threshold", 0.005, "Relative dev-error improvement below which an epoch counts as bad")
    let patience = invocation.option("patience", 1, "Halve the learning rate after more than this many consecutive bad epochs")
    let minLr = invocation.option("min-learning-rate", Float(1.25e-4), "Learning rate floor")
    let schedule = invocation.option("seq-length-schedule", "100*4|200*4|400*4|800*4|1000*8", "Maximum chunk length per epoch, as length*epochs groups")
    let validLength = invocation.option("max-seq-length-valid", 1000, "Maximum chunk length for dev evaluation")
    let seed = invocation.option("seed", 1234, "Random seed (initialisation, shuffling, dropout)")
    let every = invocation.option("checkpoint-every", 0, "Also write checkpoint.mdl every this many minibatches (0 = once per epoch)")
    let maxNorm = invocation.option("max-grad-norm", Float(0), "Scale each minibatch's gradient down to this global L2 norm when larger (0 = never, as the paper)")
    let resume = invocation.option("resume", false, "Continue from <exp-dir>/checkpoint.mdl")
    let threads = invocation.option("num-threads", 1, "BLAS threads")
    let args = try invocation.arguments(5)
    BLASThreads.set(threads.value)
    guard let architecture = Architecture(rawValue: arch.value) else {
      throw KaldiError.usage("unknown --architecture=\(arch.value) (expected one of lstm, gru, snn, v1, v2)")
    }
    let dir = args[4]
    mkdir(dir, 0o755)
    var options = TrainingOptions()
    options.epochs = epochs.value
    options.batchSize = batch.value
    options.learningRate = lr.value
    options.halvingFactor = halving.value
    options.improvementThreshold = improvement.value
    options.patience = patience.value
    options.minLearningRate = minLr.value
    options.lengthSchedule = schedule.value
    options.maxValidLength = validLength.value
    options.seed = seed.value
    options.checkpointEvery = every.value
    options.maxGradientNorm = maxNorm.value
    guard options.batchSize > 0, options.epochs > 0, options.maxValidLength > 0 else {
      throw KaldiError.usage("--batch-size, --epochs and --max-seq-length-valid must be positive")
    }
    guard options.maxGradientNorm >= 0, options.maxGradientNorm.isFinite else {
      throw KaldiError.usage("--max-grad-norm must be a finite non-negative number, got \(options.maxGradientNorm)")
    }
    _ = try LengthSchedule(options.lengthSchedule)

    let checkpoint = resume.value ? try ModelFile.read(dir + "/checkpoint.mdl") : nil
    let expectedDim = checkpoint?.value("input-dim").flatMap { Int($0) }
    let train = try FrameDataset(features: args[0], targets: args[1], cache: dir + "/.train.cache", expectedDim: expectedDim)
    guard !train.utterances.isEmpty else { throw KaldiError("no usable training utterances in \(args[0]) with targets in \(args[1])") }
    let dev = try FrameDataset(features: args[2], targets: args[3], cache: dir + "/.dev.cache", expectedDim: train.dim)
    KaldiLog.log("Training data: \(train.utterances.count) utterances, \(train.totalFrames) frames of dimension \(train.dim); dev: \(dev.utterances.count) utterances, \(dev.totalFrames) frames")

    let trainer: Trainer
    if let checkpoint {
      trainer = try Trainer.resume(from: checkpoint, options: options, train: train, dev: dev, directory: dir)
    } else {
      let classes = targets.value > 0 ? targets.value : Int(max(train.maxTarget, dev.maxTarget)) + 1
      let largest = max(train.maxTarget, dev.maxTarget)
      guard Int(largest) < classes else {
        throw KaldiError("target \(largest) does not fit --num-targets=\(classes)")
      }
      let config = ModelConfig(
        architecture: architecture, inputDim: train.dim, hiddenDim: hidden.value, outputDim: classes, layers: layers.value,
        bits: bits.value, threshold: threshold.value, dropout: dropout.value, momentum: momentum.value, encodeInput: encode.value,
        synapticDecayInit: decay.value)
      try config.validate()
      let model = AcousticModel(config: config, seed: UInt64(options.seed))
      let (stack, head) = model.parameterCounts
      KaldiLog.log("Initialised \(architecture.rawValue): \(config.layers)×\(config.hiddenDim), \(classes) outputs, \(stack + head) parameters (\(stack) in the recurrent stack)")
      trainer = try Trainer(model: model, options: options, train: train, dev: dev, directory: dir)
    }
    try trainer.run()
    let measures = try trainer.lastDevMeasures ?? trainer.evaluate(dev)
    let json = measures.json(parameters: trainer.model.parameterCounts)
    try OutputStream.writeWhole(json, to: dir + "/measures.json")
    KaldiLog.log("Final dev frame accuracy \(formatG(100 * measures.frameAccuracy, precision: 4))%, cross-entropy \(formatG(measures.crossEntropy, precision: 5)); zero outputs per layer \(measures.zeroPercent.map { formatG($0, precision: 4) }.joined(separator: " "))%")
    writeToStandardError(json)
    return 0
  }
}
