import Decoding
import KaldiBase
import KaldiIO

/// `lattice-to-nbest`: the n cheapest paths of each lattice, each a linear lattice `<key>-<i>`.
public enum LatticeToNbest: KaldiTool {
  public static let name = "lattice-to-nbest"
  public static let usage = """
    Work out N-best paths in lattices and write out as FSTs
    Note: only guarantees distinct word sequences if distinct paths in
    input lattices had distinct word-sequences (this will not be true if
    you produced lattices with --determinize-lattice=false, i.e. state-level
    lattices).
    Usage: lattice-to-nbest [options] <lattice-rspecifier> <lattice-wspecifier>
     e.g.: lattice-to-nbest --acoustic-scale=0.1 --n=10 ark:1.lats ark:nbest.lats
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let acoustic = invocation.option("acoustic-scale", Float(1), "Scaling factor for acoustic likelihoods")
    let lm = invocation.option("lm-scale", Float(1), "Scaling factor for language model scores.")
    let n = invocation.option("n", 1, "Number of distinct paths")
    let args = try invocation.arguments(2)
    guard n.value > 0 else { throw KaldiError("Invalid option --n=\(n.value): must be positive") }
    let reader = try SequentialTableReader<LatticeHolder>(args[0])
    let writer = try TableWriter<CompactLatticeHolder>(args[1])
    guard acoustic.value != 0, lm.value != 0 else { throw KaldiError("Do not use a zero acoustic or LM scale (cannot be inverted)") }
    let scale = LatticeScale(lm: Double(lm.value), acoustic: Double(acoustic.value))
    let inverse = LatticeScale(lm: 1 / Double(lm.value), acoustic: 1 / Double(acoustic.value))
    var done = 0, pathsOut = 0
    while let (key, lattice) = try reader.next() {
      var lat = lattice
      lat.scale(scale)
      let paths: [Lattice]
      do {
        paths = try lat.nbestPaths(n.value)
      } catch is CyclicLatticeError {
        throw KaldiError("Lattice for utterance-id \(key) in \(args[0]) has cycles")
      }
      guard !paths.isEmpty else {
        KaldiLog.warn("Possibly empty lattice for utterance-id \(key)(no N-best entries)")
        continue
      }
      for (i, path) in paths.enumerated() {
        var p = path
        p.scale(inverse)
        try writer.write("\(key)-\(i + 1)", p.linearCompacted())
      }
      done += 1
      pathsOut += paths.count
    }
    try writer.close()
    KaldiLog.log("Done applying N-best algorithm to \(done) lattices with n = \(n.value), average actual #paths is \(formatG(Double(pathsOut) / (Double(done) + 1e-20), precision: 6))")
    return done != 0 ? 0 : 1
  }
}
