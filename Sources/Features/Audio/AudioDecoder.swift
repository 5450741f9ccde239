import CSndFile
import KaldiBase
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

/// Decodes WAV (PCM 8/16/24/32-bit and float), FLAC and NIST SPHERE bytes with libsndfile.
///
/// Bytes come from memory so that files, pipes (`sox x.WAV -t wav - |`) and archive entries
/// all take the same path.
public enum AudioDecoder {
  /// Decodes `bytes`; `name` is used in error messages.
  public static func decode(_ bytes: [UInt8], name: String) throws -> WaveData {
    if bytes.isEmpty { throw KaldiError("Empty audio data in \(name)") }
    if let coding = sphereSampleCoding(bytes), coding.contains("shorten") {
      throw KaldiError("\(name) is shorten-compressed NIST SPHERE (sample_coding \(coding)), which libsndfile cannot decode; convert it first, e.g. with sph2pipe -f wav")
    }
    let source = MemorySource(bytes)
    var io = SF_VIRTUAL_IO(
      get_filelen: { user in MemorySource.from(user).length },
      seek: { offset, whence, user in MemorySource.from(user).seek(offset, whence) },
      read: { pointer, count, user in MemorySource.from(user).read(pointer, count) },
      write: { _, _, _ in 0 },
      tell: { user in MemorySource.from(user).position })
    var info = SF_INFO()
    let handle = withUnsafeMutablePointer(to: &io) { ioPointer in
      ksnn_sf_open_virtual(ioPointer, Int32(SFM_READ), &info, Unmanaged.passUnretained(source).toOpaque())
    }
    guard let handle else {
      throw KaldiError("Could not decode audio in \(name): \(String(cString: ksnn_sf_strerror(nil)))")
    }
    defer { ksnn_sf_close(handle) }
    let channels = Int(info.channels), declared = Int(info.frames)
    guard channels > 0, channels <= 1024, declared >= 0 else { throw KaldiError("Bad audio header in \(name)") }
    // A FLAC stream written through a pipe has no total-sample count and libsndfile reports
    // SF_COUNT_MAX: read blocks until the end instead of trusting the header's length.
    let lengthKnown = declared < Int(Int64.max)
    let interleaved = readAllSamples(handle, channels: channels, pcm16: Int32(info.format) & Int32(SF_FORMAT_SUBMASK) == Int32(SF_FORMAT_PCM_16), expected: lengthKnown ? declared : 0)
    let frames = interleaved.count / channels
    guard !lengthKnown || frames == declared else {
      throw KaldiError("Truncated or corrupt audio in \(name): expected \(declared) frames, decoded \(frames)")
    }
    if channels == 1 {
      return WaveData(sampleRate: Float(info.samplerate), samples: Matrix(rows: 1, cols: frames, data: interleaved))
    }
    var samples = Matrix<Float>(rows: channels, cols: frames)
    samples.data.withUnsafeMutableBufferPointer { out in
      interleaved.withUnsafeBufferPointer { src in
        for c in 0..<channels {
          for i in 0..<frames { out[c * frames + i] = src[i * channels + c] }
        }
      }
    }
    return WaveData(sampleRate: Float(info.samplerate), samples: samples)
  }

  /// Every sample to the end of the stream, interleaved, in Kaldi's int16 range: 16-bit PCM is
  /// read as integers (exact and fastest), other encodings as floats normalised to ±1, then
  /// scaled by 32768.
  private static func readAllSamples(_ handle: OpaquePointer, channels: Int, pcm16: Bool, expected: Int) -> [Float] {
    let block = 1 << 16
    var out: [Float] = []
    out.reserveCapacity(min(channels * min(expected, 1 << 24), 1 << 24))
    var shorts = [Int16](repeating: 0, count: pcm16 ? block * channels : 0)
    var floats = [Float](repeating: 0, count: pcm16 ? 0 : block * channels)
    while true {
      let n: Int
      if pcm16 {
        n = shorts.withUnsafeMutableBufferPointer { Int(ksnn_sf_readf_short(handle, $0.baseAddress, sf_count_t(block))) }
        if n > 0 { out.append(contentsOf: shorts[0..<(n * channels)].lazy.map { Float($0) }) }
      } else {
        n = floats.withUnsafeMutableBufferPointer { Int(ksnn_sf_readf_float(handle, $0.baseAddress, sf_count_t(block))) }
        if n > 0 { out.append(contentsOf: floats[0..<(n * channels)].lazy.map { $0 * 32768 }) }
      }
      if n <= 0 { return out }
    }
  }

  /// The `sample_coding` field of a NIST SPHERE header, if the bytes are one.
  static func sphereSampleCoding(_ bytes: [UInt8]) -> String? {
    guard bytes.count >= 16, bytes.starts(with: Array("NIST_1A".utf8)) else { return nil }
    let header = String(decoding: bytes.prefix(1024), as: UTF8.self)
    for line in header.split(separator: "\n") where line.hasPrefix("sample_coding") {
      return line.split(separator: " ").last.map(String.init)
    }
    return nil
  }
}

/// The bytes libsndfile reads through its virtual-I/O callbacks.
private final class MemorySource {
  let bytes: [UInt8]
  var offset = 0
  init(_ bytes: [UInt8]) { self.bytes = bytes }

  static func from(_ pointer: UnsafeMutableRawPointer?) -> MemorySource {
    Unmanaged<MemorySource>.fromOpaque(pointer!).takeUnretainedValue()
  }
  var length: sf_count_t { sf_count_t(bytes.count) }
  var position: sf_count_t { sf_count_t(offset) }

  func seek(_ delta: sf_count_t, _ whence: Int32) -> sf_count_t {
    let base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? offset : bytes.count
    offset = max(0, min(bytes.count, base + Int(delta)))
    return sf_count_t(offset)
  }

  func read(_ destination: UnsafeMutableRawPointer?, _ count: sf_count_t) -> sf_count_t {
    let n = max(0, min(Int(count), bytes.count - offset))
    if n > 0, let destination {
      bytes.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
    }
    offset += n
    return sf_count_t(n)
  }
}
