import KaldiMatrix

/// Decoded audio: one row per channel, samples in Kaldi's int16 range (±32768), as Kaldi's
/// `WaveData` holds them. All feature values depend on this scale.
public struct WaveData: Sendable, Equatable {
  public var sampleRate: Float
  /// channels × samples.
  public var samples: Matrix<Float>

  public init(sampleRate: Float, samples: Matrix<Float>) {
    self.sampleRate = sampleRate
    self.samples = samples
  }

  public var channelCount: Int { samples.rows }
  public var sampleCount: Int { samples.cols }
  /// Seconds.
  public var duration: Float { Float(sampleCount) / sampleRate }

  /// One channel's samples.
  public func channel(_ c: Int) -> [Float] { Array(samples.row(c)) }
}
