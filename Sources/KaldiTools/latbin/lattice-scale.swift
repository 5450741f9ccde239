import Decoding
import KaldiBase
import KaldiIO

/// `lattice-scale`: scales the graph and acoustic costs of lattices (2×2 matrix).
public enum LatticeScaleTool: KaldiTool {
  public static let name = "lattice-scale"
  public static let usage = """
    Apply scaling to lattice weights
    Usage: lattice-scale [options] lattice-rspecifier lattice-wspecifier
     e.g.: lattice-scale --lm-scale=0.0 ark:1.lats ark:scaled.lats
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let writeCompact = invocation.option("write-compact", true, "If true, write in normal (compact) form.")
    let acoustic = invocation.option("acoustic-scale", Float(1), "Scaling factor for acoustic likelihoods")
    let inverse = invocation.option("inv-acoustic-scale", Float(1), "An alternative way of setting the acoustic scale: you can set its inverse.")
    let lm = invocation.option("lm-scale", Float(1), "Scaling factor for graph/lm costs")
    let acousticToLm = invocation.option("acoustic2lm-scale", Float(0), "Add this times original acoustic costs to LM costs")
    let lmToAcoustic = invocation.option("lm2acoustic-scale", Float(0), "Add this times original LM costs to acoustic costs")
    let args = try invocation.arguments(2)
    guard acoustic.value == 1 || inverse.value == 1 else {
      throw KaldiError.usage("Give --acoustic-scale or --inv-acoustic-scale, not both")
    }
    // Kaldi keeps the inverted scale as a float.
    let acousticScale = inverse.value != 1 ? Float(1 / Double(inverse.value)) : acoustic.value
    let scale = LatticeScale(
      lm: Double(lm.value), acoustic: Double(acousticScale),
      acousticToLm: Double(acousticToLm.value), lmToAcoustic: Double(lmToAcoustic.value))
    let done = try editLattices(args[0], args[1], compact: writeCompact.value) { $0.scale(scale) }
    KaldiLog.log("Done \(done) lattices.")
    return done != 0 ? 0 : 1
  }
}
