import Features
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `compute-cmvn-stats`: per-utterance, per-speaker or global mean and variance statistics.
public enum ComputeCmvnStats: KaldiTool {
  public static let name = "compute-cmvn-stats"
  public static let usage = """
    Compute cepstral mean and variance normalization statistics
    If wspecifier provided: per-utterance by default, or per-speaker if
    spk2utt option provided; if wxfilename: global
    Usage: compute-cmvn-stats  [options] <feats-rspecifier> (<stats-wspecifier>|<stats-wxfilename>)
    e.g.: compute-cmvn-stats --spk2utt=ark:data/train/spk2utt scp:data/train/feats.scp ark,scp:/foo/bar/cmvn.ark,data/train/cmvn.scp
    See also: apply-cmvn
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let spk2utt = invocation.option("spk2utt", "", "rspecifier for speaker to utterance-list map")
    let binary = invocation.option("binary", true, "write in binary mode (applies only to global CMN/CVN)")
    let weightsSpecifier = invocation.option("weights", "", "rspecifier for a vector of floats for each utterance, that's a per-frame weight.")
    let args = try invocation.arguments(2)
    let weights = weightsSpecifier.value.isEmpty ? nil : try RandomAccessTableReader<VectorHolder<Float>>(weightsSpecifier.value)
    var done = 0, errors = 0

    /// Adds one utterance; false (with a warning) when its weights are missing or mismatched.
    func accumulate(_ utt: String, _ feats: Matrix<Float>, _ stats: inout Matrix<Double>) throws -> Bool {
      var w: [Float]? = nil
      if let weights {
        guard try weights.hasKey(utt) else {
          KaldiLog.warn("No weights available for utterance \(utt)")
          return false
        }
        w = try weights.value(for: utt).data
        guard w!.count == feats.rows else {
          KaldiLog.warn("Weights for utterance \(utt) have wrong dimension \(w!.count) vs. \(feats.rows)")
          return false
        }
      }
      Cmvn.accumulate(feats, weights: w, into: &stats)
      return true
    }

    if WriteSpecifier(args[1]) != nil {
      let writer = try TableWriter<MatrixHolder<Double>>(args[1])
      if !spk2utt.value.isEmpty {
        let speakers = try SequentialTableReader<TokenVectorHolder>(spk2utt.value)
        let feats = try RandomAccessTableReader<MatrixHolder<Float>>(args[0])
        while let (spk, utts) = try speakers.next() {
          var stats: Matrix<Double>? = nil
          for utt in utts {
            guard try feats.hasKey(utt) else {
              KaldiLog.warn("Did not find features for utterance \(utt)")
              errors += 1
              continue
            }
            let f = try feats.value(for: utt)
            if stats == nil { stats = Cmvn.emptyStats(dimension: f.cols) }
            if try accumulate(utt, f, &stats!) { done += 1 } else { errors += 1 }
          }
          if let stats { try writer.write(spk, stats) } else { KaldiLog.warn("No stats accumulated for speaker \(spk)") }
        }
      } else {
        let feats = try SequentialTableReader<MatrixHolder<Float>>(args[0])
        while let (utt, f) = try feats.next() {
          var stats = Cmvn.emptyStats(dimension: f.cols)
          guard try accumulate(utt, f, &stats) else {
            errors += 1
            continue
          }
          try writer.write(utt, stats)
          done += 1
        }
      }
      try writer.close()
    } else {
      if !spk2utt.value.isEmpty { throw KaldiError("--spk2utt option not compatible with wxfilename as output (did you forget ark:?)") }
      var stats: Matrix<Double>? = nil
      let feats = try SequentialTableReader<MatrixHolder<Float>>(args[0])
      while let (utt, f) = try feats.next() {
        if stats == nil { stats = Cmvn.emptyStats(dimension: f.cols) }
        if try accumulate(utt, f, &stats!) { done += 1 } else { errors += 1 }
      }
      // Kaldi writes global stats as a float matrix.
      try writeKaldiObject(MatrixHolder<Float>.self, (stats ?? Matrix(rows: 0, cols: 0)).converted(to: Float.self), to: args[1], binary: binary.value)
      KaldiLog.log("Wrote global CMVN stats to \(printableWxfilename(args[1]))")
    }
    KaldiLog.log("Done accumulating CMVN stats for \(done) utterances; \(errors) had errors.")
    return done != 0 ? 0 : 1
  }
}
