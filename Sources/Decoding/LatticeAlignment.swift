import KaldiBase
import KaldiIO

/// How each phone sits in a word, from `phones/word_boundary.int` (Kaldi's `WordBoundaryInfo`),
/// with the labels `lattice-align-words` gives silences and cut-off words.
public struct WordBoundaryInfo: Sendable {
  public enum PhoneType: Sendable { case unlisted, nonword, begin, end, wordInternal, singleton }
  /// Indexed by phone id.
  public var types: [PhoneType]
  /// The label of silence arcs in the aligned lattice (0: unlabelled).
  public var silenceLabel: Int32 = 0
  /// The label of a word cut off at the end of a forced-out lattice (0: unlabelled).
  public var partialWordLabel: Int32 = 0
  /// Whether the graph had its self-loops reordered after the forward transitions.
  public var reorder = true

  public init(types: [PhoneType]) { self.types = types }

  /// Reads `<phone-id> nonword|begin|end|internal|singleton` lines.
  public init(file rxfilename: String) throws {
    let lines = try InputStream.readLines(rxfilename)
    guard !(lines.first?.hasPrefix("\0B") ?? false) else { throw KaldiError("Not expecting binary word-boundary file: \(rxfilename)") }
    types = []
    var lineNumber = 0
    for line in lines {
      lineNumber += 1
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      let named: [Substring: PhoneType] = ["nonword": .nonword, "begin": .begin, "end": .end, "internal": .wordInternal, "singleton": .singleton]
      guard fields.count == 2, let phone = Int(fields[0]), phone > 0, let type = named[fields[1]] else {
        throw KaldiError("Invalid line in word-boundary file: \(line) (\(rxfilename), line \(lineNumber))")
      }
      if types.count <= phone { types += [PhoneType](repeating: .unlisted, count: phone + 1 - types.count) }
      types[phone] = type
    }
    guard !types.isEmpty else { throw KaldiError("Empty word-boundary file \(rxfilename)") }
  }

  func type(of phone: Int32) throws -> PhoneType {
    guard phone >= 0, Int(phone) < types.count else {
      throw KaldiError("Phone \(phone) was not specified in word-boundary file (or options)")
    }
    return types[Int(phone)]
  }
}

/// The transition-ids and words read along a path but not yet put on an output arc
/// (Kaldi's `ComputationState` of the lattice aligners).
struct PendingAlignment: Hashable {
  var tids: [Int32] = []
  var words: [Int32] = []
  var isEmpty: Bool { tids.isEmpty && words.isEmpty }
}

/// A state of the aligners' search: an input lattice state and what is pending there.
struct AlignmentTuple: Hashable { var state: Int32; var pending: PendingAlignment }

/// One output arc cut from the front of a pending alignment: its label and transition-ids.
struct AlignedUnit { var label: Int32; var tids: [Int32] }

/// What an aligner (words, phones) decides; the search over lattice states is shared.
protocol AlignmentRules {
  /// Whether a word label read along the input is kept pending.
  var keepsWords: Bool { get }
  /// Set once something did not align; later warnings are then suppressed, as Kaldi's are.
  var failed: Bool { get }
  /// A complete unit from the front of `pending` when one is complete and followed by more.
  mutating func nextUnit(_ pending: inout PendingAlignment) throws -> AlignedUnit?
  /// What is left at the end of the lattice, put on an arc whether or not it is complete.
  mutating func forcedUnit(_ pending: inout PendingAlignment) throws -> AlignedUnit
}

