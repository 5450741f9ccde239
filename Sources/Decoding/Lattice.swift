import KaldiBase

/// Kaldi's `LatticeWeight`: a graph cost and an acoustic cost, ordered by their sum.
public struct LatticeWeight: Equatable, Hashable, Sendable {
  public var graph: Float
  public var acoustic: Float

  public init(graph: Float, acoustic: Float) { (self.graph, self.acoustic) = (graph, acoustic) }

  public static let one = LatticeWeight(graph: 0, acoustic: 0)
  public static let zero = LatticeWeight(graph: .infinity, acoustic: .infinity)
  public var isZero: Bool { graph == .infinity }
  /// The cost a shortest path minimizes (Kaldi's `ConvertToCost`).
  public var cost: Double { Double(graph) + Double(acoustic) }

  /// ⊗: costs add (infinite stays infinite, as OpenFst's tropical Times).
  public func times(_ other: LatticeWeight) -> LatticeWeight {
    if isZero || other.isZero { return .zero }
    return LatticeWeight(graph: graph + other.graph, acoustic: acoustic + other.acoustic)
  }

  /// Left division by `other` (Kaldi's `Divide`): costs subtract.
  public func dividing(by other: LatticeWeight) -> LatticeWeight {
    if isZero { return .zero }
    return LatticeWeight(graph: graph - other.graph, acoustic: acoustic - other.acoustic)
  }

  /// Kaldi's `Compare`: 1 when `self` is better (smaller total cost in float; on a tie, the
  /// smaller graph cost), -1 when worse, 0 when equal.
  public func compare(_ other: LatticeWeight) -> Int {
    let a = graph + acoustic, b = other.graph + other.acoustic
    if a < b { return 1 }
    if a > b { return -1 }
    if graph < other.graph { return 1 }
    if graph > other.graph { return -1 }
    return 0
  }

  /// Kaldi's `ApproxEqual` for lattice weights: equal, or totals within `delta`.
  public func approximatelyEquals(_ other: LatticeWeight, delta: Float) -> Bool {
    self == other || abs((graph + acoustic) - (other.graph + other.acoustic)) <= delta
  }

  /// Kaldi's `ScaleLattice` with the 2×2 matrix [[lm, acoustic→lm], [lm→acoustic, acoustic]],
  /// computed in double as Kaldi does.
  public func scaled(_ s: LatticeScale) -> LatticeWeight {
    if isZero { return .zero }
    let g = Double(graph), a = Double(acoustic)
    return LatticeWeight(graph: Float(s.lm * g + s.acousticToLm * a), acoustic: Float(s.lmToAcoustic * g + s.acoustic * a))
  }
}

/// The scaling matrix of `ScaleLattice` (Kaldi's `LatticeScale` and `lattice-scale`'s options).
public struct LatticeScale: Sendable {
  public var lm: Double = 1
  public var acoustic: Double = 1
  public var acousticToLm: Double = 0
  public var lmToAcoustic: Double = 0
  public init(lm: Double = 1, acoustic: Double = 1, acousticToLm: Double = 0, lmToAcoustic: Double = 0) {
    (self.lm, self.acoustic, self.acousticToLm, self.lmToAcoustic) = (lm, acoustic, acousticToLm, lmToAcoustic)
  }
  public var isIdentity: Bool { lm == 1 && acoustic == 1 && acousticToLm == 0 && lmToAcoustic == 0 }
}

/// Kaldi's `CompactLatticeWeight`: a lattice weight and the transition-ids read along the arc.
public struct CompactLatticeWeight: Equatable, Hashable, Sendable {
  public var weight: LatticeWeight
  public var string: [Int32]
  public init(_ weight: LatticeWeight, _ string: [Int32] = []) { (self.weight, self.string) = (weight, string) }
  public static let zero = CompactLatticeWeight(.zero)
  public static let one = CompactLatticeWeight(.one)
  public var isZero: Bool { weight.isZero }
}

/// Kaldi's `Compare` of (weight, string) pairs: weights first; on a tie the shorter string,
/// then the one with the larger first differing label, counts as better.
func compare(_ aw: LatticeWeight, _ a: [Int32], _ bw: LatticeWeight, _ b: [Int32]) -> Int {
  let c = aw.compare(bw)
  if c != 0 { return c }
  if a.count != b.count { return a.count < b.count ? 1 : -1 }
  for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
  return 0
}

