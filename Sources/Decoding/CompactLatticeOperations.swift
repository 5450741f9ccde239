#if canImport(Glibc)
import Glibc
#endif

/// Kaldi's `LogAdd` in double: log(eˣ + eʸ), the smaller term dropped below double precision.
func logAdd(_ x: Double, _ y: Double) -> Double {
  let (hi, lo) = x < y ? (y, x) : (x, y)
  let diff = lo - hi
  return diff >= log(Double.ulpOfOne) ? hi + log1p(exp(diff)) : hi
}

/// Graph operations on compact lattices that OpenFst provides to Kaldi's lattice tools:
/// ⊕/⊗ of compact weights, epsilon removal, trimming and topological renumbering.
extension CompactLatticeWeight {
  /// ⊗: weights add, strings concatenate.
  public func times(_ other: CompactLatticeWeight) -> CompactLatticeWeight {
    if isZero || other.isZero { return .zero }
    return CompactLatticeWeight(weight.times(other.weight), string + other.string)
  }

  /// Kaldi's `ApproxEqual` of compact weights: the same transition-ids and totals within
  /// `delta` (OpenFst's kDelta by default; its shortest distance uses kShortestDelta, 1e-6).
  public func approximatelyEquals(_ other: CompactLatticeWeight, delta: Float = 1.0 / 1024) -> Bool {
    string == other.string && weight.approximatelyEquals(other.weight, delta: delta)
  }

  /// ⊕ of Kaldi's compact-lattice semiring: the better of the two (Kaldi's `Compare`), the
  /// first on a tie.
  public func plus(_ other: CompactLatticeWeight) -> CompactLatticeWeight {
    if other.isZero { return self }
    if isZero { return other }
    return compare(weight, string, other.weight, other.string) >= 0 ? self : other
  }
}

extension CompactLattice {
  /// OpenFst's `RmEpsilon` with connection, for this acceptor: arcs labelled 0 disappear and
  /// their weights and transition-ids move onto the labelled arcs (or final weights) that
  /// follow them, taking the best ε-path into each (the semiring's shortest distance). A state
  /// survives when it is the start or has a labelled arc into it; arcs that end up with the same
  /// label and destination from one state are merged with ⊕. The result is trimmed.
  ///
  /// As OpenFst, states are expanded in place in reverse topological order of the ε arcs, so
  /// a state's ε-closure reaches states already expanded; that fixes the order of the arcs.
  public func removingEpsilons() -> CompactLattice {
    guard start >= 0 else { return CompactLattice() }
    var fst = self
    var kept = [Bool](repeating: false, count: stateCount)
    kept[Int(start)] = true
    for s in 0..<stateCount { for arc in arcs[s] where arc.label != 0 { kept[Int(arc.next)] = true } }
    let order = isTopSorted ? Array(0..<stateCount) : epsilonPostOrder().reversed()
    var rank = [Int](repeating: 0, count: stateCount)
    for (i, s) in order.enumerated() { rank[s] = i }
    for s in order.reversed() where kept[s] {
      let distance = fst.epsilonDistances(from: s, rank: rank)
      var merged: [Int32: [Int32: Int]] = [:]   // label → next → index in collected
      var collected: [CompactLatticeArc] = []
      var final = CompactLatticeWeight.zero
      // The ε-closure is visited depth first (a stack), collecting the labelled arcs of each
      // state as it is popped; they are added to the state in reverse.
      var visited = Set<Int>(), stack = [s]
      while let q = stack.popLast() {
        guard visited.insert(q).inserted, let dq = distance[q] else { continue }
        for arc in fst.arcs[q] {
          guard arc.label != 0 else {
            if !visited.contains(Int(arc.next)) { stack.append(Int(arc.next)) }
            continue
          }
          let weight = dq.times(arc.weight)
          if let k = merged[arc.label]?[arc.next] {
            collected[k].weight = collected[k].weight.plus(weight)
          } else {
            merged[arc.label, default: [:]][arc.next] = collected.count
            collected.append(CompactLatticeArc(label: arc.label, weight: weight, next: arc.next))
          }
        }
        final = final.plus(dq.times(fst.finals[q]))
      }
      fst.arcs[s] = collected.reversed()
      fst.finals[s] = final
    }
    for s in 0..<stateCount where !kept[s] { fst.arcs[s] = [] }
    return fst.trimmed()
  }

  /// Post-order of a depth-first search over the ε arcs only (from the start, then from every
  /// state not yet visited, in order): OpenFst's topological order of the ε graph, reversed.
  private func epsilonPostOrder() -> [Int] {
    var visited = [Bool](repeating: false, count: stateCount)
    var post: [Int] = []
    for root in [Int(start)] + Array(0..<stateCount) where !visited[root] {
      visited[root] = true
      var stack: [(state: Int, arc: Int)] = [(root, 0)]
      while let (s, k) = stack.last {
        guard k < arcs[s].count else { post.append(s); stack.removeLast(); continue }
        stack[stack.count - 1].arc += 1
        let next = Int(arcs[s][k].next)
        if arcs[s][k].label == 0 && !visited[next] { visited[next] = true; stack.append((next, 0)) }
      }
    }
    return post
  }