/// Kaldi's lattice aligners' search: states are (input state, pending alignment) pairs,
/// expanded last-in first-out; input arcs become ε arcs carrying their weights, complete units
/// become labelled arcs, the end of the lattice forces out what is pending. Returns the raw
/// lattice (before ε removal) and whether the state limit was hit.
func alignLattice<R: AlignmentRules>(_ input: CompactLattice, rules: inout R, maxStates: Int = 0) throws
  -> (lattice: CompactLattice, overflow: Bool) {
  var out = CompactLattice()
  guard input.start >= 0 else {
    KaldiLog.warn("Trying to word-align empty lattice.", function: "AlignLattice")
    return (out, false)
  }
  let lattice = input.withSuperFinal()
  var ids: [AlignmentTuple: Int32] = [:]
  var queue: [(AlignmentTuple, Int32)] = []
  func state(for tuple: AlignmentTuple) -> Int32 {
    if let id = ids[tuple] { return id }
    let id = out.addState()
    ids[tuple] = id
    queue.append((tuple, id))
    return id
  }
  out.start = state(for: AlignmentTuple(state: lattice.start, pending: PendingAlignment()))
  while let (tuple, from) = queue.popLast() {
    if maxStates > 0, out.stateCount > maxStates { return (out, true) }
    var pending = tuple.pending
    if let unit = try rules.nextUnit(&pending) {
      let to = state(for: AlignmentTuple(state: tuple.state, pending: pending))
      out.arcs[Int(from)].append(CompactLatticeArc(label: unit.label, weight: CompactLatticeWeight(.one, unit.tids), next: to))
      continue
    }
    if !lattice.finals[Int(tuple.state)].isZero {
      if pending.isEmpty {
        out.finals[Int(from)] = out.finals[Int(from)].plus(.one)
      } else {
        let unit = try rules.forcedUnit(&pending)
        let to = state(for: AlignmentTuple(state: tuple.state, pending: pending))
        out.arcs[Int(from)].append(CompactLatticeArc(label: unit.label, weight: CompactLatticeWeight(.one, unit.tids), next: to))
      }
    }
    for arc in lattice.arcs[Int(tuple.state)] {
      var next = tuple.pending
      next.tids += arc.weight.string
      if arc.label != 0 && rules.keepsWords { next.words.append(arc.label) }
      let to = state(for: AlignmentTuple(state: arc.next, pending: next))
      out.arcs[Int(from)].append(CompactLatticeArc(label: 0, weight: CompactLatticeWeight(arc.weight.weight), next: to))
    }
  }
  return (out, false)
}

/// Scans for the end of the unit (phone) whose last phone is `phone`, from `from`: just after
/// the first final transition-id and, for reordered graphs, the self-loops after it. `end` is
/// nil when the lattice has not shown that far yet (an end must be followed by at least one
/// more transition-id); `otherPhone` is the first phone other than `phone` met up to the final
/// transition-id.
private func scanUnit(_ tids: [Int32], from: Int, phone: Int32, _ model: TransitionModel, reorder: Bool)
  -> (end: Int?, otherPhone: Int32?) {
  var i = from
  var other: Int32?
  while i < tids.count {
    let p = model.phone(of: tids[i])
    if p != phone && other == nil { other = p }
    if model.isFinal(tids[i]) { break }
    i += 1
  }
  guard i < tids.count else { return (nil, other) }
  i += 1
  if reorder { while i < tids.count && model.isSelfLoop(tids[i]) { i += 1 } }
  return (i < tids.count ? i : nil, other)
}

private let phoneChangedBeforeFinal =
  "Phone changed before final transition-id found [broken lattice or mismatched model or wrong --reorder option?]"
private let phoneChangedUnexpectedly = "Phone changed unexpectedly in lattice [broken lattice or mismatched model?]"

/// Kaldi's `LatticeWordAligner` rules: an arc per word (its label and all its transition-ids),
/// per silence phone and, at a forced-out end, per cut-off word.
struct WordAlignmentRules: AlignmentRules {
  let model: TransitionModel
  let info: WordBoundaryInfo
  /// Labels used during the search for silence and partial words when the user's are 0, so
  /// that ε removal keeps those arcs; set back to 0 afterwards.
  let silenceLabel: Int32
  let partialWordLabel: Int32
  var failed = false
  var keepsWords: Bool { true }

  init(model: TransitionModel, info: WordBoundaryInfo, largestLabel: Int32) {
    (self.model, self.info) = (model, info)
    var unused = largestLabel + 1
    if info.partialWordLabel >= unused { unused = info.partialWordLabel + 1 }
    if info.silenceLabel >= unused { unused = info.silenceLabel + 1 }
    var partial = info.partialWordLabel, silence = info.silenceLabel
    if partial == 0 { partial = unused; unused += 1 }
    if silence == 0 { silence = unused }
    (partialWordLabel, silenceLabel) = (partial, silence)
  }

  /// Warns once per lattice, as Kaldi's aligner does behind its error flag.
  private mutating func fail(_ message: String, function: String) {
    guard !failed else { return }
    failed = true
    KaldiLog.warn(message, function: function)
  }

  /// A warning Kaldi prints without setting its error flag.
  private func warnOnly(_ message: String, function: String) {
    if !failed { KaldiLog.warn(message, function: function) }
  }

  mutating func nextUnit(_ pending: inout PendingAlignment) throws -> AlignedUnit? {
    guard let first = pending.tids.first else { return nil }
    switch try info.type(of: model.phone(of: first)) {
    case .begin: return try multiPhoneWord(&pending)
    case .nonword: return silence(&pending)
    case .singleton: return onePhoneWord(&pending)
    default: return nil   // no unit starts with this phone: it stays pending to the end
    }
  }

