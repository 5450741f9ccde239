import KaldiBase
import KaldiMatrix

/// Frame-by-pdf acoustic scores for a decoder: Kaldi's `DecodableInterface`.
public protocol DecodableInterface {
  /// Frames that can be scored now (on-line: grows as audio arrives).
  var frameCount: Int { get }
  /// Log-likelihood of `frame` for transition-id `tid` (already acoustically scaled).
  func logLikelihood(frame: Int, transitionId tid: Int32) -> Float
}

/// Kaldi's `DecodableMatrixScaledMapped`: scale × loglikes[frame, pdf(tid)].
public struct MappedMatrixDecodable: DecodableInterface {
  let loglikes: Matrix<Float>
  let scale: Float
  let tidToPdf: [Int32]

  public init(model: TransitionModel, loglikes: Matrix<Float>, scale: Float) throws {
    guard loglikes.cols == model.numPdfs else {
      throw KaldiError("Log-likelihoods have \(loglikes.cols) columns but the model has \(model.numPdfs) pdfs")
    }
    self.loglikes = loglikes
    self.scale = scale
    tidToPdf = (0...model.numTransitionIds).map { $0 == 0 ? 0 : model.pdf(of: Int32($0)) }
  }

  public var frameCount: Int { loglikes.rows }
  public func logLikelihood(frame: Int, transitionId tid: Int32) -> Float {
    scale * loglikes.data[frame * loglikes.cols + Int(tidToPdf[Int(tid)])]
  }
}

/// Beam, max-active and min-active pruning (Kaldi's `FasterDecoderOptions`).
public struct DecoderOptions: Sendable {
  public var beam: Float = 16
  public var maxActive = Int(Int32.max)
  public var minActive = 20
  public var beamDelta: Float = 0.5
  public var hashRatio: Float = 2
  public init() {}

  public static func register<Root>(_ po: ParseOptions, _ s: Setting<Root>, _ k: WritableKeyPath<Root, DecoderOptions>) {
    po.register("beam", s, k.appending(path: \.beam), "Decoding beam.  Larger->slower, more accurate.")
    po.register("max-active", s, k.appending(path: \.maxActive), "Decoder max active states.  Larger->slower; more accurate")
    po.register("min-active", s, k.appending(path: \.minActive), "Decoder min active states (don't prune if #active less than this).")
    po.register("beam-delta", s, k.appending(path: \.beamDelta), "Increment used in decoder [obscure setting]")
    po.register("hash-ratio", s, k.appending(path: \.hashRatio), "Setting used in decoder to control hash behavior (accepted for compatibility; ksnn's token table needs no hash)")
  }
}

/// The best path of one utterance.
public struct DecodedPath: Sendable {
  /// Non-epsilon input labels (transition-ids), one per frame.
  public var alignment: [Int32]
  /// Non-epsilon output labels (word-ids).
  public var words: [Int32]
  /// For each word, the frames decoded before its arc (where the graph emits it).
  public var wordFrames: [Int] = []
  /// Graph and acoustic cost along the path, final cost included, summed as Kaldi sums them.
  public var graphCost: Float
  public var acousticCost: Float

  public init(alignment: [Int32] = [], words: [Int32] = [], graphCost: Float = 0, acousticCost: Float = 0) {
    (self.alignment, self.words, self.graphCost, self.acousticCost) = (alignment, words, graphCost, acousticCost)
  }
}

/// Kaldi's `FasterDecoder` (decoder/faster-decoder.cc): token passing over an FST with beam,
/// max-active and min-active pruning, emitting arcs consuming one frame each and epsilon
/// arcs followed within a frame. Tokens share their histories with reference counts.
public final class FasterDecoder {
  public let fst: Fst
  public let options: DecoderOptions
  /// The search state lives in a value type so the hot loops run on a local variable,
  /// without the dynamic exclusivity checks that class properties would cost.
  private var search: TokenSearch

  public init(fst: Fst, options: DecoderOptions = DecoderOptions()) {
    self.fst = fst
    self.options = options
    search = TokenSearch(stateCount: fst.stateCount)
  }

