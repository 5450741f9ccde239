import KaldiBase
import KaldiMatrix

/// Options of on-line cepstral mean (and variance) normalization (Kaldi's `OnlineCmvnOptions`).
public struct OnlineCmvnOptions: Sendable {
  public var cmnWindow = 600
  public var speakerFrames = 600
  public var globalFrames = 200
  public var normalizeMean = true
  public var normalizeVariance = false
  /// Window stats are kept every this many frames (not a command-line option, as in Kaldi).
  public var modulus = 20
  public var skipDims = ""
  public init() {}

  public static func register<Root>(_ po: ParseOptions, _ s: Setting<Root>, _ k: WritableKeyPath<Root, OnlineCmvnOptions>) {
    po.register("cmn-window", s, k.appending(path: \.cmnWindow), "Number of frames of sliding context for cepstral mean normalization.")
    po.register("global-frames", s, k.appending(path: \.globalFrames), "Number of frames of global-average cepstral mean normalization stats to use for first utterance of a speaker")
    po.register("speaker-frames", s, k.appending(path: \.speakerFrames), "Number of frames of previous utterance(s) from this speaker to use in cepstral mean normalization")
    po.register("norm-vars", s, k.appending(path: \.normalizeVariance), "If true, do cepstral variance normalization in addition to cepstral mean normalization ")
    po.register("norm-means", s, k.appending(path: \.normalizeMean), "If true, do mean normalization (note: you cannot normalize the variance but not the mean)")
    po.register("skip-dims", s, k.appending(path: \.skipDims), "Dimensions to skip normalization of (colon-separated list of integers)")
  }

  /// The `--skip-dims` list, after checking the options fit together.
  public func validated(dimension: Int) throws -> [Int] {
    // Kaldi documents global-frames <= speaker-frames <= cmn-window but does not enforce it
    // (apply-cmvn-online runs with any of them), so neither does this.
    guard cmnWindow > 0, modulus > 0 else { throw KaldiError("--cmn-window must be positive, got \(cmnWindow)") }
    guard normalizeMean || !normalizeVariance else {
      throw KaldiError("You cannot normalize the variance but not the mean (--norm-vars=true --norm-means=false)")
    }
    if skipDims.isEmpty { return [] }
    return try skipDims.split(separator: ":", omittingEmptySubsequences: false).map {
      guard let k = Int($0), k >= 0, k < dimension else {
        throw KaldiError("Bad --skip-dims option (should be colon-separated list of integers in 0..\(dimension - 1)): \(skipDims)")
      }
      return k
    }
  }
}

/// What on-line CMVN carries from one utterance to the next (Kaldi's `OnlineCmvnState`):
/// the global stats it starts from, the speaker's stats so far, and frozen stats if any.
public struct OnlineCmvnState: Sendable {
  /// 2×(D+1): sums with the count last, sums of squares.
  public var globalStats: Matrix<Double>
  public var speakerStats: Matrix<Double>?
  public var frozenStats: Matrix<Double>?

  public init(globalStats: Matrix<Double>) { self.globalStats = globalStats }
}

/// On-line cepstral mean (and variance) normalization (Kaldi's `OnlineCmvn`): frame t is
/// normalized with the stats of the last `cmnWindow` frames up to t, topped up to the window
/// first from the speaker's earlier utterances (up to `speakerFrames`), then from the global
/// stats (up to `globalFrames`). Needs no lookahead, so decoding can start at once.
public final class OnlineCmvn: OnlineFeatureSource {
  public let options: OnlineCmvnOptions
  public let source: any OnlineFeatureSource
  /// The state the utterance started from.
  public let initialState: OnlineCmvnState
  private var frozen: Matrix<Double>?
  private let skip: [Int]
  private let width: Int  // D + 1 values per stats row
  /// Window stats (row-major 2×(D+1)) at frames 0, modulus, 2·modulus, ...: entry n is the
  /// stats at frame n·modulus; those whose continuation would read frames the source no longer
  /// keeps are dropped.
  private var cached: [Int: [Double]] = [:]
  private var cachedCount = 0
  private var firstCached = 0
  /// The initial speaker stats plus this utterance's frames 0..<speakerFramesAdded, summed in
  /// frame order as each frame is first read (Kaldi's `GetState` sums them at the end; summing
  /// as they come gives the same numbers without keeping the frames).
  private var speakerSums: Matrix<Double>
  private var speakerFramesAdded = 0
  private var lastFrame = -1
  private var lastStats: [Double]
  private var stats: [Double]
  private var feature: [Float]
  private var offset: [Float], scale: [Float]

