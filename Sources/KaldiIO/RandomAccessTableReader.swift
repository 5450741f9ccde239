import KaldiBase

/// Kaldi's `RandomAccessTableReader`: objects looked up by key from an `scp:` (any order) or
/// an `ark:` (read forward and remembered; with `s`, a lookup stops at the first larger key).
public final class RandomAccessTableReader<H: TableHolder> {
  public let specifier: ReadSpecifier
  private var entries: [String: ScriptEntry] = [:]
  private var loader: ScriptObjectLoader<H>?
  private var archive: ArchiveCursor<H>?
  private var cache: [String: H.Value] = [:]
  private var lastArchiveKey: String?
  private var archiveDone = false
  private var lastLoaded: (key: String, value: H.Value?)?

  public init(_ rspecifier: String) throws {
    specifier = try ReadSpecifier.parse(rspecifier)
    switch specifier.kind {
    case .script:
      let cursor = try ScriptCursor(specifier.filename)
      while let entry = try cursor.next() {
        if entries[entry.key] != nil {
          throw KaldiError("Duplicate key '\(entry.key)' in script file '\(specifier.filename)' (line \(cursor.lineNumber))")
        }
        entries[entry.key] = entry
      }
      loader = ScriptObjectLoader(scriptName: specifier.filename)
    case .archive:
      archive = try ArchiveCursor(specifier.filename, permissive: specifier.permissive)
    }
  }

  /// Whether the table has `key` (with `p`, whether its object can also be read).
  public func hasKey(_ key: String) throws -> Bool {
    if archive != nil { return try findInArchive(key) }
    guard entries[key] != nil else { return false }
    if specifier.permissive { return try loadFromScript(key) != nil }
    return true
  }

  /// The object for `key`; an error if the table has none.
  public func value(for key: String) throws -> H.Value {
    if archive != nil {
      guard try findInArchive(key), let value = cache[key] else {
        throw KaldiError("No key '\(key)' in archive '\(specifier.filename)'")
      }
      if specifier.once { cache[key] = nil }
      return value
    }
    guard entries[key] != nil else { throw KaldiError("No key '\(key)' in script file '\(specifier.filename)'") }
    guard let value = try loadFromScript(key) else {
      throw KaldiError("Could not read object for key '\(key)' from script file '\(specifier.filename)'")
    }
    return value
  }

  private func loadFromScript(_ key: String) throws -> H.Value? {
    if let last = lastLoaded, last.key == key { return last.value }
    do {
      let value = try loader!.load(entries[key]!)
      lastLoaded = (key, value)
      return value
    } catch let e as KaldiError where specifier.permissive {
      KaldiLog.warn("\(e.message); treating key '\(key)' as absent (permissive reading)")
      lastLoaded = (key, nil)
      return nil
    }
  }

  private func findInArchive(_ key: String) throws -> Bool {
    if cache[key] != nil { return true }
    // Lookups come in sorted order: nothing before this key will be asked for again.
    if specifier.calledSorted { cache = cache.filter { $0.key >= key } }
    while !archiveDone {
      if specifier.sorted, let last = lastArchiveKey, last > key { return false }
      guard let (k, v) = try archive!.next() else {
        archiveDone = true
        break
      }
      if let last = lastArchiveKey, specifier.sorted, k <= last {
        throw KaldiError("Archive '\(specifier.filename)' was read with the 's' (sorted) option but key '\(k)' follows '\(last)'")
      }
      if cache[k] != nil { throw KaldiError("Duplicate key '\(k)' in archive '\(specifier.filename)'") }
      lastArchiveKey = k
      cache[k] = v
      if k == key { return true }
    }
    return false
  }
}

/// Kaldi's `RandomAccessTableReaderMapped`: looks utterances up directly, or through an
/// utt2spk map when one is given (per-speaker CMVN stats, VTLN warps).
public final class MappedTableReader<H: TableHolder> {
  private let reader: RandomAccessTableReader<H>
  private let utt2spk: [String: String]?
  private let mapName: String

  public init(_ rspecifier: String, utt2spk mapRspecifier: String) throws {
    reader = try RandomAccessTableReader<H>(rspecifier)
    mapName = mapRspecifier
    if mapRspecifier.isEmpty {
      utt2spk = nil
    } else {
      var map: [String: String] = [:]
      let entries = try SequentialTableReader<TokenVectorHolder>(mapRspecifier)
      while let (utt, tokens) = try entries.next() {
        guard tokens.count == 1 else { throw KaldiError("Bad line for utterance \(utt) in \(mapRspecifier): expected one speaker id") }
        map[utt] = tokens[0]
      }
      utt2spk = map
    }
  }

  /// The key `utt` is looked up under: its speaker when mapped.
  public func mappedKey(_ utt: String) -> String? { utt2spk == nil ? utt : utt2spk![utt] }

  public func hasKey(_ utt: String) throws -> Bool {
    guard let key = mappedKey(utt) else { return false }
    return try reader.hasKey(key)
  }

  public func value(for utt: String) throws -> H.Value {
    guard let key = mappedKey(utt) else { throw KaldiError("Utterance \(utt) is not in \(mapName)") }
    return try reader.value(for: key)
  }
}
