import KaldiBase
import KaldiIO

/// Kaldi's `WordAlignLatticeLexiconInfo`: the pronunciations of `phones/align_lexicon.int`
/// (`<word-in> <word-out> <phone>...`) as the lexicon word aligner looks them up.
public struct AlignLexicon: Sendable {
  /// The label ε alignments carry until the end (Kaldi's `kTemporaryEpsilon`).
  static let temporaryEpsilon: Int32 = -2
  /// [word-in] + phones → word-out (0 as `temporaryEpsilon`).
  var words: [[Int32]: Int32] = [:]
  /// word-in → (fewest, most) phones of its pronunciations.
  var phoneCounts: [Int32: (min: Int, max: Int)] = [:]
  /// A strict, non-empty prefix of some pronunciation → the words-in it may start (sorted).
  var prefixes: [[Int32]: [Int32]] = [:]
  /// [word-out] + phones → word-in, for entries that rename a word.
  var renamed: [[Int32]: Int32] = [:]

  /// Reads the lexicon; a line with an empty field or fewer than two integers is an error, as
  /// in Kaldi.
  public init(file rxfilename: String) throws {
    var entries: [[Int32]] = []
    for (number, line) in try InputStream.readLines(rxfilename).enumerated() {
      let fields = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      let entry = fields.compactMap { Int32($0) }
      guard entry.count == fields.count, entry.count >= 2 else {
        KaldiLog.warn("Lexicon line '\(line)' is invalid", function: "ReadLexiconForWordAlign")
        throw KaldiError("Error reading alignment lexicon from \(rxfilename) (line \(number + 1))")
      }
      entries.append(entry)
    }
    guard !entries.isEmpty else { throw KaldiError("Error reading alignment lexicon from \(rxfilename)") }
    try self.init(entries: entries)
  }

  public init(entries: [[Int32]]) throws {
    for entry in entries {
      let word = entry[0], phones = Array(entry.dropFirst(2))
      for n in stride(from: 1, to: phones.count, by: 1) { prefixes[Array(phones[..<n]), default: []].append(word) }
      let key = [word] + phones
      let out = entry[1] == 0 ? Self.temporaryEpsilon : entry[1]
      if let existing = words[key] {
        guard existing == out else { throw KaldiError("Duplicate entry in lexicon map for word \(word) with inconsistent to-word.") }
        KaldiLog.warn("Duplicate entry in lexicon map for word \(word)", function: "UpdateLexiconMap")
      }
      words[key] = out
      if entry[0] != entry[1] { renamed[[entry[1]] + phones] = word }
      if let counts = phoneCounts[word] {
        phoneCounts[word] = (min(counts.min, phones.count), max(counts.max, phones.count))
        if phoneCounts[word]!.min == 0 && word == 0 { throw KaldiError("Zero word with empty pronunciation is not allowed.") }
      } else {
        phoneCounts[word] = (phones.count, phones.count)
      }
    }
    for key in prefixes.keys { prefixes[key] = Array(Set(prefixes[key]!)).sorted() }
  }

  /// Kaldi's `IsValidEntry`: `entry` ([word-out] + phones) is a pronunciation in the lexicon.
  public func isValid(_ entry: [Int32]) -> Bool {
    if let out = words[entry], (out == Self.temporaryEpsilon ? 0 : out) == entry[0] { return true }
    return renamed[entry] != nil
  }
}

/// Whether something pending is new since the last step (Kaldi's `Freshness`): a word or
/// phone just added can complete a pronunciation; a match already tried need not be again.
enum Freshness: Hashable { case notFresh, fresh, allFresh }

/// The phones (with their transition-ids) and words read along a path but not yet put on an
/// output arc, with their freshness (Kaldi's lexicon aligner's `ComputationState`).
struct PendingPronunciation: Hashable {
  var phones: [Int32] = []
  var tids: [[Int32]] = []
  var words: [Int32] = []
  var phoneFreshness = Freshness.notFresh
  var wordFreshness = Freshness.notFresh
  var isEmpty: Bool { tids.isEmpty && words.isEmpty }

  /// Adds an arc of a phone-aligned lattice (one phone or none, and maybe a word).
  mutating func advance(_ arc: CompactLatticeArc, _ model: TransitionModel) throws {
    let string = arc.weight.string
    var phone: Int32 = 0
    if let first = string.first {
      phone = model.phone(of: first)
      guard phone == model.phone(of: string.last!) else { throw KaldiError("Error: lattice is not phone-aligned.") }
    }
    if arc.label != 0 {
      words.append(arc.label)
      wordFreshness = words.count == 1 ? .fresh : .notFresh
    } else {
      wordFreshness = .notFresh
    }
    if phone != 0 {
      phones.append(phone)
      tids.append(string)
      phoneFreshness = .fresh
    } else {
      phoneFreshness = .notFresh
    }
  }