/// An arc of a state-level lattice: transition-id in, word out.
public struct LatticeArc: Equatable, Sendable {
  public var ilabel: Int32
  public var olabel: Int32
  public var weight: LatticeWeight
  public var next: Int32
  public init(ilabel: Int32, olabel: Int32, weight: LatticeWeight, next: Int32) {
    (self.ilabel, self.olabel, self.weight, self.next) = (ilabel, olabel, weight, next)
  }
}

/// Kaldi's `Lattice`: an FST with transition-ids on the input side, words on the output side
/// and (graph, acoustic) costs, as a decoder produces it before determinization.
public struct Lattice: Equatable, Sendable {
  public var start: Int32 = -1
  public var finals: [LatticeWeight] = []
  public var arcs: [[LatticeArc]] = []
  public init() {}

  public static var zeroFinal: LatticeWeight { .zero }
}

/// An arc of a compact lattice: one word, its weight and its transition-ids.
public struct CompactLatticeArc: Equatable, Sendable {
  public var label: Int32
  public var weight: CompactLatticeWeight
  public var next: Int32
  public init(label: Int32, weight: CompactLatticeWeight, next: Int32) {
    (self.label, self.weight, self.next) = (label, weight, next)
  }
}

/// Kaldi's `CompactLattice`: an acceptor over words whose weights carry the transition-id
/// strings, the determinized form latgen-faster-mapped writes.
public struct CompactLattice: Equatable, Sendable {
  public var start: Int32 = -1
  public var finals: [CompactLatticeWeight] = []
  public var arcs: [[CompactLatticeArc]] = []
  public init() {}

  public static var zeroFinal: CompactLatticeWeight { .zero }
}

/// One way into a state for the n-best search: its cost and where it came from (state, arc,
/// and the rank of the way into that state).
struct Way { var cost: Double; var state: Int32; var arc: Int32; var rank: Int32 }

/// A lattice that has a cycle where only acyclic lattices make sense.
public struct CyclicLatticeError: Error, CustomStringConvertible {
  public var description: String { "lattice has cycles" }
}

/// An arc of either lattice type, as the generic algorithms see it.
public protocol LatticeArcProtocol: Sendable {
  var next: Int32 { get set }
}

extension LatticeArc: LatticeArcProtocol {}
extension CompactLatticeArc: LatticeArcProtocol {}

/// What both lattice types store: states with final weights and arc lists.
public protocol MutableLattice: LatticeGraph {
  associatedtype Arc: LatticeArcProtocol
  associatedtype FinalWeight
  init()
  var start: Int32 { get set }
  var finals: [FinalWeight] { get set }
  var arcs: [[Arc]] { get set }
  static var zeroFinal: FinalWeight { get }
}

extension MutableLattice {
  public var stateCount: Int { finals.count }
  public var arcCount: Int { arcs.reduce(0) { $0 + $1.count } }
  public func successors(of state: Int) -> [Int32] { arcs[state].map(\.next) }

  @discardableResult
  public mutating func addState() -> Int32 {
    finals.append(Self.zeroFinal)
    arcs.append([])
    return Int32(finals.count - 1)
  }

  /// The lattice without the paths costing more than `beam` over the best (Kaldi's
  /// `PruneLattice`); states renumbered in topological order.
  public func pruned(beam: Double) throws -> Self {
    var out = Self()
    guard let plan = try pruningPlan(beam: beam) else { return out }
    for (i, s) in plan.order.enumerated() {
      out.addState()
      if plan.keptFinal[i] { out.finals[i] = finals[Int(s)] }
      out.arcs[i] = plan.keptArcs[i].map { k in
        var arc = arcs[Int(s)][k]
        arc.next = plan.newId[Int(arc.next)]
        return arc
      }
    }
    out.start = plan.newId[Int(start)]
    return out
  }
}

/// What every lattice type offers for the generic algorithms below.
public protocol LatticeGraph {
  var start: Int32 { get }
  var stateCount: Int { get }
  func successors(of state: Int) -> [Int32]
  /// The cost (graph + acoustic) of the k-th arc of `state`.
  func arcCost(_ state: Int, _ k: Int) -> Double
  /// The final cost of `state`, +∞ when it is not final.
  func finalCost(_ state: Int) -> Double
}

