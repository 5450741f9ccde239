import Gmm
import KaldiBase
import KaldiIO

/// `gmm-boost-silence`: multiplies the mixture weights of silence phones' pdfs by a factor.
public enum GmmBoostSilence: KaldiTool {
  public static let name = "gmm-boost-silence"
  public static let usage = """
    Modify GMM-based model to boost (by a certain factor) all
    probabilities associated with the specified phones (could be
    all silence phones, or just the ones used for optional silence).
    Note: this is done by modifying the GMM weights.  If the silence
    model shares a GMM with other models, then it will modify the GMM
    weights for all models that may correspond to silence.

    Usage:  gmm-boost-silence [options] <silence-phones-list> <model-in> <model-out>
    e.g.: gmm-boost-silence --boost=1.5 1:2:3 1.mdl 1_boostsil.mdl
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", true, "Write output in binary mode")
    let boost = invocation.option("boost", Float(1.5), "Factor by which to boost silence probs")
    let args = try invocation.arguments(3)
    let phones = try Set(args[0].split(separator: ":").map { field -> Int32 in
      guard let p = Int32(field) else { throw KaldiError("Invalid silence-phones list \(args[0]): expected colon-separated integers") }
      return p
    })
    var model = try GmmModelFile.read(args[1])
    let t = model.transitionModel
    var silencePdfs = Set<Int32>(), otherPdfs = Set<Int32>()
    for tuple in t.tuples {
      if phones.contains(tuple.phone) {
        silencePdfs.formUnion([tuple.forwardPdf, tuple.selfLoopPdf])
      } else {
        otherPdfs.formUnion([tuple.forwardPdf, tuple.selfLoopPdf])
      }
    }
    if !silencePdfs.isDisjoint(with: otherPdfs) {
      KaldiLog.warn("The pdfs for the silence phones may be shared by other phones (note: this probably does not matter.)")
    }
    for pdf in silencePdfs { model.acousticModel.densities[Int(pdf)].scaleWeights(by: boost.value) }
    KaldiLog.log("Boosted weights for \(silencePdfs.count) pdfs, by factor of \(formatG(Double(boost.value), precision: 6))")
    try model.write(to: args[2], binary: binary.value)
    KaldiLog.log("Wrote model to \(args[2])")
    return 0
  }
}
