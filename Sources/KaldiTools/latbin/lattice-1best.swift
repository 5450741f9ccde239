import Decoding
import KaldiBase
import KaldiIO

/// `lattice-1best`: the best path of each lattice as a (linear) compact lattice.
public enum Lattice1Best: KaldiTool {
  public static let name = "lattice-1best"
  public static let usage = """
    Compute best path through lattices and write out as FSTs
    Note: differs from lattice-nbest with --n=1 because we won't
    append -1 to the utterance-ids.  Differs from lattice-best-path
    because output is FST.

    Usage: lattice-1best [options] <lattice-rspecifier> <lattice-wspecifier>
     e.g.: lattice-1best --acoustic-scale=0.1 ark:1.lats ark:1best.lats
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let acoustic = invocation.option("acoustic-scale", Float(1), "Scaling factor for acoustic likelihoods")
    let lm = invocation.option("lm-scale", Float(1), "Scaling factor for language model scores.")
    let penalty = invocation.option("word-ins-penalty", Float(0), "Word insertion penalty.")
    let args = try invocation.arguments(2)
    guard acoustic.value != 0, lm.value != 0 else { throw KaldiError("Do not use exactly zero acoustic or LM scale (cannot be inverted)") }
    let reader = try SequentialTableReader<CompactLatticeHolder>(args[0])
    let writer = try TableWriter<CompactLatticeHolder>(args[1])
    var done = 0, errors = 0
    while let (key, lattice) = try reader.next() {
      var clat = lattice
      clat.scale(LatticeScale(lm: Double(lm.value), acoustic: Double(acoustic.value)))
      if penalty.value > 0 { clat.addWordInsertionPenalty(penalty.value) }
      var best = try clat.bestPathLattice()
      guard best.stateCount > 0 else {
        KaldiLog.warn("Possibly empty lattice for utterance-id \(key)(no output)")
        errors += 1
        continue
      }
      if penalty.value > 0 { best.addWordInsertionPenalty(-penalty.value) }
      best.scale(LatticeScale(lm: 1 / Double(lm.value), acoustic: 1 / Double(acoustic.value)))
      try writer.write(key, best)
      done += 1
    }
    try writer.close()
    KaldiLog.log("Done converting \(done) to best path, \(errors) had errors.")
    return done != 0 ? 0 : 1
  }
}