  /// Cuts the first `end` transition-ids, and the first word when `word` is given.
  private func cut(_ pending: inout PendingAlignment, _ end: Int, label: Int32, consumingWord: Bool) -> AlignedUnit {
    let unit = AlignedUnit(label: label, tids: Array(pending.tids[..<end]))
    pending.tids.removeFirst(end)
    if consumingWord { pending.words.removeFirst() }
    return unit
  }

  private mutating func multiPhoneWord(_ pending: inout PendingAlignment) throws -> AlignedUnit? {
    let tids = pending.tids
    guard let word = pending.words.first else { return nil }
    let phone0 = model.phone(of: tids[0])
    guard var i = tids.firstIndex(where: model.isFinal) else { return nil }
    i += 1
    if info.reorder { while i < tids.count && model.isSelfLoop(tids[i]) { i += 1 } }
    guard i < tids.count else { return nil }
    if model.phone(of: tids[i - 1]) != phone0 { fail(phoneChangedUnexpectedly, function: "OutputNormalWordArc") }
    while i < tids.count {   // word-internal phones up to the word's last phone
      let phone = model.phone(of: tids[i])
      let type = try info.type(of: phone)
      if type == .end { break }
      if type != .wordInternal { fail("Unexpected phone \(phone) found inside a word.", function: "OutputNormalWordArc") }
      i += 1
    }
    guard i < tids.count else { return nil }
    let finalPhone = model.phone(of: tids[i])
    let (end, other) = scanUnit(tids, from: i, phone: finalPhone, model, reorder: info.reorder)
    if other != nil { fail(phoneChangedBeforeFinal, function: "OutputNormalWordArc") }
    guard let end else { return nil }
    if model.phone(of: tids[end - 1]) != finalPhone {
      fail("Phone changed while following final self-loop [broken lattice or mismatched model or wrong --reorder option?]", function: "OutputNormalWordArc")
    }
    return cut(&pending, end, label: word, consumingWord: true)
  }

  private mutating func silence(_ pending: inout PendingAlignment) -> AlignedUnit? {
    let phone0 = model.phone(of: pending.tids[0])
    let (end, other) = scanUnit(pending.tids, from: 0, phone: phone0, model, reorder: info.reorder)
    if other != nil { fail(phoneChangedBeforeFinal, function: "OutputSilenceArc") }
    guard let end else { return nil }
    if model.phone(of: pending.tids[end - 1]) != phone0 { warnOnly(phoneChangedUnexpectedly, function: "OutputSilenceArc") }
    return cut(&pending, end, label: silenceLabel, consumingWord: false)
  }

  private mutating func onePhoneWord(_ pending: inout PendingAlignment) -> AlignedUnit? {
    guard let word = pending.words.first else { return nil }
    let phone0 = model.phone(of: pending.tids[0])
    let (end, other) = scanUnit(pending.tids, from: 0, phone: phone0, model, reorder: info.reorder)
    if other != nil { warnOnly(phoneChangedBeforeFinal, function: "OutputOnePhoneWordArc") }
    guard let end else { return nil }
    if model.phone(of: pending.tids[end - 1]) != phone0 { fail(phoneChangedUnexpectedly, function: "OutputOnePhoneWordArc") }
    return cut(&pending, end, label: word, consumingWord: true)
  }

  /// Kaldi's `IsPlausibleWord`: a singleton phone, or a begin phone through an end phone,
  /// that reaches its phone's final transition.
  private func isPlausibleWord(_ tids: [Int32]) throws -> Bool {
    guard let first = tids.first, let last = tids.last else { return false }
    let p0 = model.phone(of: first), p1 = model.phone(of: last)
    let (t0, t1) = (try info.type(of: p0), try info.type(of: p1))
    guard (t0 == .singleton && p0 == p1) || (t0 == .begin && t1 == .end) else { return false }
    return reachesFinal(tids)
  }

  /// Whether the last phone of `tids` took its final transition (followed, in reordered
  /// graphs, only by self-loops).
  private func reachesFinal(_ tids: [Int32]) -> Bool {
    var i = tids.count - 1
    if info.reorder { while i > 0 && model.isSelfLoop(tids[i]) { i -= 1 } }
    return model.isFinal(tids[i])
  }