extension Lattice: MutableLattice {
  public func arcCost(_ state: Int, _ k: Int) -> Double { arcs[state][k].weight.cost }
  public func finalCost(_ state: Int) -> Double { finals[state].isZero ? .infinity : finals[state].cost }
}

extension CompactLattice: MutableLattice {
  public func arcCost(_ state: Int, _ k: Int) -> Double { arcs[state][k].weight.weight.cost }
  public func finalCost(_ state: Int) -> Double { finals[state].isZero ? .infinity : finals[state].weight.cost }
}

extension LatticeGraph {
  /// States in topological order (reachable from the start, then the rest); throws on a cycle.
  public func topologicalOrder() throws -> [Int32] {
    var mark = [UInt8](repeating: 0, count: stateCount)  // 0 new, 1 on the stack, 2 done
    var order: [Int32] = []
    order.reserveCapacity(stateCount)
    var roots: [Int32] = start >= 0 ? [start] : []
    roots += (0..<Int32(stateCount)).filter { $0 != start }
    for root in roots where mark[Int(root)] == 0 {
      var stack: [(state: Int32, next: Int)] = [(root, 0)]
      mark[Int(root)] = 1
      while let top = stack.last {
        let succ = successors(of: Int(top.state))
        if top.next < succ.count {
          stack[stack.count - 1].next += 1
          let n = succ[top.next]
          if mark[Int(n)] == 1 { throw CyclicLatticeError() }
          if mark[Int(n)] == 0 {
            mark[Int(n)] = 1
            stack.append((n, 0))
          }
        } else {
          mark[Int(top.state)] = 2
          order.append(top.state)
          stack.removeLast()
        }
      }
    }
    return order.reversed()
  }

  /// What Kaldi's `PruneLattice` keeps: the states, arcs and final weights on some path
  /// costing at most `beam` over the best (forward and backward costs in double), the states
  /// renumbered in topological order; nil when no final state is reachable.
  public func pruningPlan(beam: Double) throws -> PruningPlan? {
    guard start >= 0 else { return nil }
    let order = try topologicalOrder()
    var alpha = [Double](repeating: .infinity, count: stateCount)
    var beta = [Double](repeating: .infinity, count: stateCount)
    alpha[Int(start)] = 0
    for s in order where alpha[Int(s)] != .infinity {
      for (k, next) in successors(of: Int(s)).enumerated() {
        alpha[Int(next)] = min(alpha[Int(next)], alpha[Int(s)] + arcCost(Int(s), k))
      }
    }
    for s in order.reversed() {
      var b = finalCost(Int(s))
      for (k, next) in successors(of: Int(s)).enumerated() { b = min(b, arcCost(Int(s), k) + beta[Int(next)]) }
      beta[Int(s)] = b
    }
    guard beta[Int(start)] != .infinity else { return nil }
    let cutoff = beta[Int(start)] + beam
    var plan = PruningPlan(order: [], newId: [Int32](repeating: -1, count: stateCount), keptArcs: [], keptFinal: [])
    for s in order where alpha[Int(s)] != .infinity && beta[Int(s)] != .infinity && alpha[Int(s)] + beta[Int(s)] <= cutoff {
      plan.newId[Int(s)] = Int32(plan.order.count)
      plan.order.append(s)
    }
    for s in plan.order {
      plan.keptFinal.append(finalCost(Int(s)) != .infinity && alpha[Int(s)] + finalCost(Int(s)) <= cutoff)
      plan.keptArcs.append(successors(of: Int(s)).enumerated().compactMap { k, next in
        plan.newId[Int(next)] >= 0 && alpha[Int(s)] + arcCost(Int(s), k) + beta[Int(next)] <= cutoff ? k : nil
      })
    }
    return plan
  }

