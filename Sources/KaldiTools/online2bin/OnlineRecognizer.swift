#if canImport(Glibc)
import Glibc
#endif
import AcousticModels
import Decoding
import Features
import KaldiBase
import KaldiIO
import KaldiMatrix

/// Options of on-line recognition with a ksnn network, one struct for the command line, config
/// files and library callers (feature pipeline as Kaldi's `OnlineNnet2FeaturePipelineConfig`,
/// priors as `ksnn-am-forward`, decoder and endpointing as Kaldi's).
public struct OnlineRecognitionOptions: Sendable {
  public var featureType = "mfcc"
  public var mfccConfig = ""
  public var fbankConfig = ""
  public var cmvnConfig = ""
  public var globalCmvnStats = ""
  public var splice = 0
  public var classFrameCounts = ""
  public var priorFloor: Float = 1e-10
  public var priorScale: Float = 1
  public var acousticScale: Float = 0.1
  public var decoder = DecoderOptions()
  public var endpoint = OnlineEndpointConfig()
  public init() {}

  public static func register(_ po: ParseOptions, _ s: Setting<OnlineRecognitionOptions>) {
    po.register("feature-type", s, \.featureType, "Base feature type [mfcc, fbank]")
    po.register("mfcc-config", s, \.mfccConfig, "Configuration file for MFCC features (e.g. conf/mfcc.conf)")
    po.register("fbank-config", s, \.fbankConfig, "Configuration file for filterbank features (e.g. conf/fbank.conf)")
    po.register("cmvn-config", s, \.cmvnConfig, "Configuration file for online cmvn features (e.g. conf/online_cmvn.conf). Controls features on nnet3 input (not ivector features). If not set, the OnlineCmvn is disabled.")
    po.register("global-cmvn-stats", s, \.globalCmvnStats, "filename with global stats for OnlineCmvn for features on nnet3 input (not ivector features)")
    po.register("splice", s, \.splice, "Frames of context on each side of the network's input, as it was trained (splice-feats --left-context=N --right-context=N)")
    po.register("class-frame-counts", s, \.classFrameCounts, "Vector with class counts (e.g. from analyze-counts) to turn posteriors into likelihoods")
    po.register("prior-floor", s, \.priorFloor, "Classes with a prior below this are disabled (log prior = sqrt(FLT_MAX))")
    po.register("prior-scale", s, \.priorScale, "Scaling factor applied to the log priors")
    po.register("acoustic-scale", s, \.acousticScale, "Scaling factor for acoustic log-likelihoods")
    DecoderOptions.register(po, s, \.decoder)
    OnlineEndpointConfig.register(po, s, \.endpoint)
  }
}

/// What every stream of an on-line recognizer shares, read once: transition model, network,
/// priors, graph, feature and CMVN settings.
public final class OnlineRecognitionModels {
  public let options: OnlineRecognitionOptions
  public let transitionModel: TransitionModel
  public let network: AcousticModel
  public let priors: PdfPriors?
  public let fst: Fst
  let fbank: FbankOptions?
  let mfcc: MfccOptions?
  let cmvn: OnlineCmvnOptions?
  public let globalCmvnStats: Matrix<Double>?
  /// Silence phones for endpointing (empty when not endpointing).
  let silencePhones: Set<Int32>

  public init(options: OnlineRecognitionOptions, transitionModel modelName: String, network networkName: String, fst fstName: String, endpointing: Bool) throws {
    self.options = options
    transitionModel = try TransitionModelReader.read(modelName)
    network = try AcousticModel.load(networkName)
    let k = network.config.outputDim
    guard k == transitionModel.numPdfs else {
      throw KaldiError("\(networkName) has \(k) outputs but \(modelName) has \(transitionModel.numPdfs) pdfs")
    }
    priors = options.classFrameCounts.isEmpty ? nil : try PdfPriors(
      countsFile: options.classFrameCounts, classes: k, modelName: networkName, floor: options.priorFloor, scale: options.priorScale)
    fst = try MappedDecoding(model: transitionModel, modelName: modelName, loglikesName: "").graph(fstName)
    switch options.featureType {
    case "fbank":
      fbank = try Self.parse(FbankOptions(), FbankOptions.register, config: options.fbankConfig)
      mfcc = nil
    case "mfcc":
      mfcc = try Self.parse(MfccOptions(), MfccOptions.register, config: options.mfccConfig)
      fbank = nil
    default:
      throw KaldiError("Invalid feature type: \(options.featureType). Supported feature types: mfcc, fbank.")
    }
    if !options.cmvnConfig.isEmpty {
      guard !options.globalCmvnStats.isEmpty else {
        throw KaldiError("--global-cmvn-stats option is required  when --cmvn-config is specified.")
      }
      cmvn = try Self.parse(OnlineCmvnOptions(), { OnlineCmvnOptions.register($0, $1, \.self) }, config: options.cmvnConfig)
      globalCmvnStats = try readKaldiObject(MatrixHolder<Double>.self, from: options.globalCmvnStats)
    } else {
      cmvn = nil
      globalCmvnStats = nil
    }
    silencePhones = endpointing ? try options.endpoint.silencePhoneSet() : []
    guard options.splice >= 0 else { throw KaldiError("--splice must not be negative, got \(options.splice)") }
    let base = try makeFeature()
    // A stream that keeps only its latest frames must keep what on-line CMVN (its window and
    // the window stats it continues from) and splicing read back.
    let keep = (fbank?.frame ?? mfcc!.frame).maxFeatureVectors
    let reach = (cmvn.map { $0.cmnWindow + $0.modulus } ?? 0) + 2 * options.splice + 1
    if keep > 0 && keep < reach {
      throw KaldiError("--max-feature-vectors=\(keep) is too small: on-line CMVN and splicing read up to \(reach) frames back")
    }
    let featureDim = base.dimension * (1 + 2 * options.splice)
    guard featureDim == network.config.inputDim else {
      throw KaldiError("\(networkName) expects \(network.config.inputDim) inputs but the \(options.featureType) features spliced ±\(options.splice) have \(featureDim)")
    }
  }

