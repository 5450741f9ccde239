#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Kaldi's text is bytes: the codec through which ksnn carries keys, words, file names and
/// command lines in Swift `String`s so that they compare, hash and sort byte for byte.
///
/// Kaldi compares `std::string`s, so `caf\xe9` (Latin-1) and `caf\xe8` are different keys, a
/// decomposed "café" is not the precomposed one, and invalid UTF-8 passes through unchanged.
/// Swift's `String` compares by canonical equivalence and repairs invalid UTF-8 on decoding.
/// So text read by ksnn keeps ASCII as it is and turns every other byte `b` into the one
/// private-use scalar U+F700+b (U+F780...U+F7FF): such strings are equal exactly when their
/// bytes are, order as their bytes (ASCII below the private-use block, high bytes in byte
/// order), never combine into other characters, and `bytes(of:)` gives the original bytes
/// back. Characters written in the source (a "×" in a message) are not in that block and are
/// written as UTF-8.
public enum ByteString {
  private static let base: UInt32 = 0xF700

  /// The string that carries `bytes`.
  public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
    var scalars = String.UnicodeScalarView()
    for b in bytes { scalars.append(Unicode.Scalar(b < 0x80 ? UInt32(b) : base + UInt32(b))!) }
    return String(scalars)
  }

  /// The string that carries a NUL-terminated C string (a command-line argument, a line from
  /// `getline`).
  public static func string(cString: UnsafePointer<CChar>) -> String {
    string(UnsafeRawBufferPointer(start: cString, count: strlen(cString)).bindMemory(to: UInt8.self))
  }

  /// The bytes `text` carries: private-use scalars U+F780...U+F7FF as their byte, every other
  /// character as UTF-8.
  public static func bytes(of text: String) -> [UInt8] {
    if text.utf8.allSatisfy({ $0 < 0x80 }) { return Array(text.utf8) }
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      if scalar.value >= base + 0x80 && scalar.value <= base + 0xFF {
        out.append(UInt8(scalar.value - base))
      } else {
        out.append(contentsOf: String(scalar).utf8)
      }
    }
    return out
  }

  /// Whether any byte `text` carries satisfies `predicate`, without building the byte array
  /// (keys are checked on every table write).
  public static func containsByte(in text: String, where predicate: (UInt8) -> Bool) -> Bool {
    if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.contains(where: predicate) }
    return bytes(of: text).contains(where: predicate)
  }

  /// The number of bytes `text` carries (what Kaldi's `std::string::size` would say).
  public static func byteCount(of text: String) -> Int {
    text.utf8.allSatisfy({ $0 < 0x80 }) ? text.utf8.count : bytes(of: text).count
  }

  /// Calls `body` with `text`'s bytes as a NUL-terminated C string (a file name for `open`, a
  /// command for `popen`).
  public static func withCString<R>(_ text: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
    var bytes = bytes(of: text)
    bytes.append(0)
    return try bytes.withUnsafeBufferPointer { p in
      try p.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
    }
  }

  /// The program's arguments as byte strings (`CommandLine.arguments` decodes them as UTF-8,
  /// replacing invalid bytes).
  public static var commandLine: [String] {
    (0..<Int(CommandLine.argc)).map { string(cString: CommandLine.unsafeArgv[$0]!) }
  }

  /// `text` as UTF-8 for protocols that require it (JSON to a WebSocket client): the bytes it
  /// carries, read as UTF-8 with invalid sequences replaced.
  public static func unicode(_ text: String) -> String {
    String(decoding: bytes(of: text), as: UTF8.self)
  }
}