  /// The `count` cheapest paths, best first, each as (state, arc index) steps and its final
  /// state (fewer when the lattice has fewer paths): each state keeps its `count` cheapest
  /// ways in, in topological order, costs summed in double; among equal costs the earlier
  /// found comes first.
  public func cheapestPaths(count: Int) throws -> [(steps: [(state: Int32, arc: Int32)], final: Int32)] {
    guard start >= 0, count > 0 else { return [] }
    let order = try topologicalOrder()
    var ways = [[Way]](repeating: [], count: stateCount)
    ways[Int(start)] = [Way(cost: 0, state: -1, arc: -1, rank: -1)]
    func insert(_ way: Way, into list: inout [Way]) {
      guard list.count < count || way.cost < list[list.count - 1].cost else { return }
      let at = list.firstIndex { way.cost < $0.cost } ?? list.count
      list.insert(way, at: at)
      if list.count > count { list.removeLast() }
    }
    var endings: [Way] = []   // state = final state, rank = way into it
    for s in order where !ways[Int(s)].isEmpty {
      for (rank, way) in ways[Int(s)].enumerated() {
        for (k, next) in successors(of: Int(s)).enumerated() {
          insert(Way(cost: way.cost + arcCost(Int(s), k), state: s, arc: Int32(k), rank: Int32(rank)), into: &ways[Int(next)])
        }
        let f = finalCost(Int(s))
        if f != .infinity { insert(Way(cost: way.cost + f, state: s, arc: -1, rank: Int32(rank)), into: &endings) }
      }
    }
    return endings.map { end in
      var steps: [(state: Int32, arc: Int32)] = []
      var (s, rank) = (end.state, end.rank)
      while true {
        let way = ways[Int(s)][Int(rank)]
        if way.state < 0 { break }
        steps.append((way.state, way.arc))
        (s, rank) = (way.state, way.rank)
      }
      return (steps.reversed(), end.state)
    }
  }

  /// The cheapest path as (state, arc index) steps and its final state, or nil when no final
  /// state is reachable: states in topological order, costs summed in double, the first of
  /// equal-cost predecessors kept (Kaldi's `CompactLatticeShortestPath`).
  public func cheapestPath() throws -> (steps: [(state: Int32, arc: Int32)], final: Int32)? {
    guard start >= 0 else { return nil }
    let order = try topologicalOrder()
    var cost = [Double](repeating: .infinity, count: stateCount)
    var back = [(state: Int32, arc: Int32)](repeating: (-1, -1), count: stateCount)
    cost[Int(start)] = 0
    for s in order where cost[Int(s)] != .infinity {
      for (k, next) in successors(of: Int(s)).enumerated() {
        let c = cost[Int(s)] + arcCost(Int(s), k)
        if c < cost[Int(next)] {
          cost[Int(next)] = c
          back[Int(next)] = (s, Int32(k))
        }
      }
    }
    var best: Int32 = -1
    var bestCost = Double.infinity
    for s in order where finalCost(Int(s)) != .infinity {
      let c = cost[Int(s)] + finalCost(Int(s))
      if c < bestCost { (best, bestCost) = (s, c) }
    }
    guard best >= 0 else { return nil }
    var steps: [(state: Int32, arc: Int32)] = []
    var s = best
    while s != start {
      steps.append(back[Int(s)])
      s = back[Int(s)].state
    }
    return (steps.reversed(), best)
  }
}

extension Lattice {
  /// The cheapest path through the lattice (OpenFst's `ShortestPath` then Kaldi's
  /// `GetLinearSymbolSequence`), or nil when no final state is reachable.
  public func bestPath() throws -> CompactLatticePath? {
    guard let (steps, best) = try cheapestPath() else { return nil }
    let chain = steps.map { arcs[Int($0.state)][Int($0.arc)] }
    var path = CompactLatticePath(words: [], alignment: [], weight: .one)
    for arc in chain {
      if arc.ilabel != 0 { path.alignment.append(arc.ilabel) }
      if arc.olabel != 0 { path.words.append(arc.olabel) }
      path.weight = path.weight.times(arc.weight)
    }
    path.weight = path.weight.times(finals[Int(best)])
    return path
  }

  public mutating func scale(_ s: LatticeScale) {
    if s.isIdentity { return }
    for i in arcs.indices {
      finals[i] = finals[i].scaled(s)
      for j in arcs[i].indices { arcs[i][j].weight = arcs[i][j].weight.scaled(s) }
    }
  }

  /// Adds `penalty` to the graph cost of every arc with a word (Kaldi's `AddWordInsPenToLattice`).
  public mutating func addWordInsertionPenalty(_ penalty: Float) {
    for i in arcs.indices {
      for j in arcs[i].indices where arcs[i][j].olabel != 0 { arcs[i][j].weight.graph += penalty }
    }
  }
}

extension CompactLattice {
  public mutating func scale(_ s: LatticeScale) {
    if s.isIdentity { return }
    for i in arcs.indices {
      finals[i].weight = finals[i].weight.scaled(s)
      for j in arcs[i].indices { arcs[i][j].weight.weight = arcs[i][j].weight.weight.scaled(s) }
    }
  }

