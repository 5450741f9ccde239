import KaldiBase
import KaldiIO
import KaldiMatrix

/// `analyze-counts`: label counts of integer tables (pdf priors for the forward pass).
public enum AnalyzeCounts: KaldiTool {
  public static let name = "analyze-counts"
  public static let usage = """
    Computes element counts from integer vector table.
    (e.g. get pdf-counts to estimate DNN-output priors for data analysis)
    Verbosity : level 1 => print frequencies and histogram

    Usage: analyze-counts [options] <alignments-rspecifier> <counts-wxfilname>
    e.g.: 
     analyze-counts ark:1.ali prior.counts
     Show phone counts by:
     ali-to-phones --per-frame=true ark:1.ali ark:- | analyze-counts --verbose=1 ark:- - >/dev/null
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", false, "write in binary mode")
    let dim = invocation.option("counts-dim", 0, "Output dimension of the counts, a hint for dimension auto-detection.")
    let frameWeights = invocation.option("frame-weights", "", "Per-frame weights (counting weighted frames).")
    let uttWeights = invocation.option("utt-weights", "", "Per-utterance weights (counting weighted frames).")
    let args = try invocation.arguments(2)
    let reader = try SequentialTableReader<Int32VectorHolder>(args[0])
    let frameW = frameWeights.value.isEmpty ? nil : try RandomAccessTableReader<VectorHolder<Float>>(frameWeights.value)
    let uttW = uttWeights.value.isEmpty ? nil : try RandomAccessTableReader<FloatHolder>(uttWeights.value)
    var counts = [Double](repeating: 0, count: max(0, dim.value))
    while let (utt, labels) = try reader.next() {
      var w: Float = 1
      if let uttW {
        guard try uttW.hasKey(utt) else { KaldiLog.warn("\(utt), missing per-utterance weight"); continue }
        w = try uttW.value(for: utt)
      }
      var perFrame: [Float]? = nil
      if let frameW {
        guard try frameW.hasKey(utt) else { KaldiLog.warn("\(utt), missing per-frame weights"); continue }
        perFrame = try frameW.value(for: utt).data
        guard perFrame!.count == labels.count else { throw KaldiError("Per-frame weights of \(utt) have \(perFrame!.count) values for \(labels.count) frames") }
      }
      for (i, label) in labels.enumerated() {
        guard label >= 0 else { throw KaldiError("Negative label \(label) in \(utt)") }
        if Int(label) >= counts.count { counts += [Double](repeating: 0, count: Int(label) + 1 - counts.count) }
        counts[Int(label)] += 1.0 * Double(w) * Double(perFrame?[i] ?? 1)
      }
    }
    for (i, c) in counts.enumerated() where c == 0 { KaldiLog.warn("Zero count for label \(i), this is suspicious.") }
    // Kaldi adds 0.5 to every count so that no prior is zero.
    try writeKaldiObject(VectorHolder<Double>.self, Vector(counts.map { $0 + 0.5 }), to: args[1], binary: binary.value)
    return 0
  }
}
