import KaldiBase

/// The five acoustic-model architectures of the paper.
public enum Architecture: String, Sendable, CaseIterable {
  case lstm, gru
  /// Traditional LIF spiking network.
  case snn
  /// Spiking network with improved dynamics v1 / v2.
  case v1, v2

  public var isSpiking: Bool { self == .snn || self == .v1 || self == .v2 }

  var dynamics: SpikingDynamics? {
    switch self {
    case .snn: .lif
    case .v1: .v1
    case .v2: .v2
    case .lstm, .gru: nil
    }
  }
}

extension Architecture: OptionValue {
  public static var optionTypeName: String { "string" }
  public init?(optionText: String) { self.init(rawValue: optionText) }
  public var optionDescription: String { rawValue }
}

/// Everything that fixes a model's shape and behaviour; saved in the model file.
public struct ModelConfig: Sendable, Equatable {
  public var architecture: Architecture
  public var inputDim: Int
  public var hiddenDim: Int
  public var outputDim: Int
  public var layers: Int
  public var bits: Int
  public var threshold: Int
  public var dropout: Float
  public var momentum: Float
  /// Spiking models: sigma-delta encode the input features.
  public var encodeInput: Bool
  /// Traditional SNN: the initial per-neuron synaptic decay α of Eq. 4 (learned afterwards).
  /// The authors' code starts from 1, a pure integrator; small corpora need a leak to learn.
  public var synapticDecayInit: Float

  public init(
    architecture: Architecture, inputDim: Int, hiddenDim: Int = 550, outputDim: Int, layers: Int = 2,
    bits: Int = 6, threshold: Int = 3, dropout: Float = 0.2, momentum: Float = 0.1, encodeInput: Bool = true,
    synapticDecayInit: Float = 1
  ) {
    self.architecture = architecture
    self.inputDim = inputDim
    self.hiddenDim = hiddenDim
    self.outputDim = outputDim
    self.layers = layers
    self.bits = bits
    self.threshold = threshold
    self.dropout = dropout
    self.momentum = momentum
    self.encodeInput = encodeInput
    self.synapticDecayInit = synapticDecayInit
  }

  /// The paper's v2 at its defaults, with the dimensions a tool fills in from its data.
  public static func defaults(inputDim: Int = 0, outputDim: Int = 0) -> ModelConfig {
    ModelConfig(architecture: .v2, inputDim: inputDim, outputDim: outputDim)
  }

  /// Registers the options that shape a model (all but its input and output dimensions, which
  /// come from the data); `architecture: false` leaves `--architecture` to the tool.
  public static func register<Root>(
    _ po: ParseOptions, _ s: Setting<Root>, _ k: WritableKeyPath<Root, ModelConfig>, architecture: Bool = true
  ) {
    if architecture {
      po.register("architecture", s, k.appending(path: \.architecture), "Model: lstm, gru, snn (traditional LIF), v1 or v2 (improved spiking dynamics)")
    }
    po.register("hidden-dim", s, k.appending(path: \.hiddenDim), "Units per recurrent layer")
    po.register("num-layers", s, k.appending(path: \.layers), "Recurrent layers")
    po.register("bits", s, k.appending(path: \.bits), "Spiking output precision in bits (1..8 in the paper; 32 = nearly exact)")
    po.register("threshold", s, k.appending(path: \.threshold), "Spiking threshold level: outputs at or below this many quantisation levels are zero")
    po.register("dropout", s, k.appending(path: \.dropout), "Recurrent dropout probability (one mask per sequence)")
    po.register("momentum", s, k.appending(path: \.momentum), "Momentum of batch-norm running statistics and of the spiking range EMA")
    po.register("encode-input", s, k.appending(path: \.encodeInput), "Spiking models: sigma-delta encode the input features")
    po.register(
      "synaptic-decay-init", s, k.appending(path: \.synapticDecayInit),
      "Traditional SNN: initial synaptic-current decay alpha of Eq. 4, learned per neuron (1 = none, as the authors' code)")
  }

