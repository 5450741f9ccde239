import KaldiBase

/// One endpointing rule (Kaldi's `OnlineEndpointRule`): it fires when every condition holds.
public struct OnlineEndpointRule: Sendable {
  public var mustContainNonsilence: Bool
  /// Seconds of silence at the end of the best path.
  public var minTrailingSilence: Float
  /// Largest allowed `FasterDecoder.finalRelativeCost` (how much worse ending now is).
  public var maxRelativeCost: Float
  /// Seconds decoded.
  public var minUtteranceLength: Float

  public init(mustContainNonsilence: Bool, minTrailingSilence: Float, maxRelativeCost: Float, minUtteranceLength: Float) {
    (self.mustContainNonsilence, self.minTrailingSilence) = (mustContainNonsilence, minTrailingSilence)
    (self.maxRelativeCost, self.minUtteranceLength) = (maxRelativeCost, minUtteranceLength)
  }

  func fires(utteranceLength: Float, trailingSilence: Float, relativeCost: Float) -> Bool {
    let containsNonsilence = utteranceLength > trailingSilence
    return (containsNonsilence || !mustContainNonsilence) && trailingSilence >= minTrailingSilence
      && relativeCost <= maxRelativeCost && utteranceLength >= minUtteranceLength
  }
}

/// When an on-line decoder decides the speaker has finished (Kaldi's `OnlineEndpointConfig`,
/// same options and defaults): five rules, the first that fires ends the utterance.
public struct OnlineEndpointConfig: Sendable {
  /// Colon-separated phone ids whose frames count as silence.
  public var silencePhones = ""
  public var rules: [OnlineEndpointRule] = [
    // 5 s of silence, even if nothing was decoded.
    .init(mustContainNonsilence: false, minTrailingSilence: 5, maxRelativeCost: .infinity, minUtteranceLength: 0),
    // 0.5 s of silence after speech, in a final state with a good score.
    .init(mustContainNonsilence: true, minTrailingSilence: 0.5, maxRelativeCost: 2, minUtteranceLength: 0),
    // 1 s of silence after speech, in a final state with a fair score.
    .init(mustContainNonsilence: true, minTrailingSilence: 1, maxRelativeCost: 8, minUtteranceLength: 0),
    // 2 s of silence after speech, final state or not.
    .init(mustContainNonsilence: true, minTrailingSilence: 2, maxRelativeCost: .infinity, minUtteranceLength: 0),
    // 20 s decoded, whatever else.
    .init(mustContainNonsilence: false, minTrailingSilence: 0, maxRelativeCost: .infinity, minUtteranceLength: 20),
  ]
  public init() {}

  public static func register<Root>(_ po: ParseOptions, _ s: Setting<Root>, _ k: WritableKeyPath<Root, OnlineEndpointConfig>) {
    po.register("endpoint.silence-phones", s, k.appending(path: \.silencePhones), "List of phones that are considered to be silence phones by the endpointing code.")
    for i in 0..<5 {
      let prefix = "endpoint.rule\(i + 1)."
      let rule = k.appending(path: \.rules[i])
      po.register(prefix + "must-contain-nonsilence", s, rule.appending(path: \.mustContainNonsilence), "If true, for this endpointing rule to apply there must be nonsilence in the best-path traceback.")
      po.register(prefix + "min-trailing-silence", s, rule.appending(path: \.minTrailingSilence), "This endpointing rule requires duration of trailing silence(in seconds) to be >= this value.")
      po.register(prefix + "max-relative-cost", s, rule.appending(path: \.maxRelativeCost), "This endpointing rule requires relative-cost of final-states to be <= this value (describes how good the probability of final-states is).")
      po.register(prefix + "min-utterance-length", s, rule.appending(path: \.minUtteranceLength), "This endpointing rule requires utterance-length (in seconds) to be >= this value.")
    }
  }

  /// The silence phones, sorted; an error for a malformed or empty list (endpointing needs one).
  public func silencePhoneSet() throws -> Set<Int32> {
    let parts = silencePhones.split(separator: ":", omittingEmptySubsequences: false)
    let phones = parts.compactMap { Int32($0.trimmingPrefix(" ")) }
    guard !silencePhones.isEmpty, phones.count == parts.count else {
      throw KaldiError(silencePhones.isEmpty
        ? "Endpointing requires nonempty --endpoint.silence-phones option"
        : "Bad --silence-phones option in endpointing config: \(silencePhones)")
    }
    guard Set(phones).count == phones.count else { throw KaldiError("Duplicates in --silence-phones option in endpointing config") }
    return Set(phones)
  }

  /// The 1-based number of the first rule that fires for these measurements, or nil (Kaldi's
  /// `EndpointDetected`, lengths in seconds computed in single precision as Kaldi does).
  public func firingRule(framesDecoded: Int, trailingSilenceFrames: Int, frameShift: Float, relativeCost: Float) -> Int? {
    let length = Float(framesDecoded) * frameShift
    let silence = Float(trailingSilenceFrames) * frameShift
    for (i, rule) in rules.enumerated() where rule.fires(utteranceLength: length, trailingSilence: silence, relativeCost: relativeCost) {
      return i + 1
    }
    return nil
  }

  /// The rule that ends the utterance `decoder` is in, if any: trailing silence counted along
  /// the cheapest token's path (final costs ignored) until its first non-silence frame.
  public func firingRule(_ decoder: FasterDecoder, model: TransitionModel, silencePhones: Set<Int32>, frameShift: Float) -> Int? {
    let frames = decoder.framesDecoded
    guard frames > 0 else { return nil }
    var silence = 0
    decoder.traceBackBestPath { tid in
      guard silencePhones.contains(model.phone(of: tid)) else { return false }
      silence += 1
      return true
    }
    return firingRule(framesDecoded: frames, trailingSilenceFrames: silence, frameShift: frameShift, relativeCost: decoder.finalRelativeCost)
  }
}
