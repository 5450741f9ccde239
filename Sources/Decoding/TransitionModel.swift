#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiIO

/// HMM topologies per phone (Kaldi's `HmmTopology`).
public struct HmmTopology: Sendable {
  /// One HMM state: its pdf classes and its transitions (destination state, probability).
  public struct State: Sendable {
    public var forwardPdfClass: Int32
    public var selfLoopPdfClass: Int32
    public var transitions: [(destination: Int32, probability: Float)]
  }
  public var phones: [Int32]
  /// Index into `entries` per phone id, −1 for phones without a topology.
  public var phoneToEntry: [Int32]
  public var entries: [[State]]
  /// False for chain-style topologies that give self-loops their own pdf class.
  public var isHmm: Bool

  public func entry(forPhone phone: Int32) throws -> [State] {
    guard phone >= 0, Int(phone) < phoneToEntry.count, phoneToEntry[Int(phone)] >= 0 else {
      throw KaldiError("Phone \(phone) has no topology")
    }
    return entries[Int(phoneToEntry[Int(phone)])]  // indices checked when the topology was read
  }
}

/// Kaldi's `TransitionModel` (hmm/transition-model.cc): the HMM topology plus the
/// (phone, HMM state, pdf) tuples, from which transition-ids are numbered, and their
/// log-probabilities. Read from `final.mdl` (binary or text); what follows it (a GMM or a
/// neural net) is not needed and not read.
public struct TransitionModel: Sendable {
  public struct Tuple: Sendable, Equatable {
    public var phone: Int32
    public var hmmState: Int32
    public var forwardPdf: Int32
    public var selfLoopPdf: Int32
  }

  public let topology: HmmTopology
  public let tuples: [Tuple]
  /// log P(transition) indexed by transition-id (index 0 unused).
  public let logProbs: [Float]
  /// First transition-id of each transition-state (1-based; one past the end at count+1).
  private let stateToId: [Int32]
  private let idToState: [Int32]
  private let idToPdf: [Int32]
  /// Destination HMM state, self-loop and final-transition flags per transition-id, so that
  /// the lattice aligners' per-frame questions are lookups.
  private let idToDestination: [Int32]
  private let idIsSelfLoop: [Bool]
  private let idIsFinal: [Bool]
  public let numPdfs: Int

  public var numTransitionStates: Int { tuples.count }
  public var numTransitionIds: Int { idToState.count - 1 }
  public var numPhones: Int { topology.phones.count }

  public init(topology: HmmTopology, tuples: [Tuple], logProbs: [Float]) throws {
    self.topology = topology
    self.tuples = tuples
    self.logProbs = logProbs
    var stateToId = [Int32](repeating: 0, count: tuples.count + 2)
    var next: Int32 = 1
    var pdfs = 0
    for s in 1...(tuples.count + 1) {
      stateToId[s] = next
      if s <= tuples.count {
        let t = tuples[s - 1]
        pdfs = max(pdfs, Int(t.forwardPdf) + 1, Int(t.selfLoopPdf) + 1)
        let entry = try topology.entry(forPhone: t.phone)
        guard t.hmmState >= 0, Int(t.hmmState) < entry.count else {
          throw KaldiError("Transition model tuple \(s) names HMM state \(t.hmmState) of phone \(t.phone), which has \(entry.count) states")
        }
        next += Int32(entry[Int(t.hmmState)].transitions.count)
      }
    }
    var idToState = [Int32](repeating: 0, count: Int(next))
    var idToPdf = [Int32](repeating: 0, count: Int(next))
    var idToDestination = [Int32](repeating: 0, count: Int(next))
    var idIsSelfLoop = [Bool](repeating: false, count: Int(next))
    var idIsFinal = [Bool](repeating: false, count: Int(next))
    for s in 1..<(tuples.count + 1) {
      let t = tuples[s - 1]
      let entry = try topology.entry(forPhone: t.phone)
      for tid in Int(stateToId[s])..<Int(stateToId[s + 1]) {
        idToState[tid] = Int32(s)
        let index = tid - Int(stateToId[s])
        let destination = entry[Int(t.hmmState)].transitions[index].destination
        idToDestination[tid] = destination
        idIsSelfLoop[tid] = destination == t.hmmState
        idIsFinal[tid] = Int(destination) + 1 == entry.count
        idToPdf[tid] = idIsSelfLoop[tid] ? t.selfLoopPdf : t.forwardPdf
      }
    }
    guard logProbs.count == Int(next) else {
      throw KaldiError("Transition model has \(next - 1) transition-ids but \(logProbs.count - 1) log-probabilities")
    }
    self.stateToId = stateToId
    self.idToState = idToState
    self.idToPdf = idToPdf
    (self.idToDestination, self.idIsSelfLoop, self.idIsFinal) = (idToDestination, idIsSelfLoop, idIsFinal)
    numPdfs = pdfs
  }

  public func isValid(transitionId tid: Int32) -> Bool { tid >= 1 && Int(tid) < idToState.count }

  public func pdf(of tid: Int32) -> Int32 { idToPdf[Int(tid)] }
  public func transitionState(of tid: Int32) -> Int32 { idToState[Int(tid)] }
  public func phone(of tid: Int32) -> Int32 { tuples[Int(idToState[Int(tid)]) - 1].phone }
  public func hmmState(of tid: Int32) -> Int32 { tuples[Int(idToState[Int(tid)]) - 1].hmmState }
  public func firstTransitionId(ofState s: Int) -> Int32 { stateToId[s] }
  public func transitionCount(ofState s: Int) -> Int { Int(stateToId[s + 1] - stateToId[s]) }
  public func transitionProbability(_ tid: Int32) -> Float { expf(logProbs[Int(tid)]) }

  /// Whether `tid` loops back to its own HMM state.
  public func isSelfLoop(_ tid: Int32) -> Bool { idIsSelfLoop[Int(tid)] }

  /// Whether `tid` goes to the final (non-emitting) state of its phone's HMM.
  public func isFinal(_ tid: Int32) -> Bool { idIsFinal[Int(tid)] }

  /// The destination HMM state of `tid`.
  public func destination(of tid: Int32) -> Int32 { idToDestination[Int(tid)] }
}