  /// Checks ranges; the error names the offending value.
  public func validate() throws(KaldiError) {
    func fail(_ what: String) -> KaldiError { KaldiError("invalid model configuration: \(what)") }
    if inputDim <= 0 { throw fail("input dimension \(inputDim)") }
    if hiddenDim <= 0 { throw fail("hidden dimension \(hiddenDim)") }
    if outputDim <= 1 { throw fail("output dimension \(outputDim) (need at least 2 classes)") }
    if layers <= 0 { throw fail("\(layers) layers") }
    if !(1...32).contains(bits) { throw fail("output precision \(bits) bits (allowed 1..32)") }
    if threshold < 0 { throw fail("threshold \(threshold)") }
    if !(dropout >= 0 && dropout < 1) { throw fail("dropout \(dropout)") }
    if !(momentum > 0 && momentum <= 1) { throw fail("momentum \(momentum)") }
    if !(synapticDecayInit >= 0 && synapticDecayInit <= 1) { throw fail("synaptic decay \(synapticDecayInit) (allowed 0..1)") }
  }

  /// A lower bound on the parameters a model of this shape holds (every architecture has at
  /// least one input matrix per layer and the output layer), nil when it overflows: a model
  /// file is checked against it before any tensor is allocated.
  public var minimumParameterCount: Int? {
    func times(_ a: Int, _ b: Int) -> Int? {
      let (v, overflow) = a.multipliedReportingOverflow(by: b)
      return overflow ? nil : v
    }
    guard let first = times(hiddenDim, inputDim), let square = times(hiddenDim, hiddenDim),
      let rest = times(layers - 1, square), let head = times(outputDim, hiddenDim)
    else { return nil }
    let (sum, overflow) = first.addingReportingOverflow(rest)
    let (total, overflow2) = sum.addingReportingOverflow(head)
    return overflow || overflow2 ? nil : total
  }

  /// `key=value` lines, the form kept in model files and printed by the info tool.
  public var keyValues: [(String, String)] {
    var lines: [(String, String)] = [
      ("architecture", architecture.rawValue), ("input-dim", "\(inputDim)"), ("hidden-dim", "\(hiddenDim)"),
      ("output-dim", "\(outputDim)"), ("num-layers", "\(layers)"), ("bits", "\(bits)"), ("threshold", "\(threshold)"),
      ("dropout", formatG(Double(dropout), precision: 6)), ("momentum", formatG(Double(momentum), precision: 6)),
      ("encode-input", encodeInput ? "true" : "false"),
    ]
    if architecture == .snn { lines.append(("synaptic-decay-init", formatG(Double(synapticDecayInit), precision: 6))) }
    return lines
  }

  public init(keyValues: [String: String]) throws(KaldiError) {
    func value(_ key: String) throws(KaldiError) -> String {
      guard let v = keyValues[key] else { throw KaldiError("model configuration lacks '\(key)'") }
      return v
    }
    func int(_ key: String) throws(KaldiError) -> Int {
      guard let v = Int(try value(key)) else { throw KaldiError("model configuration: bad integer for '\(key)'") }
      return v
    }
    func float(_ key: String) throws(KaldiError) -> Float {
      guard let v = Float(try value(key)) else { throw KaldiError("model configuration: bad number for '\(key)'") }
      return v
    }
    guard let arch = Architecture(rawValue: try value("architecture")) else {
      throw KaldiError("unknown architecture '\(keyValues["architecture"] ?? "")' (expected one of lstm, gru, snn, v1, v2)")
    }
    self.init(
      architecture: arch, inputDim: try int("input-dim"), hiddenDim: try int("hidden-dim"),
      outputDim: try int("output-dim"), layers: try int("num-layers"), bits: try int("bits"),
      threshold: try int("threshold"), dropout: try float("dropout"), momentum: try float("momentum"),
      encodeInput: try value("encode-input") == "true",
      // Written for the traditional SNN only; older files lack it and all started at 1.
      synapticDecayInit: keyValues["synaptic-decay-init"] == nil ? 1 : try float("synaptic-decay-init"))
    try validate()
  }
}
