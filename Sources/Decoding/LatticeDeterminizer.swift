import KaldiBase

/// Kaldi's `DeterminizeLatticePhonePrunedOptions` as latgen-faster-mapped registers them.
public struct DeterminizeLatticeOptions: Sendable {
  public var delta: Float = 1.0 / 1024
  public var maxMem = 50_000_000
  public var phoneDeterminize = true
  public var wordDeterminize = true
  public var minimize = false
  public init() {}

  public static func register<Root>(_ po: ParseOptions, _ s: Setting<Root>, _ k: WritableKeyPath<Root, DeterminizeLatticeOptions>) {
    po.register("delta", s, k.appending(path: \.delta), "Tolerance used in determinization")
    po.register("max-mem", s, k.appending(path: \.maxMem), "Maximum approximate memory usage in determinization (real usage might be many times this).")
    po.register("phone-determinize", s, k.appending(path: \.phoneDeterminize), "If true, do an initial pass of determinization on both phones and words (see also --word-determinize)")
    po.register("word-determinize", s, k.appending(path: \.wordDeterminize), "If true, do a second pass of determinization on words only (see also --phone-determinize)")
    po.register("minimize", s, k.appending(path: \.minimize), "If true, push and minimize after determinization.")
  }
}

/// Lattice pruning and determinization: the word-level determinization of Kaldi's
/// `DeterminizeLatticePruned`, which keeps for each word sequence its best path and puts the
/// transition-ids into the weights, giving a `CompactLattice`.
public enum LatticeDeterminizer {
  /// Removes the arcs and final weights of paths costing more than `beam` over the best, then
  /// the states no kept path visits (Kaldi's `PruneLattice`).
  public static func prune(_ lattice: Lattice, beam: Float) throws -> Lattice {
    try lattice.pruned(beam: Double(beam))
  }

  /// Keeps the states on some path from the start to a final state (OpenFst's `Connect`).
  public static func connect(_ lattice: Lattice) throws -> Lattice { try prune(lattice, beam: .infinity) }

  /// Prunes `lattice` to `beam` and determinizes it on words. When the result would exceed
  /// `options.maxMem` (approximately), retries with the beam narrowed by 0.75, as Kaldi does.
  public static func determinize(_ lattice: Lattice, beam: Float, options: DeterminizeLatticeOptions = DeterminizeLatticeOptions()) throws -> CompactLattice {
    var beam = beam
    while true {
      let pruned = try prune(lattice, beam: beam)
      var det = SubsetConstruction(pruned, maxMem: options.maxMem, delta: options.delta)
      if let result = try det.run() { return result }
      KaldiLog.warn("Did not reach requested beam in determinize-lattice: size exceeds maximum \(options.maxMem) bytes; retrying with beam \(formatG(Double(beam * 0.75), precision: 6))")
      beam *= 0.75
    }
  }
}

/// The subset construction over (weight, transition-id string) pairs.
private struct SubsetConstruction {
  /// One element of a determinized state: an input state, the weight and the transition-ids
  /// still owed on the way there.
  struct Element {
    var state: Int32
    var weight: LatticeWeight
    var string: [Int32]
  }

  /// What identifies a subset exactly; weights need only agree within `delta`.
  struct Shape: Hashable {
    var states: [Int32]
    var strings: [[Int32]]
  }

  let input: Lattice
  let maxMem: Int
  let delta: Float
  /// Input states that matter to a subset: those with a word arc or a final weight.
  let isMinimal: [Bool]
  var stateOf: [Shape: [(weights: [LatticeWeight], id: Int32)]] = [:]
  var subsets: [[Element]] = []
  var output = CompactLattice()
  var memory = 0

  init(_ input: Lattice, maxMem: Int, delta: Float) {
    self.input = input
    self.maxMem = maxMem
    self.delta = delta
    isMinimal = (0..<input.stateCount).map { s in !input.finals[s].isZero || input.arcs[s].contains { $0.olabel != 0 } }
  }

  /// Builds the compact lattice, or returns nil when it grew past the memory limit.
  mutating func run() throws -> CompactLattice? {
    guard input.start >= 0 else { return CompactLattice() }
    var startSubset = [Element(state: input.start, weight: .one, string: [])]
    closure(&startSubset)
    startSubset.removeAll { !isMinimal[Int($0.state)] }
    _ = addState(startSubset)
    output.start = 0
    var next = 0
    while next < subsets.count {
      let id = Int32(next)
      let subset = subsets[next]
      next += 1
      setFinal(id, subset)
      try processTransitions(id, subset)
      if memory > maxMem { return nil }
    }
    return output
  }

