#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutable cell that an option writes into; tools read `.value` after parsing.
public final class Setting<Value> {
  public var value: Value
  public init(_ value: Value) { self.value = value }
}

/// Thrown by `ParseOptions.read` when `--help` was given: the caller prints usage, exits 0.
public struct HelpRequested: Error {}

/// Kaldi's command-line contract (util/parse-options.cc), so recipes keep working.
///
/// `--name=value` and `--name value`, `_` and `-` equivalent, `--x` alone meaning true for
/// booleans, `--config=FILE` (repeatable, nestable, `#` comments), `--help`,
/// `--print-args`, `--verbose`, `--` ending the options; options come before positional
/// arguments, as in Kaldi.
public final class ParseOptions {
  private struct Entry {
    let name: String
    let message: String
    let isStandard: Bool
    let isBool: Bool
    let set: (String) -> Bool
  }

  public let usage: String
  private var entries: [String: Entry] = [:]
  private var printArgs = Setting(true)
  private var help = Setting(false)
  private var config = Setting("")
  private var verbose = Setting(0)
  private var configDepth = 0

  public init(usage: String) {
    self.usage = usage
    register("config", config, \.self, "Configuration file to read (this option may be repeated)", standard: true)
    register("print-args", printArgs, \.self, "Print the command line arguments (to stderr)", standard: true)
    register("help", help, \.self, "Print out usage message", standard: true)
    register("verbose", verbose, \.self, "Verbose level (higher->more logging)", standard: true)
  }

  /// Registers `--name` writing into `keyPath` of `setting`'s value.
  public func register<Root, Value: OptionValue>(
    _ name: String, _ setting: Setting<Root>, _ keyPath: WritableKeyPath<Root, Value>,
    _ help: String, standard: Bool = false
  ) {
    let key = Self.normalize(name)
    precondition(entries[key] == nil, "option --\(name) registered twice")
    let current = setting.value[keyPath: keyPath]
    let message = "\(help) (\(Value.optionTypeName), default = \(current.optionDescription))"
    entries[key] = Entry(
      name: name, message: message, isStandard: standard, isBool: Value.self == Bool.self,
      set: { text in
        guard let v = Value(optionText: text) else { return false }
        setting.value[keyPath: keyPath] = v
        return true
      })
  }

  /// Registers `--name` with its own cell and returns the cell.
  public func option<Value: OptionValue>(_ name: String, default value: Value, _ help: String)
    -> Setting<Value>
  {
    let setting = Setting(value)
    register(name, setting, \.self, help)
    return setting
  }

  /// Parses `arguments` (without the program name) and returns the positional arguments.
  public func read(_ arguments: [String], programName: String = KaldiLog.programName) throws
    -> [String]
  {
    // First pass: config files and --help, so the command line overrides config files.
    var i = 0
    while i < arguments.count {
      let arg = arguments[i]
      guard arg.hasPrefix("--") else { break }
      if arg == "--" { break }
      let (key, value, hasEqual) = try split(arg)
      if key == "config" {
        var file = value
        if !hasEqual, i + 1 < arguments.count { file = arguments[i + 1]; i += 1 }
        try readConfigFile(file)
      } else if key == "help" {
        throw HelpRequested()
      } else if !hasEqual, let entry = entries[key], !entry.isBool, i + 1 < arguments.count {
        i += 1
      }
      i += 1
    }
    // Second pass: every option in order.
    i = 0
    var positional: [String] = []
    var doubleDashSeen = false
    while i < arguments.count {
      let arg = arguments[i]
      guard arg.hasPrefix("--") else { break }
      if arg == "--" { doubleDashSeen = true; i += 1; break }
      let (key, value, hasEqual) = try split(arg)
      var text = value
      if !hasEqual, let entry = entries[key], !entry.isBool {
        guard i + 1 < arguments.count else {
          throw KaldiError.usage("Invalid option \(arg) (option format is --x=y or --x y)")
        }
        i += 1
        text = arguments[i].trimmingSpaces()
      }
      if key != "config" { try set(key, text, hasEqual: hasEqual, original: arg) }
      i += 1
    }
    while i < arguments.count {
      if arguments[i] == "--" && !doubleDashSeen { doubleDashSeen = true } else { positional.append(arguments[i]) }
      i += 1
    }
    KaldiLog.verbose = verbose.value
    if printArgs.value && !KaldiLog.errorsOnly {
      let line = ([programName] + arguments).map(Self.escape).joined(separator: " ") + " \n"
      writeToStandardError(line)
    }
    return positional
  }

