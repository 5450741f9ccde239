import KaldiBase

/// The paper's cost measures of a model over the frames it has seen: % zero outputs per layer
/// (and of the encoded input), non-zeros per frame, multiplications per frame, parameters,
/// and — when targets are known — frame accuracy and cross-entropy.
public struct Measures: Sendable {
  public let config: ModelConfig
  public var frames = 0
  public var zeros: [Int]
  public var scoredFrames = 0
  public var correctFrames = 0
  public var crossEntropySum = 0.0

  public init(config: ModelConfig) {
    self.config = config
    zeros = [Int](repeating: 0, count: config.layers + 1)
  }

  /// Counts the activations of the model's last forward pass over the valid frames of a
  /// batch (frame t of sequence b is valid when t < lengths[b]).
  public mutating func accumulate(_ model: AcousticModel, lengths: [Int], logProbabilities: [Float]? = nil, targets: [Int32]? = nil) {
    let batch = lengths.count
    for (l, act) in model.activations.enumerated() {
      let dim = l == 0 ? config.inputDim : config.hiddenDim
      act.withUnsafeBufferPointer { a in
        var z = 0
        for b in 0..<batch {
          for t in 0..<lengths[b] {
            let row = a.baseAddress! + (t * batch + b) * dim
            for j in 0..<dim where row[j] == 0 { z += 1 }
          }
        }
        zeros[l] += z
      }
    }
    frames += lengths.reduce(0, +)
    if let logProbabilities, let targets { score(logProbabilities, targets: targets) }
  }

  /// Adds zero counts per layer output (the encoded input first) over `frames` frames, as
  /// `StreamingAcousticModel.zeroCounts` gives them.
  public mutating func accumulate(zeroCounts: [Int], frames: Int) {
    for (l, z) in zeroCounts.enumerated() { zeros[l] += z }
    self.frames += frames
  }

  /// Adds another set of counts of the same model (a parallel job's share of the frames).
  public mutating func add(_ other: Measures) {
    accumulate(zeroCounts: other.zeros, frames: other.frames)
    scoredFrames += other.scoredFrames
    correctFrames += other.correctFrames
    crossEntropySum += other.crossEntropySum
  }

  /// Frame accuracy and cross-entropy of log-posteriors (rows × K) against targets (−1: unscored).
  public mutating func score(_ logProbabilities: [Float], targets: [Int32]) {
    let k = config.outputDim
    for (r, y) in targets.enumerated() where y >= 0 {
      let row = r * k
      if logProbabilities.withUnsafeBufferPointer({ bestClass($0.baseAddress! + row, count: k) }) == Int(y) { correctFrames += 1 }
      crossEntropySum -= Double(logProbabilities[row + Int(y)])
      scoredFrames += 1
    }
  }

  public var layerDims: [Int] { [config.inputDim] + [Int](repeating: config.hiddenDim, count: config.layers) }

  /// % of zero values per layer output, the encoded input first.
  public var zeroPercent: [Double] {
    zip(zeros, layerDims).map { frames == 0 ? 0 : 100 * Double($0) / Double(frames * $1) }
  }

  /// Mean non-zero values per frame per layer output, the encoded input first.
  public var nonZerosPerFrame: [Double] {
    zip(zeros, layerDims).map { frames == 0 ? Double($1) : Double($1) - Double($0) / Double(frames) }
  }

  public var frameAccuracy: Double { scoredFrames == 0 ? 0 : Double(correctFrames) / Double(scoredFrames) }
  public var crossEntropy: Double { scoredFrames == 0 ? 0 : crossEntropySum / Double(scoredFrames) }

  /// Multiplications per frame (matrix-vector products cost nnz(vector)·rows; element-wise
  /// products as the authors count them: 6H lif, 8H v1/v2, 12H LSTM/GRU per layer).
  /// `authors` reproduces the fork's own count (v1/v2 add 2·nnz(layer input)·H per layer).
  public static func multiplications(_ arch: Architecture, nonZeros n: [Double], hidden: Int, outputs: Int, authors: Bool = false) -> Double {
    let h = Double(hidden), k = Double(outputs), layers = n.count - 1
    var total = n[layers] * k
    for i in 1...layers {
      let input = n[i - 1], own = n[i]
      switch arch {
      case .lstm: total += input * 4 * h + 4 * h * h + 12 * h
      case .gru: total += input * 3 * h + 3 * h * h + 12 * h
      case .snn: total += input * h + 6 * h
      case .v1: total += 2 * input * h + (authors ? 2 * input * h : 0) + 8 * h
      case .v2: total += 2 * input * h + 2 * (authors ? input : own) * h + 8 * h
      }
    }
    return total
  }

  public var denseNonZeros: [Double] { layerDims.map(Double.init) }

  public var multiplicationsSparse: Double {
    Measures.multiplications(config.architecture, nonZeros: nonZerosPerFrame, hidden: config.hiddenDim, outputs: config.outputDim)
  }
  public var multiplicationsDense: Double {
    Measures.multiplications(config.architecture, nonZeros: denseNonZeros, hidden: config.hiddenDim, outputs: config.outputDim)
  }
  public var multiplicationsAuthors: Double {
    Measures.multiplications(config.architecture, nonZeros: nonZerosPerFrame, hidden: config.hiddenDim, outputs: config.outputDim, authors: true)
  }
  /// A dense LSTM / GRU of the same sizes: the paper's normalisers.
  public func baseline(_ arch: Architecture) -> Double {
    Measures.multiplications(arch, nonZeros: denseNonZeros, hidden: config.hiddenDim, outputs: config.outputDim)
  }

