import Gmm
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `gmm-compute-likes`: every pdf's log-likelihood for every frame, as a matrix per utterance.
public enum GmmComputeLikes: KaldiTool {
  public static let name = "gmm-compute-likes"
  public static let usage = """
    Compute log-likelihoods from GMM-based model
    (outputs matrices of log-likelihoods indexed by (frame, pdf)
    Usage: gmm-compute-likes [options] model-in features-rspecifier likes-wspecifier
    e.g.: gmm-compute-likes 40.mdl "ark:add-deltas scp:feats.scp ark:- |" ark:loglikes.ark
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(3)
    let model = try GmmModelFile.read(args[0]).acousticModel
    let stacked = StackedGaussians(model)
    let features = try SequentialTableReader<MatrixHolder<Float>>(args[1])
    let writer = try TableWriter<MatrixHolder<Float>>(args[2])
    var done = 0
    while let (key, feats) = try features.next() {
      guard feats.cols == model.dim else {
        throw KaldiError("Features of utterance \(key) in \(args[1]) have dimension \(feats.cols), the model \(model.dim)")
      }
      let likes = stacked.logLikelihoods(feats)
      if let bad = likes.data.firstIndex(where: { !$0.isFinite }) {
        throw KaldiError("Invalid answer (overflow or invalid variances/features?) for utterance \(key), frame \(bad / max(likes.cols, 1))")
      }
      try writer.write(key, likes)
      done += 1
    }
    try writer.close()
    KaldiLog.log("gmm-compute-likes: computed likelihoods for \(done) utterances.")
    return 0
  }
}
