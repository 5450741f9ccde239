import KaldiBase

/// Kaldi's `LatticeFasterDecoderConfig`: the search beams and the lattice beam.
public struct LatticeDecoderOptions: Sendable {
  public var beam: Float = 16
  public var maxActive = Int(Int32.max)
  public var minActive = 200
  public var latticeBeam: Float = 10
  public var pruneInterval = 25
  public var determinizeLattice = true
  public var beamDelta: Float = 0.5
  public var hashRatio: Float = 2
  public var pruneScale: Float = 0.1
  public var determinize = DeterminizeLatticeOptions()
  public init() {}

  public static func register(_ po: ParseOptions, _ s: Setting<LatticeDecoderOptions>) {
    po.register("beam", s, \.beam, "Decoding beam.  Larger->slower, more accurate.")
    po.register("max-active", s, \.maxActive, "Decoder max active states.  Larger->slower; more accurate")
    po.register("min-active", s, \.minActive, "Decoder minimum #active states.")
    po.register("lattice-beam", s, \.latticeBeam, "Lattice generation beam.  Larger->slower, and deeper lattices")
    po.register("prune-interval", s, \.pruneInterval, "Interval (in frames) at which to prune tokens")
    po.register("determinize-lattice", s, \.determinizeLattice, "If true, determinize the lattice (lattice-determinization, keeping only best pdf-sequence for each word-sequence).")
    po.register("beam-delta", s, \.beamDelta, "Increment used in decoding-- this parameter is obscure and relates to a speedup in the way the max-active constraint is applied.  Larger is more accurate.")
    po.register("hash-ratio", s, \.hashRatio, "Setting used in decoder to control hash behavior (accepted for compatibility; ksnn's token table needs no hash)")
    po.register("prune-scale", s, \.pruneScale, "Scale used in pruning (0.1 should be fine)")
    DeterminizeLatticeOptions.register(po, s, \.determinize)
  }

  /// The checks of Kaldi's `LatticeFasterDecoderConfig::Check`.
  public func validate() throws {
    guard beam > 0, maxActive > 1, latticeBeam > 0, minActive <= maxActive, pruneInterval > 0, beamDelta > 0,
      hashRatio >= 1, pruneScale > 0, pruneScale < 1
    else {
      throw KaldiError.usage("Invalid decoder options: need --beam > 0, --max-active > 1, --lattice-beam > 0, --min-active <= --max-active, --prune-interval > 0, --beam-delta > 0, --hash-ratio >= 1, 0 < --prune-scale < 1")
    }
  }
}

/// Kaldi's `LatticeFasterDecoder` (decoder/lattice-faster-decoder.cc): token passing that keeps
/// every token of every frame with its forward links, prunes links and tokens that fall more
/// than the lattice beam behind the best path (every `--prune-interval` frames and at the
/// end, final costs included), and returns the state-level lattice of what survived.
public final class LatticeFasterDecoder {
  public let fst: Fst
  public let options: LatticeDecoderOptions
  private var search: LatticeSearch

  public init(fst: Fst, options: LatticeDecoderOptions = LatticeDecoderOptions()) {
    self.fst = fst
    self.options = options
    search = LatticeSearch(fst: fst)
  }

  /// Decodes all frames of `decodable` and finalizes (final-cost pruning). Returns whether
  /// any token survived to the last frame.
  @discardableResult
  public func decode<D: DecodableInterface>(_ decodable: D) -> Bool {
    var s = search
    search = LatticeSearch(stateCount: 0)
    let ok = s.decode(fst, options, decodable)
    search = s
    return ok
  }

  public var framesDecoded: Int { search.framesDecoded }
  /// Whether a token in a final state survived to the last frame.
  public var reachedFinal: Bool { search.reachedFinal }

  /// The state-level lattice (Kaldi's `GetRawLattice` with final probabilities): one state per
  /// surviving token, arcs with transition-ids and words, acoustic costs as scaled by the
  /// decodable. Empty when no token survived.
  public func rawLattice() -> Lattice { search.rawLattice(fst) }
}

/// Tokens, forward links and the per-frame token lists of one lattice decoding.
struct LatticeSearch {
  /// A token: total cost, extra cost (how far off the best path through it), first forward
  /// link, FST state, alive. Tokens of frame f are frameStart[f] ..< frameStart[f + 1].
  struct Token {
    var cost: Double
    var extra: Float
    var links: Int32
    var state: Int32
    var alive: Bool
  }
  /// A forward link: destination token, labels, graph and acoustic cost, next link of the
  /// same token.
  struct Link {
    var to: Int32
    var ilabel: Int32
    var olabel: Int32
    var graph: Float
    var acoustic: Float
    var next: Int32
  }

