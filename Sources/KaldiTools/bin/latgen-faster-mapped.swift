import Decoding
import KaldiBase
import KaldiIO
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

/// `latgen-faster-mapped`: lattice generation from pdf log-likelihoods (a network's log
/// posteriors minus log priors) over HCLG, writing determinized lattices with unscaled
/// acoustic costs, and optionally the best path's words and alignment.
public enum LatgenFasterMapped: KaldiTool {
  public static let name = "latgen-faster-mapped"
  public static let usage = """
    Generate lattices, reading log-likelihoods as matrices
     (model is needed only for the integer mappings in its transition-model)
    Usage: latgen-faster-mapped [options] trans-model-in (fst-in|fsts-rspecifier) loglikes-rspecifier lattice-wspecifier [ words-wspecifier [alignments-wspecifier] ]
     e.g.: latgen-faster-mapped --acoustic-scale=0.1 --beam=13 --lattice-beam=8 --max-active=7000 final.mdl HCLG.fst ark:loglikes.ark 'ark:|gzip -c > lat.1.gz'
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let options = Setting(LatticeDecoderOptions())
    LatticeDecoderOptions.register(invocation.options, options)
    let scale = invocation.option("acoustic-scale", Float(0.1), "Scaling factor for acoustic likelihoods")
    let allowPartial = invocation.option("allow-partial", false, "If true, produce output even if end state was not reached.")
    let wordSymbols = invocation.option("word-symbol-table", "", "Symbol table for words [for debug output]")
    let args = try invocation.arguments(4...6)
    try options.value.validate()
    let opts = options.value
    let model = try TransitionModelReader.read(args[0])
    let loglikes = try SequentialTableReader<MatrixHolder<Float>>(args[2])
    let compactWriter = opts.determinizeLattice ? try TableWriter<CompactLatticeHolder>(args[3]) : nil
    let latticeWriter = opts.determinizeLattice ? nil : try TableWriter<LatticeHolder>(args[3])
    let words = args.count >= 5 && !args[4].isEmpty ? try TableWriter<Int32VectorHolder>(args[4]) : nil
    let alignments = args.count == 6 && !args[5].isEmpty ? try TableWriter<Int32VectorHolder>(args[5]) : nil
    let symbols = wordSymbols.value.isEmpty ? nil : try SymbolTable(wordSymbols.value)
    let mapped = MappedDecoding(model: model, modelName: args[0], loglikesName: args[2])
    let fst = try mapped.graph(args[1])
    let decoder = LatticeFasterDecoder(fst: fst, options: opts)
    var totalLike = 0.0
    var frames = 0, succeeded = 0, failed = 0
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    while let (key, matrix) = try loglikes.next() {
      if matrix.rows == 0 {
        KaldiLog.warn("Zero-length utterance: \(key)")
        failed += 1
        continue
      }
      let decodable = try mapped.decodable(key, matrix, scale: scale.value)
      guard decoder.decode(decodable) else {
        KaldiLog.warn("Failed to decode utterance with id \(key)")
        failed += 1
        continue
      }
      if !decoder.reachedFinal {
        guard allowPartial.value else {
          KaldiLog.warn("Not producing output for utterance \(key) since no final-state reached and --allow-partial=false.\n")
          failed += 1
          continue
        }
        KaldiLog.warn("Outputting partial output for utterance \(key) since no final-state reached\n")
      }
      let raw = decoder.rawLattice()
      guard let best = try raw.bestPath() else { throw KaldiError("Failed to get traceback for utterance \(key)") }
      try words?.write(key, best.words)
      try alignments?.write(key, best.alignment)
      if let symbols { writeToStandardError(try symbols.line(key, best.words)) }
      let like = -best.weight.cost
      // Lattices are written without the acoustic scale. Determinization prunes to the
      // lattice beam, which also drops dead ends; an undeterminized lattice is connected.
      let unscale = LatticeScale(acoustic: scale.value != 0 ? 1 / Double(scale.value) : 1)
      if let compactWriter {
        // Kaldi's pruned determinization keeps only paths within the lattice beam of the
        // best; pruning before and after determinizing gives its lattice.
        var clat = try LatticeDeterminizer.determinize(raw, beam: opts.latticeBeam, options: opts.determinize)
          .pruned(beam: Double(opts.latticeBeam))
        clat.scale(unscale)
        try compactWriter.write(key, clat)
      } else if let latticeWriter {
        var lat = try LatticeDeterminizer.connect(raw)
        lat.scale(unscale)
        try latticeWriter.write(key, lat)
      }
      KaldiLog.log("Log-like per frame for utterance \(key) is \(formatG(like / Double(best.alignment.count), precision: 6)) over \(best.alignment.count) frames.")
      totalLike += like
      frames += best.alignment.count
      succeeded += 1
    }
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &end)
    let elapsed = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
    try compactWriter?.close()
    try latticeWriter?.close()
    try words?.close()
    try alignments?.close()
    KaldiLog.log("Time taken \(formatG(elapsed, precision: 6))s: real-time factor assuming 100 frames/sec is \(formatG(elapsed * 100 / Double(frames), precision: 6))")
    KaldiLog.log("Done \(succeeded) utterances, failed for \(failed)")
    KaldiLog.log("Overall log-likelihood per frame is \(formatG(totalLike / Double(frames), precision: 6)) over \(frames) frames.")
    return succeeded != 0 ? 0 : 1
  }
}