  mutating func forcedUnit(_ pending: inout PendingAlignment) throws -> AlignedUnit {
    let tids = pending.tids
    pending.tids = []
    if let word = pending.words.first {
      guard !tids.isEmpty else {
        fail("Discarding word-ids at the end of a sentence, that don't have alignments.", function: "OutputArcForce")
        pending.words = []
        return AlignedUnit(label: 0, tids: [])
      }
      if !failed, try !isPlausibleWord(tids) {
        fail("Invalid word at end of lattice [partial lattice, forced out?]", function: "OutputArcForce")
      }
      pending.words.removeFirst()
      return AlignedUnit(label: word, tids: tids)
    }
    guard try info.type(of: model.phone(of: tids[0])) == .nonword else {
      fail("Partial word detected at end of utterance", function: "OutputArcForce")
      return AlignedUnit(label: partialWordLabel, tids: tids)
    }
    if !failed && !reachesFinal(tids) {
      fail("Broken silence arc at end of utterance (does not reach end of silence)", function: "OutputArcForce")
    }
    return AlignedUnit(label: silenceLabel, tids: tids)
  }
}

/// Kaldi's `WordAlignLattice`: the lattice with one arc per word (all its transition-ids),
/// per silence phone (label `info.silenceLabel`) and, where a forced-out lattice ends inside a
/// word, per partial word. `maxStates` > 0 stops a blow-up. `ok` false when something did
/// not align (the lattice returned is then partial, possibly empty).
public func wordAlignLattice(_ lattice: CompactLattice, model: TransitionModel, info: WordBoundaryInfo,
                             maxStates: Int = 0) throws -> (lattice: CompactLattice, ok: Bool) {
  if !lattice.isInputDeterministicWithoutEpsilons {
    KaldiLog.warn("[Lattice has input epsilons and/or is not input-deterministic (in Mohri sense)]-- i.e. lattice is not deterministic.  Word-alignment may be slow and-or blow up in memory.", function: "LatticeWordAligner")
  }
  let largest = lattice.arcs.joined().map(\.label).max() ?? 0
  var rules = WordAlignmentRules(model: model, info: info, largestLabel: largest)
  let (raw, overflow) = try alignLattice(lattice, rules: &rules, maxStates: maxStates)
  if overflow {
    KaldiLog.warn("Number of states in lattice exceeded max-states of \(maxStates), original lattice had \(lattice.withSuperFinal().stateCount) states.  Returning what we have.", function: "AlignLattice")
  }
  var aligned = raw.removingEpsilons()
  var temporary: Set<Int32> = []
  if info.partialWordLabel == 0 { temporary.insert(rules.partialWordLabel) }
  if info.silenceLabel == 0 { temporary.insert(rules.silenceLabel) }
  aligned.makeEpsilon(temporary)
  return (aligned, !overflow && !rules.failed && lattice.start >= 0)
}

/// Kaldi's `LatticePhoneAligner` rules: an arc per phone; a word label rides on the next phone
/// completed after it was read (or the phone itself becomes the label).
struct PhoneAlignmentRules: AlignmentRules {
  let model: TransitionModel
  let reorder: Bool
  let replaceOutputSymbols: Bool
  var failed = false
  var keepsWords: Bool { !replaceOutputSymbols }

  mutating func nextUnit(_ pending: inout PendingAlignment) throws -> AlignedUnit? {
    if let first = pending.tids.first {
      let phone = model.phone(of: first)
      let (end, other) = scanUnit(pending.tids, from: 0, phone: phone, model, reorder: reorder)
      if let other, !failed {
        failed = true
        KaldiLog.warn("\(phone) -> \(other)", function: "OutputPhoneArc")
        KaldiLog.warn(phoneChangedBeforeFinal, function: "OutputPhoneArc")
      }
      if let end {
        let tids = Array(pending.tids[..<end])
        pending.tids.removeFirst(end)
        return AlignedUnit(label: label(phone, &pending), tids: tids)
      }
    }
    // A word with no transition-ids of its own keeps the pending words from piling up.
    guard pending.words.count >= 2 else { return nil }
    return AlignedUnit(label: pending.words.removeFirst(), tids: [])
  }

  private func label(_ phone: Int32, _ pending: inout PendingAlignment) -> Int32 {
    let word = pending.words.isEmpty ? 0 : pending.words.removeFirst()
    return replaceOutputSymbols ? phone : word
  }

