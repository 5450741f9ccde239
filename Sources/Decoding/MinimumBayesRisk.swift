#if canImport(Glibc)
import Glibc
#endif
import KaldiBase

/// Options of Kaldi's `MinimumBayesRiskOptions`.
public struct MinimumBayesRiskOptions: Sendable {
  /// Iterate towards the minimum-risk hypothesis (else keep the starting one, MAP).
  public var decodeMbr = true
  /// Keep the inter-word ε bins in the 1-best output.
  public var printSilence = false
  public init(decodeMbr: Bool = true, printSilence: Bool = false) { (self.decodeMbr, self.printSilence) = (decodeMbr, printSilence) }

  public static let defaults = MinimumBayesRiskOptions()

  public func register(on options: ParseOptions) -> () -> MinimumBayesRiskOptions {
    let decode = options.option("decode-mbr", default: decodeMbr, "If true, do Minimum Bayes Risk decoding (else, Maximum a Posteriori)")
    let silence = options.option("print-silence", default: printSilence, "Keep the inter-word '<eps>' bins in the 1-best output (ctm, <eps> can be a 'silence' or a 'deleted' word)")
    return { MinimumBayesRiskOptions(decodeMbr: decode.value, printSilence: silence.value) }
  }
}

/// Kaldi's `MinimumBayesRisk` (Xu, Povey, Mangu and Zhu 2011): the hypothesis with the least
/// expected word edit distance to the lattice's paths, found by aligning every path to the
/// hypothesis (a sausage of bins, one per hypothesis word and one between each two), with
/// each word's posterior in its bin (its confidence) and its average begin and end frames.
public struct MinimumBayesRisk {
  /// The hypothesis (ε bins kept only with `printSilence`).
  public private(set) var oneBest: [Int32] = []
  /// Begin and end frame of each entry of `oneBest` (averages over paths, so fractional).
  public private(set) var oneBestTimes: [(begin: Float, end: Float)] = []
  /// The posterior of each entry of `oneBest` in its bin.
  public private(set) var oneBestConfidences: [Float] = []
  /// The expected edit distance of the last hypothesis scored.
  public private(set) var bayesRisk: Double = 0
  /// Per bin, (word, posterior) best first.
  public private(set) var sausageStats: [[(word: Int32, posterior: Float)]] = []

  private struct Arc { var word: Int32; var start: Int; var end: Int; var loglike: Float }
  private var arcs: [Arc] = []
  private var incoming: [[Int]] = []   // pre(n), 1-based nodes
  private var stateTimes: [Int] = []    // t(n), 1-based nodes
  private var times: [[(begin: Float, end: Float)]] = []
  private var hypothesis: [Int32] = []
  private let options: MinimumBayesRiskOptions
  private static let delta = 1e-5

  /// `lattice` must be scaled already; `start` replaces the MAP path as the first hypothesis.
  public init(lattice: CompactLattice, start: [Int32]? = nil, options: MinimumBayesRiskOptions = .defaults) throws {
    self.options = options
    guard lattice.start >= 0 else { throw KaldiError("Empty lattice.") }
    let prepared = try prepare(lattice)
    if let start {
      hypothesis = start
    } else {
      hypothesis = try prepared.cheapestPath().map { path in
        path.steps.map { prepared.arcs[Int($0.state)][Int($0.arc)].label }.filter { $0 != 0 }
      } ?? []
    }
    decode()
  }

  /// Super-final state, topological order, state times, and the arcs as (word, nodes, log-likelihood).
  private mutating func prepare(_ lattice: CompactLattice) throws -> CompactLattice {
    var clat = lattice.withSuperFinal()
    if !clat.isTopSorted {
      do { clat = try clat.topSortedIfNeeded() } catch is CyclicLatticeError { throw KaldiError("Cycles detected in lattice.") }
    }
    let n = clat.stateCount
    var time = [Int](repeating: -1, count: n)
    if clat.start >= 0 { time[Int(clat.start)] = 0 }
    for s in 0..<n where time[s] >= 0 {
      for arc in clat.arcs[s] {
        let t = time[s] + arc.weight.string.count
        if time[Int(arc.next)] < 0 { time[Int(arc.next)] = t } else if time[Int(arc.next)] != t {
          throw KaldiError("Inconsistent state times in lattice (state \(arc.next) reached at frames \(time[Int(arc.next)]) and \(t))")
        }
      }
    }
    stateTimes = [0] + time.map { max($0, 0) }
    incoming = [[Int]](repeating: [], count: n + 1)
    for s in 0..<n {
      for arc in clat.arcs[s] {
        let loglike = -(arc.weight.weight.graph + arc.weight.weight.acoustic)   // in float, as Kaldi
        incoming[Int(arc.next) + 1].append(arcs.count)
        arcs.append(Arc(word: arc.label, start: s + 1, end: Int(arc.next) + 1, loglike: loglike))
      }
    }
    return clat
  }