  /// Adds `penalty` to the graph cost of every arc with a word (Kaldi's `AddWordInsPenToCompactLattice`).
  public mutating func addWordInsertionPenalty(_ penalty: Float) {
    for i in arcs.indices {
      for j in arcs[i].indices where arcs[i][j].label != 0 { arcs[i][j].weight.weight.graph += penalty }
    }
  }

  /// The cheapest path (Kaldi's `CompactLatticeShortestPath`), or nil when no final state is
  /// reachable.
  public func bestPath() throws -> CompactLatticePath? {
    guard let (steps, best) = try cheapestPath() else { return nil }
    let chain = steps.map { arcs[Int($0.state)][Int($0.arc)] }
    var path = CompactLatticePath(words: [], alignment: [], weight: .one)
    for arc in chain {
      if arc.label != 0 { path.words.append(arc.label) }
      path.alignment += arc.weight.string
      path.weight = path.weight.times(arc.weight.weight)
    }
    path.alignment += finals[Int(best)].string
    path.weight = path.weight.times(finals[Int(best)].weight)
    return path
  }

  /// Expands every word arc into a chain of transition-id arcs, the word on the first
  /// (Kaldi's `ConvertLattice` from CompactLattice to Lattice).
  public func expanded() -> Lattice {
    var out = Lattice()
    for _ in 0..<stateCount { out.addState() }
    out.start = start
    for s in 0..<stateCount {
      for arc in arcs[s] {
        appendChain(to: &out, from: Int32(s), word: arc.label, weight: arc.weight, to: arc.next)
      }
      let f = finals[s]
      if f.isZero { continue }
      if f.string.isEmpty {
        out.finals[s] = f.weight
      } else {
        let end = out.addState()
        out.finals[Int(end)] = .one
        appendChain(to: &out, from: Int32(s), word: 0, weight: f, to: end)
      }
    }
    return out
  }

  private func appendChain(to out: inout Lattice, from: Int32, word: Int32, weight: CompactLatticeWeight, to next: Int32) {
    let string = weight.string
    if string.isEmpty {
      out.arcs[Int(from)].append(LatticeArc(ilabel: 0, olabel: word, weight: weight.weight, next: next))
      return
    }
    var cur = from
    for (i, tid) in string.enumerated() {
      let dest = i == string.count - 1 ? next : out.addState()
      out.arcs[Int(cur)].append(LatticeArc(ilabel: tid, olabel: i == 0 ? word : 0, weight: i == 0 ? weight.weight : .one, next: dest))
      cur = dest
    }
  }
}

/// The states (old ids in their new order), arcs and final weights a pruning keeps.
public struct PruningPlan {
  public var order: [Int32]
  /// New id of each old state, -1 when dropped.
  public var newId: [Int32]
  /// Per kept state (new order), the indices of its kept arcs.
  public var keptArcs: [[Int]]
  public var keptFinal: [Bool]
}

extension CompactLattice {
  /// The best path as a linear compact lattice (Kaldi's `CompactLatticeShortestPath`), empty
  /// when no final state is reachable.
  public func bestPathLattice() throws -> CompactLattice {
    var out = CompactLattice()
    guard let (steps, final) = try cheapestPath() else { return out }
    out.addState()
    out.start = 0
    for step in steps {
      let next = out.addState()
      var arc = arcs[Int(step.state)][Int(step.arc)]
      arc.next = next
      out.arcs[Int(next) - 1].append(arc)
    }
    out.finals[out.stateCount - 1] = finals[Int(final)]
    return out
  }
}

/// One path of a lattice: its words, its transition-ids and its summed weight.
public struct CompactLatticePath: Equatable, Sendable {
  public var words: [Int32]
  public var alignment: [Int32]
  public var weight: LatticeWeight
}

/// The lattice path closest to a reference word sequence (Kaldi's `lattice-oracle`): the
/// fewest substitutions, insertions and deletions over all paths, lattice scores ignored.
public struct OraclePath: Equatable, Sendable {
  public var words: [Int32]
  public var substitutions = 0
  public var insertions = 0
  public var deletions = 0
  public var errors: Int { substitutions + insertions + deletions }
}

