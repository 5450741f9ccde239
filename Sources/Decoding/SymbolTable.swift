import KaldiBase
import KaldiIO

/// A text symbol table (`words.txt`, `phones.txt`): lines `symbol id`.
public struct SymbolTable: Sendable {
  public private(set) var symbols: [Int: String] = [:]
  public private(set) var ids: [String: Int] = [:]

  public init(_ rxfilename: String) throws {
    let stream = try InputStream.open(rxfilename)
    var lineNumber = 0
    while let line = try stream.readLine() {
      lineNumber += 1
      let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      if f.isEmpty { continue }
      guard f.count == 2, let id = Int(f[1]), id >= 0 else {
        throw KaldiError("Bad line \(lineNumber) in symbol table '\(rxfilename)': '\(line)' (expected: symbol id)")
      }
      symbols[id] = String(f[0])
      ids[String(f[0])] = id
    }
    try stream.close()
  }

  public func symbol(_ id: Int) -> String? { symbols[id] }

  /// The symbols of `words`; an id the table lacks is an error, as in Kaldi.
  public func symbols(of words: [Int32]) throws -> [String] {
    try words.map { w in
      guard let s = symbol(Int(w)) else { throw KaldiError("Word-id \(w) not in symbol table.") }
      return s
    }
  }

  /// The debug line Kaldi's decoders print to stderr: `key word word \n`.
  public func line(_ key: String, _ words: [Int32]) throws -> String {
    key + " " + (try symbols(of: words)).map { $0 + " " }.joined() + "\n"
  }
  /// One more than the largest id, as OpenFst's `NumSymbols` for dense tables.
  public var count: Int { (symbols.keys.max() ?? -1) + 1 }
}
