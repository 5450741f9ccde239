#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KaldiBase

/// Why an object could not be read, and the byte where that was noticed; table readers add
/// the file name and key before showing it to the user.
public struct FormatError: Error, CustomStringConvertible {
  public let reason: String
  public let offset: Int
  public init(_ reason: String, at offset: Int) {
    self.reason = reason
    self.offset = offset
  }
  public var description: String { "\(reason) (at byte \(offset))" }
}

/// Kaldi's basic-type encodings (base/io-funcs): tokens, size-prefixed binary numbers, and the
/// `\0B` header that marks a binary object.
extension InputStream {
  /// Consumes `\0B` if present; returns whether the object is binary.
  public func readBinaryHeader() throws -> Bool {
    guard try peek() == 0 else { return false }
    _ = try readByte()
    guard try readByte() == UInt8(ascii: "B") else {
      throw FormatError("found \\0 not followed by B: bad binary header", at: position - 1)
    }
    return true
  }

  /// A token such as `FM`: a word followed by one whitespace character, which is consumed.
  public func readToken() throws -> String {
    let at = position
    guard let word = try readWord() else { throw FormatError("expected a token, got end of file", at: at) }
    guard let next = try peek(), isSpaceByte(next) else {
      throw FormatError("expected space after token \(word.prefix(20))", at: position)
    }
    _ = try readByte()
    return word
  }

  public func expectToken(_ token: String) throws {
    let at = position
    let got = try readToken()
    if got != token { throw FormatError("expected token \(token), got \(got.prefix(20))", at: at) }
  }

  /// An int32: in binary a size byte 4 and four little-endian bytes, in text a decimal word.
  public func readInt32(binary: Bool) throws -> Int32 {
    let at = position
    if binary {
      guard let size = try readByte() else { throw FormatError("expected int32, got end of file", at: at) }
      guard size == 4 else { throw FormatError("expected int32 (size byte 4), got size byte \(size)", at: at) }
      var v: Int32 = 0
      guard try read(into: &v, count: 4) == 4 else { throw FormatError("truncated int32", at: at) }
      return Int32(littleEndian: v)
    }
    guard let word = try readWord() else { throw FormatError("expected integer, got end of file", at: at) }
    guard let v = Int32(word) else { throw FormatError("expected integer, got '\(word.prefix(20))'", at: at) }
    return v
  }

  /// A float: in binary a size byte (4, or 8 for a double) and the value, in text a word.
  public func readFloat(binary: Bool) throws -> Float { Float(try readDouble(binary: binary)) }

  /// A double, read as Kaldi's `ReadBasicType<double>`: binary size byte 8 (or 4 for a float)
  /// and the value, text a word.
  public func readDouble(binary: Bool) throws -> Double {
    let at = position
    if binary {
      guard let size = try readByte() else { throw FormatError("expected float, got end of file", at: at) }
      if size == 4 {
        var v: Float = 0
        guard try read(into: &v, count: 4) == 4 else { throw FormatError("truncated float", at: at) }
        return Double(v)
      }
      if size == 8 {
        var v: Double = 0
        guard try read(into: &v, count: 8) == 8 else { throw FormatError("truncated double", at: at) }
        return v
      }
      throw FormatError("expected float (size byte 4 or 8), got size byte \(size)", at: at)
    }
    guard let word = try readWord() else { throw FormatError("expected float, got end of file", at: at) }
    guard let v = parseCDouble(word) else { throw FormatError("expected float, got '\(word.prefix(20))'", at: at) }
    return v
  }

  /// An unsigned 16-bit integer (Kaldi's GMM flags): binary size byte −2 (0xFE) and two bytes.
  public func readUInt16(binary: Bool) throws -> UInt16 {
    let at = position
    if binary {
      guard let size = try readByte() else { throw FormatError("expected uint16, got end of file", at: at) }
      guard size == 0xFE else { throw FormatError("expected uint16 (size byte -2), got size byte \(size)", at: at) }
      var v: UInt16 = 0
      guard try read(into: &v, count: 2) == 2 else { throw FormatError("truncated uint16", at: at) }
      return UInt16(littleEndian: v)
    }
    guard let word = try readWord(), let v = UInt16(word) else { throw FormatError("expected an unsigned 16-bit integer", at: at) }
    return v
  }

