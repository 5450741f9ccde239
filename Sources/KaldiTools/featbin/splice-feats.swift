import Features
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `splice-feats`: stacks each frame with its left and right neighbours.
public enum SpliceFeats: KaldiTool {
  public static let name = "splice-feats"
  public static let usage = """
    Splice features with left and right context (e.g. prior to LDA)
    Usage: splice-feats [options] <feature-rspecifier> <feature-wspecifier>
    e.g.: splice-feats scp:feats.scp ark:-
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let left = invocation.option("left-context", 4, "Number of frames of left context")
    let right = invocation.option("right-context", 4, "Number of frames of right context")
    let args = try invocation.arguments(2)
    _ = try copyTable(args[0], MatrixHolder<Float>.self, to: args[1], MatrixHolder<Float>.self) { key, feats in
      do {
        return try spliceFrames(feats, left: left.value, right: right.value)
      } catch let e as KaldiError {
        throw KaldiError("\(e.message) (utterance \(key))")
      }
    }
    return 0
  }
}