  public init(options: OnlineCmvnOptions, state: OnlineCmvnState, source: any OnlineFeatureSource) throws {
    let d = source.dimension
    skip = try options.validated(dimension: d)
    for (name, m) in [("global", state.globalStats), ("speaker", state.speakerStats), ("frozen", state.frozenStats)] {
      guard let m else { continue }
      guard m.rows == 2, m.cols == d + 1 else {
        throw KaldiError("\(name) CMVN stats are \(m.rows)x\(m.cols), features have dimension \(d) (expected 2x\(d + 1))")
      }
    }
    guard state.globalStats[0, d] > 0 else { throw KaldiError("Global CMN stats are required (their count is \(state.globalStats[0, d]))") }
    self.options = options
    self.source = source
    initialState = state
    frozen = state.frozenStats
    width = d + 1
    speakerSums = state.speakerStats ?? Matrix(rows: 2, cols: d + 1)
    lastStats = .init(repeating: 0, count: 2 * (d + 1))
    stats = lastStats
    feature = .init(repeating: 0, count: d)
    offset = .init(repeating: 0, count: d)
    scale = .init(repeating: 1, count: d)
  }

  public var dimension: Int { source.dimension }
  public var framesReady: Int { source.framesReady }
  public func isLastFrame(_ frame: Int) -> Bool { source.isLastFrame(frame) }
  public var firstAvailableFrame: Int { source.firstAvailableFrame }

  public func frame(_ t: Int, into output: UnsafeMutablePointer<Float>) {
    source.frame(t, into: output)
    if t == speakerFramesAdded { addToSpeakerSums(output) }
    guard options.normalizeMean else { return }
    if let frozen {
      stats = frozen.data
    } else {
      windowStats(t)
      smooth()
    }
    let d = width - 1
    for k in skip {
      stats[k] = 0
      stats[width + k] = stats[d]
    }
    do {
      try stats.withUnsafeBufferPointer { s in
        try Cmvn.normalization(s.baseAddress!, dimension: d, variances: options.normalizeVariance, offset: &offset, scale: &scale)
      }
    } catch {
      // The global stats' count is positive and smoothing tops the count up to at least
      // min(cmnWindow, globalFrames) frames, so the count is never below one.
      preconditionFailure("on-line CMVN with too few frames: \(error)")
    }
    if options.normalizeVariance {
      for c in 0..<d { output[c] = output[c] * scale[c] + offset[c] }
    } else {
      for c in 0..<d { output[c] += offset[c] }
    }
  }

  /// Normalizes every later frame with the stats of frame `t` (Kaldi's `Freeze`).
  public func freeze(at t: Int) {
    windowStats(t)
    smooth()
    frozen = Matrix(rows: 2, cols: width, data: stats)
  }

  /// The state to start the speaker's next utterance from: this one's frames 0...t added to the
  /// speaker stats (Kaldi's `GetState`).
  public func state(through t: Int) -> OnlineCmvnState {
    var state = initialState
    if t + 1 >= speakerFramesAdded {
      while speakerFramesAdded <= t {
        feature.withUnsafeMutableBufferPointer { source.frame(speakerFramesAdded, into: $0.baseAddress!) }
        feature.withUnsafeBufferPointer { addToSpeakerSums($0.baseAddress!) }
      }
      state.speakerStats = speakerSums
    } else {
      // Through a frame before the latest read: summed again from the initial stats.
      var speaker = initialState.speakerStats ?? Matrix(rows: 2, cols: width)
      for f in 0...t {
        feature.withUnsafeMutableBufferPointer { source.frame(f, into: $0.baseAddress!) }
        feature.withUnsafeBufferPointer { Self.add($0.baseAddress!, to: &speaker) }
      }
      state.speakerStats = speaker
    }
    state.frozenStats = frozen
    return state
  }