  /// Decodes a whole utterance (`initDecoding` then `advanceDecoding`).
  public func decode<D: DecodableInterface>(_ decodable: D) {
    initDecoding()
    advanceDecoding(decodable)
  }

  /// Starts an utterance: one token in the start state, epsilon arcs followed.
  public func initDecoding() {
    var s = search
    search = TokenSearch(stateCount: 0)
    s.initDecoding(fst)
    search = s
  }

  /// Decodes the frames `decodable` has ready beyond those decoded (at most `maxFrames` of
  /// them when that is not negative), as Kaldi's `AdvanceDecoding`: on-line decoding calls it
  /// as frames arrive, and the result equals decoding the whole utterance at once.
  public func advanceDecoding<D: DecodableInterface>(_ decodable: D, maxFrames: Int = -1) {
    var target = decodable.frameCount
    if maxFrames >= 0 { target = min(target, search.framesDecoded + maxFrames) }
    guard target > search.framesDecoded else { return }
    var s = search
    search = TokenSearch(stateCount: 0)
    s.advance(fst, options, decodable, to: target)
    search = s
  }

  public var framesDecoded: Int { search.framesDecoded }
  /// Whether some active token is in a final state.
  public var reachedFinal: Bool { search.reachedFinal(fst) }
  /// The best path: through a final state (with its final cost) when one was reached, else
  /// the cheapest token (partial traceback).
  public func bestPath(useFinalProbs: Bool = true) -> DecodedPath? { search.bestPath(fst, useFinalProbs: useFinalProbs) }

  /// How much worse the best token in a final state (final cost included) is than the best
  /// token (Kaldi's `FinalRelativeCost`): 0 when the best token is final, +∞ when none is.
  public var finalRelativeCost: Float { search.finalRelativeCost(fst) }

  /// The words every active hypothesis agrees on (the path up to their last common token):
  /// later frames can only extend them, so partial results built from them never change what
  /// they already showed, and the final best path starts with them.
  public var settledWords: [Int32] { search.settledWords(fst) }

  /// The transition-ids of the cheapest token's path, last frame first, final costs ignored
  /// (what endpointing traces back); stops when `body` returns false.
  public func traceBackBestPath(_ body: (Int32) -> Bool) { search.traceBack(fst, body) }
}

/// Tokens and the active list of one decoding.
struct TokenSearch {
  // Token pool: arc taken (−1 for the start), predecessor, reference count, total cost.
  private var tokenArc: [Int32] = []
  private var tokenPrev: [Int32] = []
  private var tokenRefs: [Int32] = []
  private var tokenCost: [Double] = []
  private var freeTokens: [Int32] = []
  /// Active (state, token) pairs of the current frame, and each state's position in it.
  private var active: [(state: Int32, token: Int32)] = []
  private var slot: [Int32]
  private var costs: [Double] = []
  private var queue: [Int32] = []
  /// Acoustic costs of the frame being decoded, by transition-id (index 0 unused): asked of
  /// the decodable once per id and frame instead of once per arc (a word graph has tens of
  /// arcs per transition-id, and the decodable is a protocol call).
  private var frameCosts: [Float] = []
  private var largestLabel = 0
  private(set) var framesDecoded = 0

  init(stateCount: Int) { slot = [Int32](repeating: -1, count: stateCount) }

  private mutating func newToken(arc: Int32, prev: Int32, cost: Double) -> Int32 {
    if prev >= 0 { tokenRefs[Int(prev)] &+= 1 }
    if let t = freeTokens.popLast() {
      (tokenArc[Int(t)], tokenPrev[Int(t)], tokenRefs[Int(t)], tokenCost[Int(t)]) = (arc, prev, 1, cost)
      return t
    }
    tokenArc.append(arc); tokenPrev.append(prev); tokenRefs.append(1); tokenCost.append(cost)
    return Int32(tokenArc.count - 1)
  }

  private mutating func release(_ token: Int32) {
    var t = token
    while t >= 0 {
      tokenRefs[Int(t)] &-= 1
      if tokenRefs[Int(t)] != 0 { return }
      freeTokens.append(t)
      t = tokenPrev[Int(t)]
    }
  }

