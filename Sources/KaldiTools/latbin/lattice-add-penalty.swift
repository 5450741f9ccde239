import Decoding
import KaldiBase
import KaldiIO

/// `lattice-add-penalty`: adds a word insertion penalty to the graph cost of every word arc.
public enum LatticeAddPenalty: KaldiTool {
  public static let name = "lattice-add-penalty"
  public static let usage = """
    Add word insertion penalty to the lattice.
    Note: penalties are negative log-probs, base e, and are added to the
    'language model' part of the cost.

    Usage: lattice-add-penalty [options] <lattice-rspecifier> <lattice-wspecifier>
     e.g.: lattice-add-penalty --word-ins-penalty=1.0 ark:- ark:-
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let penalty = invocation.option("word-ins-penalty", Float(0), "Word insertion penalty")
    let args = try invocation.arguments(2)
    let done = try editLattices(args[0], args[1], compact: true) { $0.addWordInsertionPenalty(penalty.value) }
    KaldiLog.log("Done adding word insertion penalty to \(done) lattices.")
    return done != 0 ? 0 : 1
  }
}
