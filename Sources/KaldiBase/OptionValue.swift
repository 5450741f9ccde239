#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A type a command-line option can hold, parsed and printed the way Kaldi's ParseOptions does.
public protocol OptionValue: Sendable {
  /// The name Kaldi shows in `--help`: `bool`, `int`, `float`, `double` or `string`.
  static var optionTypeName: String { get }
  /// Parses a value written after `--name=`; nil when the text is not a valid value.
  init?(optionText: String)
  /// The default as Kaldi's `--help` prints it.
  var optionDescription: String { get }
}

extension Bool: OptionValue {
  public static var optionTypeName: String { "bool" }
  public init?(optionText: String) {
    // Kaldi: "" counts as true so that `--x` means `--x=true`.
    switch optionText.lowercased() {
    case "true", "t", "1", "": self = true
    case "false", "f", "0": self = false
    default: return nil
    }
  }
  public var optionDescription: String { self ? "true" : "false" }
}

extension Int: OptionValue {
  public static var optionTypeName: String { "int" }
  public init?(optionText: String) {
    guard let v = Int(optionText.trimmingSpaces()), v >= Int(Int32.min), v <= Int(Int32.max)
    else { return nil }
    self = v
  }
  public var optionDescription: String { String(self) }
}

extension Float: OptionValue {
  public static var optionTypeName: String { "float" }
  public init?(optionText: String) {
    guard let d = parseCDouble(optionText) else { return nil }
    self = Float(d)
  }
  public var optionDescription: String { formatG(Double(self), precision: 6) }
}

extension Double: OptionValue {
  public static var optionTypeName: String { "double" }
  public init?(optionText: String) {
    guard let d = parseCDouble(optionText) else { return nil }
    self = d
  }
  public var optionDescription: String { formatG(self, precision: 6) }
}

extension String: OptionValue {
  public static var optionTypeName: String { "string" }
  public init?(optionText: String) { self = optionText }
  public var optionDescription: String { "\"\(self)\"" }
}

/// Parses a whole string as a C double (strtod rules, surrounding spaces allowed).
public func parseCDouble(_ text: String) -> Double? {
  let trimmed = text.trimmingSpaces()
  if trimmed.isEmpty { return nil }
  return trimmed.withCString { start -> Double? in
    var end: UnsafeMutablePointer<CChar>? = nil
    let value = strtod(start, &end)
    guard let end, end.pointee == 0 else { return nil }
    return value
  }
}

/// printf's `%.<precision>g`, which is what a C++ ostream prints for a float or double.
public func formatG(_ value: Double, precision: Int) -> String { printfDouble(value, "%.\(precision)g") }

/// printf's `%.<decimals>f`, what a C++ ostream prints with `std::fixed`.
public func formatFixed(_ value: Double, decimals: Int) -> String { printfDouble(value, "%.\(decimals)f") }

private func printfDouble(_ value: Double, _ format: String) -> String {
  var buffer = [CChar](repeating: 0, count: 400)
  let count = buffer.withUnsafeMutableBufferPointer { out in
    withVaList([value]) { vsnprintf(out.baseAddress, 400, format, $0) }
  }
  return String(decoding: buffer[0..<min(Int(count), 399)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension String {
  /// The string without leading and trailing spaces, tabs, newlines and carriage returns.
  public func trimmingSpaces() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
    let last = lastIndex(where: { !isSpace($0) })!
    return String(self[first...last])
  }
}

extension StringProtocol {
  /// The first occurrence of `needle`, by characters (the Foundation-free `range(of:)`).
  public func firstRange(of needle: String) -> Range<Index>? {
    var i = startIndex
    while i < endIndex {
      if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
      i = index(after: i)
    }
    return nil
  }
}
