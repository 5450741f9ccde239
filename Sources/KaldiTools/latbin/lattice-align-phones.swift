import Decoding
import KaldiBase
import KaldiIO

/// `lattice-align-phones`: compact lattices re-cut so that each arc is one phone.
public enum LatticeAlignPhones: KaldiTool {
  public static let name = "lattice-align-phones"
  public static let usage = """
    Convert lattices so that the arcs in the CompactLattice format correspond with
    phones.  The output symbols are still words, unless you specify --replace-output-symbols=true
    Usage: lattice-align-phones [options] <model> <lattice-rspecifier> <lattice-wspecifier>
     e.g.: lattice-align-phones final.mdl ark:1.lats ark:phone_aligned.lats
    See also: lattice-to-phone-lattice, lattice-align-words, lattice-align-words-lexicon
    Note: if you just want the phone alignment from a lattice, the easiest path is
     lattice-1best | nbest-to-linear [keeping only alignment] | ali-to-phones
    If you want the words and phones jointly (i.e. pronunciations of words, with word
    alignment), try
     lattice-1best | nbest-to-prons
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let outputErrorLats = invocation.option("output-error-lats", true, "Output lattices that aligned with errors (e.g. due to force-out")
    let reorder = invocation.option("reorder", true, "True if lattice was created from HCLG with --reorder=true option.")
    let removeEpsilon = invocation.option("remove-epsilon", true, "If true, removes epsilons from the phone lattice; if replace-output-symbols==false, this will mean that an arc can have multiple phones on it.")
    let replace = invocation.option("replace-output-symbols", false, "If true, the output symbols (typically words) will be replaced with phones.")
    let args = try invocation.arguments(3)
    let model = try TransitionModelReader.read(args[0])
    let reader = try SequentialTableReader<CompactLatticeHolder>(args[1])
    var output = try AlignedLatticeWriter(.phones, args[2], outputErrorLats: outputErrorLats.value)
    while let (key, lattice) = try reader.next() {
      let (aligned, ok) = try forLattice(key, in: args[1]) {
        try requireTransitionIds(of: lattice, in: model, args[0])
        return try phoneAlignLattice(lattice, model: model, reorder: reorder.value,
                                     replaceOutputSymbols: replace.value, removeEpsilon: removeEpsilon.value)
      }
      try output.write(key, aligned, ok: ok)
    }
    return try output.finish()
  }
}