  /// Whether `state` already holds a token of the current frame no worse than `cost`: then a
  /// new token of that cost would lose (`insert` keeps the existing one on ties) and need not
  /// be made. Most arcs of a dense graph end there, so skipping them saves most token churn.
  @inline(__always)
  private func holdsNoWorse(_ state: Int32, than cost: Double) -> Bool {
    let i = slot[Int(state)]
    return i >= 0 && tokenCost[Int(active[Int(i)].token)] <= cost
  }

  /// Inserts `token` for `state` in the current frame, keeping the cheaper of two; returns
  /// whether the state now holds `token`.
  @inline(__always)
  private mutating func insert(_ state: Int32, _ token: Int32) -> Bool {
    let s = Int(state)
    if slot[s] < 0 {
      slot[s] = Int32(active.count)
      active.append((state, token))
      return true
    }
    let i = Int(slot[s])
    let existing = active[i].token
    if tokenCost[Int(existing)] > tokenCost[Int(token)] {
      release(existing)
      active[i].token = token
      return true
    }
    release(token)
    return false
  }

  mutating func initDecoding(_ fst: Fst) {
    for (state, token) in active {
      slot[Int(state)] = -1
      release(token)
    }
    active.removeAll(keepingCapacity: true)
    tokenArc.removeAll(keepingCapacity: true); tokenPrev.removeAll(keepingCapacity: true)
    tokenRefs.removeAll(keepingCapacity: true); tokenCost.removeAll(keepingCapacity: true)
    freeTokens.removeAll(keepingCapacity: true)
    framesDecoded = 0
    largestLabel = Int(fst.ilabels.max() ?? 0)
    frameCosts = [Float](repeating: 0, count: largestLabel + 1)
    guard fst.start >= 0 else { return }
    _ = insert(fst.start, newToken(arc: -1, prev: -1, cost: 0))
    processNonEmitting(fst, cutoff: .greatestFiniteMagnitude)
  }

  mutating func advance<D: DecodableInterface>(_ fst: Fst, _ options: DecoderOptions, _ decodable: D, to target: Int) {
    while framesDecoded < target {
      let cutoff = processEmitting(fst, options, decodable)
      processNonEmitting(fst, cutoff: cutoff)
    }
  }

  /// Kaldi's `GetCutoff` over the active tokens; also the best one's position.
  private mutating func cutoff(_ list: [(state: Int32, token: Int32)], _ options: DecoderOptions) -> (cutoff: Double, adaptiveBeam: Float, best: Int) {
    var bestCost = Double.infinity, best = -1
    costs.removeAll(keepingCapacity: true)
    for (k, e) in list.enumerated() {
      let c = tokenCost[Int(e.token)]
      costs.append(c)
      if c < bestCost { (bestCost, best) = (c, k) }
    }
    let (cutoff, beam) = beamCutoff(&costs, best: bestCost, beam: options.beam, maxActive: options.maxActive, minActive: options.minActive, beamDelta: options.beamDelta)
    return (cutoff, beam, best)
  }

  private mutating func processEmitting<D: DecodableInterface>(_ fst: Fst, _ options: DecoderOptions, _ decodable: D) -> Double {
    let frame = framesDecoded
    let last = active
    for (state, _) in last { slot[Int(state)] = -1 }
    active.removeAll(keepingCapacity: true)
    let (weightCutoff, adaptiveBeam, best) = cutoff(last, options)
    let beam = Double(adaptiveBeam)
    var nextCutoff = Double.infinity
    if largestLabel > 0 {
      for tid in 1...largestLabel { frameCosts[tid] = -decodable.logLikelihood(frame: frame, transitionId: Int32(tid)) }
    }
    if best >= 0 {
      let (state, token) = last[best]
      for a in fst.arcs(of: Int(state)) where fst.ilabels[a] != 0 {
        let ac = frameCosts[Int(fst.ilabels[a])]
        let w = Double(fst.weights[a]) + tokenCost[Int(token)] + Double(ac)
        if w + beam < nextCutoff { nextCutoff = w + beam }
      }
    }
    for (state, token) in last {
      let cost = tokenCost[Int(token)]
      if cost < weightCutoff {
        for a in fst.arcs(of: Int(state)) where fst.ilabels[a] != 0 {
          let ac = frameCosts[Int(fst.ilabels[a])]
          let w = Double(fst.weights[a]) + cost + Double(ac)
          if w < nextCutoff, !holdsNoWorse(fst.nextStates[a], than: w) {
            let t = newToken(arc: Int32(a), prev: token, cost: w)
            _ = insert(fst.nextStates[a], t)
            if w + beam < nextCutoff { nextCutoff = w + beam }
          }
        }
      }
      release(token)
    }
    framesDecoded += 1
    return nextCutoff
  }