extension CompactLattice {
  /// Edit-distance search over (state, reference position) in topological order; words in
  /// `wildcards` (and epsilon) vanish from both sides. Nil when no final state is reachable.
  public func oraclePath(reference: [Int32], wildcards: Set<Int32> = []) throws -> OraclePath? {
    guard start >= 0 else { return nil }
    let ref = reference.filter { $0 != 0 && !wildcards.contains($0) }
    let m = ref.count + 1
    let order = try topologicalOrder()
    // Cost and back-pointer per (state, j): the previous (state, j) and the arc taken (-1: a
    // deletion within the state).
    var cost = [Int](repeating: .max, count: stateCount * m)
    var back = [(state: Int32, j: Int32, arc: Int32)](repeating: (-1, -1, -1), count: stateCount * m)
    cost[Int(start) * m] = 0
    func relax(_ to: Int, _ c: Int, _ from: (Int32, Int32, Int32)) {
      if c < cost[to] { cost[to] = c; back[to] = from }
    }
    for s in order.map(Int.init) {
      for j in 0..<m where cost[s * m + j] != .max {
        let c = cost[s * m + j]
        if j < ref.count { relax(s * m + j + 1, c + 1, (Int32(s), Int32(j), -1)) }
        for (k, arc) in arcs[s].enumerated() {
          let n = Int(arc.next) * m
          if arc.label == 0 || wildcards.contains(arc.label) {
            relax(n + j, c, (Int32(s), Int32(j), Int32(k)))
            continue
          }
          relax(n + j, c + 1, (Int32(s), Int32(j), Int32(k)))
          if j < ref.count { relax(n + j + 1, c + (arc.label == ref[j] ? 0 : 1), (Int32(s), Int32(j), Int32(k))) }
        }
      }
    }
    var best = -1
    for s in order.map(Int.init) where !finals[s].isZero && cost[s * m + ref.count] != .max {
      if best < 0 || cost[s * m + ref.count] < cost[best] { best = s * m + ref.count }
    }
    guard best >= 0 else { return nil }
    var path = OraclePath(words: [])
    var at = best
    while back[at].state >= 0 {
      let (s, j, k) = back[at]
      if k < 0 {
        path.deletions += 1
      } else {
        let word = arcs[Int(s)][Int(k)].label
        if word != 0 && !wildcards.contains(word) {
          path.words.append(word)
          if at % m == Int(j) { path.insertions += 1 } else if word != ref[Int(j)] { path.substitutions += 1 }
        }
      }
      at = Int(s) * m + Int(j)
    }
    path.words.reverse()
    return path
  }

  /// The best-scoring path whose words (epsilon and `wildcards` aside) are `words`, as a
  /// linear lattice; empty when there is none.
  public func pathLattice(withWords words: [Int32], wildcards: Set<Int32> = []) throws -> CompactLattice {
    guard start >= 0 else { return CompactLattice() }
    let m = words.count + 1
    let order = try topologicalOrder()
    var cost = [Double](repeating: .infinity, count: stateCount * m)
    var back = [(state: Int32, j: Int32, arc: Int32)](repeating: (-1, -1, -1), count: stateCount * m)
    cost[Int(start) * m] = 0
    for s in order.map(Int.init) {
      for j in 0..<m where cost[s * m + j] != .infinity {
        for (k, arc) in arcs[s].enumerated() {
          let skip = arc.label == 0 || wildcards.contains(arc.label)
          guard skip || (j < words.count && arc.label == words[j]) else { continue }
          let to = Int(arc.next) * m + j + (skip ? 0 : 1)
          let c = cost[s * m + j] + arc.weight.weight.cost
          if c < cost[to] { cost[to] = c; back[to] = (Int32(s), Int32(j), Int32(k)) }
        }
      }
    }
    var best = -1
    for s in order.map(Int.init) where !finals[s].isZero && cost[s * m + words.count] != .infinity {
      let c = cost[s * m + words.count] + finals[s].weight.cost
      if best < 0 || c < cost[best] + finals[best / m].weight.cost { best = s * m + words.count }
    }
    guard best >= 0 else { return CompactLattice() }
    var chain: [CompactLatticeArc] = []
    var at = best
    while back[at].state >= 0 {
      let (s, j, k) = back[at]
      chain.append(arcs[Int(s)][Int(k)])
      at = Int(s) * m + Int(j)
    }
    var out = CompactLattice()
    out.start = out.addState()
    for arc in chain.reversed() {
      let next = out.addState()
      out.arcs[Int(next) - 1].append(CompactLatticeArc(label: arc.label, weight: arc.weight, next: next))
    }
    out.finals[out.stateCount - 1] = finals[best / m]
    return out
  }
}

