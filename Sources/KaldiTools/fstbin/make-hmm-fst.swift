import Decoding
import KaldiBase
import KaldiIO

/// `make-hmm-fst`: the HMM transducer H of a transition model (transition-ids to phones).
public enum MakeHmmFst: KaldiTool {
  public static let name = "make-hmm-fst"
  public static let usage = """
    Write the HMM transducer H of a model's transition model as an OpenFst vector FST: input
    transition-ids, output phones, self-loops included, weights scaled as in Kaldi's
    mkgraph.sh. Composed with a determinized lexicon-grammar LG it gives a decoding graph.
    Usage:  make-hmm-fst [options] <model-in> <fst-out>
    e.g.: make-hmm-fst --self-loop-scale=0.1 exp/mono/final.mdl exp/mono/graph/H.fst
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let transitionScale = invocation.option("transition-scale", Float(1), "Scale of transition log-probabilities")
    let selfLoopScale = invocation.option("self-loop-scale", Float(0.1), "Scale of self-loop log-probabilities")
    let args = try invocation.arguments(2)
    let model = try TransitionModelReader.read(args[0])
    let fst = try hmmTransducer(model: model, transitionScale: transitionScale.value, selfLoopScale: selfLoopScale.value)
    try FstWriter.write(fst, to: args[1])
    return 0
  }
}
