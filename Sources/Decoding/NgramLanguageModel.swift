#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiIO

/// A backoff n-gram language model: estimated from text with interpolated Witten-Bell
/// smoothing (as IRSTLM's build-lm.sh, which the Kaldi TIMIT recipe uses, does by default),
/// read and written as ARPA.
public struct NgramLanguageModel: Sendable {
  public struct Entry: Sendable {
    /// log10 probability and log10 backoff weight (0 when none).
    public var logProb: Double
    public var backoff: Double
  }
  public let order: Int
  /// n-grams by order (index 0: unigrams), keyed by their words.
  public var ngrams: [[[String]: Entry]]

  public static let sentenceStart = "<s>", sentenceEnd = "</s>"

  /// Estimates an `order`-gram model from sentences (lists of words).
  public init(order: Int, sentences: [[String]]) throws {
    guard order >= 1 else { throw KaldiError("--order must be at least 1") }
    self.order = order
    // counts[n-1][ngram]
    var counts = [[[String]: Int]](repeating: [:], count: order)
    for sentence in sentences {
      let words = [Self.sentenceStart] + sentence + [Self.sentenceEnd]
      for n in 1...order {
        guard words.count >= n else { continue }
        for i in 0...(words.count - n) {
          let gram = Array(words[i..<(i + n)])
          if n == 1 && gram[0] == Self.sentenceStart { continue }
          counts[n - 1][gram, default: 0] += 1
        }
      }
    }
    let vocabulary = counts[0].keys.map { $0[0] }.sorted()
    var ngrams = [[[String]: Entry]](repeating: [:], count: order)
    // Unigrams: Witten-Bell against the uniform distribution over the vocabulary.
    let total = Double(counts[0].values.reduce(0, +)), types = Double(counts[0].count)
    var probability: [[String]: Double] = [:]
    for w in vocabulary {
      let p = (Double(counts[0][[w]]!) + types / Double(vocabulary.count)) / (total + types)
      probability[[w]] = p
      ngrams[0][[w]] = Entry(logProb: log10(p), backoff: 0)
    }
    ngrams[0][[Self.sentenceStart]] = Entry(logProb: -99, backoff: 0)
    // Higher orders: interpolated Witten-Bell, P(w|h) = (c(h,w) + T(h)·P(w|h')) / (c(h) + T(h)).
    for n in 2..<(order + 1) {
      // Sorted so that sums run in one order on every run (the ARPA digits never vary).
      let grams = counts[n - 1].sorted { $0.key.lexicographicallyPrecedes($1.key) }
      var historyCount: [[String]: Int] = [:], historyTypes: [[String]: Int] = [:]
      for (gram, c) in grams {
        historyCount[Array(gram.dropLast()), default: 0] += c
        historyTypes[Array(gram.dropLast()), default: 0] += 1
      }
      // Each history's mass under this order (seen) and under the lower one (seenLower), in
      // one pass, for the backoff weights that make each distribution sum to one.
      var seen: [[String]: Double] = [:], seenLower: [[String]: Double] = [:]
      for (gram, c) in grams {
        let h = Array(gram.dropLast())
        let lower = Self.probability(Array(gram.dropFirst()), probability)
        let p = (Double(c) + Double(historyTypes[h]!) * lower) / Double(historyCount[h]! + historyTypes[h]!)
        probability[gram] = p
        ngrams[n - 1][gram] = Entry(logProb: log10(p), backoff: 0)
        seen[h, default: 0] += p
        seenLower[h, default: 0] += lower
      }
      for (h, mass) in seen {
        let lowerMass = seenLower[h]!
        let bow = lowerMass < 1 ? max(1e-99, 1 - mass) / max(1e-99, 1 - lowerMass) : 1
        if var e = ngrams[n - 2][h] {
          e.backoff = log10(bow)
          ngrams[n - 2][h] = e
        }
      }
    }
    self.ngrams = ngrams
  }

  /// P(gram's last word | the rest) under the lower-order estimates computed so far.
  private static func probability(_ gram: [String], _ table: [[String]: Double]) -> Double {
    if let p = table[gram] { return p }
    return gram.count > 1 ? probability(Array(gram.dropFirst()), table) : 1e-99
  }

  public init(order: Int, ngrams: [[[String]: Entry]]) {
    self.order = order
    self.ngrams = ngrams
  }

  /// ARPA text, n-grams sorted within each order.
  public var arpa: String {
    var out = "\n\\data\\\n"
    for n in 1...order { out += "ngram \(n)=\(ngrams[n - 1].count)\n" }
    for n in 1...order {
      out += "\n\\\(n)-grams:\n"
      for gram in ngrams[n - 1].keys.sorted(by: { $0.joined(separator: " ") < $1.joined(separator: " ") }) {
        let e = ngrams[n - 1][gram]!
        out += formatG(e.logProb, precision: 7) + "\t" + gram.joined(separator: " ")
        if n < order && e.backoff != 0 { out += "\t" + formatG(e.backoff, precision: 7) }
        out += "\n"
      }
    }
    return out + "\n\\end\\\n"
  }

