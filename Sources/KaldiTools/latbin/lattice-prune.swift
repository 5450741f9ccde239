import Decoding
import KaldiBase
import KaldiIO

/// `lattice-prune`: removes the paths of each lattice costing more than a beam over the best.
public enum LatticePrune: KaldiTool {
  public static let name = "lattice-prune"
  public static let usage = """
    Apply beam pruning to lattices
    Usage: lattice-prune [options] lattice-rspecifier lattice-wspecifier
     e.g.: lattice-prune --acoustic-scale=0.1 --beam=4.0 ark:1.lats ark:pruned.lats
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let acoustic = invocation.option("acoustic-scale", Float(1), "Scaling factor for acoustic likelihoods")
    let inverse = invocation.option("inv-acoustic-scale", Float(1), "An alternative way of setting the acoustic scale: you can set its inverse.")
    let beam = invocation.option("beam", Float(10), "Pruning beam [applied after acoustic scaling]")
    let args = try invocation.arguments(2)
    guard acoustic.value == 1 || inverse.value == 1 else { throw KaldiError.usage("Give --acoustic-scale or --inv-acoustic-scale, not both") }
    let scale = inverse.value != 1 ? Float(1 / Double(inverse.value)) : acoustic.value
    guard scale != 0 else { throw KaldiError("Do not use a zero acoustic scale (cannot be inverted)") }
    let reader = try SequentialTableReader<CompactLatticeHolder>(args[0])
    let writer = try TableWriter<CompactLatticeHolder>(args[1])
    var done = 0
    var statesIn = 0, statesOut = 0, arcsIn = 0, arcsOut = 0
    while let (key, lattice) = try reader.next() {
      var clat = lattice
      clat.scale(LatticeScale(acoustic: Double(scale)))
      var pruned: CompactLattice
      do {
        pruned = try clat.pruned(beam: Double(beam.value))
      } catch is CyclicLatticeError {
        KaldiLog.warn("Error pruning lattice for utterance \(key)")
        pruned = clat
      }
      KaldiLog.log("For utterance \(key), pruned #states from \(clat.stateCount) to \(pruned.stateCount) and #arcs from \(clat.arcCount) to \(pruned.arcCount)")
      (statesIn, statesOut, arcsIn, arcsOut) = (statesIn + clat.stateCount, statesOut + pruned.stateCount, arcsIn + clat.arcCount, arcsOut + pruned.arcCount)
      pruned.scale(LatticeScale(acoustic: 1 / Double(scale)))
      try writer.write(key, pruned)
      done += 1
    }
    try writer.close()
    let n = Double(max(done, 1))
    func g(_ v: Double) -> String { formatG(v, precision: 6) }
    KaldiLog.log("Overall, pruned from on average \(g(Double(statesIn) / n)) to \(g(Double(statesOut) / n)) states, and from \(g(Double(arcsIn) / n)) to \(g(Double(arcsOut) / n)) arcs, over \(done) utterances.")
    KaldiLog.log("Done \(done) lattices.")
    return done != 0 ? 0 : 1
  }
}