  /// Kaldi's `ViableIfAdvanced`: more phones could still complete a pronunciation of the
  /// pending word (or of an ε entry).
  func viableIfAdvanced(_ lexicon: AlignLexicon) -> Bool {
    guard !phones.isEmpty, let word = words.first else { return true }
    guard let starts = lexicon.prefixes[phones] else { return false }
    return starts.first == 0 || starts.contains(word)
  }

  /// Kaldi's `TakeTransition`: the first `count` phones as a pronunciation of `word` (0: an ε
  /// entry); the arc's label and transition-ids and what is left, or nil if no such entry.
  func taking(_ word: Int32, phones count: Int, _ lexicon: AlignLexicon) -> (label: Int32, tids: [Int32], rest: PendingPronunciation)? {
    guard let label = lexicon.words[[word] + phones[..<count]] else { return nil }
    var rest = PendingPronunciation()
    rest.phones = Array(phones[count...])
    rest.words = Array(words.dropFirst(word == 0 ? 0 : 1))
    rest.tids = Array(tids[count...])
    rest.wordFreshness = word != 0 && !rest.words.isEmpty ? .fresh : .notFresh
    rest.phoneFreshness = rest.phones.isEmpty || count == 0 ? .notFresh : .allFresh
    if count == 0 && word != 0 && !rest.phones.isEmpty { rest.phoneFreshness = .allFresh }
    return (label, Array(tids[..<count].joined()), rest)
  }
}

/// Kaldi's `LatticeLexiconWordAligner` on a phone-aligned lattice (one phone per arc): every
/// way of grouping the phones into pronunciations of the path's words (or of ε entries such as
/// optional silence) becomes a path of word arcs; the freshness rules let each grouping be
/// made once.
private struct LexiconWordAligner {
  struct Tuple: Hashable { var state: Int32; var pending: PendingPronunciation }
  let input: CompactLattice
  let model: TransitionModel
  let lexicon: AlignLexicon
  let maxStates: Int
  let partialWordLabel: Int32
  var out = CompactLattice()
  var ids: [Tuple: Int32] = [:]
  var queue: [(Tuple, Int32)] = []
  var finalQueue: [(Tuple, Int32)] = []
  var failed = false

  init(_ lattice: CompactLattice, model: TransitionModel, lexicon: AlignLexicon, maxStates: Int, partialWordLabel: Int32) {
    (input, self.model, self.lexicon, self.maxStates) = (lattice.withSuperFinal(), model, lexicon, maxStates)
    self.partialWordLabel = partialWordLabel == 0 ? AlignLexicon.temporaryEpsilon : partialWordLabel
  }

  mutating func state(for tuple: Tuple) -> Int32 {
    if let id = ids[tuple] { return id }
    let id = out.addState()
    ids[tuple] = id
    queue.append((tuple, id))
    return id
  }

  mutating func addArc(from: Int32, label: Int32, tids: [Int32], to tuple: Tuple) {
    let to = state(for: tuple)
    out.arcs[Int(from)].append(CompactLatticeArc(label: label, weight: CompactLatticeWeight(.one, tids), next: to))
  }

  /// The raw aligned lattice, or nil when it grew past `maxStates`.
  mutating func align() throws -> CompactLattice? {
    guard input.start >= 0 else {
      KaldiLog.warn("Trying to word-align empty lattice.", function: "AlignLattice")
      failed = true
      return CompactLattice()
    }
    out.start = state(for: Tuple(state: input.start, pending: PendingPronunciation()))
    while let (tuple, from) = queue.popLast() {
      if maxStates > 0 && out.stateCount > maxStates {
        KaldiLog.warn("Number of states in lattice exceeded max-states of \(maxStates), original lattice had \(input.stateCount) states.  Returning empty lattice.", function: "AlignLattice")
        return nil
      }
      try epsilonTransitions(tuple, from)
      try wordTransitions(tuple, from)
      try advance(tuple, from)
      if !input.finals[Int(tuple.state)].isZero { finalQueue.append((tuple, from)) }
    }
    processFinals()
    return out
  }

  /// Pronunciations of ε entries (e.g. optional silence) made of the first pending phones.
  mutating func epsilonTransitions(_ tuple: Tuple, _ from: Int32) throws {
    guard let counts = lexicon.phoneCounts[0] else { return }
    let pending = tuple.pending
    var range: ClosedRange<Int>
    switch pending.phoneFreshness {
    case .allFresh:
      guard counts.min <= min(counts.max, pending.phones.count) else { return }
      range = counts.min...min(counts.max, pending.phones.count)
    case .fresh:
      guard (counts.min...counts.max).contains(pending.phones.count) else { return }
      range = pending.phones.count...pending.phones.count
    case .notFresh:
      return
    }
    if range.lowerBound == 0 { throw KaldiError("Lexicon error: epsilon transition that produces no output:") }
    for count in range {
      if let (label, tids, rest) = pending.taking(0, phones: count, lexicon) {
        addArc(from: from, label: label, tids: tids, to: Tuple(state: tuple.state, pending: rest))
      }
    }
  }

