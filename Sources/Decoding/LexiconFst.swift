#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiIO

/// A pronunciation lexicon (`lexicon.txt`: `word phone phone ...`) and the lexicon FST built
/// from it, as Kaldi's `utils/add_lex_disambig.pl` and `utils/make_lexicon_fst.pl` do.
public struct Lexicon: Sendable {
  public var entries: [(word: String, phones: [String])]

  public init(_ rxfilename: String) throws {
    entries = []
    let stream = try InputStream.open(rxfilename)
    var lineNumber = 0
    while let line = try stream.readLine() {
      lineNumber += 1
      let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
      if f.isEmpty { continue }
      guard f.count >= 2 else { throw KaldiError("Line \(lineNumber) of lexicon '\(rxfilename)' has no phones: '\(line)'") }
      entries.append((f[0], Array(f.dropFirst())))
    }
    try stream.close()
  }

  /// Appends `#1`, `#2`, ... to pronunciations that are duplicated or a prefix of another,
  /// so the lexicon FST can be determinized; returns the highest number used.
  public mutating func addDisambiguationSymbols() -> Int {
    var count: [[String]: Int] = [:]
    var prefixes = Set<[String]>()
    for e in entries {
      count[e.phones, default: 0] += 1
      for k in 1..<e.phones.count { prefixes.insert(Array(e.phones.prefix(k))) }
    }
    var next: [[String]: Int] = [:]
    var highest = 0
    for i in entries.indices {
      let p = entries[i].phones
      guard count[p]! > 1 || prefixes.contains(p) else { continue }
      let k = next[p, default: 0] + 1
      next[p] = k
      highest = max(highest, k)
      entries[i].phones.append("#\(k)")
    }
    return highest
  }

  /// The lexicon FST in AT&T text with symbols, as `make_lexicon_fst.pl` writes it: a loop
  /// state (start and final) from which each pronunciation reads its phones and writes its
  /// word on the first arc; with `silencePhone`, optional silence (probability
  /// `silenceProbability`) at the start and after every word; `#0:#0` self-loop on the loop
  /// state when `withBackoffDisambiguation` (for the grammar's backoff arcs).
  public func fstText(silencePhone: String?, silenceProbability: Float, withBackoffDisambiguation: Bool) -> String {
    var lines: [String] = []
    var nextState = 0
    func newState() -> Int { nextState += 1; return nextState }
    func cost(_ p: Float) -> String { formatG(Double(-logf(p)), precision: 7) }
    let start = 0
    var loop = 0
    var silenceState = -1
    if let sil = silencePhone, silenceProbability > 0 {
      loop = newState()
      silenceState = newState()
      lines.append("\(start)\t\(loop)\t<eps>\t<eps>\t\(cost(1 - silenceProbability))")
      lines.append("\(start)\t\(silenceState)\t<eps>\t<eps>\t\(cost(silenceProbability))")
      lines.append("\(silenceState)\t\(loop)\t\(sil)\t<eps>")
    }
    for (word, phones) in entries {
      var s = loop
      for (k, phone) in phones.enumerated() {
        let last = k == phones.count - 1
        let output = k == 0 ? word : "<eps>"
        if last {
          if silenceState >= 0 {
            lines.append("\(s)\t\(loop)\t\(phone)\t\(output)\t\(cost(1 - silenceProbability))")
            lines.append("\(s)\t\(silenceState)\t\(phone)\t\(output)\t\(cost(silenceProbability))")
          } else {
            lines.append("\(s)\t\(loop)\t\(phone)\t\(output)")
          }
        } else {
          let t = newState()
          lines.append("\(s)\t\(t)\t\(phone)\t\(output)")
          s = t
        }
      }
    }
    if withBackoffDisambiguation { lines.append("\(loop)\t\(loop)\t#0\t#0") }
    lines.append("\(loop)")
    return lines.joined(separator: "\n") + "\n"
  }
}

/// The HMM transducer H: transition-ids in, phones out (on each phone's first arc), one
/// loop through a boundary state that starts and ends every phone. Weights as Kaldi's
/// graphs: transition-scale on forward transitions, self-loop-scale on self-loops.
public func hmmTransducer(model: TransitionModel, transitionScale: Float, selfLoopScale: Float) throws -> Fst {
  var b = FstBuilder()
  let boundary = b.addState()
  b.setFinal(boundary, 0)
  for phone in model.topology.phones {
    let entry = try model.topology.entry(forPhone: phone)
    var states = [Int32](repeating: -1, count: entry.count)
    func state(_ h: Int) -> Int32 {
      if h == entry.count - 1 { return boundary }
      if states[h] < 0 { states[h] = b.addState() }
      return states[h]
    }
    for (h, hmmState) in entry.enumerated() where !hmmState.transitions.isEmpty {
      guard let index = model.tuples.firstIndex(where: { $0.phone == phone && $0.hmmState == Int32(h) }) else {
        throw KaldiError("HMM state \(h) of phone \(phone) has no transition-state in the model")
      }
      let first = model.firstTransitionId(ofState: index + 1)
      let loop = hmmState.transitions.first { $0.destination == Int32(h) }?.probability ?? 0
      for (k, t) in hmmState.transitions.enumerated() {
        let cost: Float = t.destination == Int32(h)
          ? -selfLoopScale * logf(t.probability)
          : -(transitionScale * logf(t.probability / (1 - loop)) + (loop > 0 ? selfLoopScale * logf(1 - loop) : 0))
        let tid = first + Int32(k)
        if h == 0 {
          // Entering the phone: the first frame's arc leaves the boundary and names the phone.
          b.addArc(boundary, tid, phone, cost, state(Int(t.destination)))
        }
        b.addArc(state(h), tid, 0, cost, state(Int(t.destination)))
      }
    }
  }
  return b.build(start: boundary)
}
