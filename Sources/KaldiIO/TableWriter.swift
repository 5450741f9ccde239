import KaldiBase

/// Kaldi's `TableWriter`: writes `(key, object)` pairs to `ark:`, `ark,scp:` or `scp:` targets.
///
/// Nothing is final until `close()`: files appear under their names only then, the archive
/// before its scp, so an scp never points at missing data.
///
///     let writer = try TableWriter<MatrixHolder<Float>>("ark,scp:feats.ark,feats.scp")
///     try writer.write("utt1", feats)
///     try writer.close()
public final class TableWriter<H: TableHolder> {
  public let specifier: WriteSpecifier
  private var archive: OutputStream?
  private var scriptOut: OutputStream?
  private var scriptTargets: [String: String] = [:]
  private var closed = false

  public init(_ wspecifier: String) throws {
    specifier = try WriteSpecifier.parse(wspecifier)
    if let archiveName = specifier.archive {
      archive = try OutputStream.open(archiveName)
      if let scriptName = specifier.script {
        if archiveName.isEmpty || archiveName == "-" || archiveName.hasPrefix("|") {
          // Kaldi's TableWriterBothImpl says the same: the offsets cannot be read back.
          KaldiLog.warn("When writing to both archive and script, the script file will generally not be interpreted correctly unless the archive is an actual file: wspecifier = \(wspecifier)")
        }
        scriptOut = try OutputStream.open(scriptName)
      }
    } else if let scriptName = specifier.script {
      let cursor = try ScriptCursor(scriptName)
      while let entry = try cursor.next() {
        if entry.range != nil || { if case .fileAtOffset = RxFilename(entry.location) { return true } else { return false } }() {
          throw KaldiError("Cannot write to '\(entry.location)' (line \(cursor.lineNumber) of '\(scriptName)'): scp targets of a writer must be whole files")
        }
        scriptTargets[entry.key] = entry.location
      }
    }
  }

  public func write(_ key: String, _ value: H.Value) throws {
    precondition(!closed, "write after close")
    guard isValidKey(key) else {
      throw KaldiError("Invalid key '\(key)' for table '\(specifier.archive ?? specifier.script ?? "")': keys must be non-empty and contain no whitespace")
    }
    let binary = specifier.binary
    if let archive {
      try archive.write(key)
      try archive.write(byte: 0x20)
      let offset = archive.position
      try H.writeObject(value, to: archive, binary: binary)
      if specifier.flush { try archive.flush() }
      if let scriptOut {
        try scriptOut.write("\(key) \(specifier.archive!):\(offset)\n")
        if specifier.flush { try scriptOut.flush() }
      }
      return
    }
    guard let target = scriptTargets[key] else {
      throw KaldiError("No key '\(key)' in script file '\(specifier.script!)': cannot tell where to write it")
    }
    let out = try OutputStream.open(target)
    try H.writeObject(value, to: out, binary: binary)
    try out.commit()
  }

  /// Finishes the archive, then the scp.
  public func close() throws {
    guard !closed else { return }
    closed = true
    do {
      try archive?.commit()
    } catch {
      scriptOut?.abandon()
      throw error
    }
    try scriptOut?.commit()
  }
}

/// Kaldi's `IsToken`: a non-empty key with no whitespace or control characters.
func isValidKey(_ key: String) -> Bool {
  // Kaldi's IsToken: ASCII control characters, white space and byte 255 are not allowed.
  !key.isEmpty && !ByteString.containsByte(in: key) { $0 <= 0x20 || $0 == 0x7f || $0 == 0xff }
}

/// Reads one object from an rxfilename (Kaldi's `ReadKaldiObject`), with an optional range.
public func readKaldiObject<H: TableHolder>(_ holder: H.Type, from rxfilename: String) throws -> H.Value {
  var location = rxfilename
  var range: String? = nil
  if rxfilename.hasSuffix("]"), let open = rxfilename.lastIndex(of: "[") {
    range = String(rxfilename[rxfilename.index(after: open)..<rxfilename.index(before: rxfilename.endIndex)])
    location = String(rxfilename[..<open])
  }
  let stream = try InputStream.open(location)
  let value: H.Value
  do {
    value = try H.read(from: stream)
  } catch let e as FormatError {
    throw stream.commandFailure() ?? KaldiError("Failed to read \(H.objectName) from '\(rxfilename)' at byte \(e.offset): \(e.reason)")
  }
  try stream.close()
  guard let range else { return value }
  return try H.extract(range: range, from: value)
}

/// Writes one object to a wxfilename (Kaldi's `WriteKaldiObject`).
public func writeKaldiObject<H: TableHolder>(_ holder: H.Type, _ value: H.Value, to wxfilename: String, binary: Bool) throws {
  let out = try OutputStream.open(wxfilename)
  try H.writeObject(value, to: out, binary: binary)
  try out.commit()
}
