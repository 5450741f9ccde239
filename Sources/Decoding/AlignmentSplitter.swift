import KaldiBase

/// Splits a transition-id alignment into phone instances (Kaldi's `SplitToPhones`), for
/// alignments with self-loops first (normal) or last (reordered).
public struct AlignmentSplitter {
  public let model: TransitionModel
  public init(model: TransitionModel) { self.model = model }

  public func splitToPhones(_ alignment: [Int32], key: String = "") throws -> [[Int32]] {
    if alignment.isEmpty { return [] }
    for tid in alignment where !model.isValid(transitionId: tid) {
      throw KaldiError("Transition-id \(tid) in the alignment\(key.isEmpty ? "" : " of \(key)") is out of range (\(model.numTransitionIds) transition-ids): model and alignment do not match")
    }
    let reordered = isReordered(alignment)
    var ends: [Int] = []
    var i = 0
    while i < alignment.count {
      let tid = alignment[i]
      if model.isFinal(tid) {
        if reordered {
          while i + 1 < alignment.count && model.isSelfLoop(alignment[i + 1]) { i += 1 }
        }
        ends.append(i + 1)
      } else if i + 1 == alignment.count {
        ends.append(i + 1)
      } else {
        let here = model.transitionState(of: tid), next = model.transitionState(of: alignment[i + 1])
        if here != next && model.phone(of: tid) != model.phone(of: alignment[i + 1]) { ends.append(i + 1) }
      }
      i += 1
    }
    var pieces: [[Int32]] = []
    var start = 0
    for end in ends {
      pieces.append(Array(alignment[start..<end]))
      start = end
    }
    return pieces
  }

  private func isReordered(_ alignment: [Int32]) -> Bool {
    for i in 0..<(alignment.count - 1) where model.transitionState(of: alignment[i]) != model.transitionState(of: alignment[i + 1]) {
      if model.isSelfLoop(alignment[i]) { return true }
      if model.isSelfLoop(alignment[i + 1]) { return false }
    }
    if model.isSelfLoop(alignment[0]) { return false }
    return model.isSelfLoop(alignment[alignment.count - 1])
  }
}