  /// The output state of `subset`: an existing one whose weights agree within `delta`
  /// (Kaldi's subset equality), or a new one.
  private mutating func addState(_ subset: [Element]) -> Int32 {
    let shape = Shape(states: subset.map(\.state), strings: subset.map(\.string))
    let weights = subset.map(\.weight)
    if let match = stateOf[shape]?.first(where: { zip($0.weights, weights).allSatisfy { $0.approximatelyEquals($1, delta: delta) } }) {
      return match.id
    }
    let id = output.addState()
    stateOf[shape, default: []].append((weights, id))
    subsets.append(subset)
    memory += subset.reduce(64) { $0 + 24 + 4 * $1.string.count }
    return id
  }

  /// The best of the elements' final weights (Kaldi's `ProcessFinal`).
  private mutating func setFinal(_ id: Int32, _ subset: [Element]) {
    var best: CompactLatticeWeight? = nil
    for e in subset {
      let f = input.finals[Int(e.state)]
      if f.isZero { continue }
      let w = e.weight.times(f)
      if let b = best, compare(w, e.string, b.weight, b.string) != 1 { continue }
      best = CompactLatticeWeight(w, e.string)
    }
    if let best { output.finals[Int(id)] = best }
  }

  /// One arc per word leaving the subset's states (Kaldi's `ProcessTransitions`).
  private mutating func processTransitions(_ id: Int32, _ subset: [Element]) throws {
    var byWord: [(word: Int32, element: Element)] = []
    for e in subset {
      for arc in input.arcs[Int(e.state)] where arc.olabel != 0 {
        let string = arc.ilabel == 0 ? e.string : e.string + [arc.ilabel]
        byWord.append((arc.olabel, Element(state: arc.next, weight: e.weight.times(arc.weight), string: string)))
      }
    }
    byWord.sort { $0.word != $1.word ? $0.word < $1.word : $0.element.state < $1.element.state }
    var i = 0
    while i < byWord.count {
      let word = byWord[i].word
      var elements: [Element] = []
      while i < byWord.count && byWord[i].word == word {
        elements.append(byWord[i].element)
        i += 1
      }
      // Kaldi's ProcessTransition: normalize what the word reaches, close it over epsilons,
      // keep the states that matter, normalize again; the arc carries both residues.
      let (w1, s1) = normalize(&elements)
      closure(&elements)
      elements.removeAll { !isMinimal[Int($0.state)] }
      if elements.isEmpty { continue }
      let (w2, s2) = normalize(&elements)
      let next = addState(elements)
      output.arcs[Int(id)].append(CompactLatticeArc(label: word, weight: CompactLatticeWeight(w1.times(w2), s1 + s2), next: next))
    }
  }

  /// Subtracts the best weight (Kaldi's `Plus`: the first of equals) and the common string
  /// prefix from every element; returns them.
  private func normalize(_ elements: inout [Element]) -> (LatticeWeight, [Int32]) {
    var weight = elements[0].weight
    var prefix = elements[0].string[...]
    for e in elements.dropFirst() {
      if e.weight.compare(weight) > 0 { weight = e.weight }
      var n = 0
      while n < prefix.count && n < e.string.count && prefix[prefix.startIndex + n] == e.string[n] { n += 1 }
      prefix = prefix.prefix(n)
    }
    for k in elements.indices {
      elements[k].weight = elements[k].weight.dividing(by: weight)
      elements[k].string.removeFirst(prefix.count)
    }
    return (weight, Array(prefix))
  }

  /// Follows word-epsilon arcs, keeping for each state the better (weight, string) pair
  /// (Kaldi's `EpsilonClosure`); the result is sorted by state.
  private func closure(_ subset: inout [Element]) {
    var current: [Int32: Element] = [:]
    for e in subset {
      if let old = current[e.state], compare(e.weight, e.string, old.weight, old.string) != 1 { continue }
      current[e.state] = e
    }
    var queue = subset
    var head = 0
    while head < queue.count {
      let e = queue[head]
      head += 1
      // A superseded element: its state was reached more cheaply since it was queued.
      guard let now = current[e.state], now.weight == e.weight, now.string == e.string else { continue }
      for arc in input.arcs[Int(e.state)] where arc.olabel == 0 {
        let weight = e.weight.times(arc.weight)
        let string = arc.ilabel == 0 ? e.string : e.string + [arc.ilabel]
        if let old = current[arc.next], compare(weight, string, old.weight, old.string) != 1 { continue }
        let n = Element(state: arc.next, weight: weight, string: string)
        current[arc.next] = n
        queue.append(n)
      }
    }
    subset = current.values.sorted { $0.state < $1.state }
  }
}
