import Decoding
import KaldiBase
import KaldiIO

/// `lattice-best-path`: the best path of each lattice as words and transition-ids.
public enum LatticeBestPath: KaldiTool {
  public static let name = "lattice-best-path"
  public static let usage = """
    Generate 1-best path through lattices; output as transcriptions and alignments
    Note: if you want output as FSTs, use lattice-1best; if you want output
    with acoustic and LM scores, use lattice-1best | nbest-to-linear
    Usage: lattice-best-path [options]  <lattice-rspecifier> [ <transcriptions-wspecifier> [ <alignments-wspecifier>] ]
     e.g.: lattice-best-path --acoustic-scale=0.1 ark:1.lats 'ark,t:|int2sym.pl -f 2- words.txt > text' ark:1.ali
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let acoustic = invocation.option("acoustic-scale", Float(1), "Scaling factor for acoustic likelihoods")
    let lm = invocation.option("lm-scale", Float(1), "Scaling factor for LM probabilities. Note: the ratio acoustic-scale/lm-scale is all that matters.")
    let wordSymbols = invocation.option("word-symbol-table", "", "Symbol table for words [for debug output]")
    let args = try invocation.arguments(1...3)
    let reader = try SequentialTableReader<CompactLatticeHolder>(args[0])
    let words = args.count >= 2 && !args[1].isEmpty ? try TableWriter<Int32VectorHolder>(args[1]) : nil
    let alignments = args.count == 3 && !args[2].isEmpty ? try TableWriter<Int32VectorHolder>(args[2]) : nil
    let symbols = wordSymbols.value.isEmpty ? nil : try SymbolTable(wordSymbols.value)
    let scale = LatticeScale(lm: Double(lm.value), acoustic: Double(acoustic.value))
    var done = 0, failed = 0, frames = 0
    var total = LatticeWeight.one
    while let (key, lattice) = try reader.next() {
      var clat = lattice
      clat.scale(scale)
      let path: CompactLatticePath?
      do {
        path = try clat.bestPath()
      } catch let e as CyclicLatticeError {
        throw KaldiError("\(e) (key '\(key)' of \(args[0]))")
      }
      guard let path else {
        KaldiLog.warn("Best-path failed for key \(key)")
        failed += 1
        continue
      }
      let w = path.weight
      KaldiLog.log("For utterance \(key), best cost \(g(w.graph)) + \(g(w.acoustic)) = \(g(w.graph + w.acoustic)) over \(path.alignment.count) frames.")
      try words?.write(key, path.words)
      try alignments?.write(key, path.alignment)
      if let symbols { writeToStandardError(try symbols.line(key, path.words)) }
      done += 1
      frames += path.alignment.count
      total = total.times(w)
    }
    try words?.close()
    try alignments?.close()
    let n = Float(frames)
    KaldiLog.log("Overall cost per frame is \(g((total.graph + total.acoustic) / n)) = \(g(total.graph / n)) [graph] + \(g(total.acoustic / n)) [acoustic] over \(frames) frames.")
    KaldiLog.log("Done \(done) lattices, failed for \(failed)")
    return done != 0 ? 0 : 1
  }

  private static func g(_ v: Float) -> String { formatG(Double(v), precision: 6) }
}
