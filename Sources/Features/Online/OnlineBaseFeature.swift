import KaldiBase
import KaldiMatrix

/// MFCC, fbank or spectrogram computed as audio arrives, in chunks of any size (Kaldi's
/// `OnlineGenericBaseFeature`): each frame as soon as its window is complete, the same values
/// as the offline extractor on the whole waveform (dither included: frames are made in the same
/// order from the same random stream). Only the samples later frames need are kept, and with
/// `--max-feature-vectors=N` (N > 0) only the N frames up to the latest one read (Kaldi keeps the
/// latest N computed; counting from the reader's position lets a long chunk be read whole).
public final class OnlineBaseFeature<Computer: FrameFeatureComputer>: OnlineAudioFeature {
  public let computer: Computer
  private let extractor: FrameExtractor
  private var waveform: [Float] = []
  /// Index in the whole signal of `waveform[0]`.
  private var waveformOffset = 0
  /// Frames `firstStored..<framesReady`, row after row.
  private var features: [Float] = []
  private var firstStored = 0
  /// The latest frame read.
  private var latestRead = -1
  private let keep: Int
  private var scratch: [Float]
  private var finished = false

  public init(_ computer: Computer) throws {
    self.computer = computer
    extractor = try FrameExtractor(computer.frameOptions)
    scratch = [Float](repeating: 0, count: computer.frameOptions.paddedWindowSize)
    keep = computer.frameOptions.maxFeatureVectors
  }

  public var dimension: Int { computer.dimension }
  public var frameShift: Float { computer.frameOptions.frameShiftMs / 1000 }
  public private(set) var framesReady = 0
  /// Whether `finishInput()` was called.
  public var inputFinished: Bool { finished }

  public func isLastFrame(_ frame: Int) -> Bool { finished && frame == framesReady - 1 }

  public var firstAvailableFrame: Int { keep > 0 ? max(0, latestRead - keep + 1) : 0 }

  /// Frames stored now: those not read yet and, with `--max-feature-vectors=N`, at most 2·N up to
  /// the latest one read.
  public var framesStored: Int { framesReady - firstStored }

  public func frame(_ t: Int, into output: UnsafeMutablePointer<Float>) {
    precondition(t >= firstAvailableFrame && t < framesReady,
      "frame \(t) is not available (frames \(firstAvailableFrame)..<\(framesReady); --max-feature-vectors=\(keep))")
    let d = dimension
    features.withUnsafeBufferPointer { output.update(from: $0.baseAddress! + (t - firstStored) * d, count: d) }
    if t > latestRead {
      latestRead = t
      // Dropped in batches, so that each frame is moved at most once.
      if keep > 0 && firstAvailableFrame - firstStored >= keep {
        features.removeFirst((firstAvailableFrame - firstStored) * d)
        firstStored = firstAvailableFrame
      }
    }
  }

  /// Adds samples (any number, at the configured sample frequency) and computes the frames
  /// they complete.
  public func acceptWaveform(_ samples: some Collection<Float>, sampleRate: Float) throws {
    let expected = computer.frameOptions.sampleFrequency
    guard sampleRate == expected else {
      throw KaldiError("Sampling frequency mismatch, expected \(expected.optionDescription), got \(sampleRate.optionDescription)")
    }
    guard !finished else { throw KaldiError("acceptWaveform called after finishInput") }
    waveform.append(contentsOf: samples)
    try computeNewFrames()
  }

  /// No more audio: frames that reach past the end (with `--snip-edges=false`) are made now.
  public func finishInput() throws {
    guard !finished else { return }
    finished = true
    try computeNewFrames()
  }

  private func computeNewFrames() throws {
    let options = computer.frameOptions
    let total = options.frameCount(samples: waveformOffset + waveform.count, flush: finished)
    guard total > framesReady else { return }
    let d = dimension
    features.append(contentsOf: repeatElement(0, count: (total - framesReady) * d))
    let needEnergy = computer.needsRawLogEnergy
    try waveform.withUnsafeBufferPointer { wave in
      try scratch.withUnsafeMutableBufferPointer { frame in
        try features.withUnsafeMutableBufferPointer { out in
          for f in framesReady..<total {
            let energy = extractor.extract(
              frame: f, of: wave, sampleOffset: waveformOffset, into: frame.baseAddress!, wantRawLogEnergy: needEnergy)
            try computer.compute(rawLogEnergy: energy, vtlnWarp: 1, frame: frame.baseAddress!, output: out.baseAddress! + (f - firstStored) * d)
          }
        }
      }
    }
    framesReady = total
    // Samples before the next frame's window are never read again.
    let discard = options.firstSample(ofFrame: total) - waveformOffset
    if discard > 0 {
      let n = min(discard, waveform.count)
      waveform.removeFirst(n)
      waveformOffset += n
    }
  }
}
