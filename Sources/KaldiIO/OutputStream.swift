#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KaldiBase
import Synchronization

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
  // Touched for every field written; one writer per stream (see InputStream.start).
  @exclusivity(unchecked) private var used = 0
  private var finished = false
  /// Bytes written so far; the offset an `ark,scp` writer records.
  @exclusivity(unchecked) public private(set) var position = 0

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
      guard let p = ByteString.withCString(command, { popen($0, "w") }) else {
        throw KaldiError("Failed to run command '\(command)': \(systemError())")
      }
      return OutputStream(name: wxfilename, fd: fileno(p), pipe: p, finalPath: nil, temporaryPath: nil)
    }
    var info = stat()
    let exists = ByteString.withCString(wxfilename) { stat($0, &info) } == 0
    if exists && (info.st_mode & S_IFMT) != S_IFREG {
      // /dev/null, a FIFO or a terminal: nothing to protect, nowhere to rename.
      let fd = ByteString.withCString(wxfilename) { Glibc.open($0, O_WRONLY) }
      if fd < 0 { throw KaldiError("Failed to open '\(wxfilename)' for writing: \(systemError())") }
      return OutputStream(name: wxfilename, fd: fd, pipe: nil, finalPath: nil, temporaryPath: nil)
    }
    // Through a symlink the link's target is replaced, not the link (Kaldi writes through it,
    // and utils/create_data_link.pl's layout depends on that).
    let target = resolvingSymlinks(wxfilename)
    let slash = target.lastIndex(of: "/")
    let directory = slash.map { String(target[...$0]) } ?? ""
    let base = slash.map { String(target[target.index(after: $0)...]) } ?? target
    let temporary = "\(directory).\(base).partial.\(getpid())"
    let fd = ByteString.withCString(temporary) { Glibc.open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o666) }
    if fd < 0 { throw KaldiError("Failed to open '\(wxfilename)' for writing: \(systemError())") }
    PartialFiles.register(temporary)
    return OutputStream(name: wxfilename, fd: fd, pipe: nil, finalPath: target, temporaryPath: temporary)
  }

  /// The file a path names after following symlinks (the path itself when it is none, or
  /// when its target does not exist yet).
  private static func resolvingSymlinks(_ path: String) -> String {
    var info = stat()
    let resolved = ByteString.withCString(path) { p -> UnsafeMutablePointer<CChar>? in
      guard lstat(p, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return nil }
      return realpath(p, nil)
    }
    guard let resolved else { return path }
    defer { free(resolved) }
    return ByteString.string(cString: resolved)
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

  /// Writes the bytes `string` carries (`ByteString`).
  public func write(_ string: String) throws {
    var s = string
    if s.utf8.allSatisfy({ $0 < 0x80 }) {
      try s.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    } else {
      try ByteString.bytes(of: s).withUnsafeBytes { try write($0) }
    }
  }

  public func write(byte: UInt8) throws {
    if used == capacity { try flushBuffer() }
    buffer[used] = byte
    used += 1
    position += 1
  }

  /// Writes the bytes of a plain value (an Int32, a Float). Inlinable so that callers in other
  /// modules get a specialized copy: the generic one looked up type metadata on every call.
  @inlinable
  public func write<T>(bytesOf value: T) throws {
    try withUnsafeBytes(of: value) { try write($0) }
  }

  /// Pushes buffered bytes to the file or command.
  public func flush() throws { try flushBuffer() }

  private func flushBuffer() throws {
    if used > 0 { try writeAll(buffer, used) }
    used = 0
  }

  private func writeAll(_ p: UnsafeRawPointer, _ count: Int) throws { try Self.writeAll(p, count, to: fd, name: name) }

  private static func writeAll(_ p: UnsafeRawPointer, _ count: Int, to fd: Int32, name: String) throws {
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
        if let temporaryPath {
          removeFile(temporaryPath)
          PartialFiles.unregister(temporaryPath)
        }
        throw KaldiError("Error closing '\(name)': \(message)")
      }
    }
    fd = -1
    guard let temporaryPath, let finalPath else { return }
    defer { PartialFiles.unregister(temporaryPath) }
    do {
      try moveIntoPlace(temporaryPath, finalPath)
    } catch {
      removeFile(temporaryPath)
      throw error
    }
  }

  /// Puts the finished file where the user's was, keeping what the user had set up: a file
  /// with other hard links is overwritten in place (renaming would split the links), and a
  /// replaced file keeps its permissions.
  private func moveIntoPlace(_ temporary: String, _ final: String) throws {
    var existing = stat()
    if ByteString.withCString(final, { stat($0, &existing) }) == 0, (existing.st_mode & S_IFMT) == S_IFREG {
      if existing.st_nlink > 1 {
        try copyContents(of: temporary, over: final)
        removeFile(temporary)
        return
      }
      _ = ByteString.withCString(temporary) { chmod($0, existing.st_mode & 0o7777) }
    }
    let renamed = ByteString.withCString(temporary) { from in ByteString.withCString(final) { rename(from, $0) } }
    if renamed != 0 {
      throw KaldiError("Failed to move finished output into place as '\(final)': \(systemError())")
    }
  }

  private func copyContents(of source: String, over destination: String) throws {
    let input = ByteString.withCString(source) { Glibc.open($0, O_RDONLY) }
    let output = ByteString.withCString(destination) { Glibc.open($0, O_WRONLY | O_TRUNC) }
    defer {
      if input >= 0 { Glibc.close(input) }
      if output >= 0 { Glibc.close(output) }
    }
    guard input >= 0, output >= 0 else { throw KaldiError("Failed to write '\(destination)' in place: \(systemError())") }
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
      if n == 0 { return }
      if n < 0 { if errno == EINTR { continue }; throw KaldiError("Failed to write '\(destination)' in place: \(systemError())") }
      try chunk.withUnsafeBytes { try Self.writeAll($0.baseAddress!, n, to: output, name: destination) }
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
    if let temporaryPath {
      removeFile(temporaryPath)
      PartialFiles.unregister(temporaryPath)
    }
  }
}

