import AcousticModels
import KaldiBase
import KaldiIO
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

/// `ksnn-am-forward`: the forward pass of a trained model over whole utterances, writing
/// log-posteriors or (with priors) log-likelihoods for Kaldi's `*-mapped` decoders.
public enum KsnnAmForward: KaldiTool {
  public static let name = "ksnn-am-forward"
  public static let usage = """
    Forward pass of a ksnn acoustic model: writes per-frame log-posteriors, or, with
    --class-frame-counts, log-likelihoods (log posterior - prior-scale * log prior) that
    latgen-faster-mapped / decode-faster-mapped accept. Optionally prints the paper's measures.

    Usage:  ksnn-am-forward [options] <model-in> <feats-rspecifier> <loglikes-wspecifier>
    e.g.: ksnn-am-forward --class-frame-counts=exp/v2/ali_train_pdf.counts --measures=exp/v2/decode_test/measures.json \\
            exp/v2/final.mdl scp:data/test/feats.scp ark:exp/v2/decode_test/loglikes.ark
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let counts = invocation.option("class-frame-counts", "", "Vector with class counts (e.g. from analyze-counts) to turn posteriors into likelihoods")
    let priorScale = invocation.option("prior-scale", Float(1), "Scaling factor applied to the log priors")
    let priorFloor = invocation.option("prior-floor", Float(1e-10), "Classes with a prior below this are disabled (log prior = sqrt(FLT_MAX))")
    let measuresFile = invocation.option("measures", "", "Write the measures (sparsity, multiplications, parameters, accuracy) as JSON to this file")
    let targetsRspecifier = invocation.option("targets", "", "Frame targets (int vectors) for frame accuracy and cross-entropy in the measures")
    let threads = invocation.option("num-threads", 1, "BLAS threads")
    let args = try invocation.arguments(3)
    BLASThreads.set(threads.value)
    let model = try AcousticModel.load(args[0])
    let k = model.config.outputDim
    let priors = counts.value.isEmpty ? nil : try PdfPriors(
      countsFile: counts.value, classes: k, modelName: args[0], floor: priorFloor.value, scale: priorScale.value)
    let reader = try SequentialTableReader<MatrixHolder<Float>>(args[1])
    let writer = try TableWriter<MatrixHolder<Float>>(args[2])
    let targets = targetsRspecifier.value.isEmpty ? nil : try RandomAccessTableReader<Int32VectorHolder>(targetsRspecifier.value)
    var measures = Measures(config: model.config)
    // Frame by frame, as on-line recognition computes it (one inference path for both).
    let stream = StreamingAcousticModel(model: model)
    var done = 0, frames = 0
    while let (key, feats) = try reader.next() {
      guard feats.cols == model.config.inputDim else {
        var hint = ""
        let ratio = model.config.inputDim / max(feats.cols, 1)
        if feats.cols > 0, model.config.inputDim % feats.cols == 0, ratio % 2 == 1, ratio > 1 {
          hint = " (trained on features spliced over ±\(ratio / 2) frames? splice-feats --left-context=\(ratio / 2) --right-context=\(ratio / 2))"
        }
        throw KaldiError("utterance \(key) of \(args[1]) has feature dimension \(feats.cols) but \(args[0]) expects \(model.config.inputDim)\(hint)")
      }
      if let bad = feats.data.firstIndex(where: { !$0.isFinite }) {
        throw KaldiError("utterance \(key) of \(args[1]) has a non-finite feature at frame \(bad / feats.cols), dimension \(bad % feats.cols)")
      }
      if feats.rows == 0 {
        KaldiLog.warn("Zero-length utterance \(key); skipping it")
        continue
      }
      stream.resetCounts()
      var out = stream.logPosteriors(of: feats.data, frames: feats.rows)
      measures.accumulate(zeroCounts: stream.zeroCounts, frames: feats.rows)
      if let bad = out.firstIndex(where: { !$0.isFinite }) {
        let nonFinite = model.parameterNames(where: { !$0.isFinite })
        throw KaldiError(
          "utterance \(key): \(args[0]) gives a non-finite log-posterior at frame \(bad / k), pdf \(bad % k)"
            + (nonFinite.isEmpty ? "" : " (non-finite weights in \(nonFinite.prefix(3).joined(separator: ", ")))"))
      }
      var y: [Int32]? = nil
      if let targets, try targets.hasKey(key) {
        let t = try targets.value(for: key)
        if t.count == feats.rows { y = t } else { KaldiLog.warn("Utterance \(key): \(t.count) targets for \(feats.rows) frames; not scored") }
      }
      if let y { measures.score(out, targets: y) }
      if let priors { out.withUnsafeMutableBufferPointer { priors.apply(to: $0.baseAddress!, frames: feats.rows) } }
      try writer.write(key, Matrix(rows: feats.rows, cols: k, data: out))
      done += 1
      frames += feats.rows
    }
    try writer.close()
    KaldiLog.log("Done \(done) utterances, \(frames) frames; zero outputs per layer (input first) \(measures.zeroPercent.map { formatG($0, precision: 4) }.joined(separator: " "))%, \(formatG(measures.multiplicationsSparse, precision: 6)) multiplications per frame (\(formatG(measures.multiplicationsSparse / measures.baseline(.gru), precision: 4)) of a GRU)")
    if !measuresFile.value.isEmpty {
      try OutputStream.writeWhole(measures.json(parameters: model.parameterCounts), to: measuresFile.value)
    }
    return done > 0 ? 0 : 1
  }
}
