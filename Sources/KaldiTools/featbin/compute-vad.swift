import KaldiBase
import KaldiIO
import KaldiMatrix

/// `compute-vad`: Kaldi's energy-based voice activity detection, 1.0 per voiced frame and 0.0
/// otherwise, from the log-energy in column 0 of the features (MFCC with energy).
public enum ComputeVad: KaldiTool {
  public static let name = "compute-vad"
  public static let usage = """
    This program reads input features and writes out, for each utterance,
    a vector of floats that are 1.0 if we judge the frame voice and 0.0
    otherwise.  The algorithm is very simple and is based on thresholding
    the log mel energy (and taking the consensus of threshold decisions
    within a window centered on the current frame).  See the options for
    more details.

    Usage: compute-vad [options] <feats-rspecifier> <vad-wspecifier>
    e.g.: compute-vad scp:feats.scp ark:vad.ark
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let omitUnvoiced = invocation.option("omit-unvoiced-utts", false, "If true, do not write out voicing information for utterances that were judged 100% unvoiced.")
    let parsedOptions = VadEnergyOptions.register(invocation)
    let args = try invocation.arguments(2)
    let options = parsedOptions()
    try options.validate()
    let reader = try SequentialTableReader<MatrixHolder<Float>>(args[0])
    let writer = try TableWriter<VectorHolder<Float>>(args[1])
    var done = 0, empty = 0, unvoiced = 0
    var totalLength = 0.0, totalVoiced = 0.0
    while let (utt, feats) = try reader.next() {
      guard feats.rows > 0 else {
        KaldiLog.warn("Empty feature matrix for utterance \(utt)")
        empty += 1
        continue
      }
      let voiced = options.voicing(of: feats)
      let sum = voiced.reduce(0.0) { $0 + Double($1) }
      if sum == 0 {
        KaldiLog.warn("No frames were judged voiced for utterance \(utt)")
        unvoiced += 1
      } else {
        done += 1
      }
      totalVoiced += sum
      totalLength += Double(voiced.count)
      if !(omitUnvoiced.value && sum == 0) { try writer.write(utt, Vector(voiced)) }
    }
    try writer.close()
    KaldiLog.log("Applied energy based voice activity detection; processed \(done) utterances successfully; \(empty) had empty features, and \(unvoiced) were completely unvoiced.")
    KaldiLog.log("Proportion of voiced frames was \(formatG(totalVoiced / totalLength, precision: 6)) over \(formatG(totalLength, precision: 6)) frames.")
    return done != 0 ? 0 : 1
  }
}

/// Kaldi's `VadEnergyOptions` and `ComputeVadEnergy`: a frame is voiced when its log-energy
/// exceeds threshold + mean-scale × (the utterance's mean log-energy).
public struct VadEnergyOptions: Sendable {
  public var energyThreshold: Float = 5
  public var energyMeanScale: Float = 0.5
  public var framesContext = 0
  public var proportionThreshold: Float = 0.6

  public init() {}

  /// Registers the options with their defaults; the returned closure gives their values once
  /// the command line has been read.
  public static func register(_ invocation: Invocation) -> () -> VadEnergyOptions {
    let d = VadEnergyOptions()
    let threshold = invocation.option("vad-energy-threshold", d.energyThreshold, "Constant term in energy threshold for MFCC0 for VAD (also see --vad-energy-mean-scale)")
    let meanScale = invocation.option("vad-energy-mean-scale", d.energyMeanScale, "If this is set to s, to get the actual threshold we let m be the mean log-energy of the file, and use s*m + vad-energy-threshold")
    let context = invocation.option("vad-frames-context", d.framesContext, "Number of frames of context on each side of central frame, in window for which energy is monitored")
    let proportion = invocation.option("vad-proportion-threshold", d.proportionThreshold, "Parameter controlling the proportion of frames within the window that need to have more energy than the threshold")
    return {
      var o = VadEnergyOptions()
      (o.energyThreshold, o.energyMeanScale, o.framesContext, o.proportionThreshold) = (threshold.value, meanScale.value, context.value, proportion.value)
      return o
    }
  }

  public func validate() throws(KaldiError) {
    guard energyMeanScale >= 0 else { throw KaldiError("--vad-energy-mean-scale must not be negative, got \(energyMeanScale)") }
    guard framesContext >= 0 else { throw KaldiError("--vad-frames-context must not be negative, got \(framesContext)") }
    guard proportionThreshold > 0, proportionThreshold < 1 else {
      throw KaldiError("--vad-proportion-threshold must be between 0 and 1 (exclusive), got \(proportionThreshold)")
    }
  }

  /// 1 for each voiced frame of `feats` (log-energy in column 0), else 0.
  public func voicing(of feats: Matrix<Float>) -> [Float] {
    let t = feats.rows
    var sum = 0.0
    for r in 0..<t { sum += Double(feats[r, 0]) }
    var threshold = energyThreshold
    if energyMeanScale != 0 { threshold += energyMeanScale * Float(sum) / Float(t) }
    var out = [Float](repeating: 0, count: t)
    for r in 0..<t {
      // Kaldi counts the frames of the window but compares the centre frame's energy for
      // each of them (src/ivector/voice-activity-detection.cc), so the context only matters
      // near the edges; the same here, for the same decisions.
      let window = (max(0, r - framesContext)...min(t - 1, r + framesContext)).count
      let above = feats[r, 0] > threshold ? window : 0
      if Float(above) >= Float(window) * proportionThreshold { out[r] = 1 }
    }
    return out
  }
}