  /// Options of type T from a config file (Kaldi's `ReadConfigFromFile`), defaults otherwise.
  static func parse<T>(_ value: T, _ register: (ParseOptions, Setting<T>) -> Void, config: String) throws -> T {
    let setting = Setting(value)
    guard !config.isEmpty else { return value }
    let po = ParseOptions(usage: "")
    register(po, setting)
    _ = try po.read(["--print-args=false", "--config=" + config])
    return setting.value
  }

  /// The base feature of a new stream.
  func makeFeature() throws -> any OnlineAudioFeature {
    if let fbank { return try OnlineBaseFeature(try FbankComputer(fbank)) }
    return try OnlineBaseFeature(try MfccComputer(mfcc!))
  }

  /// The CMVN state a new speaker starts from (nil without on-line CMVN).
  public func newSpeakerCmvnState() -> OnlineCmvnState? { globalCmvnStats.map { OnlineCmvnState(globalStats: $0) } }
}

/// A stretch of audio recognised as one utterance: its words and alignment, where it lies in
/// the stream, and the endpoint rule that closed it (nil when the input ended).
public struct RecognizedSegment: Sendable {
  public var path: DecodedPath
  /// Frames since the start of the stream.
  public var startFrame: Int
  public var frames: Int
  public var endpointRule: Int?
  public var words: [RecognizedWord]
}

/// A word with its time in the stream and an acoustic confidence: the geometric mean of the
/// network's posteriors of the word's aligned pdfs (silence at its edges left out).
public struct RecognizedWord: Sendable {
  public var word: Int32
  public var start: Float, end: Float
  public var confidence: Float
}

/// One stream being recognised as its audio arrives: features, on-line CMVN, splicing, the
/// network one frame at a time, the decoder advanced over every new frame. With endpointing,
/// an endpoint closes a segment and decoding starts again on the audio after it.
public final class OnlineRecognizer {
  public let models: OnlineRecognitionModels
  let endpointing: Bool
  private let feature: any OnlineAudioFeature
  private let cmvn: OnlineCmvn?
  private let input: any OnlineFeatureSource
  private let network: StreamingAcousticModel
  private let decodable: OnlineMappedDecodable
  private let decoder: FasterDecoder
  private var frame: [Float]
  private var loglikes: [Float]
  /// Frames passed through the network, and the stream frame the current segment starts at.
  private var framesComputed = 0
  private var segmentStart = 0
  /// Segments closed and not yet taken (`takeClosedSegments`).
  public private(set) var segments: [RecognizedSegment] = []
  private var segmentsClosed = 0
  private var finished = false

  public init(models: OnlineRecognitionModels, cmvnState: OnlineCmvnState?, endpointing: Bool) throws {
    self.models = models
    self.endpointing = endpointing
    feature = try models.makeFeature()
    if let options = models.cmvn, let state = cmvnState {
      cmvn = try OnlineCmvn(options: options, state: state, source: feature)
    } else {
      cmvn = nil
    }
    let splice = models.options.splice
    let normalized: any OnlineFeatureSource = cmvn ?? feature
    input = splice > 0 ? try OnlineSplice(normalized, left: splice, right: splice) : normalized
    network = StreamingAcousticModel(model: models.network)
    decodable = OnlineMappedDecodable(model: models.transitionModel, scale: models.options.acousticScale)
    decoder = FasterDecoder(fst: models.fst, options: models.options.decoder)
    decoder.initDecoding()
    frame = .init(repeating: 0, count: input.dimension)
    loglikes = .init(repeating: 0, count: network.outputDim)
  }

