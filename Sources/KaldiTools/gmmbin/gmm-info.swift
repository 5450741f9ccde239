import Gmm
import KaldiBase
import KaldiIO

/// `gmm-info`: sizes of a GMM model (phones, pdfs, transitions, feature dimension, Gaussians).
public enum GmmInfo: KaldiTool {
  public static let name = "gmm-info"
  public static let usage = """
    Write to standard output various properties of GMM-based model
    Usage:  gmm-info [options] <model-in>
    e.g.:
     gmm-info 1.mdl
    See also: gmm-info, am-info
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(1)
    let model = try GmmModelFile.read(args[0])
    let t = model.transitionModel, am = model.acousticModel
    let out = try OutputStream.open("-")
    try out.write("number of phones \(t.numPhones)\nnumber of pdfs \(am.numPdfs)\nnumber of transition-ids \(t.numTransitionIds)\nnumber of transition-states \(t.numTransitionStates)\nfeature dimension \(am.dim)\nnumber of gaussians \(am.numGaussians)\n")
    try out.commit()
    return 0
  }
}