  /// Pronunciations of the first pending word made of the first pending phones.
  mutating func wordTransitions(_ tuple: Tuple, _ from: Int32) throws {
    let pending = tuple.pending
    guard let word = pending.words.first else { return }
    let range: ClosedRange<Int>
    if pending.wordFreshness == .fresh || pending.phoneFreshness == .allFresh {
      guard let counts = lexicon.phoneCounts[word] else { throw KaldiError("Word \(word) is not present in the lexicon.") }
      guard counts.min <= min(counts.max, pending.phones.count) else { return }
      range = counts.min...min(counts.max, pending.phones.count)
    } else if pending.phoneFreshness == .fresh {
      range = pending.phones.count...pending.phones.count
    } else {
      return
    }
    for count in range {
      if let (label, tids, rest) = pending.taking(word, phones: count, lexicon) {
        addArc(from: from, label: label, tids: tids, to: Tuple(state: tuple.state, pending: rest))
      }
    }
  }

  /// Reads on along the input arcs when that can still lead somewhere.
  mutating func advance(_ tuple: Tuple, _ from: Int32) throws {
    guard tuple.pending.viableIfAdvanced(lexicon) else { return }
    for arc in input.arcs[Int(tuple.state)] {
      var next = tuple.pending
      try next.advance(arc, model)
      let to = state(for: Tuple(state: arc.next, pending: next))
      out.arcs[Int(from)].append(CompactLatticeArc(label: 0, weight: CompactLatticeWeight(arc.weight.weight), next: to))
    }
  }

  /// Final weights where nothing is left pending; if there are none, what is pending at the
  /// end is forced out as (partial) words first.
  mutating func processFinals() {
    guard !finalQueue.isEmpty else {
      KaldiLog.warn("No final-probs to process.", function: "ProcessFinalWrapper")
      failed = true
      return
    }
    if setFinals() { return }
    failed = true
    KaldiLog.warn("Word-aligning lattice: lattice was forced out, will have partial words at end.", function: "ProcessFinalWrapper")
    var forced: [(Tuple, Int32)] = []
    for (tuple, from) in finalQueue where !out.arcs[Int(from)].contains(where: { $0.label != 0 || !$0.weight.string.isEmpty }) {
      let pending = tuple.pending
      let word: Int32
      if let first = pending.words.first {
        word = first
        if pending.words.count > 1 { KaldiLog.warn("Word-aligning lattice: discarding extra word at end of lattice(forced-out).", function: "TakeForcedTransition") }
      } else {
        word = partialWordLabel
      }
      var rest = PendingPronunciation()
      (rest.phoneFreshness, rest.wordFreshness) = (.fresh, .fresh)
      let next = Tuple(state: tuple.state, pending: rest)
      addArc(from: from, label: word, tids: Array(pending.tids.joined()), to: next)
      forced.append((next, ids[next]!))
    }
    queue = []
    finalQueue = forced
    if setFinals() { return }
    KaldiLog.warn("Word-aligning lattice: had no final-states even after forcing out (result will be empty).  This probably indicates wrong input.", function: "ProcessFinalWrapper")
  }

  mutating func setFinals() -> Bool {
    var any = false
    for (tuple, from) in finalQueue where tuple.pending.isEmpty {
      out.finals[Int(from)] = .one
      any = true
    }
    return any
  }
}

/// Kaldi's `WordAlignLatticeLexicon`: phone-align the lattice, then group its phones into the
/// pronunciations of `lexicon` (`phones/align_lexicon.int`), one arc per word (ε entries, e.g.
/// optional silence, unlabelled). For phones without word-position markers. `ok` false when
/// something did not align; an empty lattice when `maxExpand` stopped it.
public func wordAlignLatticeLexicon(_ lattice: CompactLattice, model: TransitionModel, lexicon: AlignLexicon,
                                    reorder: Bool = true, partialWordLabel: Int32 = 0, maxExpand: Float = -1) throws
  -> (lattice: CompactLattice, ok: Bool) {
  if !lattice.isInputDeterministicWithoutEpsilons {
    KaldiLog.warn("[Lattice has input epsilons and/or is not input-deterministic (in Mohri sense)]-- i.e. lattice is not deterministic.  Word-alignment may be slow and-or blow up in memory.", function: "WordAlignLatticeLexicon")
  }
  let (phoneAligned, phonesOk) = try phoneAlignLattice(lattice, model: model, reorder: reorder, removeEpsilon: false)
  let maxStates = maxExpand <= 0 ? -1 : Int(Float(1000) + maxExpand * Float(phoneAligned.stateCount))
  var aligner = LexiconWordAligner(phoneAligned, model: model, lexicon: lexicon, maxStates: maxStates, partialWordLabel: partialWordLabel)
  guard let raw = try aligner.align() else { return (CompactLattice(), false) }
  var aligned = raw.trimmed().removingEpsilons()
  aligned.makeEpsilon([AlignLexicon.temporaryEpsilon])
  return (aligned, !aligner.failed && phonesOk)
}