  private static func normalizedEps(_ words: [Int32]) -> [Int32] {
    var out: [Int32] = [0]
    for w in words where w != 0 { out += [w, 0] }
    return out
  }

  /// The three ways an arc's word meets bin q: in it (1), inserted before it (2), or the bin
  /// left to ε at the arc's end (3); costs of each for all q, and the choice per q.
  private func arcCosts(_ a: Arc, _ from: [Double], _ c: inout [Double], _ choice: inout [UInt8]) {
    let r = hypothesis
    let insertion = a.word == 0 ? 0 : 1 + Self.delta
    c[0] = from[0] + insertion
    for q in 1...r.count {
      let v1 = from[q - 1] + (a.word == r[q - 1] ? 0 : 1)
      let v2 = from[q] + insertion
      let v3 = c[q - 1] + (r[q - 1] == 0 ? 0 : 1)
      if v1 <= v2 {
        (c[q], choice[q]) = v1 <= v3 ? (v1, 1) : (v3, 3)
      } else {
        (c[q], choice[q]) = v2 <= v3 ? (v2, 2) : (v3, 3)
      }
    }
  }

  /// The forward pass: log forward probabilities and expected edit distances per node.
  private func editDistance() -> (alpha: [Double], a: [[Double]]) {
    let nodes = incoming.count - 1, q = hypothesis.count
    var alpha = [Double](repeating: -.infinity, count: nodes + 1)
    var a = [[Double]](repeating: [Double](repeating: 0, count: q + 1), count: nodes + 1)
    alpha[1] = 0
    for j in stride(from: 1, through: q, by: 1) { a[1][j] = a[1][j - 1] + (hypothesis[j - 1] == 0 ? 0 : 1) }
    var c = [Double](repeating: 0, count: q + 1), choice = [UInt8](repeating: 0, count: q + 1)
    for n in stride(from: 2, through: nodes, by: 1) {
      for k in incoming[n] { alpha[n] = logAdd(alpha[n], alpha[arcs[k].start] + Double(arcs[k].loglike)) }
      for k in incoming[n] {
        let arc = arcs[k]
        arcCosts(arc, a[arc.start], &c, &choice)
        let post = exp(alpha[arc.start] + Double(arc.loglike) - alpha[n])
        for j in 0...q { a[n][j] += post * c[j] }
      }
    }
    return (alpha, a)
  }

