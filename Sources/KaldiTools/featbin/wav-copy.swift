import Features
import KaldiBase
import KaldiIO

/// `wav-copy`: copies audio files or archives of them, as 16-bit WAV.
public enum WavCopy: KaldiTool {
  public static let name = "wav-copy"
  public static let usage = """
    Copy wave file or archives of wave files

    Usage: wav-copy [options] <wav-rspecifier> <wav-wspecifier>
      or:  wav-copy [options] <wav-rxfilename> <wav-wxfilename>
    e.g. wav-copy scp:wav.scp ark:-
         wav-copy wav.ark:123456 -
    See also: wav-to-duration extract-segments
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(2)
    let inIsTable = ReadSpecifier(args[0]) != nil
    if inIsTable != (WriteSpecifier(args[1]) != nil) { throw KaldiError("Cannot mix archives with regular files") }
    if inIsTable {
      let n = try copyTable(args[0], WaveHolder.self, to: args[1], WaveHolder.self) { $1 }
      KaldiLog.log("Copied \(n) wave files")
      return n != 0 ? 0 : 1
    }
    let wave = try readKaldiObject(WaveHolder.self, from: args[0])
    try writeKaldiObject(WaveHolder.self, wave, to: args[1], binary: true)
    return 0
  }
}
