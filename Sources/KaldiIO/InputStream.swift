#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KaldiBase

/// Buffered reading of one Kaldi rxfilename: a file, a file at a byte offset (`foo.ark:1234`),
/// standard input (`-` or empty) or the output of a command (`gunzip -c ali.1.gz |`).
///
/// Bulk reads of matrix data bypass the buffer, so binary archives read at memory speed.
public final class InputStream {
  /// The rxfilename as the user wrote it, for error messages.
  public let name: String
  private var fd: Int32
  private var pipe: UnsafeMutablePointer<FILE>?
  private let ownsDescriptor: Bool
  @usableFromInline let buffer: UnsafeMutablePointer<UInt8>
  private let capacity = 1 << 18
  // The read position is touched for every field of a binary object; a stream is used by one
  // reader at a time, so the run-time exclusivity checks (a quarter of reading a lattice) go.
  @usableFromInline @exclusivity(unchecked) var start = 0
  @usableFromInline @exclusivity(unchecked) var end = 0
  /// Absolute byte offset of `buffer[0]` in the underlying file or stream.
  @exclusivity(unchecked) private var bufferOffset = 0
  private var atEOF = false

  /// Absolute byte offset of the next byte to be read.
  public var position: Int { bufferOffset + start }

  /// Bytes read ahead into the buffer and not yet consumed: there for certain.
  var bufferedByteCount: Int { end - start }

  /// One little-endian integer (or the bit pattern of a float), straight from the buffer when
  /// it holds it: binary lattices are read four bytes at a time. Inlinable so that callers get
  /// a copy specialized for their type.
  @inlinable
  public func readLittleEndian<T: FixedWidthInteger>(_: T.Type, what: @autoclosure () -> String) throws -> T {
    let size = MemoryLayout<T>.size
    if end - start >= size {
      let value = UnsafeRawPointer(buffer + start).loadUnaligned(as: T.self)
      start += size
      return T(littleEndian: value)
    }
    var value: T = 0
    try readExactly(into: &value, count: size, what: what())
    return T(littleEndian: value)
  }

  private init(name: String, fd: Int32, pipe: UnsafeMutablePointer<FILE>?, ownsDescriptor: Bool) {
    self.name = name
    self.fd = fd
    self.pipe = pipe
    self.ownsDescriptor = ownsDescriptor
    buffer = .allocate(capacity: capacity)
  }

  deinit {
    if let pipe { pclose(pipe) } else if ownsDescriptor && fd >= 0 { Glibc.close(fd) }
    buffer.deallocate()
  }

  /// Opens an rxfilename. `file:1234` seeks to byte 1234 when the part after the last colon
  /// is all digits (Kaldi's rule), so a file whose name ends that way cannot be opened whole.
  public static func open(_ rxfilename: String) throws -> InputStream {
    switch RxFilename(rxfilename) {
    case .standardInput:
      return InputStream(name: rxfilename, fd: 0, pipe: nil, ownsDescriptor: false)
    case .pipe(let command):
      fflush(nil)
      guard let p = ByteString.withCString(command, { popen($0, "r") }) else {
        throw KaldiError("Failed to run command '\(command)': \(systemError())")
      }
      return InputStream(name: rxfilename, fd: fileno(p), pipe: p, ownsDescriptor: true)
    case .file(let path):
      return try openFile(path, display: rxfilename)
    case .fileAtOffset(let path, let offset):
      let s = try openFile(path, display: rxfilename)
      try s.seek(to: offset)
      return s
    }
  }

  static func openFile(_ path: String, display: String) throws -> InputStream {
    let fd = ByteString.withCString(path) { Glibc.open($0, O_RDONLY) }
    if fd < 0 { throw KaldiError("Failed to open '\(path)' for reading: \(systemError())") }
    return InputStream(name: display, fd: fd, pipe: nil, ownsDescriptor: true)
  }