  /// The backward pass: posteriors and average times of the words in each bin.
  private mutating func accumulateStats() {
    let (alpha, a) = editDistance()
    let nodes = incoming.count - 1, q = hypothesis.count
    let risk = a[nodes][q]
    if bayesRisk != 0 && risk > bayesRisk { KaldiLog.warn("Edit distance increased: \(formatG(risk, precision: 6)) > \(formatG(bayesRisk, precision: 6))", function: "AccStats") }
    bayesRisk = risk
    var b = [[Double]](repeating: [Double](repeating: 0, count: q + 1), count: nodes + 1)
    b[nodes][q] = 1
    var gamma = [[Int32: Double]](repeating: [:], count: q + 1)
    var tauBegin = gamma, tauEnd = gamma
    func add(_ map: inout [Int32: Double], _ word: Int32, _ value: Double) {
      if value != 0 { map[word, default: 0] += value }   // Kaldi's AddToMap skips exact zeros
    }
    var c = [Double](repeating: 0, count: q + 1), choice = [UInt8](repeating: 0, count: q + 1)
    var d = [Double](repeating: 0, count: q + 1)
    for n in stride(from: nodes, through: 2, by: -1) {
      for k in incoming[n] {
        let arc = arcs[k], s = arc.start
        arcCosts(arc, a[s], &c, &choice)
        let post = exp(alpha[s] + Double(arc.loglike) - alpha[n])
        for j in 0...q { d[j] = 0 }
        for j in stride(from: q, through: 1, by: -1) {
          d[j] += post * b[n][j]
          switch choice[j] {
          case 1:
            b[s][j - 1] += d[j]
            add(&gamma[j], arc.word, d[j])
            add(&tauBegin[j], arc.word, Double(stateTimes[s]) * d[j])
            add(&tauEnd[j], arc.word, Double(stateTimes[n]) * d[j])
          case 2:
            b[s][j] += d[j]
          default:
            d[j - 1] += d[j]
            add(&gamma[j], 0, d[j])
            add(&tauBegin[j], 0, Double(stateTimes[n]) * d[j])
            add(&tauEnd[j], 0, Double(stateTimes[n]) * d[j])
          }
        }
        d[0] += post * b[n][0]
        b[s][0] += d[0]
      }
    }
    for j in 0...q { d[j] = 0 }
    for j in stride(from: q, through: 1, by: -1) {   // what is left at the start: deletions at time 0
      d[j] += b[1][j]
      d[j - 1] += d[j]
      add(&gamma[j], 0, d[j])
    }
    sausageStats = []
    times = []
    for j in stride(from: 1, through: q, by: 1) {
      let sum = gamma[j].values.reduce(0, +)
      if abs(sum - 1) > 0.1 { KaldiLog.warn("sum of gamma[\(j),s] is \(formatG(sum, precision: 6))", function: "AccStats") }
      let bin = gamma[j].map { (word: $0.key, posterior: Float($0.value)) }
        .sorted { $0.posterior != $1.posterior ? $0.posterior > $1.posterior : $0.word > $1.word }
      sausageStats.append(bin)
      times.append(bin.map { entry in
        let begin = Float((tauBegin[j][entry.word] ?? 0) / Double(entry.posterior))
        let end = Float((tauEnd[j][entry.word] ?? 0) / Double(entry.posterior))
        if begin > end { KaldiLog.warn("Times out of order", function: "AccStats") }
        return (begin, end)
      })
    }
  }

  /// Kaldi's `MbrDecode`: score the hypothesis, move each bin to its most probable word,
  /// repeat until nothing changes; confidences and times of the final hypothesis.
  private mutating func decode() {
    for iteration in 0... {
      hypothesis = Self.normalizedEps(hypothesis)
      accumulateStats()
      var gain = 0.0
      oneBestTimes = []
      oneBestConfidences = []
      for i in hypothesis.indices {
        let bin = sausageStats[i]
        if options.decodeMbr {
          let old = bin.first { $0.word == hypothesis[i] }?.posterior ?? 0
          gain += Double(old) - Double(bin[0].posterior)
          hypothesis[i] = bin[0].word
        }
        guard hypothesis[i] != 0 || options.printSilence else { continue }
        let j = bin.firstIndex { $0.word == hypothesis[i] }
        appendTime(times[i][j ?? 0])
        oneBestConfidences.append(j.map { bin[$0].posterior } ?? 0)
      }
      if gain == 0 { break }
      if iteration > 100 {
        KaldiLog.warn("Iterating too many times in MbrDecode; stopping.", function: "MbrDecode")
        break
      }
    }
    oneBest = options.printSilence ? hypothesis : hypothesis.filter { $0 != 0 }
  }

  /// Appends an entry's times, sharing out any overlap with the one before in proportion to
  /// their durations (in float, as Kaldi).
  private mutating func appendTime(_ time: (begin: Float, end: Float)) {
    oneBestTimes.append(time)
    let k = oneBestTimes.count
    guard k > 1, oneBestTimes[k - 2].end > oneBestTimes[k - 1].begin else { return }
    let previous = oneBestTimes[k - 2], current = oneBestTimes[k - 1]
    let before: Float = k > 2 ? oneBestTimes[k - 3].end : 0
    let left = max(before, min(previous.begin, current.begin))
    let right = max(previous.end, current.end)
    let dPrevious = previous.end - previous.begin, dCurrent = current.end - current.begin
    let middle = dPrevious > 0 ? left + ((right - left) * dPrevious) / (dPrevious + dCurrent) : left
    oneBestTimes[k - 2] = (left, middle)
    oneBestTimes[k - 1] = (middle, right)
  }
}
