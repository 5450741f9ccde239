import Features
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `apply-cmvn`: cepstral mean (and optionally variance) normalization, per utterance, per
/// speaker or global.
public enum ApplyCmvn: KaldiTool {
  public static let name = "apply-cmvn"
  public static let usage = """
    Apply cepstral mean and (optionally) variance normalization
    Per-utterance by default, or per-speaker if utt2spk option provided
    Usage: apply-cmvn [options] (<cmvn-stats-rspecifier>|<cmvn-stats-rxfilename>) <feats-rspecifier> <feats-wspecifier>
    e.g.: apply-cmvn --utt2spk=ark:data/train/utt2spk scp:data/train/cmvn.scp scp:data/train/feats.scp ark:-
    See also: compute-cmvn-stats
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let utt2spk = invocation.option("utt2spk", "", "rspecifier for utterance to speaker map")
    let normVars = invocation.option("norm-vars", false, "If true, normalize variances.")
    let normMeans = invocation.option("norm-means", true, "You can set this to false to turn off mean normalization.  Note, the same can be achieved by using 'fake' CMVN stats; see the --fake option to compute_cmvn_stats.sh")
    let skipDims = invocation.option("skip-dims", "", "Dimensions for which to skip normalization: colon-separated list of integers, e.g. 13:14:15)")
    let reverse = invocation.option("reverse", false, "If true, apply CMVN in a reverse sense, so as to transform zero-mean, unit-variance input into data with the given mean and variance.")
    let args = try invocation.arguments(3)
    if normVars.value && !normMeans.value { throw KaldiError("You cannot normalize the variance but not the mean.") }
    if !normMeans.value {
      let n = try copyTable(args[1], MatrixHolder<Float>.self, to: args[2], MatrixHolder<Float>.self) { $1 }
      KaldiLog.log("Copied \(n) utterances.")
      return n != 0 ? 0 : 1
    }
    var skip: [Int] = []
    if !skipDims.value.isEmpty {
      for part in skipDims.value.split(separator: ":", omittingEmptySubsequences: false) {
        guard let k = Int(part) else { throw KaldiError("Bad --skip-dims option (should be colon-separated list of integers)") }
        skip.append(k)
      }
    }
    let feats = try SequentialTableReader<MatrixHolder<Float>>(args[1])
    let writer = try TableWriter<MatrixHolder<Float>>(args[2])
    var done = 0, errors = 0
    func normalize(_ utt: String, _ f: inout Matrix<Float>, _ stats: Matrix<Double>) throws {
      var stats = stats
      if !skip.isEmpty { try Cmvn.skip(dimensions: skip, in: &stats) }
      do {
        try Cmvn.apply(stats, to: &f, variances: normVars.value, reverse: reverse.value)
      } catch let e as KaldiError {
        throw KaldiError("\(e.message) (utterance \(utt))")
      }
    }
    if ReadSpecifier(args[0]) != nil {
      let stats = try MappedTableReader<MatrixHolder<Double>>(args[0], utt2spk: utt2spk.value)
      while let (utt, f) = try feats.next() {
        guard try stats.hasKey(utt) else {
          KaldiLog.warn("No normalization statistics available for key \(utt), producing no output for this utterance")
          errors += 1
          continue
        }
        var f = f
        try normalize(utt, &f, try stats.value(for: utt))
        try writer.write(utt, f)
        done += 1
      }
    } else {
      if !utt2spk.value.isEmpty { throw KaldiError("--utt2spk option not compatible with rxfilename as input (did you forget ark:?)") }
      let global = try readKaldiObject(MatrixHolder<Double>.self, from: args[0])
      while let (utt, f) = try feats.next() {
        var f = f
        try normalize(utt, &f, global)
        try writer.write(utt, f)
        done += 1
      }
    }
    try writer.close()
    KaldiLog.log("Applied cepstral mean \(normVars.value ? "and variance " : "")normalization to \(done) utterances, errors on \(errors)")
    return done != 0 ? 0 : 1
  }
}