  private mutating func processNonEmitting(_ fst: Fst, cutoff: Double) {
    queue.removeAll(keepingCapacity: true)
    for e in active { queue.append(e.state) }
    while let state = queue.popLast() {
      let token = active[Int(slot[Int(state)])].token
      let cost = tokenCost[Int(token)]
      if cost > cutoff { continue }
      for a in fst.arcs(of: Int(state)) where fst.ilabels[a] == 0 {
        let w = cost + Double(fst.weights[a])
        if w > cutoff || holdsNoWorse(fst.nextStates[a], than: w) { continue }
        let t = newToken(arc: Int32(a), prev: token, cost: w)
        if insert(fst.nextStates[a], t) { queue.append(fst.nextStates[a]) }
      }
    }
  }

  func reachedFinal(_ fst: Fst) -> Bool {
    active.contains { tokenCost[Int($0.token)] != .infinity && fst.isFinal(Int($0.state)) }
  }

  func finalRelativeCost(_ fst: Fst) -> Float {
    var best = Double.infinity, bestFinal = Double.infinity
    for e in active {
      let c = tokenCost[Int(e.token)]
      best = min(best, c)
      bestFinal = min(bestFinal, c + Double(fst.finals[Int(e.state)]))
    }
    return best == .infinity && bestFinal == .infinity ? .infinity : Float(bestFinal - best)
  }

  func settledWords(_ fst: Fst) -> [Int32] {
    guard let first = active.first else { return [] }
    // The first token's history, and each token's position on it.
    var path: [Int32] = []
    var position: [Int32: Int] = [:]
    var t = first.token
    while t >= 0 {
      position[t] = path.count
      path.append(t)
      t = tokenPrev[Int(t)]
    }
    // Every other token's history meets that path; the common token is the meeting point
    // farthest back.
    var common = 0
    for e in active.dropFirst() {
      var u = e.token
      while u >= 0, position[u] == nil { u = tokenPrev[Int(u)] }
      guard u >= 0, let p = position[u] else { return [] }
      common = max(common, p)
      if common == path.count - 1 { break }
    }
    var words: [Int32] = []
    for token in path[common...].reversed() {
      let arc = tokenArc[Int(token)]
      if arc >= 0 && fst.olabels[Int(arc)] != 0 { words.append(fst.olabels[Int(arc)]) }
    }
    return words
  }

  func traceBack(_ fst: Fst, _ body: (Int32) -> Bool) {
    var best = -1
    for (k, e) in active.enumerated() where best < 0 || tokenCost[Int(active[best].token)] > tokenCost[Int(e.token)] { best = k }
    guard best >= 0 else { return }
    var t = active[best].token
    while tokenPrev[Int(t)] >= 0 {
      let label = fst.ilabels[Int(tokenArc[Int(t)])]
      if label != 0 && !body(label) { return }
      t = tokenPrev[Int(t)]
    }
  }

