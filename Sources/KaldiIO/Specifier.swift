import KaldiBase

/// A parsed rspecifier such as `ark,s,cs:gunzip -c ali.1.gz |` or `scp:feats.scp`
/// (Kaldi's ClassifyRspecifier).
public struct ReadSpecifier: Equatable, Sendable {
  public enum Kind: Sendable { case archive, script }
  public var kind: Kind
  /// The rxfilename after the colon.
  public var filename: String
  /// `o`: each key is asked for at most once, so a random-access reader may forget it.
  public var once = false
  /// `s`: keys are in sorted order, so a lookup may stop early.
  public var sorted = false
  /// `cs`: lookups come in sorted order.
  public var calledSorted = false
  /// `p`: bad or missing entries are treated as absent instead of fatal.
  public var permissive = false
  /// `bg`: read ahead in the background (accepted; reading is already buffered).
  public var background = false

  /// nil when the text is not an rspecifier (then tools treat it as an rxfilename).
  public init?(_ text: String) {
    guard let colon = text.firstIndex(of: ":"), let lastChar = text.last, !isSpaceCharacter(lastChar) else { return nil }
    var kind: Kind? = nil
    for option in text[..<colon].split(separator: ",", omittingEmptySubsequences: false) {
      switch option {
      case "ark", "scp":
        if kind != nil { return nil }
        kind = option == "ark" ? .archive : .script
      case "b", "t": break
      case "o": once = true
      case "no": once = false
      case "s": sorted = true
      case "ns": sorted = false
      case "cs": calledSorted = true
      case "ncs": calledSorted = false
      case "p": permissive = true
      case "np": permissive = false
      case "bg": background = true
      default: return nil
      }
    }
    guard let kind else { return nil }
    self.kind = kind
    filename = String(text[text.index(after: colon)...])
  }

  /// Parses or throws an error that names the bad specifier.
  public static func parse(_ text: String) throws -> ReadSpecifier {
    guard let spec = ReadSpecifier(text) else { throw KaldiError("Invalid rspecifier '\(text)'") }
    return spec
  }
}

/// A parsed wspecifier such as `ark,scp:feats.ark,feats.scp` or `ark,t:-` (Kaldi's
/// ClassifyWspecifier).
public struct WriteSpecifier: Equatable, Sendable {
  /// The archive to write, if any.
  public var archive: String?
  /// With `ark,scp:` the scp to create; with `scp:` an existing scp naming where each key goes.
  public var script: String?
  public var binary = true
  /// `f`/`nf`: flush after each object (default: no).
  public var flush = false
  public var permissive = false

  public init?(_ text: String) {
    guard let colon = text.firstIndex(of: ":"), let lastChar = text.last, !isSpaceCharacter(lastChar) else { return nil }
    var sawArchive = false, sawScript = false
    for option in text[..<colon].split(separator: ",", omittingEmptySubsequences: false) {
      switch option {
      case "ark":
        if sawArchive || sawScript { return nil }  // `scp,ark` is invalid in Kaldi.
        sawArchive = true
      case "scp":
        if sawScript { return nil }
        sawScript = true
      case "b": binary = true
      case "t": binary = false
      case "f": flush = true
      case "nf": flush = false
      case "p": permissive = true
      default: return nil
      }
    }
    let rest = String(text[text.index(after: colon)...])
    switch (sawArchive, sawScript) {
    case (true, true):
      guard let comma = rest.firstIndex(of: ",") else { return nil }
      archive = String(rest[..<comma])
      script = String(rest[rest.index(after: comma)...])
    case (true, false): archive = rest
    case (false, true): script = rest
    default: return nil
    }
  }

  public static func parse(_ text: String) throws -> WriteSpecifier {
    guard let spec = WriteSpecifier(text) else { throw KaldiError("Invalid wspecifier '\(text)'") }
    return spec
  }
}

func isSpaceCharacter(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }

/// One line of an scp file: `key rxfilename`, the rxfilename possibly ending in a range `[..]`.
public struct ScriptEntry: Equatable, Sendable {
  public var key: String
  /// Where the object is, e.g. `feats.ark:1234` or `gunzip -c x.gz |`.
  public var location: String
  /// The text between `[` and `]` of a range suffix, if any.
  public var range: String?

  /// Parses a line; nil for a blank line; throws for a malformed one.
  public init?(line: String, file: String, lineNumber: Int) throws {
    let trimmed = line.trimmingSpaces()
    if trimmed.isEmpty { return nil }
    guard let space = trimmed.firstIndex(where: isSpaceCharacter) else {
      throw KaldiError("Invalid line \(lineNumber) in script file '\(file)': '\(trimmed.prefix(80))' (expected: key rxfilename)")
    }
    key = String(trimmed[..<space])
    var location = String(trimmed[space...]).trimmingSpaces()
    range = nil
    if location.hasSuffix("]"), let open = location.lastIndex(of: "[") {
      let inside = location[location.index(after: open)..<location.index(before: location.endIndex)]
      let before = location[..<open]
      guard !inside.isEmpty, !before.isEmpty else {
        throw KaldiError("Invalid range in line \(lineNumber) of script file '\(file)': '\(location)'")
      }
      range = String(inside)
      location = String(before)
    }
    self.location = location
  }
}