// MARK: - N-best paths as lattices (Kaldi's ShortestPath with n, ConvertNbestToVector)

extension Lattice {
  /// The `count` cheapest paths as linear lattices, best first, shaped as Kaldi's
  /// `ConvertNbestToVector` leaves OpenFst's `ShortestPath` output: for one path the arcs with
  /// the final weight on the last state; for n > 1 each path framed as OpenFst's n-shortest
  /// algorithm builds it (two ε arcs, the arcs, an ε arc carrying the final weight).
  public func nbestPaths(_ count: Int) throws -> [Lattice] {
    try cheapestPaths(count: count).map { path in
      var out = Lattice()
      out.start = out.addState()
      var arcs = path.steps.map { self.arcs[Int($0.state)][Int($0.arc)] }
      if count > 1 {
        let epsilon = LatticeArc(ilabel: 0, olabel: 0, weight: .one, next: 0)
        var last = epsilon
        last.weight = finals[Int(path.final)]
        arcs = [epsilon, epsilon] + arcs + [last]
      }
      for var arc in arcs {
        arc.next = out.addState()
        out.arcs[Int(arc.next) - 1].append(arc)
      }
      out.finals[out.stateCount - 1] = count > 1 ? .one : finals[Int(path.final)]
      return out
    }
  }

  /// A linear lattice as a compact one, as Kaldi's `ConvertLattice` joins it: a state with one
  /// arc in and one out that is neither initial nor final, and whose outgoing arc has no word,
  /// is absorbed into the chain before it; each chain becomes one arc with the first arc's word,
  /// the chain's transition-ids and the product of its weights.
  public func linearCompacted() -> CompactLattice {
    var out = CompactLattice()
    guard start >= 0 else { return out }
    var incoming = [Int](repeating: 0, count: stateCount)
    for s in 0..<stateCount { for arc in arcs[s] { incoming[Int(arc.next)] += 1 } }
    func absorbed(_ s: Int32) -> Bool {
      s != start && incoming[Int(s)] == 1 && arcs[Int(s)].count == 1 && finals[Int(s)].isZero && arcs[Int(s)][0].olabel == 0
    }
    var newId = [Int32](repeating: -1, count: stateCount)
    var s = start
    newId[Int(s)] = out.addState()
    out.start = 0
    while true {
      let from = newId[Int(s)]
      out.finals[Int(from)] = CompactLatticeWeight(finals[Int(s)])
      guard let first = arcs[Int(s)].first else { break }
      var weight = CompactLatticeWeight(.one)
      var arc = first
      while true {
        weight.weight = weight.weight.times(arc.weight)
        if arc.ilabel != 0 { weight.string.append(arc.ilabel) }
        guard absorbed(arc.next) else { break }
        arc = arcs[Int(arc.next)][0]
      }
      s = arc.next
      newId[Int(s)] = out.addState()
      out.arcs[Int(from)].append(CompactLatticeArc(label: first.olabel, weight: weight, next: newId[Int(s)]))
    }
    return out
  }

  /// Kaldi's `GetLinearSymbolSequence`: the transition-ids, words and total weight of a
  /// lattice that is one path; nil when some state branches or is final with arcs. A lattice
  /// without a start state is the empty path of weight zero.
  public func linearSymbols() -> (alignment: [Int32], words: [Int32], weight: LatticeWeight)? {
    guard start >= 0 else { return ([], [], .zero) }
    var alignment: [Int32] = [], words: [Int32] = [], weight = LatticeWeight.one
    var s = Int(start)
    for _ in 0...stateCount {
      if !finals[s].isZero {
        weight = weight.times(finals[s])
        return arcs[s].isEmpty ? (alignment, words, weight) : nil
      }
      guard arcs[s].count == 1 else { return nil }
      let arc = arcs[s][0]
      weight = weight.times(arc.weight)
      if arc.ilabel != 0 { alignment.append(arc.ilabel) }
      if arc.olabel != 0 { words.append(arc.olabel) }
      s = Int(arc.next)
    }
    return nil   // a cycle of single arcs
  }
}
