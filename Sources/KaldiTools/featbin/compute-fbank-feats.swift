import Features
import KaldiBase

/// `compute-fbank-feats`: log mel filterbank features from audio, Kaldi's options and numbers.
public enum ComputeFbankFeats: KaldiTool {
  public static let name = "compute-fbank-feats"
  public static let usage = """
    Create Mel-filter bank (FBANK) feature files.
    Usage:  compute-fbank-feats [options...] <wav-rspecifier> <feats-wspecifier>
     e.g.: compute-fbank-feats --num-mel-bins=80 scp:data/train/wav.scp ark,scp:fbank/raw_fbank.ark,fbank/raw_fbank.scp
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let options = Setting(FbankOptions())
    FbankOptions.register(invocation.options, options)
    let loop = FeatureComputation(invocation, vtln: true)
    let args = try invocation.arguments(2)
    return try loop.run(try FbankComputer(options.value), rspecifier: args[0], wspecifier: args[1])
  }
}
