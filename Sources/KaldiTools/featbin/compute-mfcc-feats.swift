import Features
import KaldiBase

/// `compute-mfcc-feats`: MFCCs from audio, Kaldi's options and numbers.
public enum ComputeMfccFeats: KaldiTool {
  public static let name = "compute-mfcc-feats"
  public static let usage = """
    Create MFCC feature files.
    Usage:  compute-mfcc-feats [options...] <wav-rspecifier> <feats-wspecifier>
     e.g.: compute-mfcc-feats --config=conf/mfcc.conf scp:data/train/wav.scp ark,scp:mfcc/raw_mfcc.ark,mfcc/raw_mfcc.scp
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let options = Setting(MfccOptions())
    MfccOptions.register(invocation.options, options)
    let loop = FeatureComputation(invocation, vtln: true)
    let args = try invocation.arguments(2)
    return try loop.run(try MfccComputer(options.value), rspecifier: args[0], wspecifier: args[1])
  }
}
