import Decoding
import KaldiBase
import KaldiIO

/// `nbest-to-linear`: the alignment, words and costs of single-path lattices (n-best entries).
public enum NbestToLinear: KaldiTool {
  public static let name = "nbest-to-linear"
  public static let usage = """
    Takes as input lattices/n-bests which must be linear (single path);
    convert from lattice to up to 4 archives containing transcriptions, alignments,
    and acoustic and LM costs (note: use ark:/dev/null for unwanted outputs)
    Usage: nbest-to-linear [options] <nbest-rspecifier> <alignments-wspecifier> [<transcriptions-wspecifier> [<lm-cost-wspecifier> [<ac-cost-wspecifier>]]]
     e.g.: lattice-to-nbest --n=10 ark:1.lats ark:- | \\
       nbest-to-linear ark:1.lats ark,t:1.ali 'ark,t:|int2sym.pl -f 2- words.txt > text'
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(2...5)
    let output = { (i: Int) in i < args.count && !args[i].isEmpty ? args[i] : nil }
    let reader = try SequentialTableReader<LatticeHolder>(args[0])
    let alignments = try output(1).map { try TableWriter<Int32VectorHolder>($0) }
    let transcripts = try output(2).map { try TableWriter<Int32VectorHolder>($0) }
    let lmCosts = try output(3).map { try TableWriter<ScalarHolder<Float>>($0) }
    let acousticCosts = try output(4).map { try TableWriter<ScalarHolder<Float>>($0) }
    var done = 0, errors = 0
    while let (key, lattice) = try reader.next() {
      guard let path = lattice.linearSymbols() else {
        KaldiLog.warn("Lattice/nbest for key \(key) had wrong format: note, this program expects input with one path, e.g. from lattice-to-nbest.")
        errors += 1
        continue
      }
      try alignments?.write(key, path.alignment)
      try transcripts?.write(key, path.words)
      try lmCosts?.write(key, path.weight.graph)
      try acousticCosts?.write(key, path.weight.acoustic)
      done += 1
    }
    for writer in [alignments, transcripts].compactMap({ $0 }) { try writer.close() }
    for writer in [lmCosts, acousticCosts].compactMap({ $0 }) { try writer.close() }
    KaldiLog.log("Done \(done) n-best entries, \(errors) had errors.")
    return done != 0 ? 0 : 1
  }
}