  /// Moves to an absolute byte offset; only files can seek.
  public func seek(to offset: Int) throws {
    if offset >= bufferOffset && offset <= bufferOffset + end {
      start = offset - bufferOffset
      atEOF = false
      return
    }
    guard pipe == nil, lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
      throw KaldiError("Failed to seek to byte \(offset) in '\(name)': \(pipe == nil ? systemError() : "not a file")")
    }
    bufferOffset = offset
    start = 0
    end = 0
    atEOF = false
  }

  /// Refills the buffer; returns false at end of input.
  private func fill() throws -> Bool {
    if start < end { return true }
    if atEOF { return false }
    bufferOffset += end
    start = 0
    end = 0
    while true {
      let n = Glibc.read(fd, buffer, capacity)
      if n > 0 { end = n; return true }
      if n == 0 { atEOF = true; return false }
      if errno == EINTR { continue }
      throw KaldiError("Read error on '\(name)' at byte \(position): \(systemError())")
    }
  }

  /// The next byte without consuming it; nil at end of input.
  @inline(__always)
  public func peek() throws -> UInt8? {
    if start < end { return buffer[start] }
    return try fill() ? buffer[start] : nil
  }

  /// Consumes and returns the next byte; nil at end of input.
  @inline(__always)
  public func readByte() throws -> UInt8? {
    if start < end { start += 1; return buffer[start - 1] }
    guard try fill() else { return nil }
    start += 1
    return buffer[start - 1]
  }

  /// Reads up to `count` bytes into `destination`; fewer only at end of input.
  public func read(into destination: UnsafeMutableRawPointer, count: Int) throws -> Int {
    var done = 0
    let buffered = min(end - start, count)
    if buffered > 0 {
      destination.copyMemory(from: buffer + start, byteCount: buffered)
      start += buffered
      done = buffered
    }
    // Large reads go straight from the kernel into the destination.
    while done < count && count - done >= capacity / 2 && !atEOF {
      let n = Glibc.read(fd, destination + done, count - done)
      if n > 0 {
        done += n
        bufferOffset += end + n
        start = 0
        end = 0
        continue
      }
      if n == 0 { atEOF = true; break }
      if errno == EINTR { continue }
      throw KaldiError("Read error on '\(name)' at byte \(position): \(systemError())")
    }
    while done < count, try fill() {
      let k = min(end - start, count - done)
      (destination + done).copyMemory(from: buffer + start, byteCount: k)
      start += k
      done += k
    }
    return done
  }

  /// Bytes still to come when the stream is a regular file (nil for pipes and terminals, whose
  /// length is unknown until their end).
  public var remainingBytes: Int? {
    var st = stat()
    guard pipe == nil, fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    let kernelOffset = Int(lseek(fd, 0, SEEK_CUR))
    guard kernelOffset >= 0 else { return nil }
    return max(0, Int(st.st_size) - kernelOffset) + (end - start)
  }

  /// Reads bytes up to (not including) the next whitespace, after skipping leading whitespace;
  /// nil at end of input. This is C++'s `is >> str`.
  public func readWord() throws -> String? {
    try skipWhitespace()
    var bytes: [UInt8] = []
    while let b = try peek(), !isSpaceByte(b) {
      bytes.append(b)
      start += 1
    }
    return bytes.isEmpty ? nil : ByteString.string(bytes)
  }

  public func skipWhitespace() throws {
    while let b = try peek(), isSpaceByte(b) { start += 1 }
  }

  /// Reads one line without its newline; nil at end of input.
  public func readLine() throws -> String? {
    try readLineBytes().map { ByteString.string($0) }
  }

  /// Reads one line's bytes without the newline; nil at end of input.
  public func readLineBytes() throws -> [UInt8]? {
    var bytes: [UInt8] = []
    var sawAny = false
    while try fill() {
      sawAny = true
      let available = end - start
      if let hit = memchr(buffer + start, 0x0A, available) {
        let n = (buffer + start).distance(to: hit.assumingMemoryBound(to: UInt8.self))
        bytes.append(contentsOf: UnsafeBufferPointer(start: buffer + start, count: n))
        start += n + 1
        return bytes
      }
      bytes.append(contentsOf: UnsafeBufferPointer(start: buffer + start, count: available))
      start = end
    }
    return sawAny ? bytes : nil
  }

  /// For a command that produced unreadable output: waits for it and returns its failure, if
  /// it failed, which explains the bad data better than the data does.
  public func commandFailure() -> KaldiError? {
    guard pipe != nil else { return nil }
    do {
      try close()
      return nil
    } catch let e as KaldiError {
      return e
    } catch {
      return nil
    }
  }

  /// Closes the stream; for a command, waits for it and throws if it failed.
  public func close() throws {
    if let p = pipe {
      pipe = nil
      fd = -1
      let status = pclose(p)
      if status != 0 {
        throw KaldiError("Command '\(RxFilename.command(of: name))' failed (\(describeWaitStatus(status)))")
      }
    } else if ownsDescriptor && fd >= 0 {
      Glibc.close(fd)
      fd = -1
    }
  }
}

@inline(__always)
func isSpaceByte(_ b: UInt8) -> Bool {
  b == 0x20 || (b >= 0x09 && b <= 0x0D)
}

/// The C library's message for the current errno.
func systemError() -> String { String(cString: strerror(errno)) }

/// "exit status 1" or "killed by signal 9" for a `pclose`/`waitpid` status.
func describeWaitStatus(_ status: Int32) -> String {
  if status == -1 { return "could not be waited for: \(systemError())" }
  let signal = status & 0x7f
  if signal != 0 { return "killed by signal \(signal)" }
  return "exit status \((status >> 8) & 0xff)"
}

/// What kind of input an rxfilename names (Kaldi's ClassifyRxfilename).
public enum RxFilename: Equatable {
  case standardInput
  case pipe(command: String)
  case file(String)
  case fileAtOffset(String, Int)

  public init(_ text: String) {
    if text.isEmpty || text == "-" { self = .standardInput; return }
    if text.hasSuffix("|") {
      self = .pipe(command: String(text.dropLast()))
      return
    }
    if let colon = text.lastIndex(of: ":") {
      let digits = text[text.index(after: colon)...]
      if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let offset = Int(digits) {
        self = .fileAtOffset(String(text[..<colon]), offset)
        return
      }
    }
    self = .file(text)
  }

  static func command(of rxfilename: String) -> String {
    if case .pipe(let c) = RxFilename(rxfilename) { return c.trimmingSpaces() }
    return rxfilename
  }
}

extension InputStream {
  /// The lines of a text file (file, `-` or `command |`) without their newlines; a last line
  /// without a newline counts, an empty file has none.
  public static func readLines(_ rxfilename: String) throws -> [String] {
    // Split the bytes, not the String: "\r\n" is one Character in Swift.
    let bytes = try readWhole(rxfilename)
    let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    return lines.dropLast(bytes.last == UInt8(ascii: "\n") || bytes.isEmpty ? 1 : 0).map { ByteString.string($0) }
  }

  /// Every byte of `rxfilename` (file, `-` or `command |`).
  public static func readWhole(_ rxfilename: String) throws -> [UInt8] {
    let stream = try InputStream.open(rxfilename)
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0.baseAddress!, count: $0.count) }
      if n == 0 { break }
      bytes.append(contentsOf: chunk[0..<n])
    }
    try stream.close()
    return bytes
  }
}
