import KaldiBase
import KaldiMatrix

/// Feature frames that become available as audio arrives (Kaldi's `OnlineFeatureInterface`):
/// frames are read by index, any number of times, once `framesReady` covers them.
public protocol OnlineFeatureSource: AnyObject {
  var dimension: Int { get }
  /// How many frames can be read now; grows as input arrives.
  var framesReady: Int { get }
  /// The first frame that can still be read: 0 unless the base features keep only the latest
  /// frames (`--max-feature-vectors`).
  var firstAvailableFrame: Int { get }
  /// Whether `frame` is the last frame there will ever be (the input has ended).
  func isLastFrame(_ frame: Int) -> Bool
  /// Writes frame `t` (`t < framesReady`) into `output` (`dimension` values).
  func frame(_ t: Int, into output: UnsafeMutablePointer<Float>)
}

extension OnlineFeatureSource {
  public var firstAvailableFrame: Int { 0 }

  /// Frame `t` as an array (tests and tools; the streaming path reads into its own buffers).
  public func frame(_ t: Int) -> [Float] {
    var row = [Float](repeating: 0, count: dimension)
    row.withUnsafeMutableBufferPointer { frame(t, into: $0.baseAddress!) }
    return row
  }

  /// Every ready frame as a matrix.
  public func readyFrames() -> Matrix<Float> {
    var m = Matrix<Float>(rows: framesReady, cols: dimension)
    m.data.withUnsafeMutableBufferPointer { p in
      for t in 0..<framesReady { frame(t, into: p.baseAddress! + t * dimension) }
    }
    return m
  }
}

/// A whole feature matrix as an on-line source, all of it ready (Kaldi's `OnlineMatrixFeature`).
public final class OnlineMatrixFeature: OnlineFeatureSource {
  public let matrix: Matrix<Float>
  public init(_ matrix: Matrix<Float>) { self.matrix = matrix }
  public var dimension: Int { matrix.cols }
  public var framesReady: Int { matrix.rows }
  public func isLastFrame(_ frame: Int) -> Bool { frame == matrix.rows - 1 }
  public func frame(_ t: Int, into output: UnsafeMutablePointer<Float>) {
    matrix.data.withUnsafeBufferPointer { output.update(from: $0.baseAddress! + t * matrix.cols, count: matrix.cols) }
  }
}

/// Each frame stacked with its neighbours (Kaldi's `OnlineSpliceFrames`): a frame is ready once
/// its right context has arrived, or when the input has ended (the last frame is repeated,
/// as the offline `splice-feats` does), so the output equals `spliceFrames` of the whole input.
public final class OnlineSplice: OnlineFeatureSource {
  public let source: any OnlineFeatureSource
  public let left: Int, right: Int

  public init(_ source: any OnlineFeatureSource, left: Int, right: Int) throws {
    guard left >= 0, right >= 0 else { throw KaldiError("Contexts must be non-negative: --left-context=\(left) --right-context=\(right)") }
    self.source = source
    self.left = left
    self.right = right
  }

  public var dimension: Int { source.dimension * (1 + left + right) }

  public var framesReady: Int {
    let n = source.framesReady
    if n > 0 && source.isLastFrame(n - 1) { return n }
    return max(0, n - right)
  }

  public func isLastFrame(_ frame: Int) -> Bool { source.isLastFrame(frame) }
  public var firstAvailableFrame: Int { source.firstAvailableFrame }

  public func frame(_ t: Int, into output: UnsafeMutablePointer<Float>) {
    let available = source.framesReady, d = source.dimension
    for j in 0...(left + right) {
      let s = min(max(t + j - left, 0), available - 1)
      source.frame(s, into: output + j * d)
    }
  }
}

/// An on-line source fed with audio: the base features of an on-line pipeline.
public protocol OnlineAudioFeature: OnlineFeatureSource {
  func acceptWaveform(_ samples: some Collection<Float>, sampleRate: Float) throws
  func finishInput() throws
  /// Seconds between frames.
  var frameShift: Float { get }
}
