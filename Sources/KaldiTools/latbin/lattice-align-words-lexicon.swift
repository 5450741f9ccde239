import Decoding
import KaldiBase
import KaldiIO

/// `lattice-align-words-lexicon`: compact lattices re-cut so that each arc is one word with
/// exactly its transition-ids, from the pronunciations of `phones/align_lexicon.int` (for
/// phones without word-position markers).
public enum LatticeAlignWordsLexicon: KaldiTool {
  public static let name = "lattice-align-words-lexicon"
  public static let usage = """
    Convert lattices so that the arcs in the CompactLattice format correspond with
    words (i.e. aligned with word boundaries).  This is the newest form, that
    reads in a lexicon in integer format, where each line is (integer id of)
     word-in word-out phone1 phone2 ... phoneN
    (note: word-in is word before alignment, word-out is after, e.g. for replacing
    <eps> with SIL or vice versa)
    This may be more efficient if you first apply 'lattice-push'.
    Usage: lattice-align-words-lexicon [options] <lexicon-file> <model> <lattice-rspecifier> <lattice-wspecifier>
     e.g.: lattice-align-words-lexicon  --partial-word-label=4324 --max-expand 10.0 --test true \\
       data/lang/phones/align_lexicon.int final.mdl ark:1.lats ark:aligned.lats
    See also: lattice-align-words, which is only applicable if your phones have word-position
    markers, i.e. each phone comes in 5 versions like AA_B, AA_I, AA_W, AA_S, AA.
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let allowDuplicatePaths = invocation.option("allow-duplicate-paths", false, "Only has an effect if --test=true.  If true, does not die (only prints warnings) if duplicate paths are found. This should only happen with very pathological lexicons, e.g. as encountered in testing code.")
    let maxExpand = invocation.option("max-expand", Float(-1), "If >0.0, the maximum ratio by which we allow the lattice-alignment code to increase the #statesin a lattice (vs. the phone-aligned lattice) before we fail and refuse to align the lattice.  This is helpful in order to prevent 'pathological' lattices from causing the program to exhaust memory.  Actual max-states is 1000 + max-expand * orig-num-states.")
    let outputErrorLats = invocation.option("output-error-lats", true, "Output lattices that aligned with errors (e.g. due to force-out")
    let outputIfEmpty = invocation.option("output-if-empty", false, "If true: if algorithm gives error and produces empty output, pass the input through.")
    let partialWordLabel = invocation.option("partial-word-label", 0, "Numeric id of word symbol that is to be used for arcs in the word-aligned lattice corresponding to partial words at the end of \"forced-out\" utterances (zero is OK)")
    let reorder = invocation.option("reorder", true, "True if the lattices were generated from graphs that had the --reorder option true, relating to reordering self-loops (typically true)")
    let test = invocation.option("test", false, "If true, testing code will be activated (the purpose of this is to validate the algorithm).")
    let args = try invocation.arguments(4)
    let lexicon = try AlignLexicon(file: args[0])
    let model = try TransitionModelReader.read(args[1])
    let reader = try SequentialTableReader<CompactLatticeHolder>(args[2])
    var output = try AlignedLatticeWriter(.lexicon, args[3], outputErrorLats: outputErrorLats.value)
    while let (key, lattice) = try reader.next() {
      var (aligned, ok) = try forLattice(key, in: args[2]) {
        try requireTransitionIds(of: lattice, in: model, args[1])
        return try wordAlignLatticeLexicon(lattice, model: model, lexicon: lexicon, reorder: reorder.value,
                                           partialWordLabel: Int32(partialWordLabel.value), maxExpand: maxExpand.value)
      }
      if ok && test.value, try !lexicon.passesTest(aligned, input: lattice, model: model, allowDuplicatePaths: allowDuplicatePaths.value) {
        KaldiLog.warn("Lattice failed test (activated because --test=true). Probable code error, please contact Kaldi maintainers.", function: "WordAlignLatticeLexicon")
        ok = false
      }
      if !ok && outputIfEmpty.value && aligned.stateCount == 0 && lattice.stateCount > 0 {
        KaldiLog.warn("Algorithm produced no output (due to --max-expand?), so passing input through as output, for key \(key)")
        try output.passThrough(key, lattice)
        continue
      }
      try output.write(key, aligned, ok: ok)
    }
    return try output.finish()
  }
}

extension AlignLexicon {
  /// Kaldi's `TestWordAlignedLattice` without its random-path equivalence test: the aligned
  /// lattice has the input's total likelihood (no path doubled; unless
  /// `allowDuplicatePaths`), every arc is a pronunciation of its word, no final weight carries
  /// transition-ids. Warns as Kaldi does; false when it fails.
  func passesTest(_ aligned: CompactLattice, input: CompactLattice, model: TransitionModel, allowDuplicatePaths: Bool) throws -> Bool {
    var errors = 0
    let before = try input.totalLogLikelihood(), after = try aligned.totalLogLikelihood()
    if abs(before - after) > 1e-4 * (abs(before) + abs(after)) {
      KaldiLog.warn("Forward-backward likelihoods differ in word-aligned lattice testing, \(formatG(before, precision: 6)) != \(formatG(after, precision: 6))", function: "TestWordAlignedLattice")
      if !allowDuplicatePaths { errors += 1 }
    }
    for s in 0..<aligned.stateCount {
      for arc in aligned.arcs[s] where arc.label != 0 || !arc.weight.string.isEmpty {
        let phones = arc.weight.string.filter(model.isFinal).map(model.phone(of:))
        if errors < 5 && !isValid([arc.label] + phones) {
          KaldiLog.warn("Invalid arc in aligned lattice (code error?) lexicon-entry is \(([arc.label] + phones).map { "\($0) " }.joined())", function: "IsPlausibleWord")
          errors += 1
        }
      }
      if !aligned.finals[s].string.isEmpty {
        KaldiLog.warn("Aligned lattice has nonempty string on its final-prob.", function: "TestWordAlignedLattice")
        return false
      }
    }
    return errors == 0
  }
}