  func bestPath(_ fst: Fst, useFinalProbs: Bool) -> DecodedPath? {
    var best = -1
    let final = reachedFinal(fst)
    if final {
      var bestCost = Double.infinity
      for (k, e) in active.enumerated() {
        let c = tokenCost[Int(e.token)] + Double(fst.finals[Int(e.state)])
        if c < bestCost && c != .infinity { bestCost = c; best = k }
      }
    } else {
      for (k, e) in active.enumerated() where best < 0 || tokenCost[Int(active[best].token)] > tokenCost[Int(e.token)] { best = k }
    }
    guard best >= 0 else { return nil }
    var arcs: [(arc: Int, total: Float)] = []
    var t = active[best].token
    while tokenPrev[Int(t)] >= 0 {
      let prev = tokenPrev[Int(t)]
      arcs.append((Int(tokenArc[Int(t)]), Float(tokenCost[Int(t)] - tokenCost[Int(prev)])))
      t = prev
    }
    var path = DecodedPath(alignment: [], words: [], graphCost: 0, acousticCost: 0)
    for (a, total) in arcs.reversed() {
      let graph = fst.weights[a]
      path.graphCost += graph
      path.acousticCost += total - graph
      if fst.olabels[a] != 0 {
        path.words.append(fst.olabels[a])
        path.wordFrames.append(path.alignment.count)
      }
      if fst.ilabels[a] != 0 { path.alignment.append(fst.ilabels[a]) }
    }
    if final && useFinalProbs { path.graphCost += fst.finals[Int(active[best].state)] }
    return path
  }
}

/// Kaldi's `GetCutoff`: the pruning threshold from the beam, tightened to keep at most
/// max-active tokens and loosened to keep at least min-active; `costs` are the tokens' costs
/// (reordered), `best` the smallest. Returns the cutoff and the beam it amounts to.
func beamCutoff(_ costs: inout [Double], best: Double, beam: Float, maxActive: Int, minActive: Int, beamDelta: Float) -> (Double, Float) {
  if maxActive == Int(Int32.max) && minActive == 0 { return (best + Double(beam), beam) }
  let beamCutoff = best + Double(beam)
  var maxActiveCutoff = Double.infinity, minActiveCutoff = Double.infinity
  if costs.count > maxActive { maxActiveCutoff = selectKth(&costs, maxActive) }
  if maxActiveCutoff < beamCutoff { return (maxActiveCutoff, Float(maxActiveCutoff - best) + beamDelta) }
  if costs.count > minActive { minActiveCutoff = minActive == 0 ? best : selectKth(&costs, minActive) }
  if minActiveCutoff > beamCutoff { return (minActiveCutoff, Float(minActiveCutoff - best) + beamDelta) }
  return (beamCutoff, beam)
}

/// The k-th smallest value (0-based), reordering `values` (quickselect, as `std::nth_element`).
func selectKth(_ values: inout [Double], _ k: Int) -> Double {
  var lo = 0, hi = values.count - 1
  while lo < hi {
    let pivot = values[(lo + hi) / 2]
    var i = lo, j = hi
    while i <= j {
      while values[i] < pivot { i += 1 }
      while values[j] > pivot { j -= 1 }
      if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
    }
    if k <= j { hi = j } else if k >= i { lo = i } else { return values[k] }
  }
  return values[k]
}

/// Log-likelihoods that arrive frame by frame (an on-line network's output), scaled and mapped
/// to transition-ids as `MappedMatrixDecodable`. Frames before the current segment's start are
/// dropped when a new segment starts (after an endpoint), so a long stream keeps only what the
/// decoder can still ask for.
public final class OnlineMappedDecodable: DecodableInterface {
  public let pdfs: Int
  let scale: Float
  let tidToPdf: [Int32]
  private var values: [Float] = []

  public init(model: TransitionModel, scale: Float) {
    pdfs = model.numPdfs
    self.scale = scale
    tidToPdf = (0...model.numTransitionIds).map { $0 == 0 ? 0 : model.pdf(of: Int32($0)) }
  }

  /// Frames of the current segment.
  public var frameCount: Int { values.count / pdfs }

  /// Adds the next frame's log-likelihoods (`pdfs` values).
  public func append(_ loglikes: UnsafePointer<Float>) {
    values.append(contentsOf: UnsafeBufferPointer(start: loglikes, count: pdfs))
  }

  /// Forgets the frames before `frame`; the next segment's frame 0 is what was `frame`.
  public func startSegment(at frame: Int) {
    values.removeFirst(min(frame, frameCount) * pdfs)
  }

  public func logLikelihood(frame: Int, transitionId tid: Int32) -> Float {
    scale * values[frame * pdfs + Int(tidToPdf[Int(tid)])]
  }

  /// The unscaled value given for `pdf` at `frame` of the current segment.
  public func value(frame: Int, pdf: Int) -> Float { values[frame * pdfs + pdf] }
}