  /// The measures as a JSON object (keys in a fixed order, numbers printed exactly enough).
  public func json(parameters: (recurrentStack: Int, head: Int), extra: [(String, String)] = []) -> String {
    func num(_ v: Double) -> String { v.isFinite ? formatG(v, precision: 8) : "null" }
    func list(_ v: [Double]) -> String { "[" + v.map(num).joined(separator: ", ") + "]" }
    var fields: [(String, String)] = [
      ("architecture", "\"\(config.architecture.rawValue)\""),
      ("bits", config.architecture.isSpiking ? "\(config.bits)" : "32"),
      ("threshold", config.architecture.isSpiking ? "\(config.threshold)" : "null"),
      ("frames", "\(frames)"),
    ]
    if scoredFrames > 0 {
      fields += [("frame_accuracy", num(frameAccuracy)), ("cross_entropy", num(crossEntropy))]
    }
    // The counts themselves, so that jobs over parts of a set can be summed (ksnn-am-sum-measures).
    fields += [("zero_counts", "[" + zeros.map(String.init).joined(separator: ", ") + "]")]
    if scoredFrames > 0 {
      fields += [
        ("scored_frames", "\(scoredFrames)"), ("correct_frames", "\(correctFrames)"),
        ("cross_entropy_sum", formatG(crossEntropySum, precision: 17)),
      ]
    }
    fields += [
      ("zero_percent", list(zeroPercent)),
      ("nonzeros_per_frame", list(nonZerosPerFrame)),
      ("mults_per_frame_sparse", num(multiplicationsSparse)),
      ("mults_per_frame_dense", num(multiplicationsDense)),
      ("mults_per_frame_authors_formula", num(multiplicationsAuthors)),
      ("mults_normalized_to_lstm", num(multiplicationsSparse / baseline(.lstm))),
      ("mults_normalized_to_gru", num(multiplicationsSparse / baseline(.gru))),
      ("params_total", "\(parameters.recurrentStack + parameters.head)"),
      ("params_recurrent_stack", "\(parameters.recurrentStack)"),
    ]
    fields += extra
    return "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
  }
}

extension Measures {
  /// The counts of a measures file that `json` wrote for a model of `config` (`path` names it
  /// in errors): frames, zero counts per layer, and the scored frames when there are any.
  public init(json text: String, config: ModelConfig, path: String) throws {
    self.init(config: config)
    let fields = try FlatJSON(text, path: path)
    frames = try fields.integer("frames")
    let counts = try fields.integers("zero_counts")
    guard counts.count == zeros.count else {
      throw KaldiError("\(path): \(counts.count) zero counts, but the model has \(zeros.count) layer outputs (input included)")
    }
    zeros = counts
    if fields.has("scored_frames") {
      scoredFrames = try fields.integer("scored_frames")
      correctFrames = try fields.integer("correct_frames")
      crossEntropySum = try fields.number("cross_entropy_sum")
    }
  }
}

/// The top-level fields of a one-level JSON object (numbers, strings, null, arrays of
/// numbers), as the measures files hold them: enough to read them back without Foundation.
struct FlatJSON {
  private var values: [String: String] = [:]
  private let path: String

  init(_ text: String, path: String) throws {
    self.path = path
    let body = text.trimmingSpaces()
    guard body.first == "{", body.last == "}" else { throw KaldiError("\(path): not a JSON object") }
    var rest = Substring(body.dropFirst().dropLast())
    while let quote = rest.firstIndex(of: "\"") {
      let keyStart = rest.index(after: quote)
      guard let keyEnd = rest[keyStart...].firstIndex(of: "\""), let colon = rest[keyEnd...].firstIndex(of: ":") else {
        throw KaldiError("\(path): malformed JSON near '\(rest.prefix(40))'")
      }
      let afterColon = rest.index(after: colon)
      // A value ends at the comma after it, past a closing bracket for arrays.
      let valueEnd: Substring.Index
      if let open = rest[afterColon...].firstIndex(where: { !$0.isWhitespace }), rest[open] == "[" {
        guard let close = rest[open...].firstIndex(of: "]") else { throw KaldiError("\(path): unclosed array for \(rest[keyStart..<keyEnd])") }
        valueEnd = rest.index(after: close)
      } else {
        valueEnd = rest[afterColon...].firstIndex(of: ",") ?? rest.endIndex
      }
      values[String(rest[keyStart..<keyEnd])] = String(rest[afterColon..<valueEnd]).trimmingSpaces()
      rest = rest[valueEnd...].drop(while: { $0 == "," || $0.isWhitespace })
    }
  }

  func has(_ key: String) -> Bool { values[key] != nil }

  private func raw(_ key: String) throws -> String {
    guard let value = values[key] else { throw KaldiError("\(path): no field \"\(key)\"") }
    return value
  }

  func integer(_ key: String) throws -> Int {
    guard let v = Int(try raw(key)) else { throw KaldiError("\(path): field \"\(key)\" is not an integer: \(try raw(key))") }
    return v
  }

  func number(_ key: String) throws -> Double {
    guard let v = Double(try raw(key)) else { throw KaldiError("\(path): field \"\(key)\" is not a number: \(try raw(key))") }
    return v
  }

  func integers(_ key: String) throws -> [Int] {
    let text = try raw(key)
    guard text.hasPrefix("["), text.hasSuffix("]") else { throw KaldiError("\(path): field \"\(key)\" is not an array: \(text)") }
    let items = text.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingSpaces() }
    return try items.map { item in
      guard let v = Int(item) else { throw KaldiError("\(path): field \"\(key)\" holds a non-integer: \(item)") }
      return v
    }
  }
}

/// The index of the largest of `count` scores (the first one on ties): a frame's decision.
@inline(__always)
func bestClass(_ scores: UnsafePointer<Float>, count: Int) -> Int {
  var best = 0
  for j in 1..<count where scores[j] > scores[best] { best = j }
  return best
}
