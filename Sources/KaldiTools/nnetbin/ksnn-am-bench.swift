import AcousticModels
import KaldiBase
import KaldiIO
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

/// `ksnn-am-bench`: training and streaming throughput of the five models on synthetic data,
/// at the sizes of the PyTorch reference's `bench.py`, for side-by-side comparison.
public enum KsnnAmBench: KaldiTool {
  public static let name = "ksnn-am-bench"
  public static let usage = """
    Measure training throughput (forward + BPTT + Adam, frames/s) and batch-1 streaming
    throughput (frames/s) of the acoustic models on synthetic AR(1) features with random
    targets, and the GFLOP/s cblas_sgemm reaches at the LSTM's shapes. Prints one JSON object.

    With --models, instead: each trained model stepped at batch 1 over real features (as
    on-line recognition runs it), beside a dense GRU of the same sizes on the same frames, in
    one run: frames/s, % zero outputs per layer, and the ratio to the GRU.

    Usage:  ksnn-am-bench [options]
    e.g.: ksnn-am-bench --num-threads=2 --hidden-dim=550 --num-targets=1936 --batch-size=8 --steps=500
          ksnn-am-bench --models=exp/lstm/final.mdl,exp/v2/final.mdl \
            --feats="ark:splice-feats --left-context=3 --right-context=3 scp:data/test/feats_cmvn.scp ark:- |"
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let archs = invocation.option("architectures", "lstm,gru,snn,v1,v2", "Comma-separated models to measure")
    let shape = Setting(ModelConfig.defaults(inputDim: 40, outputDim: 1936))
    ModelConfig.register(invocation.options, shape, \.self, architecture: false)
    invocation.options.register("input-dim", shape, \.inputDim, "Feature dimension")
    invocation.options.register("num-targets", shape, \.outputDim, "Output classes")
    let batch = invocation.option("batch-size", 8, "Sequences per minibatch")
    let steps = invocation.option("steps", 500, "Frames per sequence")
    let iters = invocation.option("iters", 3, "Timed iterations (median reported) after one warm-up")
    let streamFrames = invocation.option("stream-frames", 500, "Frames for the streaming measurement")
    let threads = invocation.option("num-threads", 2, "BLAS threads for training")
    let streamThreads = invocation.option("stream-threads", 1, "BLAS threads for streaming")
    let trained = invocation.option("models", "", "Comma-separated trained model files to measure on --feats (instead of the synthetic benchmark)")
    let feats = invocation.option("feats", "", "Features the --models read (rspecifier, as in training)")
    let repeats = invocation.option("repeats", 3, "With --models: passes over the features of each model and of its dense GRU, in turn (the fastest of each is reported)")
    _ = try invocation.arguments(0)
    if !trained.value.isEmpty {
      BLASThreads.set(streamThreads.value)
      return try benchTrained(trained.value.split(separator: ",").map(String.init), feats: feats.value, repeats: max(1, repeats.value))
    }
    var fields = [String]()
    let (b, t, d, h, k) = (batch.value, steps.value, shape.value.inputDim, shape.value.hiddenDim, shape.value.outputDim)
    BLASThreads.set(threads.value)
    fields.append("\"sgemm_gflops_lstm_shapes\": \(formatG(sgemmGflops(b: b, t: t, d: d, h: h, k: k), precision: 4))")
    for name in archs.value.split(separator: ",") {
      guard let arch = Architecture(rawValue: String(name)) else { throw KaldiError.usage("unknown architecture \(name)") }
      BLASThreads.set(threads.value)
      var config = shape.value
      config.architecture = arch
      try config.validate()
      let model = AcousticModel(config: config, seed: 0)
      let data = synthetic(steps: t, batch: b, dim: d, classes: k)
      var adam = Adam(learningRate: 1e-3)
      var rng = RandomSource(seed: 1)
      var times = [Double]()
      for it in 0...iters.value {
        let start = now()
        model.zeroGradients()
        _ = model.propagate(data, training: true, rng: &rng)
        model.backpropagate(targets: data.targets)
        adam.update(model)
        if it > 0 { times.append(now() - start) }
      }
      let sec = times.sorted()[times.count / 2]
      BLASThreads.set(streamThreads.value)
      let stream = StreamingAcousticModel(model: model)
      let frames = synthetic(steps: streamFrames.value + 20, batch: 1, dim: d, classes: k).features
      var out = [Float](repeating: 0, count: k)
      for i in 0..<20 { frames.withUnsafeBufferPointer { stream.step($0.baseAddress! + i * d, into: &out) } }
      stream.reset()
      let start = now()
      for i in 20..<(20 + streamFrames.value) { frames.withUnsafeBufferPointer { stream.step($0.baseAddress! + i * d, into: &out) } }
      let streamSec = now() - start
      let flops = arch == .lstm ? lstmTrainingFlops(b: b, t: t, d: d, h: h, k: k) / sec / 1e9 : nil
      fields.append("\"\(arch.rawValue)\": {\"train_frames_per_s\": \(formatG(Double(b * t) / sec, precision: 5)), \"sec_per_batch\": \(formatG(sec, precision: 4)), \"stream_frames_per_s\": \(formatG(Double(streamFrames.value) / streamSec, precision: 5))\(flops.map { ", \"train_gflops\": \(formatG($0, precision: 4))" } ?? "")}")
      KaldiLog.log("\(arch.rawValue): \(formatG(Double(b * t) / sec, precision: 5)) training frames/s, \(formatG(Double(streamFrames.value) / streamSec, precision: 5)) streaming frames/s")
    }
    print("{\n  " + fields.joined(separator: ",\n  ") + "\n}")
    return 0
  }

  /// Seconds of one pass of `stream` over every frame of `utterances` (fresh state per
  /// utterance).
  static func streamingPass(_ stream: StreamingAcousticModel, _ utterances: [Matrix<Float>], into out: inout [Float]) -> Double {
    stream.resetCounts()
    let start = now()
    for u in utterances {
      stream.reset()
      u.data.withUnsafeBufferPointer { x in
        for t in 0..<u.rows { stream.step(x.baseAddress! + t * u.cols, into: &out) }
      }
    }
    return now() - start
  }

  /// Frames per second of stepping `model` and `anchor` over every frame of `utterances`, the
  /// fastest of `repeats` passes each, their passes taken in turn so that a slower or faster
  /// spell of the machine falls on both.
  static func streamingSpeeds(_ model: AcousticModel, anchor: AcousticModel, _ utterances: [Matrix<Float>], repeats: Int)
    -> (model: Double, anchor: Double, stream: StreamingAcousticModel)
  {
    let stream = StreamingAcousticModel(model: model), anchorStream = StreamingAcousticModel(model: anchor)
    var out = [Float](repeating: 0, count: model.config.outputDim)
    var best = (model: Double.infinity, anchor: Double.infinity)
    for _ in 0..<repeats {
      best.model = min(best.model, streamingPass(stream, utterances, into: &out))
      best.anchor = min(best.anchor, streamingPass(anchorStream, utterances, into: &out))
    }
    let frames = Double(utterances.reduce(0) { $0 + $1.rows })
    return (frames / best.model, frames / best.anchor, stream)
  }

  static func benchTrained(_ files: [String], feats: String, repeats: Int) throws -> Int32 {
    guard !feats.isEmpty else { throw KaldiError.usage("--models needs --feats") }
    let reader = try SequentialTableReader<MatrixHolder<Float>>(feats)
    var utterances: [Matrix<Float>] = []
    while let (_, m) = try reader.next() { utterances.append(m) }
    let frames = utterances.reduce(0) { $0 + $1.rows }
    guard frames > 0 else { throw KaldiError("no frames in \(feats)") }
    var fields = [String]()
    for file in files {
      let model = try AcousticModel.load(file)
      let c = model.config
      guard c.inputDim == utterances[0].cols else {
        throw KaldiError("\(file) reads \(c.inputDim) features but \(feats) has \(utterances[0].cols)")
      }
      // The anchor: a dense GRU of the same sizes on the same frames (its cost does not
      // depend on its weights).
      let gru = AcousticModel(config: ModelConfig(architecture: .gru, inputDim: c.inputDim, hiddenDim: c.hiddenDim, outputDim: c.outputDim, layers: c.layers), seed: 0)
      let (speed, gruSpeed, stream) = streamingSpeeds(model, anchor: gru, utterances, repeats: repeats)
      let zeros = stream.zeroPercentages.map { formatG($0, precision: 4) }
      KaldiLog.log("\(file) (\(c.architecture.rawValue) \(c.layers)x\(c.hiddenDim)): \(formatG(speed, precision: 5)) frames/s over \(frames) frames, dense GRU of the same sizes \(formatG(gruSpeed, precision: 5)) frames/s, ratio \(formatG(speed / gruSpeed, precision: 4)); zero outputs per layer (input first) \(zeros.joined(separator: " "))%")
      fields.append("\"\(file)\": {\"architecture\": \"\(c.architecture.rawValue)\", \"input_dim\": \(c.inputDim), \"layers\": \(c.layers), \"hidden\": \(c.hiddenDim), \"outputs\": \(c.outputDim), \"frames\": \(frames), \"stream_frames_per_s\": \(formatG(speed, precision: 5)), \"gru_stream_frames_per_s\": \(formatG(gruSpeed, precision: 5)), \"ratio_to_gru\": \(formatG(speed / gruSpeed, precision: 4)), \"zero_percent\": [\(zeros.joined(separator: ", "))]}")
    }
    print("{\n  " + fields.joined(separator: ",\n  ") + "\n}")
    return 0
  }

  static func now() -> Double { monotonicSeconds() }

  static func synthetic(steps: Int, batch: Int, dim: Int, classes: Int) -> SequenceBatch {
    var rng = RandomSource(seed: 11)
    var x = [Float](repeating: 0, count: steps * batch * dim)
    var prev = (0..<(batch * dim)).map { _ in rng.normal() }
    for t in 0..<steps {
      for i in 0..<(batch * dim) {
        prev[i] = 0.9 * prev[i] + 0.19.squareRoot() * rng.normal()
        x[t * batch * dim + i] = Float(prev[i])
      }
    }
    let y = (0..<(steps * batch)).map { _ in Int32(rng.next() % UInt64(classes)) }
    return SequenceBatch(steps: steps, batch: batch, dim: dim, features: x, targets: y, lengths: [Int](repeating: steps, count: batch))
  }

  /// Multiply-adds ×2 of every matrix product in one LSTM training step (forward, both
  /// backward products, two layers and the head).
  static func lstmTrainingFlops(b: Int, t: Int, d: Int, h: Int, k: Int) -> Double {
    let n = Double(b * t), g = Double(4 * h)
    var f = 0.0
    for din in [d, h] {
      f += 3 * 2 * n * Double(din) * g  // W·x forward, dW, dx
      f += 3 * 2 * n * Double(h) * g  // U·h forward, dU, dh
    }
    f += 3 * 2 * n * Double(h) * Double(k)  // head
    return f
  }

  /// GFLOP/s of cblas_sgemm over the LSTM's products at these sizes (the same list of
  /// shapes as one training step), as the ceiling to compare the model against.
  static func sgemmGflops(b: Int, t: Int, d: Int, h: Int, k: Int) -> Double {
    let n = b * t, g = 4 * h
    let shapes: [(Int, Int, Int, Int)] = [(n, g, d, 1), (n, g, h, 1), (b, g, h, t), (b, h, g, t), (g, h, n, 1), (n, k, h, 1), (k, h, n, 1), (n, h, k, 1)]
    var flops = 0.0
    let a = [Float](repeating: 0.5, count: max(n, g, k) * max(h, g, k))
    let bb = [Float](repeating: 0.25, count: max(n, g, k) * max(h, g, k))
    var c = [Float](repeating: 0, count: max(n, g, k) * max(h, g, k))
    let start = now()
    for (m, nn, kk, reps) in shapes {
      for _ in 0..<reps {
        a.withUnsafeBufferPointer { ap in
          bb.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
              cblasProduct(m: m, n: nn, k: kk, a: ap.baseAddress!, b: bp.baseAddress!, c: cp.baseAddress!)
            }
          }
        }
        flops += 2 * Double(m * nn * kk)
      }
    }
    return flops / (now() - start) / 1e9
  }
}
