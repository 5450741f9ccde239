import Decoding
import KaldiBase
import KaldiIO

/// `nbest-to-ctm`: CTM lines (utterance, channel 1, start, duration, word-id) from linear
/// word-aligned lattices.
public enum NbestToCtm: KaldiTool {
  public static let name = "nbest-to-ctm"
  public static let usage = """
    Takes as input lattices which must be linear (single path),
    and must be in CompactLattice form where the transition-ids on the arcs
    have been aligned with the word boundaries... typically the input will
    be a lattice that has been piped through lattice-1best and then
    lattice-align-words. On the other hand, whenever we directly pipe
    the output of lattice-align-words-lexicon into nbest-to-ctm,
    we need to put the command `lattice-1best ark:- ark:-` between them,
    because even for linear lattices, lattice-align-words-lexicon can
    in certain cases produce non-linear outputs (due to disambiguity
    in the lexicon). It outputs ctm format (with integers in place of words),
    assuming the frame length is 0.01 seconds by default (change this with the
    --frame-length option).  Note: the output is in the form
    <utterance-id> 1 <begin-time> <end-time> <word-id>
    and you can post-process this to account for segmentation issues and to
    convert ints to words; note, the times are relative to start of the utterance.

    Usage: nbest-to-ctm [options] <aligned-linear-lattice-rspecifier> <ctm-wxfilename>
    e.g.: lattice-1best --acoustic-weight=0.08333 ark:1.lats | \\
          lattice-align-words data/lang/phones/word_boundary.int exp/dir/final.mdl ark:- ark:- | \\
          nbest-to-ctm ark:- 1.ctm
    e.g.: lattice-align-words-lexicon data/lang/phones/align_lexicon.int exp/dir/final.mdl ark:1.lats ark:- | \\
          lattice-1best ark:- ark:- | \\
          nbest-to-ctm ark:- 1.ctm
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let printSilence = invocation.option("print-silence", false, "If true, print optional-silence (<eps>) arcs")
    let frameShift = invocation.option("frame-shift", Float(0.01), "Time in seconds between frames.\n")
    let precisionOption = invocation.option("precision", 2, "Number of decimal places for start duration times (note: we may use a higher value than this if it's obvious from --frame-shift that this value is too small")
    let args = try invocation.arguments(2)
    let shift = frameShift.value
    var precision = precisionOption.value
    // Kaldi compares the float frame shift with double constants: 0.01f < 0.01.
    if Double(shift) < 0.01 && precision <= 2 { precision = 3 }
    if Double(shift) < 0.001 && precision <= 3 { precision = 4 }
    let reader = try SequentialTableReader<CompactLatticeHolder>(args[0])
    let output = try OutputStream.open(args[1])
    var done = 0, errors = 0
    while let (key, lattice) = try reader.next() {
      guard let words = lattice.linearWordAlignment() else {
        KaldiLog.warn("Format conversion failed for key \(key)")
        errors += 1
        continue
      }
      for w in words where w.word != 0 || printSilence.value {
        let begin = formatFixed(Double(shift * Float(w.begin)), decimals: precision)
        let length = formatFixed(Double(shift * Float(w.length)), decimals: precision)
        try output.write("\(key) 1 \(begin) \(length) \(w.word)\n")
      }
      done += 1
    }
    try output.commit()
    KaldiLog.log("Converted \(done) linear lattices to ctm format; \(errors) had errors.")
    return done != 0 ? 0 : 1
  }
}