  /// Parses ARPA text (`\data\`, `\N-grams:` sections, `\end\`).
  public static func parse(arpa text: String, name: String) throws -> NgramLanguageModel {
    var ngrams: [[[String]: Entry]] = []
    var section = 0
    var lineNumber = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      let line = String(raw).trimmingSpaces()
      if line.isEmpty || line == "\\data\\" || line.hasPrefix("ngram ") { continue }
      if line == "\\end\\" { break }
      if line.hasPrefix("\\") && line.hasSuffix("-grams:") {
        guard let n = Int(line.dropFirst().dropLast(7)), n == ngrams.count + 1 else {
          throw KaldiError("Bad section header '\(line)' at line \(lineNumber) of ARPA file '\(name)'")
        }
        ngrams.append([:])
        section = n
        continue
      }
      guard section > 0 else { throw KaldiError("Unexpected line \(lineNumber) of ARPA file '\(name)': '\(line.prefix(60))'") }
      let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      guard f.count == section + 1 || f.count == section + 2, let p = Double(f[0]) else {
        throw KaldiError("Bad \(section)-gram at line \(lineNumber) of ARPA file '\(name)': '\(line.prefix(60))'")
      }
      let backoff = f.count == section + 2 ? Double(f[section + 1]) : 0
      guard let backoff else { throw KaldiError("Bad backoff weight at line \(lineNumber) of ARPA file '\(name)'") }
      ngrams[section - 1][Array(f[1...section])] = Entry(logProb: p, backoff: backoff)
    }
    guard !ngrams.isEmpty else { throw KaldiError("No n-grams in ARPA file '\(name)'") }
    return NgramLanguageModel(order: ngrams.count, ngrams: ngrams)
  }

  /// This model without the n-grams that hold a word missing from `words`, as Kaldi's
  /// arpa2fst skips them when given a symbol table; `skipped` lists them (word, n-gram).
  public func restricted(to words: SymbolTable) -> (model: NgramLanguageModel, skipped: [(word: String, ngram: [String])]) {
    var kept = ngrams
    var skipped: [(word: String, ngram: [String])] = []
    for n in 0..<order {
      for gram in ngrams[n].keys {
        if let oov = gram.first(where: { $0 != Self.sentenceStart && $0 != Self.sentenceEnd && words.ids[$0] == nil }) {
          kept[n][gram] = nil
          skipped.append((oov, gram))
        }
      }
    }
    // Only the skipped ones are sorted (by order, then words), for warnings in a fixed order.
    skipped.sort { a, b in
      a.ngram.count != b.ngram.count ? a.ngram.count < b.ngram.count : a.ngram.lexicographicallyPrecedes(b.ngram)
    }
    return (NgramLanguageModel(order: order, ngrams: kept), skipped)
  }

  /// The grammar FST (Kaldi's `arpa2fst`): a state per history, word arcs weighted by
  /// −ln P, backoff arcs with `disambiguation` on the input side (ε on the output), finals
  /// from `</s>`; `<s>` starts and never appears as a label. Every word must be in `words`
  /// (see `restricted(to:)`).
  public func grammar(words: SymbolTable, disambiguation: Int32) throws -> Fst {
    var builder = FstBuilder()
    var state: [[String]: Int32] = [:]
    func id(_ h: [String]) -> Int32 {
      if let s = state[h] { return s }
      let s = builder.addState()
      state[h] = s
      return s
    }
    let ln10 = log(10.0)
    _ = id([])
    let start = id([Self.sentenceStart])
    // Sorted, so that state numbers and arc order do not depend on hashing: the same ARPA
    // file gives the same G.fst bytes on every run.
    let sorted = ngrams.map { $0.keys.sorted { $0.lexicographicallyPrecedes($1) } }
    // Histories are every n-gram of order < N that can be extended.
    for n in 1..<order { for gram in sorted[n - 1] where gram.last != Self.sentenceEnd { _ = id(gram) } }
    func destination(_ gram: [String]) -> Int32 {
      var h = gram.count >= order ? Array(gram.dropFirst()) : gram
      while !h.isEmpty && state[h] == nil { h = Array(h.dropFirst()) }
      return id(h)
    }
    for n in 1...order {
      for gram in sorted[n - 1] {
        let e = ngrams[n - 1][gram]!
        let history = Array(gram.dropLast()), word = gram.last!
        guard let from = state[history] else { continue }
        let cost = Float(-e.logProb * ln10)
        if word == Self.sentenceEnd {
          builder.setFinal(from, cost)
        } else if word != Self.sentenceStart {
          guard let label = words.ids[word] else { throw KaldiError("Word '\(word)' of the language model is not in the word symbol table") }
          builder.addArc(from, Int32(label), Int32(label), cost, destination(gram))
        }
      }
    }
    for (h, s) in state.sorted(by: { $0.value < $1.value }) where !h.isEmpty {
      let backoff = ngrams[h.count - 1][h]?.backoff ?? 0
      builder.addArc(s, disambiguation, 0, Float(-backoff * ln10), id(Array(h.dropFirst())))
    }
    return builder.build(start: start)
  }
}
