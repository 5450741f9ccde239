import Features
import KaldiBase

/// `compute-spectrogram-feats`: log power spectra from audio, Kaldi's options and numbers.
public enum ComputeSpectrogramFeats: KaldiTool {
  public static let name = "compute-spectrogram-feats"
  public static let usage = """
    Create spectrogram feature files.
    Usage:  compute-spectrogram-feats [options...] <wav-rspecifier> <feats-wspecifier>
     e.g.: compute-spectrogram-feats scp:data/train/wav.scp ark:spectrogram.ark
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let options = Setting(SpectrogramOptions())
    SpectrogramOptions.register(invocation.options, options)
    let loop = FeatureComputation(invocation, vtln: false)
    let args = try invocation.arguments(2)
    return try loop.run(SpectrogramComputer(options.value), rspecifier: args[0], wspecifier: args[1])
  }
}