  /// Seconds per frame.
  public var frameShift: Float { feature.frameShift }
  /// Frames decoded in the whole stream.
  public var framesDecoded: Int { segmentStart + decoder.framesDecoded }

  /// Adds audio (any amount) and decodes every frame it completes.
  public func acceptWaveform(_ samples: some Collection<Float>, sampleRate: Float) throws {
    try feature.acceptWaveform(samples, sampleRate: sampleRate)
    advance()
  }

  /// No more audio: the last frames are decoded and the final segment closed.
  public func finishInput() throws {
    guard !finished else { return }
    try feature.finishInput()
    advance()
    finished = true
    if decoder.framesDecoded > 0 || segmentsClosed == 0 { closeSegment(rule: nil) }
  }

  /// The segments closed since the last call, handed over and forgotten (a long stream keeps
  /// only what it has not passed on).
  public func takeClosedSegments() -> [RecognizedSegment] {
    defer { segments.removeAll() }
    return segments
  }

  /// The words of the current segment every hypothesis agrees on (they only grow).
  public var partialWords: [Int32] { decoder.settledWords }

  /// The current segment's best path so far (may still change).
  public var bestPartialPath: DecodedPath? { decoder.bestPath(useFinalProbs: false) }

  /// Zero outputs per network layer so far (input encoding first for spiking models), in %.
  public var zeroPercentages: [Double] { network.zeroPercentages }

  /// The state the speaker's next utterance starts from (nil without on-line CMVN).
  public func cmvnState() -> OnlineCmvnState? {
    guard let cmvn else { return nil }
    return cmvn.state(through: feature.framesReady - 1)
  }

  private func advance() {
    let ready = input.framesReady
    while framesComputed < ready {
      frame.withUnsafeMutableBufferPointer { input.frame(framesComputed, into: $0.baseAddress!) }
      loglikes.withUnsafeMutableBufferPointer { out in
        frame.withUnsafeBufferPointer { network.step($0.baseAddress!, into: out.baseAddress!) }
        models.priors?.apply(to: out.baseAddress!)
        decodable.append(out.baseAddress!)
      }
      framesComputed += 1
      // Decoding frame by frame lets an endpoint be noticed on the frame it happens.
      decoder.advanceDecoding(decodable)
      if endpointing, let rule = models.options.endpoint.firingRule(
        decoder, model: models.transitionModel, silencePhones: models.silencePhones, frameShift: frameShift)
      {
        closeSegment(rule: rule)
      }
    }
  }

  /// The words of the current segment's `path` with times and confidences.
  private func timedWords(_ path: DecodedPath) -> [RecognizedWord] {
    let model = models.transitionModel, silence = models.silencePhones
    let logPriors = models.priors?.logPriors
    func isSilence(_ t: Int) -> Bool { silence.contains(model.phone(of: path.alignment[t])) }
    guard !path.alignment.isEmpty else { return [] }
    var out: [RecognizedWord] = []
    for (i, word) in path.words.enumerated() {
      let start = min(path.wordFrames[i], path.alignment.count - 1)
      let stop = max(i + 1 < path.words.count ? path.wordFrames[i + 1] : path.alignment.count, start + 1)
      // Silence around a word is not the word (but a word of silence, as TIMIT's sil, is).
      var first = start, end = stop
      while end > first + 1 && isSilence(end - 1) { end -= 1 }
      while first < end - 1 && isSilence(first) { first += 1 }
      if isSilence(first) { (first, end) = (start, stop) }
      var sum: Float = 0
      for t in first..<end {
        let pdf = Int(model.pdf(of: path.alignment[t]))
        sum += decodable.value(frame: t, pdf: pdf) + (logPriors?[pdf] ?? 0)
      }
      let shift = frameShift, confidence = expf(sum / Float(end - first))
      out.append(RecognizedWord(
        word: word, start: Float(segmentStart + first) * shift, end: Float(segmentStart + end) * shift,
        confidence: confidence.isFinite ? min(1, confidence) : 0))
    }
    return out
  }

  /// Ends the current segment with its best path and starts decoding afresh after it.
  private func closeSegment(rule: Int?) {
    let frames = decoder.framesDecoded
    let path = decoder.bestPath(useFinalProbs: true) ?? DecodedPath()
    segments.append(RecognizedSegment(path: path, startFrame: segmentStart, frames: frames, endpointRule: rule, words: timedWords(path)))
    segmentsClosed += 1
    segmentStart += frames
    decodable.startSegment(at: frames)
    decoder.initDecoding()
  }
}
