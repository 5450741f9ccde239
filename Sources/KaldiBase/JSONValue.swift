/// A parsed JSON document (RFC 8259), for the measures files the tools write and read back.
public enum JSONValue: Equatable, Sendable {
  case object([(String, JSONValue)])
  case array([JSONValue])
  case number(Double)
  case string(String)
  case bool(Bool)
  case null

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.object(let x), .object(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    case (.array(let x), .array(let y)): x == y
    case (.number(let x), .number(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.bool(let x), .bool(let y)): x == y
    case (.null, .null): true
    default: false
    }
  }

  /// The member `key` of an object (the first one, if repeated).
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  public var number: Double? { if case .number(let v) = self { v } else { nil } }
  public var array: [JSONValue]? { if case .array(let v) = self { v } else { nil } }

  /// Parses a whole document; the error names the byte offset.
  public init(parsing text: String) throws(KaldiError) {
    var parser = JSONParser(bytes: Array(text.utf8))
    self = try parser.document()
  }
}

/// Recursive descent over UTF-8 bytes.
private struct JSONParser {
  let bytes: [UInt8]
  var at = 0

  func fail(_ what: String) -> KaldiError { KaldiError("invalid JSON at byte \(at): \(what)") }

  mutating func document() throws(KaldiError) -> JSONValue {
    let v = try value(depth: 0)
    skipSpace()
    guard at == bytes.count else { throw fail("text after the value") }
    return v
  }

  mutating func skipSpace() {
    while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
  }

  mutating func value(depth: Int) throws(KaldiError) -> JSONValue {
    guard depth < 256 else { throw fail("nested too deeply") }
    skipSpace()
    guard at < bytes.count else { throw fail("unexpected end") }
    switch bytes[at] {
    case UInt8(ascii: "{"):
      at += 1
      var members: [(String, JSONValue)] = []
      skipSpace()
      if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
      repeat {
        skipSpace()
        let key = try string()
        skipSpace()
        try expect(":")
        members.append((key, try value(depth: depth + 1)))
        skipSpace()
      } while try separator(closing: "}")
      return .object(members)
    case UInt8(ascii: "["):
      at += 1
      var items: [JSONValue] = []
      skipSpace()
      if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
      repeat {
        items.append(try value(depth: depth + 1))
        skipSpace()
      } while try separator(closing: "]")
      return .array(items)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try word("true"); return .bool(true)
    case UInt8(ascii: "f"): try word("false"); return .bool(false)
    case UInt8(ascii: "n"): try word("null"); return .null
    default: return .number(try number())
    }
  }

  /// After an item: true for ",", false for the closing bracket.
  mutating func separator(closing: Character) throws(KaldiError) -> Bool {
    guard at < bytes.count else { throw fail("unexpected end") }
    if bytes[at] == UInt8(ascii: ",") { at += 1; return true }
    if bytes[at] == closing.asciiValue! { at += 1; return false }
    throw fail("expected ',' or '\(closing)'")
  }

  mutating func expect(_ c: Character) throws(KaldiError) {
    guard at < bytes.count, bytes[at] == c.asciiValue! else { throw fail("expected '\(c)'") }
    at += 1
  }

  mutating func word(_ w: String) throws(KaldiError) {
    let u = Array(w.utf8)
    guard bytes.count - at >= u.count, Array(bytes[at..<(at + u.count)]) == u else { throw fail("expected \(w)") }
    at += u.count
  }

  mutating func number() throws(KaldiError) -> Double {
    let start = at
    while at < bytes.count, "+-0123456789.eE".utf8.contains(bytes[at]) { at += 1 }
    guard at > start, let v = Double(String(decoding: bytes[start..<at], as: UTF8.self)) else {
      at = start
      throw fail("expected a value")
    }
    return v
  }

  mutating func string() throws(KaldiError) -> String {
    try expect("\"")
    var out: [UInt8] = []
    while at < bytes.count {
      let b = bytes[at]
      at += 1
      if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
      guard b == UInt8(ascii: "\\") else { out.append(b); continue }
      guard at < bytes.count else { break }
      let e = bytes[at]
      at += 1
      switch e {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "u"):
        guard bytes.count - at >= 4, let code = UInt32(String(decoding: bytes[at..<(at + 4)], as: UTF8.self), radix: 16) else {
          throw fail("bad \\u escape")
        }
        at += 4
        out += Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8)
      default: out.append(e)
      }
    }
    throw fail("unterminated string")
  }
}
