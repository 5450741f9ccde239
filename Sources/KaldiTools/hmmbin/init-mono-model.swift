import Decoding
import KaldiBase
import KaldiIO

/// `init-mono-model`: a monophone transition model from a topology, written in Kaldi's format.
public enum InitMonoModel: KaldiTool {
  public static let name = "init-mono-model"
  public static let usage = """
    Create a monophone transition model from an HMM topology: one pdf per (phone, pdf-class),
    transition probabilities from the topology, as the transition model inside Kaldi's
    gmm-init-mono output. Kaldi's ali-to-pdf, show-transitions and decoders read the result.
    Usage:  init-mono-model [options] <topology-in> <model-out>
    e.g.: init-mono-model data/lang/topo exp/mono/final.mdl
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", true, "Write output in binary mode")
    let args = try invocation.arguments(2)
    let model = try TransitionModel.monophone(try TransitionModelReader.readTopology(file: args[0]))
    try TransitionModelWriter.write(model, to: args[1], binary: binary.value)
    KaldiLog.log("Wrote a monophone transition model with \(model.numPhones) phones, \(model.numPdfs) pdfs and \(model.numTransitionIds) transition-ids to \(args[1])")
    return 0
  }
}
