import Features
import KaldiBase
import KaldiIO
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

/// The loop shared by compute-mfcc-feats, compute-fbank-feats and compute-spectrogram-feats:
/// read waves, pick the channel and VTLN warp, compute, write; Kaldi's options and logs.
struct FeatureComputation {
  let subtractMean: Setting<Bool>
  let vtlnWarp: Setting<Float>
  let vtlnMap: Setting<String>
  let utt2spk: Setting<String>
  let channel: Setting<Int>
  let minDuration: Setting<Float>
  let utt2dur: Setting<String>
  let srand: Setting<Int>

  init(_ invocation: Invocation, vtln: Bool) {
    subtractMean = invocation.option("subtract-mean", false, "Subtract mean of each feature file [CMS]; not recommended to do it this way. ")
    vtlnWarp = vtln ? invocation.option("vtln-warp", Float(1), "Vtln warp factor (only applicable if vtln-map not specified)") : Setting(1)
    vtlnMap = vtln ? invocation.option("vtln-map", "", "Map from utterance or speaker-id to vtln warp factor (rspecifier)") : Setting("")
    utt2spk = vtln ? invocation.option("utt2spk", "", "Utterance to speaker-id map rspecifier (if doing VTLN and you have warps per speaker)") : Setting("")
    channel = invocation.option("channel", -1, "Channel to extract (-1 -> expect mono, 0 -> left, 1 -> right)")
    minDuration = invocation.option("min-duration", Float(0), "Minimum duration of segments to process (in seconds).")
    utt2dur = invocation.option("write-utt2dur", "", "Wspecifier to write duration of each utterance in seconds, e.g. 'ark,t:utt2dur'.")
    srand = invocation.option("srand", 1, "Seed of the C library's rand(), which dithering draws from (1 is the C library's own default, as in Kaldi)")
  }

  func run<C: FrameFeatureComputer>(_ computer: C, rspecifier: String, wspecifier: String) throws -> Int32 {
    srandom(UInt32(truncatingIfNeeded: srand.value))
    Glibc.srand(UInt32(truncatingIfNeeded: srand.value))
    let extractor = try FeatureExtractor(computer)
    if !utt2spk.value.isEmpty && vtlnMap.value.isEmpty {
      throw KaldiError("The --utt2spk option is only needed if the --vtln-map option is used.")
    }
    let warps = vtlnMap.value.isEmpty ? nil : try MappedTableReader<FloatHolder>(vtlnMap.value, utt2spk: utt2spk.value)
    let reader = try SequentialTableReader<WaveHolder>(rspecifier)
    let writer = try TableWriter<MatrixHolder<Float>>(wspecifier)
    let durations = utt2dur.value.isEmpty ? nil : try TableWriter<DoubleHolder>(utt2dur.value)
    var utterances = 0, succeeded = 0
    while let (utt, wave) = try reader.next() {
      utterances += 1
      if wave.duration < minDuration.value {
        KaldiLog.warn("File: \(utt) is too short (\(wave.duration.optionDescription) sec): producing no output.")
        continue
      }
      var use = channel.value
      if use == -1 {
        use = 0
        if wave.channelCount != 1 {
          KaldiLog.warn("Channel not specified but you have data with \(wave.channelCount) channels; defaulting to zero")
        }
      } else if use >= wave.channelCount {
        KaldiLog.warn("File with id \(utt) has \(wave.channelCount) channels but you specified channel \(use), producing no output.")
        continue
      }
      var warp = vtlnWarp.value
      if let warps {
        guard try warps.hasKey(utt) else {
          KaldiLog.warn("No vtln-map entry for utterance-id (or speaker-id) \(utt)")
          continue
        }
        warp = try warps.value(for: utt)
      }
      var features: Matrix<Float>
      do {
        let samples = wave.channelCount == 1 ? wave.samples.data : wave.channel(use)
        features = try extractor.compute(samples, sampleRate: wave.sampleRate, vtlnWarp: warp)
      } catch let e as KaldiError {
        // As Kaldi: this utterance is left out, the others go on (exit status 1 if none worked).
        KaldiLog.warn("Failed to compute features for utterance \(utt): \(e.message)")
        continue
      }
      if features.rows == 0 {
        KaldiLog.warn("Utterance \(utt) is too short (\(wave.sampleCount) samples, \(wave.duration.optionDescription) sec) for even one frame: producing no output.")
        continue
      }
      if subtractMean.value {
        for c in 0..<features.cols {
          var mean: Float = 0
          for r in 0..<features.rows { mean += features[r, c] }
          mean /= Float(features.rows)
          for r in 0..<features.rows { features[r, c] -= mean }
        }
      }
      try writer.write(utt, features)
      try durations?.write(utt, Double(wave.duration))
      if utterances % 10 == 0 { KaldiLog.log("Processed \(utterances) utterances") }
      KaldiLog.vlog(2, "Processed features for key \(utt)")
      succeeded += 1
    }
    try writer.close()
    try durations?.close()
    KaldiLog.log(" Done \(succeeded) out of \(utterances) utterances.")
    return succeeded != 0 ? 0 : 1
  }
}