  private var toks: [Token] = []
  private var frameStart: [Int] = []
  private var mustPruneLinks: [Bool] = []
  private var mustPruneTokens: [Bool] = []
  /// Links; freed ones are reused.
  private var links: [Link] = []
  private var freeLinks: [Int32] = []
  /// The token of each FST state in the frame being built, or -1.
  private var slot: [Int32]
  private let hasInputEpsilon: [Bool]
  private var costs: [Double] = []
  private var queue: [Int32] = []
  private var frameCosts: [Float] = []
  private var largestLabel = 0
  /// Final costs of the last frame's tokens (token -> cost), empty when none is final.
  private var finalCosts: [Int32: Float] = [:]
  private var finalBestCost = 0.0
  private(set) var reachedFinal = false

  init(fst: Fst) {
    slot = [Int32](repeating: -1, count: fst.stateCount)
    var eps = [Bool](repeating: false, count: fst.stateCount)
    for s in 0..<fst.stateCount where fst.arcs(of: s).contains(where: { fst.ilabels[$0] == 0 }) { eps[s] = true }
    hasInputEpsilon = eps
  }

  init(stateCount: Int) {
    slot = []
    hasInputEpsilon = []
  }

  var framesDecoded: Int { max(frameStart.count - 2, 0) }
  private var lastFrame: Int { frameStart.count - 2 }
  private func tokens(of frame: Int) -> Range<Int> { frameStart[frame]..<frameStart[frame + 1] }

  // MARK: - Tokens and links

  /// Kaldi's `FindOrAddToken` for the frame being built: a new token, or a cheaper cost for the
  /// existing one. Returns the token and whether it is new or changed.
  @inline(__always)
  private mutating func findOrAdd(_ state: Int32, cost: Double) -> (Int32, Bool) {
    let i = slot[Int(state)]
    if i < 0 {
      let t = Int32(toks.count)
      toks.append(Token(cost: cost, extra: 0, links: -1, state: state, alive: true))
      slot[Int(state)] = t
      frameStart[frameStart.count - 1] = toks.count
      return (t, true)
    }
    if toks[Int(i)].cost > cost {
      toks[Int(i)].cost = cost
      return (i, true)
    }
    return (i, false)
  }

  @inline(__always)
  private mutating func addLink(from tok: Int32, to next: Int32, ilabel: Int32, olabel: Int32, graph: Float, acoustic: Float) {
    let link = Link(to: next, ilabel: ilabel, olabel: olabel, graph: graph, acoustic: acoustic, next: toks[Int(tok)].links)
    let l: Int32
    if let free = freeLinks.popLast() {
      l = free
      links[Int(l)] = link
    } else {
      l = Int32(links.count)
      links.append(link)
    }
    toks[Int(tok)].links = l
  }

  private mutating func deleteLinks(of tok: Int32) {
    var l = toks[Int(tok)].links
    while l >= 0 {
      freeLinks.append(l)
      l = links[Int(l)].next
    }
    toks[Int(tok)].links = -1
  }

  // MARK: - Search

  mutating func decode<D: DecodableInterface>(_ fst: Fst, _ options: LatticeDecoderOptions, _ decodable: D) -> Bool {
    if frameStart.count >= 2 {
      for t in tokens(of: lastFrame) { slot[Int(toks[t].state)] = -1 }
    }
    toks.removeAll(keepingCapacity: true)
    links.removeAll(keepingCapacity: true)
    freeLinks.removeAll(keepingCapacity: true)
    finalCosts = [:]
    reachedFinal = false
    frameStart = [0, 0]
    mustPruneLinks = [true]
    mustPruneTokens = [true]
    largestLabel = Int(fst.ilabels.max() ?? 0)
    frameCosts = [Float](repeating: 0, count: largestLabel + 1)
    guard fst.start >= 0 else { return false }
    _ = findOrAdd(fst.start, cost: 0)
    processNonEmitting(fst, cutoff: Double(options.beam))
    while framesDecoded < decodable.frameCount {
      if framesDecoded % options.pruneInterval == 0 {
        pruneActiveTokens(options, delta: options.latticeBeam * options.pruneScale)
      }
      let cutoff = processEmitting(fst, options, decodable)
      processNonEmitting(fst, cutoff: cutoff)
    }
    finalize(fst, options)
    return tokens(of: lastFrame).contains { toks[$0].alive }
  }

  /// Kaldi's `GetCutoff` over the tokens of `frame`; also the best token.
  private mutating func cutoff(_ frame: Int, _ options: LatticeDecoderOptions) -> (cutoff: Double, adaptiveBeam: Float, best: Int) {
    var bestCost = Double.infinity, best = -1
    costs.removeAll(keepingCapacity: true)
    for t in tokens(of: frame) {
      let c = toks[t].cost
      costs.append(c)
      if c < bestCost { (bestCost, best) = (c, t) }
    }
    let (cutoff, beam) = beamCutoff(&costs, best: bestCost, beam: options.beam, maxActive: options.maxActive, minActive: options.minActive, beamDelta: options.beamDelta)
    return (cutoff, beam, best)
  }

