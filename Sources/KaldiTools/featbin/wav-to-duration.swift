import Features
import KaldiBase
import KaldiIO

/// `wav-to-duration`: seconds of audio per utterance.
public enum WavToDuration: KaldiTool {
  public static let name = "wav-to-duration"
  public static let usage = """
    Read wav files and output an archive consisting of a single float:
    the duration of each one in seconds.
    Usage:  wav-to-duration [options...] <wav-rspecifier> <duration-wspecifier>
    E.g.: wav-to-duration scp:wav.scp ark,t:-
    See also: wav-copy extract-segments feat-to-len
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    _ = invocation.option("read-entire-file", false, "Accepted for compatibility: the whole file is always read, so durations are exact")
    let args = try invocation.arguments(2)
    let reader = try SequentialTableReader<WaveHolder>(args[0])
    let writer = try TableWriter<FloatHolder>(args[1])
    var done = 0
    var sum = 0.0, shortest = Double.infinity, longest = 0.0
    while let (key, wave) = try reader.next() {
      let d = wave.duration
      try writer.write(key, d)
      sum += Double(d)
      shortest = min(shortest, Double(d))
      longest = max(longest, Double(d))
      done += 1
    }
    try writer.close()
    KaldiLog.log("Printed duration for \(done) audio files.")
    if done > 0 {
      KaldiLog.log("Mean duration was \(formatG(sum / Double(done), precision: 6)), min and max durations were \(formatG(shortest, precision: 6)), \(formatG(longest, precision: 6))")
    }
    return done != 0 ? 0 : 1
  }
}