  /// The best weight of an ε-path from `s` to each state it reaches through ε arcs (`s`
  /// itself with ⊗-identity): OpenFst's shortest distance over the ε-closure, states taken in
  /// topological order (`rank`), a distance replaced only by one that is not approximately
  /// equal (so of two paths with the same total cost, the first found stays).
  private func epsilonDistances(from s: Int, rank: [Int]) -> [Int: CompactLatticeWeight] {
    var members = [s], seen: Set<Int> = [s], stack = [s]
    while let q = stack.popLast() {
      for arc in arcs[q] where arc.label == 0 && seen.insert(Int(arc.next)).inserted {
        members.append(Int(arc.next))
        stack.append(Int(arc.next))
      }
    }
    members.sort { rank[$0] < rank[$1] }
    var distance: [Int: CompactLatticeWeight] = [s: .one]
    for q in members {
      guard let dq = distance[q] else { continue }
      for arc in arcs[q] where arc.label == 0 {
        let r = Int(arc.next), candidate = dq.times(arc.weight)
        guard let dr = distance[r] else { distance[r] = candidate; continue }
        let sum = dr.plus(candidate)
        if !sum.approximatelyEquals(dr, delta: 1e-6) { distance[r] = sum }   // OpenFst's kShortestDelta
      }
    }
    return distance
  }

  /// OpenFst's `Connect`: only states on some path from the start to a final state remain,
  /// renumbered in their old order.
  public func trimmed() -> CompactLattice {
    guard start >= 0 else { return CompactLattice() }
    var accessible = [Bool](repeating: false, count: stateCount)
    var stack = [Int(start)]
    accessible[Int(start)] = true
    while let s = stack.popLast() {
      for arc in arcs[s] where !accessible[Int(arc.next)] { accessible[Int(arc.next)] = true; stack.append(Int(arc.next)) }
    }
    var predecessors = [[Int]](repeating: [], count: stateCount)
    for s in 0..<stateCount where accessible[s] { for arc in arcs[s] { predecessors[Int(arc.next)].append(s) } }
    var coaccessible = [Bool](repeating: false, count: stateCount)
    stack = (0..<stateCount).filter { accessible[$0] && !finals[$0].isZero }
    for s in stack { coaccessible[s] = true }
    while let s = stack.popLast() {
      for p in predecessors[s] where !coaccessible[p] { coaccessible[p] = true; stack.append(p) }
    }
    guard coaccessible[Int(start)] else { return CompactLattice() }
    var newId = [Int32](repeating: -1, count: stateCount)
    var out = CompactLattice()
    for s in 0..<stateCount where coaccessible[s] { newId[s] = out.addState() }
    out.start = newId[Int(start)]
    for s in 0..<stateCount where coaccessible[s] {
      out.finals[Int(newId[s])] = finals[s]
      out.arcs[Int(newId[s])] = arcs[s].compactMap { arc in
        guard newId[Int(arc.next)] >= 0 else { return nil }
        var arc = arc
        arc.next = newId[Int(arc.next)]
        return arc
      }
    }
    return out
  }

  /// Whether every arc goes to a higher-numbered state (OpenFst's kTopSorted).
  public var isTopSorted: Bool {
    arcs.indices.allSatisfy { s in arcs[s].allSatisfy { Int($0.next) > s } }
  }

  /// Kaldi's `TopSortCompactLatticeIfNeeded`: renumbered in topological order unless it is
  /// already so numbered.
  public func topSortedIfNeeded() throws -> CompactLattice {
    guard !isTopSorted else { return self }
    var newId = [Int32](repeating: -1, count: stateCount)
    for (i, s) in try topologicalOrder().enumerated() { newId[Int(s)] = Int32(i) }   // OpenFst's DFS order
    var out = CompactLattice()
    out.finals = [CompactLatticeWeight](repeating: .zero, count: stateCount)
    out.arcs = [[CompactLatticeArc]](repeating: [], count: stateCount)
    out.start = newId[Int(start)]
    for s in 0..<stateCount where newId[s] >= 0 {
      out.finals[Int(newId[s])] = finals[s]
      out.arcs[Int(newId[s])] = arcs[s].map { var a = $0; a.next = newId[Int(a.next)]; return a }
    }
    return out
  }

  /// Kaldi's `LatticeForwardBackward` total: the log of the summed probabilities
  /// exp(−graph − acoustic) of all paths.
  public func totalLogLikelihood() throws -> Double {
    guard start >= 0 else { return -.infinity }
    var alpha = [Double](repeating: -.infinity, count: stateCount)
    alpha[Int(start)] = 0
    var total = -Double.infinity
    for s in try topologicalOrder().map(Int.init) where alpha[s] > -.infinity {
      for arc in arcs[s] { alpha[Int(arc.next)] = logAdd(alpha[Int(arc.next)], alpha[s] - arc.weight.weight.cost) }
      if !finals[s].isZero { total = logAdd(total, alpha[s] - finals[s].weight.cost) }
    }
    return total
  }

  /// Kaldi's `CreateSuperFinal`: one final state with weight ⊗-identity and no arcs; the
  /// final weights of the old final states (transition-ids included) move onto ε arcs into it.
  /// A lattice whose only final state already is so stays as it is.
  public func withSuperFinal() -> CompactLattice {
    let finalStates = (0..<stateCount).filter { !finals[$0].isZero }
    if finalStates.count == 1, finals[finalStates[0]] == .one, arcs[finalStates[0]].isEmpty { return self }
    var out = self
    let superFinal = out.addState()
    out.finals[Int(superFinal)] = .one
    for s in finalStates {
      out.arcs[s].append(CompactLatticeArc(label: 0, weight: finals[s], next: superFinal))
      out.finals[s] = .zero
    }
    return out
  }
}
