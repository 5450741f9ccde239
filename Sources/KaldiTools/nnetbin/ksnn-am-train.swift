import AcousticModels
import KaldiBase
import KaldiIO
import KaldiMatrix
import MPIRuntime

#if canImport(Glibc)
import Glibc
#endif

/// `ksnn-am-train`: trains one of the five acoustic models (LSTM, GRU, LIF SNN, SNN v1/v2)
/// with BPTT on frame targets, evaluating on a dev set every epoch.
public enum KsnnAmTrain: KaldiTool {
  public static let name = "ksnn-am-train"
  public static let usage = """
    Train a recurrent or spiking acoustic model (lstm, gru, snn, v1, v2) with BPTT and Adam on
    frame-level targets (e.g. pdf-ids from ali-to-pdf), with PyTorch-Kaldi's sequence-length
    curriculum and learning-rate halving on the dev frame error. Writes <exp-dir>/final.mdl,
    best.mdl, checkpoint.mdl (for --resume), history.tsv and measures.json; with --keep-best,
    final.mdl is the best dev epoch's model. Defaults are the paper's (v2, 2x550, Table 1 setup).
    Started by mpirun, the ranks train one model data-parallel: each takes its share of every
    minibatch and gradients and batch statistics are summed over all (the same model as one
    process with the same --batch-size); rank 0 writes the files and the log.

    Usage:  ksnn-am-train [options] <train-feats-rspecifier> <train-targets-rspecifier> <dev-feats-rspecifier> <dev-targets-rspecifier> <exp-dir>
    e.g.: ksnn-am-train --config=recipes/conf/v2.conf --num-targets=1936 scp:data/train/feats.scp \\
            "ark:gunzip -c exp/tri3_ali/ali.*.gz | ali-to-pdf exp/tri3_ali/final.mdl ark:- ark:- |" \\
            scp:data/dev/feats.scp ark:exp/dev.pdf.ark exp/v2
          mpirun -np 4 ksnn-am-train --config=recipes/conf/v2.conf ... (the same arguments)
    """

  /// Everything the command line sets: the model's shape and the training schedule.
  struct Options {
    var model = ModelConfig.defaults()
    var training = TrainingOptions()
  }

  public static func main(_ invocation: Invocation) throws -> Int32 {
    guard MPIProcessGroup.isLaunchedByMPI else { return try train(invocation) }
    let group = try MPIProcessGroup()
    DataParallel.group = group
    KaldiLog.errorsOnly = group.rank > 0
    do {
      let status = try train(invocation, group: group)
      group.finalize()
      return status
    } catch {
      // The other ranks would wait forever in their next reduction: report and end them all.
      let message = (error as? KaldiError)?.message ?? "\(error)"
      KaldiLog.error("rank \(group.rank) of \(group.size): \(message)")
      group.abort(status: 1)
      throw error
    }
  }

  static func train(_ invocation: Invocation, group: MPIProcessGroup? = nil) throws -> Int32 {
    let settings = Setting(Options())
    ModelConfig.register(invocation.options, settings, \.model)
    TrainingOptions.register(invocation.options, settings, \.training)
    let targets = invocation.option("num-targets", 0, "Output classes (e.g. number of pdfs from hmm-info); 0 = largest target + 1")
    let resume = invocation.option("resume", false, "Continue from <exp-dir>/checkpoint.mdl")
    let threads = invocation.option("num-threads", 1, "BLAS threads")
    let args = try invocation.arguments(5)
    BLASThreads.set(threads.value)
    let options = settings.value.training
    try options.validate()
    let dir = args[4]
    _ = ByteString.withCString(dir) { mkdir($0, 0o755) }

    let checkpoint = resume.value ? try ModelFile.read(dir + "/checkpoint.mdl") : nil
    let expectedDim = checkpoint?.value("input-dim").flatMap { Int($0) }
    let rank = group.map { "\($0.rank)" } ?? ""
    if let group { KaldiLog.log("Data-parallel training over \(group.size) MPI ranks") }
    let train = try FrameDataset(features: args[0], targets: args[1], cache: dir + "/.train.cache" + rank, expectedDim: expectedDim)
    guard !train.utterances.isEmpty else { throw KaldiError("no usable training utterances in \(args[0]) with targets in \(args[1])") }
    let dev = try FrameDataset(features: args[2], targets: args[3], cache: dir + "/.dev.cache" + rank, expectedDim: train.dim)
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
      var config = settings.value.model
      (config.inputDim, config.outputDim) = (train.dim, classes)
      try config.validate()
      let model = AcousticModel(config: config, seed: UInt64(options.seed))
      let (stack, head) = model.parameterCounts
      KaldiLog.log("Initialised \(config.architecture.rawValue): \(config.layers)×\(config.hiddenDim), \(classes) outputs, \(stack + head) parameters (\(stack) in the recurrent stack)")
      trainer = try Trainer(model: model, options: options, train: train, dev: dev, directory: dir)
    }
    try trainer.run()
    let measures = try trainer.finalMeasures()
    let json = measures.json(parameters: trainer.model.parameterCounts)
    guard (group?.rank ?? 0) == 0 else { return 0 }
    try OutputStream.writeWhole(json, to: dir + "/measures.json")
    KaldiLog.log("Final dev frame accuracy \(formatG(100 * measures.frameAccuracy, precision: 4))%, cross-entropy \(formatG(measures.crossEntropy, precision: 5)); zero outputs per layer \(measures.zeroPercent.map { formatG($0, precision: 4) }.joined(separator: " "))%")
    writeToStandardError(json)
    return 0
  }
}
