#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KaldiBase

/// Buffered writing to one Kaldi wxfilename: a file, standard output (`-`) or a command
/// (`| gzip -c > x.gz`).
///
/// A regular file is written under a temporary name beside it and renamed only by `commit()`,
/// so a failed or interrupted run never leaves a truncated file that looks complete, and a
/// file the user already had survives until the new one is whole.
public final class OutputStream {
  /// The wxfilename as the user wrote it, for error messages.
  public let name: String
  private var fd: Int32
  private var pipe: UnsafeMutablePointer<FILE>?
  private let finalPath: String?
  private let temporaryPath: String?
  private let buffer: UnsafeMutablePointer<UInt8>
  private let capacity = 1 << 18
  private var used = 0
  private var finished = false
  /// Bytes written so far; the offset an `ark,scp` writer records.
  public private(set) var position = 0

  private init(name: String, fd: Int32, pipe: UnsafeMutablePointer<FILE>?, finalPath: String?, temporaryPath: String?) {
    self.name = name
    self.fd = fd
    self.pipe = pipe
    self.finalPath = finalPath
    self.temporaryPath = temporaryPath
    buffer = .allocate(capacity: capacity)
  }

  deinit {
    if !finished { abandon() }
    buffer.deallocate()
  }

  /// Opens a wxfilename for writing.
  public static func open(_ wxfilename: String) throws -> OutputStream {
    // A reader that goes away must give a write error (and a cleaned-up output), not a
    // silent death by SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    if wxfilename.isEmpty || wxfilename == "-" {
      return OutputStream(name: wxfilename, fd: 1, pipe: nil, finalPath: nil, temporaryPath: nil)
    }
    if wxfilename.hasPrefix("|") {
      let command = String(wxfilename.dropFirst())
      fflush(nil)
      guard let p = popen(command, "w") else {
        throw KaldiError("Failed to run command '\(command)': \(systemError())")
      }
      return OutputStream(name: wxfilename, fd: fileno(p), pipe: p, finalPath: nil, temporaryPath: nil)
    }
    var info = stat()
    let exists = stat(wxfilename, &info) == 0
    if exists && (info.st_mode & S_IFMT) != S_IFREG {
      // /dev/null, a FIFO or a terminal: nothing to protect, nowhere to rename.
      let fd = Glibc.open(wxfilename, O_WRONLY)
      if fd < 0 { throw KaldiError("Failed to open '\(wxfilename)' for writing: \(systemError())") }
      return OutputStream(name: wxfilename, fd: fd, pipe: nil, finalPath: nil, temporaryPath: nil)
    }
    let slash = wxfilename.lastIndex(of: "/")
    let directory = slash.map { String(wxfilename[...$0]) } ?? ""
    let base = slash.map { String(wxfilename[wxfilename.index(after: $0)...]) } ?? wxfilename
    let temporary = "\(directory).\(base).partial.\(getpid())"
    let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o666)
    if fd < 0 { throw KaldiError("Failed to open '\(wxfilename)' for writing: \(systemError())") }
    return OutputStream(name: wxfilename, fd: fd, pipe: nil, finalPath: wxfilename, temporaryPath: temporary)
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    position += bytes.count
    if used + bytes.count <= capacity {
      UnsafeMutableRawPointer(buffer + used).copyMemory(from: base, byteCount: bytes.count)
      used += bytes.count
      return
    }
    try flushBuffer()
    if bytes.count >= capacity / 2 {
      try writeAll(base, bytes.count)
    } else {
      UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: bytes.count)
      used = bytes.count
    }
  }

  public func write(_ string: String) throws {
    var s = string
    try s.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
  }

  public func write(byte: UInt8) throws {
    if used == capacity { try flushBuffer() }
    buffer[used] = byte
    used += 1
    position += 1
  }

  public func write<T>(bytesOf value: T) throws {
    try withUnsafeBytes(of: value) { try write($0) }
  }

  /// Pushes buffered bytes to the file or command.
  public func flush() throws { try flushBuffer() }

  private func flushBuffer() throws {
    if used > 0 { try writeAll(buffer, used) }
    used = 0
  }

  private func writeAll(_ p: UnsafeRawPointer, _ count: Int) throws {
    var done = 0
    while done < count {
      let n = Glibc.write(fd, p + done, count - done)
      if n > 0 { done += n; continue }
      if n < 0 && errno == EINTR { continue }
      throw KaldiError("Write error on '\(name)': \(systemError())")
    }
  }

  /// Finishes the output: flushes, closes, renames a file into place, and for a command
  /// waits for it and throws if it failed.
  public func commit() throws {
    guard !finished else { return }
    do {
      try flushBuffer()
    } catch {
      abandon()
      throw error
    }
    finished = true
    if let p = pipe {
      pipe = nil
      let status = pclose(p)
      if status != 0 {
        throw KaldiError("Command '\(String(name.dropFirst()).trimmingSpaces())' failed (\(describeWaitStatus(status)))")
      }
      return
    }
    if fd > 2 || temporaryPath != nil {
      if Glibc.close(fd) != 0 {
        let message = systemError()
        if let temporaryPath { unlink(temporaryPath) }
        throw KaldiError("Error closing '\(name)': \(message)")
      }
    }
    fd = -1
    if let temporaryPath, let finalPath, rename(temporaryPath, finalPath) != 0 {
      let message = systemError()
      unlink(temporaryPath)
      throw KaldiError("Failed to move finished output into place as '\(finalPath)': \(message)")
    }
  }

  /// Drops the output: a temporary file is removed, a command is closed.
  public func abandon() {
    guard !finished else { return }
    finished = true
    if let p = pipe {
      pipe = nil
      pclose(p)
    } else if fd > 2 || temporaryPath != nil {
      Glibc.close(fd)
    }
    fd = -1
    if let temporaryPath { unlink(temporaryPath) }
  }
}

extension OutputStream {
  /// Writes `bytes` as the whole content of `wxfilename` (file, `-` or `| command`), which
  /// appears complete or not at all.
  public static func writeWhole(_ bytes: some Collection<UInt8>, to wxfilename: String) throws {
    let stream = try OutputStream.open(wxfilename)
    try Array(bytes).withUnsafeBytes { try stream.write($0) }
    try stream.commit()
  }

  public static func writeWhole(_ text: String, to wxfilename: String) throws {
    try writeWhole(Array(text.utf8), to: wxfilename)
  }
}

/// A wxfilename as Kaldi's log lines name it (`PrintableWxfilename`): `-` or empty is
/// "standard output".
public func printableWxfilename(_ name: String) -> String {
  name.isEmpty || name == "-" ? "standard output" : name
}
