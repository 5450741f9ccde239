import KaldiBase

/// Reads the objects of an scp entry's location, keeping the last data file open so that
/// consecutive entries pointing into one archive cost a seek, not an open.
final class ScriptObjectLoader<H: TableHolder> {
  private let scriptName: String
  private var openPath: String?
  private var openStream: InputStream?

  init(scriptName: String) { self.scriptName = scriptName }

  func load(_ entry: ScriptEntry) throws -> H.Value {
    let value: H.Value
    do {
      value = try loadWhole(entry.location)
    } catch let e as FormatError {
      throw KaldiError("Failed to read \(H.objectName) for key '\(entry.key)' from '\(entry.location)' (listed in '\(scriptName)') at byte \(e.offset): \(e.reason)")
    } catch let e as KaldiError {
      throw KaldiError("\(e.message) (key '\(entry.key)', listed in '\(scriptName)')")
    }
    guard let range = entry.range else { return value }
    do {
      return try H.extract(range: range, from: value)
    } catch let e as KaldiError {
      throw KaldiError("\(e.message) (key '\(entry.key)' in '\(scriptName)')")
    }
  }

  private func loadWhole(_ location: String) throws -> H.Value {
    switch RxFilename(location) {
    case .fileAtOffset(let path, let offset):
      if openPath != path || openStream == nil {
        openStream = nil
        openStream = try InputStream.openFile(path, display: path)
        openPath = path
      }
      try openStream!.seek(to: offset)
      return try H.read(from: openStream!)
    case .file, .pipe, .standardInput:
      let stream = try InputStream.open(location)
      let value: H.Value
      do {
        value = try H.read(from: stream)
      } catch {
        throw stream.commandFailure() ?? error
      }
      try stream.close()
      return value
    }
  }
}

/// Reads `key object` pairs of an archive in order.
final class ArchiveCursor<H: TableHolder> {
  let stream: InputStream
  let permissive: Bool
  private var finished = false

  init(_ filename: String, permissive: Bool) throws {
    stream = try InputStream.open(filename)
    self.permissive = permissive
  }

  func next() throws -> (key: String, value: H.Value)? {
    if finished { return nil }
    let keyOffset: Int
    let key: String
    do {
      try stream.skipWhitespace()
      keyOffset = stream.position
      guard let word = try stream.readWord() else {
        finished = true
        try stream.close()
        return nil
      }
      key = word
    } catch let e as KaldiError {
      finished = true
      throw KaldiError("Error reading archive '\(stream.name)': \(e.message)")
    }
    do {
      // Kaldi expects one space after the key; it also tolerates a tab, and a newline
      // before a text object.
      switch try stream.peek() {
      case UInt8(ascii: " "), UInt8(ascii: "\t"): _ = try stream.readByte()
      case UInt8(ascii: "\n"): break
      case nil: throw FormatError("end of file after key", at: stream.position)
      case let c?: throw FormatError("expected space after key, got character '\(printable(c))'", at: stream.position)
      }
      return (key, try H.read(from: stream))
    } catch let e as FormatError {
      finished = true
      if let failure = stream.commandFailure() { throw failure }
      let message = "Failed to read \(H.objectName) for key '\(key)' in archive '\(stream.name)' at byte \(e.offset) (entry starts at byte \(keyOffset)): \(e.reason)"
      if permissive {
        KaldiLog.warn(message + "; stopping here (permissive reading)")
        return nil
      }
      throw KaldiError(message)
    }
  }
}

func printable(_ c: UInt8) -> String {
  c >= 0x20 && c < 0x7f ? String(UnicodeScalar(c)) : "\\\(String(c, radix: 8))"
}

/// Reads the scp lines of a script file in order.
final class ScriptCursor {
  let stream: InputStream
  private(set) var lineNumber = 0

  init(_ filename: String) throws { stream = try InputStream.open(filename) }

  func next() throws -> ScriptEntry? {
    while let line = try stream.readLine() {
      lineNumber += 1
      if let entry = try ScriptEntry(line: line, file: stream.name, lineNumber: lineNumber) { return entry }
    }
    try stream.close()
    return nil
  }
}

/// Kaldi's `SequentialTableReader`: every `(key, object)` of an `ark:` or `scp:` rspecifier,
/// in order.
///
///     let reader = try SequentialTableReader<MatrixHolder<Float>>("scp:data/train/feats.scp")
///     while let (key, feats) = try reader.next() { ... }
public final class SequentialTableReader<H: TableHolder> {
  public let specifier: ReadSpecifier
  private var archive: ArchiveCursor<H>?
  private var script: ScriptCursor?
  private var loader: ScriptObjectLoader<H>?

  public init(_ rspecifier: String) throws {
    specifier = try ReadSpecifier.parse(rspecifier)
    switch specifier.kind {
    case .archive:
      archive = try ArchiveCursor(specifier.filename, permissive: specifier.permissive)
    case .script:
      script = try ScriptCursor(specifier.filename)
      loader = ScriptObjectLoader(scriptName: specifier.filename)
    }
  }

  /// The next pair, or nil when the table is exhausted.
  public func next() throws -> (key: String, value: H.Value)? {
    if let archive { return try archive.next() }
    guard let script, let loader else { return nil }
    while let entry = try script.next() {
      do {
        return (entry.key, try loader.load(entry))
      } catch let e as KaldiError where specifier.permissive {
        KaldiLog.warn("\(e.message); skipping it (permissive reading)")
      }
    }
    return nil
  }
}
