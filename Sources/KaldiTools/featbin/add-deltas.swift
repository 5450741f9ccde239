import Features
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `add-deltas`: appends delta and acceleration features.
public enum AddDeltas: KaldiTool {
  public static let name = "add-deltas"
  public static let usage = """
    Add deltas (typically to raw mfcc or plp features
    Usage: add-deltas [options] in-rspecifier out-wspecifier
     e.g.: add-deltas scp:data/train/feats.scp ark:-
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let truncate = invocation.option("truncate", 0, "If nonzero, first truncate features to this dimension.")
    let order = invocation.option("delta-order", 2, "Order of delta computation")
    let window = invocation.option("delta-window", 2, "Parameter controlling window for delta computation (actual window size for each delta order is 1 + 2*delta-window-size)")
    let args = try invocation.arguments(2)
    let deltas = try DeltaFeatures(order: order.value, window: window.value)
    let reader = try SequentialTableReader<MatrixHolder<Float>>(args[0])
    let writer = try TableWriter<MatrixHolder<Float>>(args[1])
    while let (key, feats) = try reader.next() {
      if feats.rows == 0 {
        KaldiLog.warn("Empty feature matrix for key \(key)")
        continue
      }
      var input = feats
      if truncate.value != 0 {
        guard truncate.value <= feats.cols else {
          throw KaldiError("Cannot truncate features as dimension \(feats.cols) is smaller than truncation dimension.")
        }
        input = feats.submatrix(rows: 0..<feats.rows, cols: 0..<truncate.value)
      }
      try writer.write(key, deltas.apply(input))
    }
    try writer.close()
    return 0
  }
}