  private mutating func processEmitting<D: DecodableInterface>(_ fst: Fst, _ options: LatticeDecoderOptions, _ decodable: D) -> Double {
    let frame = framesDecoded
    let previous = tokens(of: frame)
    for t in previous { slot[Int(toks[t].state)] = -1 }
    frameStart.append(toks.count)
    mustPruneLinks.append(true)
    mustPruneTokens.append(true)
    let (curCutoff, adaptiveBeam, best) = cutoff(frame, options)
    let beam = Double(adaptiveBeam)
    if largestLabel > 0 {
      for tid in 1...largestLabel { frameCosts[tid] = -decodable.logLikelihood(frame: frame, transitionId: Int32(tid)) }
    }
    var nextCutoff = Double.infinity
    if best >= 0 {
      for a in fst.arcs(of: Int(toks[best].state)) where fst.ilabels[a] != 0 {
        let w = Double(fst.weights[a]) + Double(frameCosts[Int(fst.ilabels[a])]) + toks[best].cost
        if w + beam < nextCutoff { nextCutoff = w + beam }
      }
    }
    for t in previous where toks[t].cost <= curCutoff {
      let cost = toks[t].cost
      for a in fst.arcs(of: Int(toks[t].state)) where fst.ilabels[a] != 0 {
        let ac = frameCosts[Int(fst.ilabels[a])]
        let graph = fst.weights[a]
        let total = cost + Double(ac) + Double(graph)
        if total >= nextCutoff { continue }
        if total + beam < nextCutoff { nextCutoff = total + beam }
        let (next, _) = findOrAdd(fst.nextStates[a], cost: total)
        addLink(from: Int32(t), to: next, ilabel: fst.ilabels[a], olabel: fst.olabels[a], graph: graph, acoustic: ac)
      }
    }
    return nextCutoff
  }

  private mutating func processNonEmitting(_ fst: Fst, cutoff: Double) {
    queue.removeAll(keepingCapacity: true)
    for t in tokens(of: lastFrame) where hasInputEpsilon[Int(toks[t].state)] { queue.append(Int32(t)) }
    while let tok = queue.popLast() {
      let cost = toks[Int(tok)].cost
      if cost >= cutoff { continue }
      // Re-visited with a better cost: its epsilon links are regenerated.
      deleteLinks(of: tok)
      for a in fst.arcs(of: Int(toks[Int(tok)].state)) where fst.ilabels[a] == 0 {
        let graph = fst.weights[a]
        let total = cost + Double(graph)
        if total >= cutoff { continue }
        let (next, changed) = findOrAdd(fst.nextStates[a], cost: total)
        addLink(from: tok, to: next, ilabel: 0, olabel: fst.olabels[a], graph: graph, acoustic: 0)
        if changed && hasInputEpsilon[Int(fst.nextStates[a])] { queue.append(next) }
      }
    }
  }

  // MARK: - Pruning

  /// Kaldi's `PruneForwardLinks`: recomputes the extra costs of `frame`'s tokens from their
  /// links (which go to `frame` and `frame + 1`), dropping links beyond the lattice beam.
  private mutating func pruneForwardLinks(_ frame: Int, _ options: LatticeDecoderOptions, delta: Float) -> (extraCostsChanged: Bool, linksPruned: Bool) {
    var extraChanged = false, pruned = false
    var changed = true
    while changed {
      changed = false
      for t in tokens(of: frame) where toks[t].alive {
        let extra = pruneLinks(of: Int32(t), startingAt: .infinity, options, pruned: &pruned)
        if abs(extra - toks[t].extra) > delta { changed = true }
        toks[t].extra = extra
      }
      if changed { extraChanged = true }
    }
    return (extraChanged, pruned)
  }

  /// Drops `tok`'s links that end more than the lattice beam off the best path; returns the
  /// token's extra cost (the smallest over its kept links and `initial`).
  @inline(__always)
  private mutating func pruneLinks(of tok: Int32, startingAt initial: Float, _ options: LatticeDecoderOptions, pruned: inout Bool) -> Float {
    var extra = initial
    var prev: Int32 = -1
    var l = toks[Int(tok)].links
    while l >= 0 {
      let next = links[Int(l)].to
      var linkExtra = toks[Int(next)].extra
        + Float(toks[Int(tok)].cost + Double(links[Int(l)].acoustic) + Double(links[Int(l)].graph) - toks[Int(next)].cost)
      let following = links[Int(l)].next
      if linkExtra > options.latticeBeam || !toks[Int(next)].alive {
        if prev >= 0 { links[Int(prev)].next = following } else { toks[Int(tok)].links = following }
        freeLinks.append(l)
        pruned = true
      } else {
        if linkExtra < 0 {
          if linkExtra < -0.01 { KaldiLog.warn("Negative extra_cost: \(formatG(Double(linkExtra), precision: 6))") }
          linkExtra = 0
        }
        if linkExtra < extra { extra = linkExtra }
        prev = l
      }
      l = following
    }
    return extra
  }

