#if canImport(Glibc)
import Glibc
#endif
import KaldiBase

/// Builds the decoding graph of one known transcript: the phones' HMMs in sequence (each
/// word's pronunciations as alternatives, an optional silence between words), with
/// transition-ids as input labels and phones as output labels, for forced alignment.
///
/// Weights follow Kaldi's training graphs: a forward transition costs
/// −(transition-scale·log(p / (1 − p_loop)) + self-loop-scale·log(1 − p_loop)), a self-loop
/// −self-loop-scale·log(p_loop).
public struct TrainingGraphBuilder {
  public let model: TransitionModel
  public var transitionScale: Float = 1
  public var selfLoopScale: Float = 1

  public init(model: TransitionModel) { self.model = model }

  /// A graph for `words`, each a list of alternative pronunciations (phone-id sequences);
  /// `optionalSilence` (a phone id) may appear between words and at both ends, taken with
  /// probability `silenceProbability`.
  public func graph(words: [[[Int32]]], optionalSilence: Int32? = nil, silenceProbability: Float = 0.5) throws -> Fst {
    var builder = FstBuilder()
    var current = builder.addState()
    let start = current
    let silenceCost = -logf(silenceProbability), noSilenceCost = -logf(1 - silenceProbability)
    func silence(from a: Int32) throws -> Int32 {
      guard let sil = optionalSilence else { return a }
      let b = builder.addState()
      builder.addArc(a, 0, 0, noSilenceCost, b)
      let afterSil = try addPhone(sil, from: a, &builder, entryCost: silenceCost)
      builder.addArc(afterSil, 0, 0, 0, b)
      return b
    }
    current = try silence(from: current)
    for pronunciations in words {
      guard !pronunciations.isEmpty else { throw KaldiError("A word has no pronunciation") }
      let end = builder.addState()
      let cost = -logf(1 / Float(pronunciations.count))
      for phones in pronunciations {
        var s = current
        for (k, phone) in phones.enumerated() { s = try addPhone(phone, from: s, &builder, entryCost: k == 0 ? cost : 0) }
        builder.addArc(s, 0, 0, phones.isEmpty ? cost : 0, end)
      }
      current = try silence(from: end)
    }
    builder.setFinal(current, 0)
    return builder.build(start: start)
  }

  /// Appends one phone's HMM after state `from`; returns the state after its final state.
  private func addPhone(_ phone: Int32, from: Int32, _ b: inout FstBuilder, entryCost: Float) throws -> Int32 {
    let entry = try model.topology.entry(forPhone: phone)
    // One FST state per HMM state; the HMM's final state is the exit.
    let states = (0..<entry.count).map { _ in b.addState() }
    b.addArc(from, 0, phone, entryCost, states[0])
    for (h, hmmState) in entry.enumerated() where !hmmState.transitions.isEmpty {
      guard let tstate = transitionState(phone: phone, hmmState: Int32(h)) else {
        throw KaldiError("HMM state \(h) of phone \(phone) has no transition-state in the model")
      }
      let first = model.firstTransitionId(ofState: tstate)
      let loopProbability = hmmState.transitions.first { $0.destination == Int32(h) }?.probability ?? 0
      for (k, t) in hmmState.transitions.enumerated() {
        let tid = first + Int32(k)
        let cost: Float
        if t.destination == Int32(h) {
          cost = -selfLoopScale * logf(t.probability)
        } else {
          let rest = 1 - loopProbability
          cost = -(transitionScale * logf(t.probability / rest) + (loopProbability > 0 ? selfLoopScale * logf(rest) : 0))
        }
        b.addArc(states[h], tid, 0, cost, states[Int(t.destination)])
      }
    }
    return states[entry.count - 1]
  }

  private func transitionState(phone: Int32, hmmState: Int32) -> Int? {
    model.tuples.firstIndex { $0.phone == phone && $0.hmmState == hmmState }.map { $0 + 1 }
  }
}

/// Accumulates states and arcs, then packs them into an `Fst`.
struct FstBuilder {
  private var arcs: [[(Int32, Int32, Float, Int32)]] = []
  private var finals: [Float] = []

  mutating func addState() -> Int32 {
    arcs.append([])
    finals.append(.infinity)
    return Int32(arcs.count - 1)
  }
  mutating func addArc(_ from: Int32, _ ilabel: Int32, _ olabel: Int32, _ weight: Float, _ to: Int32) {
    arcs[Int(from)].append((ilabel, olabel, weight, to))
  }
  mutating func setFinal(_ s: Int32, _ w: Float) { finals[Int(s)] = w }

  func build(start: Int32) -> Fst {
    var arcStart: [Int32] = [0]
    var il: [Int32] = [], ol: [Int32] = [], w: [Float] = [], ns: [Int32] = []
    for list in arcs {
      for a in list { il.append(a.0); ol.append(a.1); w.append(a.2); ns.append(a.3) }
      arcStart.append(Int32(il.count))
    }
    return Fst(start: start, finals: finals, arcStart: arcStart, ilabels: il, olabels: ol, weights: w, nextStates: ns)
  }
}

/// Kaldi's flat-start alignment: the frames spread as evenly as possible over the HMM states
/// of the phone sequence, each state's frames its self-loops then its forward transition.
public func equalAlignment(model: TransitionModel, phones: [Int32], frames: Int) throws -> [Int32]? {
  // The emitting path through each phone: its states in order, taking forward transitions.
  var path: [(tstate: Int, loop: Int32?, forward: Int32)] = []
  for phone in phones {
    let entry = try model.topology.entry(forPhone: phone)
    var h = 0
    while h < entry.count - 1 {
      guard let index = model.tuples.firstIndex(where: { $0.phone == phone && $0.hmmState == Int32(h) }) else {
        throw KaldiError("HMM state \(h) of phone \(phone) has no transition-state in the model")
      }
      let tstate = index + 1
      let first = model.firstTransitionId(ofState: tstate)
      let transitions = entry[h].transitions
      guard let f = transitions.firstIndex(where: { $0.destination > Int32(h) }) else {
        throw KaldiError("HMM state \(h) of phone \(phone) has no forward transition")
      }
      let loop = transitions.firstIndex { $0.destination == Int32(h) }.map { first + Int32($0) }
      path.append((tstate, loop, first + Int32(f)))
      h = Int(transitions[f].destination)
    }
  }
  guard frames >= path.count, !path.isEmpty else { return nil }
  var alignment: [Int32] = []
  for (k, step) in path.enumerated() {
    let count = (k + 1) * frames / path.count - k * frames / path.count
    guard count == 1 || step.loop != nil else { return nil }
    alignment += [Int32](repeating: step.loop ?? step.forward, count: count - 1) + [step.forward]
  }
  return alignment
}
