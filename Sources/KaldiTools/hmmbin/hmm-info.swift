import Decoding
import KaldiBase
import KaldiIO

/// `hmm-info`: counts of phones, pdfs, transition-ids and transition-states of a model.
public enum HmmInfo: KaldiTool {
  public static let name = "hmm-info"
  public static let usage = """
    Write to standard output various properties of HMM-based transition model
    Usage:  hmm-info [options] <model-in>
    e.g.:
     hmm-info trans.mdl
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(1)
    let model = try TransitionModelReader.read(args[0])
    let out = try OutputStream.open("-")
    try out.write("number of phones \(model.numPhones)\nnumber of pdfs \(model.numPdfs)\nnumber of transition-ids \(model.numTransitionIds)\nnumber of transition-states \(model.numTransitionStates)\n")
    try out.commit()
    return 0
  }
}