  /// Kaldi's `PruneTokensForFrame`: tokens with no surviving forward link die.
  private mutating func pruneTokens(_ frame: Int) {
    for t in tokens(of: frame) where toks[t].alive && toks[t].extra == .infinity {
      deleteLinks(of: Int32(t))
      toks[t].alive = false
    }
  }

  /// Kaldi's `PruneActiveTokens`: from the newest frame back, re-prunes links of frames whose
  /// successors' extra costs changed by more than `delta`.
  private mutating func pruneActiveTokens(_ options: LatticeDecoderOptions, delta: Float) {
    let curFramePlusOne = framesDecoded
    var f = curFramePlusOne - 1
    while f >= 0 {
      if mustPruneLinks[f] {
        let (extraChanged, linksPruned) = pruneForwardLinks(f, options, delta: delta)
        if extraChanged && f > 0 { mustPruneLinks[f - 1] = true }
        if linksPruned { mustPruneTokens[f] = true }
        mustPruneLinks[f] = false
      }
      if f + 1 < curFramePlusOne && mustPruneTokens[f + 1] {
        pruneTokens(f + 1)
        mustPruneTokens[f + 1] = false
      }
      f -= 1
    }
  }

  /// Kaldi's `FinalizeDecoding`: final costs, then pruning of every frame with them.
  private mutating func finalize(_ fst: Fst, _ options: LatticeDecoderOptions) {
    let last = lastFrame
    var bestCost = Double.infinity, bestWithFinal = Double.infinity
    finalCosts = [:]
    for t in tokens(of: last) {
      let f = fst.finals[Int(toks[t].state)]
      bestCost = min(bestCost, toks[t].cost)
      bestWithFinal = min(bestWithFinal, toks[t].cost + Double(f))
      if f != .infinity { finalCosts[Int32(t)] = f }
    }
    finalBestCost = bestWithFinal != .infinity ? bestWithFinal : bestCost
    // Final-frame pruning (Kaldi's PruneForwardLinksFinal): a token's extra cost also counts
    // ending here, with its final cost.
    var changed = true
    var pruned = false
    while changed {
      changed = false
      for t in tokens(of: last) where toks[t].alive {
        let finalCost: Double = finalCosts.isEmpty ? 0 : Double(finalCosts[Int32(t)] ?? .infinity)
        var extra = pruneLinks(of: Int32(t), startingAt: Float(toks[t].cost + finalCost - finalBestCost), options, pruned: &pruned)
        if extra > options.latticeBeam { extra = .infinity }
        if !approximatelyEqual(toks[t].extra, extra, 1e-5) { changed = true }
        toks[t].extra = extra
      }
    }
    var f = last - 1
    while f >= 0 {
      _ = pruneForwardLinks(f, options, delta: 0)
      pruneTokens(f + 1)
      f -= 1
    }
    pruneTokens(0)
    reachedFinal = !finalCosts.isEmpty && finalCosts.keys.contains { toks[Int($0)].alive }
  }

  private func approximatelyEqual(_ a: Float, _ b: Float, _ delta: Float) -> Bool {
    if a == b { return true }
    if a.isInfinite || b.isInfinite { return false }
    return abs(a - b) <= delta * max(abs(a), abs(b))
  }

  // MARK: - Output

  func rawLattice(_ fst: Fst) -> Lattice {
    var lattice = Lattice()
    guard frameStart.count >= 2, toks.first?.alive == true else { return lattice }
    var stateOf = [Int32](repeating: -1, count: toks.count)
    for t in 0..<toks.count where toks[t].alive { stateOf[t] = lattice.addState() }
    lattice.start = stateOf[0]
    let last = lastFrame
    for f in 0...last {
      for t in tokens(of: f) where toks[t].alive {
        let s = Int(stateOf[t])
        var l = toks[t].links
        while l >= 0 {
          let next = stateOf[Int(links[Int(l)].to)]
          lattice.arcs[s].append(LatticeArc(
            ilabel: links[Int(l)].ilabel, olabel: links[Int(l)].olabel,
            weight: LatticeWeight(graph: links[Int(l)].graph, acoustic: links[Int(l)].acoustic), next: next))
          l = links[Int(l)].next
        }
        if f == last {
          if finalCosts.isEmpty {
            lattice.finals[s] = .one
          } else if let c = finalCosts[Int32(t)] {
            lattice.finals[s] = LatticeWeight(graph: c, acoustic: 0)
          }
        }
      }
    }
    return lattice
  }
}