  /// Reads `count` raw elements whose number came from the stream itself (a size field). A
  /// corrupt size must be an error, not an allocation of gigabytes: from a file the elements are
  /// read only when the file still holds them, from a pipe in pieces of at most 16 MB, so that
  /// memory grows only with bytes that really arrive.
  public func readArray<T>(_: T.Type, count: Int, what: @autoclosure () -> String) throws -> [T] {
    let at = position
    let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
    guard count >= 0, !overflow else { throw FormatError("bad size \(count) of \(what())", at: at) }
    if count == 0 { return [] }
    // What the buffer holds needs no size check (and no fstat per small object).
    let left = bytes <= bufferedByteCount ? bytes : remainingBytes
    if let left, bytes > left {
      throw FormatError("truncated \(what()): expected \(bytes) bytes, the file holds \(left) more", at: at)
    }
    let piece = 1 << 24
    if left != nil || bytes <= piece {
      // Known to be there, or small enough to allocate at once: read in place.
      return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        try readExactly(into: buffer.baseAddress!, count: bytes, what: what())
        initialized = count
      }
    }
    var values: [T] = []
    while values.count < count {
      let n = min(max(1, piece / MemoryLayout<T>.stride), count - values.count)
      var got = 0
      let chunk = try [T](unsafeUninitializedCapacity: n) { buffer, initialized in
        got = try read(into: buffer.baseAddress!, count: n * MemoryLayout<T>.stride)
        initialized = got / MemoryLayout<T>.stride
      }
      values.append(contentsOf: chunk)
      if got < n * MemoryLayout<T>.stride {
        throw FormatError("truncated \(what()): expected \(bytes) bytes, got \(values.count * MemoryLayout<T>.stride + got % MemoryLayout<T>.stride)", at: at)
      }
    }
    return values
  }

  /// Throws unless the stream can still hold `bytes` (known for files only): the check before
  /// allocating for a size field whose data is not read in one piece.
  public func requireAvailable(_ bytes: Int, what: @autoclosure () -> String) throws {
    guard bytes >= 0 else { throw FormatError("bad size of \(what())", at: position) }
    if bytes > bufferedByteCount, let left = remainingBytes, bytes > left {
      throw FormatError("truncated \(what()): needs at least \(bytes) bytes, the file holds \(left) more", at: position)
    }
  }

  /// Reads exactly `count` bytes or throws a FormatError naming what was being read.
  public func readExactly(into destination: UnsafeMutableRawPointer, count: Int, what: @autoclosure () -> String) throws {
    let at = position
    let n = try read(into: destination, count: count)
    if n != count {
      throw FormatError("truncated \(what()): expected \(count) bytes, got \(n)", at: at)
    }
  }

  /// One number of a text matrix or vector (Kaldi accepts inf, infinity and nan in any case).
  func readTextNumber() throws -> Double {
    let at = position
    var bytes: [UInt8] = []
    while let b = try peek(), !isSpaceByte(b), b != UInt8(ascii: "]"), b != UInt8(ascii: ";") {
      bytes.append(b)
      _ = try readByte()
    }
    bytes.append(0)
    let value: Double? = bytes.withUnsafeBufferPointer { p in
      p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { s in
        var end: UnsafeMutablePointer<CChar>? = nil
        let v = strtod(s, &end)
        return end.map { $0 == s + (p.count - 1) } == true && p.count > 1 ? v : nil
      }
    }
    guard let value else {
      throw FormatError("expecting numeric data, got '\(String(decoding: bytes.dropLast().prefix(20), as: UTF8.self))'", at: at)
    }
    return value
  }
}

extension OutputStream {
  /// Writes `\0B` before a binary object.
  public func writeBinaryHeader() throws {
    try write(byte: 0)
    try write(byte: UInt8(ascii: "B"))
  }

  /// Writes a token followed by one space.
  public func writeToken(_ token: String) throws {
    try write(token)
    try write(byte: 0x20)
  }

  public func writeInt32(_ v: Int32, binary: Bool) throws {
    if binary {
      try write(byte: 4)
      try write(bytesOf: v.littleEndian)
    } else {
      try write("\(v) ")
    }
  }

  /// Kaldi's `WriteBasicType<double>`: binary size byte 8 and the value.
  public func writeDouble(_ v: Double, binary: Bool) throws {
    if binary {
      try write(byte: 8)
      try write(bytesOf: v)
    } else {
      try writeTextNumber(v)
    }
  }

  /// Kaldi's `WriteBasicType<uint16>`: binary size byte −2 (0xFE) and two bytes.
  public func writeUInt16(_ v: UInt16, binary: Bool) throws {
    if binary {
      try write(byte: 0xFE)
      try write(bytesOf: v.littleEndian)
    } else {
      try write("\(v) ")
    }
  }

  /// Writes a number as C++ streams do with Kaldi's precision 7, followed by a space.
  public func writeTextNumber(_ v: Double) throws {
    try write(formatG(v, precision: 7))
    try write(byte: 0x20)
  }
}
