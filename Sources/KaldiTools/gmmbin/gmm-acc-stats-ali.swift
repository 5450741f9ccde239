import Decoding
import Gmm
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `gmm-acc-stats-ali`: GMM and transition statistics from features and their alignments.
public enum GmmAccStatsAli: KaldiTool {
  public static let name = "gmm-acc-stats-ali"
  public static let usage = """
    Accumulate stats for GMM training.
    Usage:  gmm-acc-stats-ali [options] <model-in> <feature-rspecifier> <alignments-rspecifier> <stats-out>
    e.g.:
     gmm-acc-stats-ali 1.mdl scp:train.scp ark:1.ali 1.acc
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", true, "Write output in binary mode")
    let args = try invocation.arguments(4)
    let model = try GmmModelFile.read(args[0])
    var stats = GmmStats(model: model)
    let features = try SequentialTableReader<MatrixHolder<Float>>(args[1])
    let alignments = try RandomAccessTableReader<Int32VectorHolder>(args[2])
    let transitions = model.transitionModel
    var scratch = [Float](repeating: 0, count: model.acousticModel.densities.map(\.numComponents).max() ?? 1)
    var done = 0, errors = 0
    var totalLike = 0.0, totalFrames = 0
    while let (key, feats) = try features.next() {
      guard try alignments.hasKey(key) else {
        KaldiLog.warn("No alignment for utterance \(key)")
        errors += 1
        continue
      }
      let alignment = try alignments.value(for: key)
      guard alignment.count == feats.rows else {
        KaldiLog.warn("Alignments has wrong size \(alignment.count) vs. \(feats.rows)")
        errors += 1
        continue
      }
      guard feats.cols == model.acousticModel.dim else {
        throw KaldiError("Features of utterance \(key) have dimension \(feats.cols), the model \(model.acousticModel.dim)")
      }
      guard alignment.allSatisfy(transitions.isValid(transitionId:)) else {
        throw KaldiError("Alignment of utterance \(key) in \(args[2]) has transition-ids outside 1..\(transitions.numTransitionIds)")
      }
      done += 1
      var like = 0.0
      feats.data.withUnsafeBufferPointer { x in
        scratch.withUnsafeMutableBufferPointer { s in
          for t in 0..<feats.rows {
            let tid = alignment[t]
            let frame = UnsafeBufferPointer(rebasing: x[t * feats.cols..<(t + 1) * feats.cols])
            like += Double(stats.accumulate(frame: frame, transitionId: tid, pdf: Int(transitions.pdf(of: tid)),
                                            model: model.acousticModel, scratch: s))
          }
        }
      }
      totalLike += like
      totalFrames += feats.rows
      if done % 50 == 0 {
        KaldiLog.log("Processed \(done) utterances; for utterance \(key) avg. like is \(formatG(like / Double(feats.rows), precision: 6)) over \(feats.rows) frames.")
      }
    }
    KaldiLog.log("Done \(done) files, \(errors) with errors.")
    KaldiLog.log("Overall avg like per frame (Gaussian only) = \(formatG(totalLike / Double(max(totalFrames, 1)), precision: 6)) over \(totalFrames) frames.")
    try stats.write(to: args[3], binary: binary.value)
    KaldiLog.log("Written accs.")
    return done != 0 ? 0 : 1
  }
}