/// The temporary files of outputs still being written, removed when the process is stopped
/// by SIGINT, SIGTERM or SIGHUP (so an interrupted run leaves no `.<name>.partial.<pid>`
/// behind; only SIGKILL, which cannot be caught, does).
enum PartialFiles {
  static let capacity = 64
  /// C strings read by the signal handler: no Swift allocation or locking happens there.
  nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
    let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
    p.initialize(repeating: nil, count: capacity)
    return p
  }()
  /// Guards `slots` and the one-time handler installation among threads.
  static let lock = Mutex<Bool>(false)

  static func register(_ path: String) {
    lock.withLock { installed in
      if !installed {
        installHandlers()
        installed = true
      }
      for i in 0..<capacity where slots[i] == nil {
        slots[i] = ByteString.withCString(path) { strdup($0) }
        return
      }
    }
  }

  static func unregister(_ path: String) {
    lock.withLock { _ in
      for i in 0..<capacity {
        if let p = slots[i], ByteString.withCString(path, { strcmp(p, $0) }) == 0 {
          slots[i] = nil
          free(p)
          return
        }
      }
    }
  }

  /// Leaves dispositions the user set (a shell ignoring SIGINT in a background job) alone.
  private static func installHandlers() {
    for signo in [SIGINT, SIGTERM, SIGHUP] {
      var old = sigaction()
      sigaction(signo, nil, &old)
      guard old.__sigaction_handler.sa_handler == nil else { continue }  // SIG_DFL is nil
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { signo in
        for i in 0..<PartialFiles.capacity {
          if let p = PartialFiles.slots[i] { unlink(p) }
        }
        signal(signo, SIG_DFL)
        raise(signo)
      }
      sigemptyset(&action.sa_mask)
      sigaction(signo, &action, nil)
    }
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
    try writeWhole(ByteString.bytes(of: text), to: wxfilename)
  }
}

/// A wxfilename as Kaldi's log lines name it (`PrintableWxfilename`): `-` or empty is
/// "standard output".
public func printableWxfilename(_ name: String) -> String {
  name.isEmpty || name == "-" ? "standard output" : name
}

/// Removes a file named by a byte-string path (`ByteString`).
func removeFile(_ path: String) {
  _ = ByteString.withCString(path) { unlink($0) }
}
