/// The obviously correct decoder the fast one is tested against: exact Viterbi over every
/// state, no pruning, epsilon arcs relaxed until nothing changes. Slow; for tests and for
/// checking pruning settings on small graphs.
public enum ReferenceDecoder {
  /// The cost of the best complete path (final cost included), or +∞ if none.
  public static func bestCost(_ fst: Fst, _ decodable: any DecodableInterface) -> Double {
    let n = fst.stateCount
    guard fst.start >= 0 else { return .infinity }
    var cost = [Double](repeating: .infinity, count: n)
    cost[Int(fst.start)] = 0
    closeOverEpsilons(fst, &cost)
    for frame in 0..<decodable.frameCount {
      var next = [Double](repeating: .infinity, count: n)
      for s in 0..<n where cost[s] != .infinity {
        for a in fst.arcs(of: s) where fst.ilabels[a] != 0 {
          let c = cost[s] + Double(fst.weights[a]) - Double(decodable.logLikelihood(frame: frame, transitionId: fst.ilabels[a]))
          let t = Int(fst.nextStates[a])
          if c < next[t] { next[t] = c }
        }
      }
      cost = next
      closeOverEpsilons(fst, &cost)
    }
    var best = Double.infinity
    for s in 0..<n where fst.isFinal(s) { best = min(best, cost[s] + Double(fst.finals[s])) }
    return best
  }

  private static func closeOverEpsilons(_ fst: Fst, _ cost: inout [Double]) {
    var changed = true
    while changed {
      changed = false
      for s in 0..<fst.stateCount where cost[s] != .infinity {
        for a in fst.arcs(of: s) where fst.ilabels[a] == 0 {
          let c = cost[s] + Double(fst.weights[a])
          let t = Int(fst.nextStates[a])
          if c < cost[t] - 1e-12 {
            cost[t] = c
            changed = true
          }
        }
      }
    }
  }
}
