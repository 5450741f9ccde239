import KaldiBase
import KaldiIO
import KaldiMatrix

/// Audio as a Kaldi table object (`scp:wav.scp`, `ark:` of waves from `extract-segments`):
/// reads a RIFF WAV object exactly to the end of its data chunk (so archives keep their
/// place), NIST SPHERE to the end of its samples, anything else (FLAC) to end of input;
/// writes 16-bit PCM RIFF, as Kaldi's `WaveHolder` does.
public enum WaveHolder: TableHolder {
  public typealias Value = WaveData
  public static var objectName: String { "wave" }
  public static var hasBinaryHeader: Bool { false }

  public static func read(from stream: InputStream) throws -> WaveData {
    let at = stream.position
    let bytes = try readObjectBytes(stream)
    do {
      return try AudioDecoder.decode(bytes, name: stream.name)
    } catch let e as KaldiError {
      throw FormatError(e.message, at: at)
    }
  }

  /// The bytes of one audio object starting at the stream's position.
  static func readObjectBytes(_ stream: InputStream) throws -> [UInt8] {
    var bytes: [UInt8] = []
    // Sizes come from the headers: read through `readArray`, which checks them against the input.
    func take(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
      let start = bytes.count
      bytes += try stream.readArray(UInt8.self, count: count, what: what)
      return bytes[start...]
    }
    func takeRest() throws {
      var chunk = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0.baseAddress!, count: $0.count) }
        if n == 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
      }
    }
    func uint32(_ s: ArraySlice<UInt8>) -> UInt32 {
      let b = Array(s)
      return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }
    let magic = Array(try take(4, "audio header"))
    if magic == Array("RIFF".utf8) {
      let riffSize = uint32(try take(4, "RIFF size"))
      guard Array(try take(4, "WAVE tag")) == Array("WAVE".utf8) else {
        throw FormatError("RIFF data is not WAVE", at: stream.position - 4)
      }
      while true {
        let tag = String(decoding: try take(4, "WAV chunk tag"), as: UTF8.self)
        let sizeOffset = bytes.count
        let size = uint32(try take(4, "WAV chunk size"))
        if tag != "data" {
          _ = try take(Int(size), "WAV \(tag) chunk")
          continue
        }
        let streamMode = riffSize == 0 || riffSize == 0xFFFF_FFFF || size == 0 || size == 0xFFFF_FFFF || size == 0x7FFF_F000
        if streamMode {
          // Written to a pipe: the sizes were unknown; read to the end and fix them.
          let dataStart = bytes.count
          try takeRest()
          let dataSize = UInt32(truncatingIfNeeded: bytes.count - dataStart)
          store(dataSize, at: sizeOffset, in: &bytes)
          store(UInt32(truncatingIfNeeded: bytes.count - 8), at: 4, in: &bytes)
        } else {
          _ = try take(Int(size), "WAV data (\(size) bytes)")
        }
        return bytes
      }
    }
    if magic == Array("NIST".utf8) {
      _ = try take(12, "SPHERE header")  // "_1A\n   1024\n"
      let headerSize = Int(String(decoding: bytes[8..<16], as: UTF8.self).trimmingSpaces()) ?? 1024
      _ = try take(max(0, headerSize - 16), "SPHERE header")
      let header = String(decoding: bytes, as: UTF8.self)
      var fields: [String: Int] = [:]
      for line in header.split(separator: "\n") {
        let f = line.split(separator: " ")
        if f.count == 3, f[1] == "-i", let v = Int(f[2]) { fields[String(f[0])] = v }
      }
      if let count = fields["sample_count"], let width = fields["sample_n_bytes"] {
        let channels = fields["channel_count"] ?? 1
        guard count >= 0, count < 1 << 40, (1...8).contains(width), (1...1024).contains(channels) else {
          throw FormatError("bad SPHERE header: sample_count \(count), sample_n_bytes \(width), channel_count \(channels)", at: stream.position)
        }
        _ = try take(count * width * channels, "SPHERE samples")
      } else {
        try takeRest()
      }
      return bytes
    }
    try takeRest()
    return bytes
  }

  private static func store(_ v: UInt32, at offset: Int, in bytes: inout [UInt8]) {
    for k in 0..<4 { bytes[offset + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
  }

  public static func write(_ wave: WaveData, to stream: OutputStream, binary: Bool) throws {
    guard wave.channelCount > 0 else { throw KaldiError("Error: attempting to write empty WAVE file") }
    let (channels, count) = (wave.channelCount, wave.sampleCount)
    let dataBytes = channels * count * 2
    var header: [UInt8] = []
    func u32(_ v: Int) { for k in 0..<4 { header.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
    func u16(_ v: Int) { for k in 0..<2 { header.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
    header += Array("RIFF".utf8); u32(36 + dataBytes); header += Array("WAVE".utf8)
    header += Array("fmt ".utf8); u32(16); u16(1); u16(channels)
    let rate = Int(wave.sampleRate)
    u32(rate); u32(rate * channels * 2); u16(channels * 2); u16(16)
    header += Array("data".utf8); u32(dataBytes)
    try header.withUnsafeBytes { try stream.write($0) }
    var pcm = [Int16](repeating: 0, count: channels * count)
    var clipped = 0
    wave.samples.data.withUnsafeBufferPointer { src in
      for i in 0..<count {
        for c in 0..<channels {
          let v = src[c * count + i].rounded(.towardZero)
          if v < -32768 { pcm[i * channels + c] = -32768; clipped += 1 }
          else if v > 32767 { pcm[i * channels + c] = 32767; clipped += 1 }
          else { pcm[i * channels + c] = Int16(v) }
        }
      }
    }
    try pcm.withUnsafeBytes { try stream.write($0) }
    if clipped > 0 { KaldiLog.warn("WARNING: clipped \(clipped) samples out of total \(channels * count). Reduce volume?") }
  }
}
