#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiIO

/// Class priors from training frame counts, to turn a network's log-posteriors into the scaled
/// log-likelihoods Kaldi's decoders want (Kaldi's `PdfPrior`): classes with a prior below the
/// floor are disabled (log prior √FLT_MAX), every log prior is multiplied by the scale.
public struct PdfPriors: Sendable {
  public let logPriors: [Float]

  public init(counts: [Double], floor: Float, scale: Float) {
    let total = counts.reduce(0, +)
    logPriors = counts.map { v in
      let prior = v / total
      return (prior < Double(floor) ? Float.greatestFiniteMagnitude.squareRoot() : Float(log(prior))) * scale
    }
  }

  /// Reads the counts (a Kaldi vector, e.g. from `analyze-counts`) for a model with `classes` outputs.
  public init(countsFile: String, classes: Int, modelName: String, floor: Float, scale: Float) throws {
    let counts = try readKaldiObject(VectorHolder<Double>.self, from: countsFile).data
    guard counts.count == classes else {
      throw KaldiError("\(countsFile) has \(counts.count) class counts but \(modelName) has \(classes) outputs")
    }
    self.init(counts: counts, floor: floor, scale: scale)
  }

  /// log p(x|class) up to a constant: the log-posteriors of `frames` frames minus the log priors.
  public func apply(to logPosteriors: UnsafeMutablePointer<Float>, frames: Int = 1) {
    let k = logPriors.count
    logPriors.withUnsafeBufferPointer { p in
      for r in 0..<frames {
        for j in 0..<k { logPosteriors[r * k + j] -= p[j] }
      }
    }
  }
}
