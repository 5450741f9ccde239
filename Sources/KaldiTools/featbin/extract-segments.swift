import Features
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `extract-segments`: cuts the segments of a `segments` file out of recordings.
public enum ExtractSegments: KaldiTool {
  public static let name = "extract-segments"
  public static let usage = """
    Extract segments from a large audio file in WAV format.
    Usage:  extract-segments [options] <wav-rspecifier> <segments-file> <wav-wspecifier>
    e.g. extract-segments scp:wav.scp segments ark:- | <some-other-program>
     segments-file format: each line is either
    <segment-id> <recording-id> <start-time> <end-time>
    e.g. call-861225-A-0050-0065 call-861225-A 5.0 6.5
    or (less frequently, and not supported in scripts):
    <segment-id> <wav-file-name> <start-time> <end-time> <channel>
    where <channel> will normally be 0 (left) or 1 (right)
    e.g. call-861225-A-0050-0065 call-861225 5.0 6.5 1
    And <end-time> of -1 means the segment runs till the end of the WAV file
    See also: extract-feature-segments, wav-copy, wav-to-duration
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let minLength = invocation.option("min-segment-length", Float(0.1), "Minimum segment length in seconds (reject shorter segments)")
    let maxOvershoot = invocation.option("max-overshoot", Float(0.5), "End segments overshooting audio by less than this (in seconds) are truncated, else rejected.")
    let args = try invocation.arguments(3)
    let recordings = try RandomAccessTableReader<WaveHolder>(args[0])
    let writer = try TableWriter<WaveHolder>(args[2])
    let segments = try InputStream.open(args[1])
    var lines = 0, succeeded = 0
    while let line = try segments.readLine() {
      lines += 1
      let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
      guard f.count == 4 || f.count == 5 else {
        KaldiLog.warn("Invalid line in segments file: \(line)")
        continue
      }
      let (segment, recording) = (f[0], f[1])
      guard let start = parseCDouble(f[2]) else { KaldiLog.warn("Invalid line in segments file [bad start]: \(line)"); continue }
      guard var end = parseCDouble(f[3]) else { KaldiLog.warn("Invalid line in segments file [bad end]: \(line)"); continue }
      if start < 0 || (end != -1 && end <= 0) || (start >= end && end > 0) {
        KaldiLog.warn("Invalid line in segments file [empty or invalid segment]: \(line)")
        continue
      }
      var channel = -1
      if f.count == 5 {
        guard let c = Int(f[4]), c >= 0 else { KaldiLog.warn("Invalid line in segments file [bad channel]: \(line)"); continue }
        channel = c
      }
      guard try recordings.hasKey(recording) else {
        KaldiLog.warn("Could not find recording \(recording), skipping segment \(segment)")
        continue
      }
      let wave = try recordings.value(for: recording)
      let rate = wave.sampleRate
      let fileLength = Float(wave.sampleCount) / rate
      if start > Double(fileLength) {
        KaldiLog.warn("Segment start is out of file data range [0, \(fileLength.optionDescription)s]; skipping segment '\(line)'")
        continue
      }
      if end > Double(fileLength + maxOvershoot.value) {
        KaldiLog.warn("Segment end is too far out of file data range [0,\(fileLength.optionDescription)s]; skipping segment '\(line)'")
        continue
      }
      if end < 0 || end > Double(fileLength) { end = Double(fileLength) }
      if end - start < Double(minLength.value) {
        KaldiLog.warn("Segment \(segment) too short, skipping it.")
        continue
      }
      if channel == -1 {
        guard wave.channelCount == 1 else {
          throw KaldiError("Your data has multiple channels. You must specify the channel in the segments file. Skipping segment \(segment)")
        }
        channel = 0
      } else if channel >= wave.channelCount {
        KaldiLog.warn("Invalid channel \(channel) >= \(wave.channelCount). Skipping segment \(segment)")
        continue
      }
      let first = Int(Int32(truncatingIfNeeded: Int(start * Double(rate) + 0.5)))
      let last = min(Int(Int32(truncatingIfNeeded: Int(end * Double(rate) + 0.5))), wave.sampleCount)
      let piece = wave.samples.submatrix(rows: channel..<(channel + 1), cols: first..<max(first, last))
      try writer.write(segment, WaveData(sampleRate: rate, samples: piece))
      succeeded += 1
    }
    try segments.close()
    try writer.close()
    KaldiLog.log("Successfully processed \(succeeded) lines out of \(lines) in the segments file. ")
    return succeeded != 0 ? 0 : 1
  }
}
