import Decoding
import KaldiBase
import KaldiIO

/// `lattice-oracle`: the lattice path with the fewest errors against a reference, and the
/// oracle error rate over a set.
public enum LatticeOracle: KaldiTool {
  public static let name = "lattice-oracle"
  public static let usage = """
    Finds the path having the smallest edit-distance between a lattice
    and a reference string.

    Usage: lattice-oracle [options] <test-lattice-rspecifier> \\
                                    <reference-rspecifier> \\
                                    <transcriptions-wspecifier> \\
                                    [<edit-distance-wspecifier>]
     e.g.: lattice-oracle ark:lat.1 'ark:sym2int.pl -f 2- \\
                           data/lang/words.txt <data/test/text|' ark,t:-

    Note the --write-lattices option by which you can write out the
    optimal path as a lattice.
    Note: you can use this program to compute the n-best oracle WER by
    first piping the input lattices through lattice-to-nbest and then
    nbest-to-lattice.
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let wordSymbols = invocation.option("word-symbol-table", "", "Symbol table for words [for debug output]")
    let wildcardList = invocation.option("wildcard-symbols-list", "", "Filename (generally rxfilename) for file containing text-form list of symbols that don't count as errors; this option requires --word-symbol-table. Deprecated; use --wildcard-symbols option.")
    let wildcardIds = invocation.option("wildcard-symbols", "", "Colon-separated list of integer ids of symbols that don't count as errors.  Preferred alternative to deprecated option --wildcard-symbols-list.")
    let writeLattices = invocation.option("write-lattices", "", "If supplied, write the lattice that contains only the oracle path to the given wspecifier.")
    let args = try invocation.arguments(3...4)
    let symbols = wordSymbols.value.isEmpty ? nil : try SymbolTable(wordSymbols.value)
    var wildcards = Set<Int32>()
    if !wildcardList.value.isEmpty {
      KaldiLog.warn("--wildcard-symbols-list option deprecated.")
      guard wildcardIds.value.isEmpty else { throw KaldiError("Do not use both --wildcard-symbols and --wildcard-symbols-list options.") }
      guard let symbols else { throw KaldiError("--wildcard-symbols-list option requires --word-symbol-table option") }
      let stream = try InputStream.open(wildcardList.value)
      while let line = try stream.readLine() {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard fields.count == 1 else { throw KaldiError("Bad line in symbol list: \(line), file is: \(wildcardList.value)") }
        guard let id = symbols.ids[String(fields[0])] else { throw KaldiError("Can't find symbol in symbol table: \(line), file is: \(wildcardList.value)") }
        wildcards.insert(Int32(id))
      }
      try stream.close()
    } else if !wildcardIds.value.isEmpty {
      for field in wildcardIds.value.split(separator: ":", omittingEmptySubsequences: false) {
        guard let id = Int32(field.trimmingPrefix(" ")) else {
          throw KaldiError("Expected colon-separated list of integers for --wildcard-symbols option, got: \(wildcardIds.value)")
        }
        wildcards.insert(id)
      }
    }
    let lattices = try SequentialTableReader<CompactLatticeHolder>(args[0])
    let references = try RandomAccessTableReader<Int32VectorHolder>(args[1])
    let transcriptions = try TableWriter<Int32VectorHolder>(args[2])
    let distances = args.count == 4 ? try TableWriter<ScalarHolder<Int32>>(args[3]) : nil
    let latticeWriter = writeLattices.value.isEmpty ? nil : try TableWriter<CompactLatticeHolder>(writeLattices.value)
    var done = 0, failed = 0
    var (words, substitutions, insertions, deletions) = (0, 0, 0, 0)
    func g(_ v: Double) -> String { v.isNaN ? "-nan" : v.isInfinite ? "inf" : formatG(v, precision: 6) }
    while let (key, lattice) = try lattices.next() {
      writeToStandardError("Lattice \(key) read.\n")
      guard try references.hasKey(key) else {
        KaldiLog.warn("No reference present for utterance \(key)")
        failed += 1
        continue
      }
      done += 1
      let reference = try references.value(for: key)
      guard let oracle = try lattice.oraclePath(reference: reference, wildcards: wildcards) else {
        KaldiLog.warn("Best-path failed for key \(key)")
        failed += 1
        continue
      }
      let n = reference.filter { $0 != 0 && !wildcards.contains($0) }.count
      try distances?.write(key, Int32(oracle.errors))
      KaldiLog.log("%WER \(g(100 * Double(oracle.errors) / Double(n))) [ \(oracle.errors) / \(n), \(oracle.insertions) insertions, \(oracle.deletions) deletions, \(oracle.substitutions) sub ]")
      KaldiLog.log("For utterance \(key), best cost \(oracle.errors)")
      try transcriptions.write(key, oracle.words)
      if let symbols {
        writeToStandardError(try symbols.line("\(key) (oracle)", oracle.words))
        writeToStandardError(try symbols.line("\(key) (reference)", reference.filter { $0 != 0 && !wildcards.contains($0) }))
      }
      if let latticeWriter {
        let path = try lattice.pathLattice(withWords: oracle.words, wildcards: wildcards)
        if path.stateCount == 0 { KaldiLog.warn("Failed to find the oracle path in the original lattice: \(key)") } else { try latticeWriter.write(key, path) }
      }
      words += n
      (substitutions, insertions, deletions) = (substitutions + oracle.substitutions, insertions + oracle.insertions, deletions + oracle.deletions)
    }
    try transcriptions.close()
    try distances?.close()
    try latticeWriter?.close()
    let errors = substitutions + insertions + deletions
    KaldiLog.log("Overall %WER \(g(100 * Double(errors) / Double(words))) [ \(errors) / \(words), \(insertions) insertions, \(deletions) deletions, \(substitutions) substitutions ]")
    KaldiLog.log("Scored \(done) lattices, \(failed) not present in ref.")
    return 0
  }
}