  mutating func forcedUnit(_ pending: inout PendingAlignment) throws -> AlignedUnit {
    let tids = pending.tids
    pending.tids = []
    guard let first = tids.first else { return AlignedUnit(label: pending.words.isEmpty ? 0 : pending.words.removeFirst(), tids: []) }
    let phone = model.phone(of: first)
    if !failed && tids.contains(where: { model.phone(of: $0) != phone }) {
      failed = true
      KaldiLog.warn("Mismatch in phone: error in lattice or mismatched transition model?", function: "OutputArcForce")
    }
    let finals = tids.filter(model.isFinal).count
    if !failed && finals != 1 {
      failed = true
      KaldiLog.warn("Problem phone-aligning lattice: saw \(finals) final-states in last phone in lattice (forced out?) Producing partial lattice.", function: "OutputArcForce")
    }
    return AlignedUnit(label: label(phone, &pending), tids: tids)
  }
}

/// Kaldi's `PhoneAlignLattice`: one arc per phone. Without `replaceOutputSymbols` the word
/// labels stay and, after ε removal, unlabelled phones join the next labelled arc; with it,
/// each arc is labelled with its phone.
public func phoneAlignLattice(_ lattice: CompactLattice, model: TransitionModel, reorder: Bool = true,
                              replaceOutputSymbols: Bool = false, removeEpsilon: Bool = true) throws
  -> (lattice: CompactLattice, ok: Bool) {
  var rules = PhoneAlignmentRules(model: model, reorder: reorder, replaceOutputSymbols: replaceOutputSymbols)
  let (raw, _) = try alignLattice(lattice, rules: &rules)
  return (removeEpsilon ? raw.removingEpsilons() : raw, !rules.failed && lattice.start >= 0)
}

extension CompactLattice {
  /// OpenFst's `RemoveSomeInputSymbols` for this acceptor: arcs labelled with one of `labels`
  /// become ε arcs (the aligners' temporary labels for silence and partial words).
  mutating func makeEpsilon(_ labels: Set<Int32>) {
    guard !labels.isEmpty else { return }
    for s in arcs.indices { for k in arcs[s].indices where labels.contains(arcs[s][k].label) { arcs[s][k].label = 0 } }
  }

  /// The first transition-id that `model` does not have, if any: a lattice of another model.
  public func firstTransitionId(notIn model: TransitionModel) -> Int32? {
    for stateArcs in arcs { for arc in stateArcs { if let bad = arc.weight.string.first(where: { !model.isValid(transitionId: $0) }) { return bad } } }
    for final in finals { if let bad = final.string.first(where: { !model.isValid(transitionId: $0) }) { return bad } }
    return nil
  }

  /// OpenFst's kIDeterministic without kIEpsilons: no arc labelled 0 and no two arcs of a
  /// state with one label.
  var isInputDeterministicWithoutEpsilons: Bool {
    arcs.allSatisfy { stateArcs in
      var seen = Set<Int32>()
      return stateArcs.allSatisfy { $0.label != 0 && seen.insert($0.label).inserted }
    }
  }
}

/// One word of a linear word-aligned lattice: its label, first frame and number of frames.
public struct AlignedWord: Equatable, Sendable {
  public var word: Int32
  public var begin: Int
  public var length: Int
}

extension CompactLattice {
  /// Kaldi's `CompactLatticeToWordAlignment`: the words of a linear lattice with the frames of
  /// their arcs (ε arcs included, label 0); nil, with Kaldi's warning, when it is not linear.
  public func linearWordAlignment() -> [AlignedWord]? {
    guard start >= 0 else { KaldiLog.warn("Empty lattice.", function: "CompactLatticeToWordAlignment"); return nil }
    var words: [AlignedWord] = []
    var s = Int(start), frame = 0
    for _ in 0...stateCount {
      if !finals[s].isZero {
        guard arcs[s].isEmpty else { KaldiLog.warn("Lattice is not linear.", function: "CompactLatticeToWordAlignment"); return nil }
        if !finals[s].string.isEmpty {
          KaldiLog.warn("Lattice has alignments on final-weight: probably was not word-aligned (alignments will be approximate)", function: "CompactLatticeToWordAlignment")
        }
        return words
      }
      guard arcs[s].count == 1 else {
        KaldiLog.warn("Lattice is not linear: num-arcs = \(arcs[s].count)", function: "CompactLatticeToWordAlignment")
        return nil
      }
      let arc = arcs[s][0]
      words.append(AlignedWord(word: arc.label, begin: frame, length: arc.weight.string.count))
      frame += arc.weight.string.count
      s = Int(arc.next)
    }
    KaldiLog.warn("Lattice is not linear.", function: "CompactLatticeToWordAlignment")   // a cycle
    return nil
  }
}
