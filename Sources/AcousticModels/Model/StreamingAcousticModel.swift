import CSparse
import KaldiMatrix

/// A trained model evaluated one frame at a time (batch 1, evaluation mode) for on-line
/// recognition: each component's own streaming step in turn (input encoding, the recurrent
/// layers, the head), state carried between frames, nothing allocated per frame. Gives the
/// log-posteriors of `AcousticModel.propagate` on the whole utterance, and counts the zero
/// outputs of every layer (the spike density the event-driven products profit from).
public final class StreamingAcousticModel {
  public let model: AcousticModel
  private let steps: [any StreamingStep]
  /// Output of each step but the head's: the input encoding (spiking models) and each layer.
  private let buffers: [PinnedFloats]
  /// Zero values per layer output (the network's input first), and frames stepped, since `resetCounts`.
  private var zeros: [Int]
  public private(set) var framesStepped = 0

  public init(model: AcousticModel) {
    self.model = model
    let c = model.config
    var steps: [any StreamingStep] = []
    if let encoder = model.encoder { steps.append(encoder.makeStreamingStep(dimension: c.inputDim)) }
    for layer in model.layers { steps.append(layer.makeStreamingStep()) }
    steps.append(model.head.makeStreamingStep(sparseInput: c.architecture.isSpiking))
    self.steps = steps
    buffers = steps.dropLast().map { PinnedFloats(zeros: $0.outputDim) }
    zeros = .init(repeating: 0, count: model.layers.count + 1)
  }

  public var inputDim: Int { model.config.inputDim }
  public var outputDim: Int { model.config.outputDim }

  /// Forgets the carried state: the next frame starts a new utterance.
  public func reset() { for s in steps { s.reset() } }

  /// Log-posteriors of one frame (`inputDim` features) into `out` (`outputDim` values).
  public func step(_ frame: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
    var x = frame
    // Without an input encoding the network reads the features themselves.
    let counted = model.encoder == nil ? 1 : 0
    if counted == 1 { zeros[0] += zeroCount(frame, inputDim) }
    for (i, buffer) in buffers.enumerated() {
      steps[i].step(x, into: buffer.pointer)
      zeros[i + counted] += zeroCount(buffer.pointer, buffer.count)
      x = UnsafePointer(buffer.pointer)
    }
    steps[steps.count - 1].step(x, into: out)
    framesStepped += 1
  }

  /// Log-posteriors (frames × outputDim) of a whole utterance (frames × inputDim), from a
  /// fresh state: what `ksnn-am-forward` writes, with the arithmetic of on-line recognition
  /// (so a spiking layer's spikes, which a rounding difference can flip, are the same).
  public func logPosteriors(of features: [Float], frames: Int) -> [Float] {
    reset()
    var out = [Float](repeating: 0, count: frames * outputDim)
    features.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { y in
        for t in 0..<frames { step(x.baseAddress! + t * inputDim, into: y.baseAddress! + t * outputDim) }
      }
    }
    return out
  }

  private func zeroCount(_ p: UnsafePointer<Float>, _ n: Int) -> Int { Int(ksnn_count_zeros(p, Int32(n))) }

  /// Zero values per layer output since the last `resetCounts` (the network's input, encoded
  /// for spiking models, first), as `Measures` counts them.
  public var zeroCounts: [Int] { zeros }

  public func step(_ frame: UnsafePointer<Float>, into out: inout [Float]) {
    out.withUnsafeMutableBufferPointer { step(frame, into: $0.baseAddress!) }
  }

  /// Percentage of zero values per layer output since the last `resetCounts` (the network's
  /// input, encoded for spiking models, first).
  public var zeroPercentages: [Double] {
    let dims = [inputDim] + model.layers.map(\.hiddenDim)
    return zip(zeros, dims).map { framesStepped == 0 ? 0 : 100 * Double($0) / Double(framesStepped * $1) }
  }

  public func resetCounts() {
    zeros = .init(repeating: 0, count: zeros.count)
    framesStepped = 0
  }
}
