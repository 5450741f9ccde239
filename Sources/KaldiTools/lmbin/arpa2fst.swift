import Decoding
import KaldiBase
import KaldiIO

/// `arpa2fst`: the grammar FST G of an ARPA language model.
public enum Arpa2Fst: KaldiTool {
  public static let name = "arpa2fst"
  public static let usage = """
    Convert an ARPA format language model into an FST (G.fst): a state per history, word
    arcs weighted by -ln P, backoff arcs labelled with the disambiguation symbol on the input
    side, final weights from </s>.
    Usage: arpa2fst [opts] <input-arpa> <output-fst>
     e.g.: arpa2fst --disambig-symbol=#0 --read-symbol-table=data/lang/words.txt lm/input.arpa G.fst
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let disambig = invocation.option("disambig-symbol", "#0", "Disambiguator for backoff arcs, from the symbol table")
    let symbols = invocation.option("read-symbol-table", "", "Word symbol table (words.txt); required. N-grams with words not in it are skipped, with warnings")
    let maxWarnings = invocation.option("max-arpa-warnings", 30, "Maximum warnings to report on ARPA parsing, 0 to disable, -1 to show all")
    let args = try invocation.arguments(2)
    guard !symbols.value.isEmpty else { throw KaldiError.usage("--read-symbol-table is required") }
    let words = try SymbolTable(symbols.value)
    guard let backoff = words.ids[disambig.value] else { throw KaldiError("Disambiguation symbol \(disambig.value) is not in \(symbols.value)") }
    let input = try InputStream.open(args[0])
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = try chunk.withUnsafeMutableBytes { try input.read(into: $0.baseAddress!, count: $0.count) }
      if n == 0 { break }
      bytes += chunk[0..<n]
    }
    try input.close()
    let lm = try NgramLanguageModel.parse(arpa: ByteString.string(bytes), name: args[0])
    let (known, skipped) = lm.restricted(to: words)
    for (i, s) in skipped.enumerated() where maxWarnings.value < 0 || i < maxWarnings.value {
      KaldiLog.warn("\(s.ngram.count)-gram '\(s.ngram.joined(separator: " "))' skipped: word '\(s.word)' not in symbol table")
    }
    if maxWarnings.value >= 0 && skipped.count > maxWarnings.value {
      KaldiLog.warn("Of \(skipped.count) parse warnings, \(maxWarnings.value) were reported. Run program with --max-arpa-warnings=-1 to see all warnings")
    }
    let fst = try known.grammar(words: words, disambiguation: Int32(backoff))
    try FstWriter.write(fst, to: args[1])
    KaldiLog.log("Wrote G with \(fst.stateCount) states and \(fst.arcCount) arcs to \(args[1])")
    return 0
  }
}