  /// The `--help` text: usage, then every option sorted by name with type and default.
  public var usageText: String {
    var out = "\n" + usage + "\n"
    let sorted = entries.sorted { $0.key < $1.key }
    let own = sorted.filter { !$0.value.isStandard }
    if !own.isEmpty {
      out += "Options:\n"
      for (_, e) in own { out += Self.line(e) }
      out += "\n"
    }
    out += "Standard options:\n"
    for (_, e) in sorted where e.isStandard { out += Self.line(e) }
    out += "\n"
    return out
  }

  public func printUsage() { writeToStandardError(usageText) }

  private static func line(_ e: Entry) -> String {
    let padded = e.name.count >= 25 ? e.name : e.name + String(repeating: " ", count: 25 - e.name.count)
    return "  --\(padded) : \(e.message)\n"
  }

  private func split(_ arg: String) throws -> (String, String, Bool) {
    let body = arg.dropFirst(2)
    guard let eq = body.firstIndex(of: "=") else {
      return (Self.normalize(String(body)), "", false)
    }
    if eq == body.startIndex { throw KaldiError.usage("Invalid option (no key): \(arg)") }
    return (Self.normalize(String(body[..<eq])), String(body[body.index(after: eq)...]).trimmingSpaces(), true)
  }

  private func set(_ key: String, _ value: String, hasEqual: Bool, original: String) throws {
    guard let entry = entries[key] else { throw KaldiError.usage("Invalid option \(original)") }
    if entry.isBool && hasEqual && value.isEmpty { throw KaldiError.usage("Invalid option --\(key)=") }
    guard entry.set(value) else {
      throw KaldiError.usage("Invalid value '\(value)' for option --\(entry.name)")
    }
  }

  private func readConfigFile(_ path: String) throws {
    configDepth += 1
    defer { configDepth -= 1 }
    if configDepth > 16 { throw KaldiError("Config files nested too deeply (loop?) at \(path)") }
    guard let file = ByteString.withCString(path, { fopen($0, "r") }) else {
      throw KaldiError("Cannot open config file: \(path)")
    }
    defer { fclose(file) }
    var lineNumber = 0
    var linePointer: UnsafeMutablePointer<CChar>? = nil
    var capacity = 0
    defer { free(linePointer) }
    while getline(&linePointer, &capacity, file) >= 0 {
      lineNumber += 1
      var line = ByteString.string(cString: linePointer!)
      if let hash = line.firstIndex(of: "#") { line = String(line[..<hash]) }
      line = line.trimmingSpaces()
      if line.isEmpty { continue }
      guard line.hasPrefix("--") else {
        throw KaldiError(
          "Reading config file \(path): line \(lineNumber) does not look like a line from a Kaldi command-line program's config file: should be of the form --x=y.  Note: config files intended to be sourced by shell scripts lack the '--'."
        )
      }
      let (key, value, hasEqual) = try split(line)
      if key == "config" {
        try readConfigFile(value)
        continue
      }
      do { try set(key, value, hasEqual: hasEqual, original: line) } catch let e as KaldiError where e.isUsage {
        throw KaldiError.usage("\(e.message) in config file \(path), line \(lineNumber)")
      }
    }
  }

  /// Kaldi normalises option names: `_` becomes `-`, letters become lower case.
  public static func normalize(_ name: String) -> String {
    String(name.lowercased().map { $0 == "_" ? "-" : $0 })
  }

  /// Quotes an argument for the echoed command line the way Kaldi's bash escaping does.
  public static func escape(_ s: String) -> String {
    let ok = Set("[]~#^_-+=:.,/")
    let needsQuotes = s.isEmpty || s.unicodeScalars.contains { c in
      !(c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c))) && !ok.contains(Character(c))
    }
    guard needsQuotes else { return s }
    let useDouble = s.contains("'") && !s.contains(where: { "\"`$\\".contains($0) })
    if useDouble { return "\"" + s + "\"" }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}

extension String {
  fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
    guard !target.isEmpty else { return self }
    return components(separatedByString: target).joined(separator: replacement)
  }

  fileprivate func components(separatedByString separator: String) -> [String] {
    var parts: [String] = []
    var rest = Substring(self)
    while let range = rest.firstRange(of: separator) {
      parts.append(String(rest[..<range.lowerBound]))
      rest = rest[range.upperBound...]
    }
    parts.append(String(rest))
    return parts
  }
}

