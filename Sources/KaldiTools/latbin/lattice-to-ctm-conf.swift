import Decoding
import KaldiBase
import KaldiIO

/// `lattice-to-ctm-conf`: CTM lines with confidences from the minimum-Bayes-risk (or MAP)
/// hypothesis of each lattice.
public enum LatticeToCtmConf: KaldiTool {
  public static let name = "lattice-to-ctm-conf"
  public static let usage = """
    This tool turns a lattice into a ctm with confidences, based on the
    posterior probabilities in the lattice.  The word sequence in the
    ctm is determined as follows.  Firstly we determine the initial word
    sequence.  In the 3-argument form, we read it from the
    <1best-rspecifier> input; otherwise it is the 1-best of the lattice.
    Then, if --decode-mbr=true, we iteratively refine the hypothesis
    using Minimum Bayes Risk decoding.  (Note that the default value of decode_mbr
    is true.  If you provide <1best-rspecifier> from MAP decoding, the output ctm
    from MBR decoding may be mismatched with the provided 1best hypothesis (the
    starting point of optimization).  If you don't need confidences,
    you can do lattice-1best and pipe to nbest-to-ctm. The ctm this
    program produces will be relative to the utterance-id; a standard ctm
    relative to the filename can be obtained using
    utils/convert_ctm.pl.  The times produced by this program will only
    be meaningful if you do lattice-align-words on the input.  The
    <1-best-rspecifier> could be the output of utils/int2sym.pl or
    nbest-to-linear.

    Usage: lattice-to-ctm-conf [options]  <lattice-rspecifier> \\
                                              <ctm-wxfilename>
    Usage: lattice-to-ctm-conf [options]  <lattice-rspecifier> \\
                         [<1best-rspecifier>] <ctm-wxfilename>
    (Kaldi's optional <times-rspecifier> after <1best-rspecifier> has no effect on its
    output and is not taken.)
     e.g.: lattice-to-ctm-conf --acoustic-scale=0.1 ark:1.lats 1.ctm
    or: lattice-to-ctm-conf --acoustic-scale=0.1 --decode-mbr=false\\
                                          ark:1.lats ark:1.1best 1.ctm
    See also: lattice-mbr-decode, and steps/get_ctm.sh
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let acousticScale = invocation.option("acoustic-scale", Float(1), "Scaling factor for acoustic likelihoods")
    let inverseAcousticScale = invocation.option("inv-acoustic-scale", Float(1), "An alternative way of setting the acoustic scale: you can set its inverse.")
    let lmScale = invocation.option("lm-scale", Float(1), "Scaling factor for \"graph costs\" (including LM costs)")
    let frameShift = invocation.option("frame-shift", Float(0.01), "Time in seconds between frames.")
    let digits = invocation.option("confidence-digits", 2, "Number of decimal digits for confidences in gpu-ctm.")
    let mbr = MinimumBayesRiskOptions.defaults.register(on: invocation.options)
    let args = try invocation.arguments(2...3)
    guard acousticScale.value == 1 || inverseAcousticScale.value == 1 else {
      throw KaldiError("Assertion failed: (acoustic_scale == 1.0 || inv_acoustic_scale == 1.0)")
    }
    let acoustic = inverseAcousticScale.value != 1 ? Double(Float(1.0 / Double(inverseAcousticScale.value))) : Double(acousticScale.value)
    let ctmFile = args[args.count - 1]
    if WriteSpecifier(ctmFile) != nil {
      throw KaldiError("The output ctm file should not be a wspecifier. Please use things like 1.ctm istead of ark:-")
    }
    let options = mbr()
    let reader = try SequentialTableReader<CompactLatticeHolder>(args[0])
    let oneBest = args.count >= 3 ? try RandomAccessTableReader<Int32VectorHolder>(args[1]) : nil
    let output = try OutputStream.open(ctmFile)
    let scale = LatticeScale(lm: Double(lmScale.value), acoustic: acoustic)
    var done = 0, words = 0
    var totalRisk: Float = 0
    while let (key, lattice) = try reader.next() {
      var clat = lattice
      if !scale.isIdentity { clat.scale(scale) }
      var start: [Int32]?
      if let oneBest {
        guard try oneBest.hasKey(key) else { KaldiLog.warn("No 1-best present for utterance \(key)"); continue }
        start = try oneBest.value(for: key)
      }
      let result = try forLattice(key, in: args[0]) { try MinimumBayesRisk(lattice: clat, start: start, options: options) }
      let d = digits.value, shift = frameShift.value
      for (i, word) in result.oneBest.enumerated() {
        let (begin, end) = result.oneBestTimes[i]
        let fields = [formatFixed(Double(shift * begin), decimals: d), formatFixed(Double(shift * (end - begin)), decimals: d),
                      String(word), formatFixed(Double(result.oneBestConfidences[i]), decimals: d)]
        try output.write("\(key) 1 \(fields.joined(separator: " "))\n")
      }
      let confidenceSum = result.oneBestConfidences.reduce(0.0) { $0 + Double($1) }
      let risk = Float(result.bayesRisk)
      KaldiLog.log("For utterance \(key), Bayes Risk \(formatG(Double(risk), precision: 6)), avg. confidence per-word \(formatG(confidenceSum / Double(result.oneBest.count), precision: 6))")
      done += 1
      words += result.oneBest.count
      totalRisk += risk
    }
    try output.commit()
    KaldiLog.log("Done \(done) lattices.")
    KaldiLog.log("Overall average Bayes Risk per sentence is \(formatG(Double(totalRisk) / Double(done), precision: 6)) and per word, \(formatG(Double(totalRisk) / Double(words), precision: 6))")
    return done > 0 ? 0 : 1
  }
}