  private func addToSpeakerSums(_ x: UnsafePointer<Float>) {
    Self.add(x, to: &speakerSums)
    speakerFramesAdded += 1
  }

  /// One frame into speaker stats: count, sums and sums of squares.
  private static func add(_ x: UnsafePointer<Float>, to stats: inout Matrix<Double>) {
    let d = stats.cols - 1
    stats[0, d] += 1
    for c in 0..<d {
      let v = Double(x[c])
      stats[0, c] += v
      stats[1, c] += v * v
    }
  }

  /// Raw stats of frames max(0, t−cmnWindow+1)...t into `stats`, continued from the nearest
  /// earlier stats kept; every start point was itself summed frame by frame from frame 0, so the
  /// result does not depend on the order frames are asked for.
  private func windowStats(_ t: Int) {
    var current = -1
    if cachedCount > 0 {
      let n = min(t / options.modulus, cachedCount - 1)
      if let entry = cached[n] {
        current = n * options.modulus
        stats = entry
      } else {
        precondition(lastFrame <= t, "on-line CMVN of frame \(t): frames before \(source.firstAvailableFrame) are no longer kept")
      }
    } else {
      for i in stats.indices { stats[i] = 0 }
    }
    if lastFrame <= t && lastFrame > current {
      current = lastFrame
      stats = lastStats
    }
    let d = width - 1, variance = options.normalizeVariance
    while current < t {
      current += 1
      accumulate(frame: current, sign: 1, dimension: d, variance: variance)
      let leaving = current - options.cmnWindow
      if leaving >= 0 { accumulate(frame: leaving, sign: -1, dimension: d, variance: variance) }
      if current % options.modulus == 0 && current / options.modulus == cachedCount {
        cached[cachedCount] = stats
        cachedCount += 1
      }
    }
    lastFrame = t
    lastStats = stats
    dropUnreachableStats()
  }

  /// Continuing from the stats at frame c reads frames from c+1−cmnWindow on: entries whose
  /// frames are gone can never be used again.
  private func dropUnreachableStats() {
    let first = source.firstAvailableFrame
    guard first > 0 else { return }
    while firstCached < cachedCount - 1 && firstCached * options.modulus + 1 - options.cmnWindow < first {
      cached[firstCached] = nil
      firstCached += 1
    }
  }

  private func accumulate(frame f: Int, sign: Double, dimension d: Int, variance: Bool) {
    feature.withUnsafeMutableBufferPointer { source.frame(f, into: $0.baseAddress!) }
    for c in 0..<d {
      let x = Double(feature[c])
      stats[c] += sign * x
      if variance { stats[width + c] += (sign * x) * x }
    }
    stats[d] += sign
  }

  /// Tops the window stats up to `cmnWindow` frames from the speaker's, then the global stats
  /// (Kaldi's `SmoothOnlineCmvnStats`; only the sums row without variance normalization).
  private func smooth() {
    let d = width - 1
    let rows = options.normalizeVariance ? 2 : 1
    let window = Double(options.cmnWindow)
    var count = stats[d]
    if count >= window { return }
    func add(_ scale: Double, _ m: Matrix<Double>) {
      for i in 0..<(rows * width) { stats[i] += scale * m.data[i] }
    }
    if let speaker = initialState.speakerStats {
      let speakerCount = speaker[0, d]
      let fromSpeaker = min(window - count, Double(options.speakerFrames), speakerCount)
      if fromSpeaker > 0 { add(fromSpeaker / speakerCount, speaker) }
      count = stats[d]
    }
    if count >= window { return }
    let global = initialState.globalStats
    let fromGlobal = min(window - count, Double(options.globalFrames))
    if fromGlobal > 0 { add(fromGlobal / global[0, d], global) }
  }
}
