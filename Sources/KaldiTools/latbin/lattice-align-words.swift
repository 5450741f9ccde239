import Decoding
import KaldiBase
import KaldiIO

/// `lattice-align-words`: compact lattices re-cut so that each arc is one word (or silence)
/// with exactly its transition-ids, from the phones' word positions in `word_boundary.int`.
public enum LatticeAlignWords: KaldiTool {
  public static let name = "lattice-align-words"
  public static let usage = """
    Convert lattices so that the arcs in the CompactLattice format correspond with
    words (i.e. aligned with word boundaries).  Note: it will generally be more
    efficient if you apply 'lattice-push' before this program.
    Usage: lattice-align-words [options] <word-boundary-file> <model> <lattice-rspecifier> <lattice-wspecifier>
     e.g.: lattice-align-words  --silence-label=4320 --partial-word-label=4324 \\
       data/lang/phones/word_boundary.int final.mdl ark:1.lats ark:aligned.lats
    Note: word-boundary file has format (on each line):
    <integer-phone-id> [begin|end|singleton|internal|nonword]
    See also: lattice-align-words-lexicon, for use in cases where phones
    don't have word-position information.
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let maxExpand = invocation.option("max-expand", Float(0), "If >0, the maximum amount by which this program will expand lattices before refusing to continue.  E.g. 10.This can be used to prevent this program consuming excessive memory if there is a mismatch on the command-line or a 'problem' lattice.")
    let outputErrorLats = invocation.option("output-error-lats", true, "Output lattices that aligned with errors (e.g. due to force-out")
    let partialWordLabel = invocation.option("partial-word-label", 0, "Numeric id of word symbol that is to be used for arcs in the word-aligned lattice corresponding to partial words at the end of \"forced-out\" utterances (zero is OK)")
    let reorder = invocation.option("reorder", true, "True if the lattices were generated from graphs that had the --reorder option true, relating to reordering self-loops (typically true)")
    let silenceLabel = invocation.option("silence-label", 0, "Numeric id of word symbol that is to be used for silence arcs in the word-aligned lattice (zero is OK)")
    let test = invocation.option("test", false, "Test the algorithm while running it.")
    let args = try invocation.arguments(4)
    let model = try TransitionModelReader.read(args[1])
    let reader = try SequentialTableReader<CompactLatticeHolder>(args[2])
    var output = try AlignedLatticeWriter(.words, args[3], outputErrorLats: outputErrorLats.value)
    var info = try WordBoundaryInfo(file: args[0])
    (info.silenceLabel, info.partialWordLabel, info.reorder) = (Int32(silenceLabel.value), Int32(partialWordLabel.value), reorder.value)
    while let (key, lattice) = try reader.next() {
      let maxStates = maxExpand.value > 0 ? Int(1000 + maxExpand.value * Float(lattice.stateCount)) : 0
      let (aligned, ok) = try forLattice(key, in: args[2]) {
        try requireTransitionIds(of: lattice, in: model, args[1])
        let (aligned, ok) = try wordAlignLattice(lattice, model: model, info: info, maxStates: maxStates)
        if test.value && ok { try checkWordAligned(aligned, input: lattice, model: model, info: info) }
        return (aligned, ok)
      }
      try output.write(key, aligned, ok: ok)
    }
    return try output.finish()
  }

  /// Kaldi's `TestWordAlignedLattice`, reduced to what is decidable exactly: every arc is a
  /// silence, a whole word or empty, final weights carry no transition-ids, and the aligned
  /// lattice has the input's best path cost.
  static func checkWordAligned(_ aligned: CompactLattice, input: CompactLattice, model: TransitionModel,
                               info: WordBoundaryInfo) throws {
    for s in 0..<aligned.stateCount {
      guard aligned.finals[s].string.isEmpty else { throw KaldiError("Expect to have no strings on final-weights of lattices.") }
      for arc in aligned.arcs[s] where !isWellFormed(arc, model, info) {
        throw KaldiError("Invalid arc in aligned CompactLattice: \(arc.label) \(arc.label) \(arc.next) \(arc.weight.weight.graph),\(arc.weight.weight.acoustic),\(arc.weight.string.map(String.init).joined(separator: "_"))")
      }
    }
    let before = try input.cheapestPath().map { path in
      path.steps.reduce(input.finals[Int(path.final)].weight.cost) { $0 + input.arcs[Int($1.state)][Int($1.arc)].weight.weight.cost }
    }
    let after = try aligned.cheapestPath().map { path in
      path.steps.reduce(aligned.finals[Int(path.final)].weight.cost) { $0 + aligned.arcs[Int($1.state)][Int($1.arc)].weight.weight.cost }
    }
    guard let before, let after, abs(before - after) <= 1e-3 * max(1, abs(before)) else {
      throw KaldiError("Equivalence test failed (testing word-alignment of lattices.) Make sure your model and lattices match!")
    }
  }

  private static func isWellFormed(_ arc: CompactLatticeArc, _ model: TransitionModel, _ info: WordBoundaryInfo) -> Bool {
    let tids = arc.weight.string
    guard let first = tids.first else { return arc.label == 0 }
    let phones = tids.map(model.phone(of:))
    let type = { (p: Int32) in Int(p) < info.types.count ? info.types[Int(p)] : .unlisted }
    // The last phone ends with its final transition-id (and, reordered, self-loops after it).
    var i = tids.count - 1
    if info.reorder { while i > 0 && model.isSelfLoop(tids[i]) { i -= 1 } }
    guard model.isFinal(tids[i]) else { return false }
    switch type(model.phone(of: first)) {
    case .nonword, .singleton: return phones.allSatisfy { $0 == phones[0] } && (arc.label == info.silenceLabel) == (type(phones[0]) == .nonword)
    case .begin: return arc.label != 0 && type(phones.last!) == .end
    default: return false
    }
  }
}
