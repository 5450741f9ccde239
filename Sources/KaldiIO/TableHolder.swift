import KaldiBase
import KaldiMatrix

/// How one type of table object is read and written (Kaldi's Holder classes).
///
/// `read` starts at the object's first byte (a `\0B` header for binary objects) and must
/// consume exactly the object, so the next key follows; it throws `FormatError`.
public protocol TableHolder {
  associatedtype Value: Sendable
  /// What the object is called in error messages: "matrix", "int32 vector", ...
  static var objectName: String { get }
  static func read(from stream: InputStream) throws -> Value
  static func write(_ value: Value, to stream: OutputStream, binary: Bool) throws
  /// Applies an scp range such as `[0:99]` or `[0:99,0:12]`; most types have none.
  static func extract(range: String, from value: Value) throws -> Value
  /// False for types Kaldi writes without the `\0B` header whatever the wspecifier says
  /// (token vectors, which are text, and waves, which are RIFF bytes).
  static var hasBinaryHeader: Bool { get }
}

extension TableHolder {
  public static func extract(range: String, from value: Value) throws -> Value {
    throw KaldiError("a range specifier ([\(range)]) is not defined for a \(objectName)")
  }

  public static var hasBinaryHeader: Bool { true }

  /// Writes the object with its binary header when `binary`.
  static func writeObject(_ value: Value, to stream: OutputStream, binary: Bool) throws {
    if binary && hasBinaryHeader { try stream.writeBinaryHeader() }
    try write(value, to: stream, binary: binary)
  }
}

/// Float or double matrices: `FM`/`DM`, also reading `CM`, `CM2`, `CM3` and the other precision,
/// as Kaldi's `Matrix::Read` does for feature tables.
public enum MatrixHolder<Element: KaldiReal>: TableHolder {
  public typealias Value = Matrix<Element>
  public static var objectName: String { "matrix" }

  public static func read(from stream: InputStream) throws -> Matrix<Element> {
    let binary = try stream.readBinaryHeader()
    return binary ? try readBinary(stream) : try readText(stream)
  }

  /// A matrix inside a larger object (a model file) whose binary mode is already known.
  public static func readObject(_ stream: InputStream, binary: Bool) throws -> Matrix<Element> {
    binary ? try readBinary(stream) : try readText(stream)
  }

  static func readBinary(_ stream: InputStream) throws -> Matrix<Element> {
    let at = stream.position
    switch try stream.peek() {
    case UInt8(ascii: "C"):
      return try CompressedMatrixHolder.readBinary(stream).decompressed().converted()
    case UInt8(ascii: "F"), UInt8(ascii: "D"):
      let token = try stream.readToken()
      switch token {
      case "FM": return try readBody(Float.self, stream).converted()
      case "DM": return try readBody(Double.self, stream).converted()
      default: throw FormatError("expected token FM or DM, got \(token.prefix(20))", at: at)
      }
    case nil:
      throw FormatError("expected a matrix, got end of file", at: at)
    default:
      let token = (try? stream.readWord()) ?? nil
      throw FormatError("expected token FM, DM, CM, CM2 or CM3, got \((token ?? "").prefix(20))", at: at)
    }
  }

  private static func readBody<E: KaldiReal>(_: E.Type, _ stream: InputStream) throws -> Matrix<E> {
    let at = stream.position
    let rows = Int(try stream.readInt32(binary: true))
    let cols = Int(try stream.readInt32(binary: true))
    guard rows >= 0, cols >= 0, rows == 0 || cols <= Int(Int32.max) / max(rows, 1) else {
      throw FormatError("bad matrix size \(rows)×\(cols)", at: at)
    }
    let data = try stream.readArray(E.self, count: rows * cols, what: "matrix data (\(rows)×\(cols))")
    return Matrix(rows: rows, cols: cols, data: data)
  }

  static func readText(_ stream: InputStream) throws -> Matrix<Element> {
    let at = stream.position
    guard let first = try stream.readWord() else { throw FormatError("expected \"[\", got end of file", at: at) }
    if first == "[]" { return Matrix(rows: 0, cols: 0) }
    guard first == "[" else { throw FormatError("expected \"[\", got \"\(first.prefix(20))\"", at: at) }
    var rows: [[Element]] = []
    var current: [Element] = []
    while true {
      guard let b = try stream.peek() else { throw FormatError("got end of file while reading matrix data", at: stream.position) }
      switch b {
      case UInt8(ascii: "]"):
        _ = try stream.readByte()
        try consumeLineEnd(stream)
        if !current.isEmpty { rows.append(current) }
        guard let cols = rows.first?.count else { return Matrix(rows: 0, cols: 0) }
        if let bad = rows.firstIndex(where: { $0.count != cols }) {
          throw FormatError("matrix has inconsistent #cols: \(cols) vs. \(rows[bad].count) (row \(bad))", at: at)
        }
        return Matrix(rows: rows.count, cols: cols, data: rows.flatMap { $0 })
      case UInt8(ascii: "\n"), UInt8(ascii: ";"):
        _ = try stream.readByte()
        if !current.isEmpty {
          rows.append(current)
          current = []
          current.reserveCapacity(rows[0].count)
        }
      case _ where isSpaceByte(b):
        _ = try stream.readByte()
      default:
        current.append(Element(try stream.readTextNumber()))
      }
    }
  }

  public static func write(_ value: Matrix<Element>, to stream: OutputStream, binary: Bool) throws {
    if binary {
      try stream.writeToken(Element.self == Float.self ? "FM" : "DM")
      try stream.writeInt32(Int32(value.rows), binary: true)
      try stream.writeInt32(Int32(value.cols), binary: true)
      try value.data.withUnsafeBytes { try stream.write($0) }
      return
    }
    try writeText(value, to: stream)
  }

  static func writeText(_ value: Matrix<Element>, to stream: OutputStream) throws {
    if value.cols == 0 {
      try stream.write(" [ ]\n")
      return
    }
    try stream.write(" [")
    for r in 0..<value.rows {
      try stream.write("\n  ")
      for v in value.row(r) { try stream.writeTextNumber(Double(v)) }
    }
    try stream.write("]\n")
  }

  public static func extract(range: String, from value: Matrix<Element>) throws -> Matrix<Element> {
    let (rows, cols) = try MatrixRange.parse(range, rows: value.rows, cols: value.cols)
    return value.submatrix(rows: rows, cols: cols)
  }
}

/// Consumes the newline (or CR LF) that Kaldi writes after `]`.
func consumeLineEnd(_ stream: InputStream) throws {
  if try stream.peek() == UInt8(ascii: "\r") {
    _ = try stream.readByte()
    _ = try stream.readByte()
  } else if try stream.peek() == UInt8(ascii: "\n") {
    _ = try stream.readByte()
  }
}

/// Kaldi's matrix range specifier `r1:r2[,c1:c2]` (inclusive ends, `:` for all), with the
/// tolerance of 3 rows past the end that segment rounding needs.
public enum MatrixRange {
  public static func parse(_ range: String, rows: Int, cols: Int) throws -> (Range<Int>, Range<Int>) {
    let parts = range.split(separator: ",", omittingEmptySubsequences: false)
    guard (parts.count == 1 || parts.count == 2), parts.allSatisfy({ !$0.isEmpty }) else {
      throw KaldiError("Invalid range specifier for matrix: [\(range)]")
    }
    func bounds(_ part: Substring, _ size: Int) -> (Int, Int)? {
      if part == ":" { return (0, size - 1) }
      let ends = part.split(separator: ":", omittingEmptySubsequences: false)
      guard ends.count == 2, let a = Int(ends[0]), let b = Int(ends[1]) else { return nil }
      return (a, b)
    }
    guard let (r0, r1) = bounds(parts[0], rows),
      let (c0, c1) = parts.count == 2 ? bounds(parts[1], cols) : (0, cols - 1),
      r0 >= 0, r0 <= r1, r1 < rows + 3, c0 >= 0, c0 <= c1, c1 < cols, r0 < rows
    else {
      throw KaldiError("Invalid range specifier [\(range)] for matrix of size \(rows)x\(cols)")
    }
    if r1 >= rows {
      KaldiLog.warn("Row range \(r0):\(r1) goes beyond the number of rows of the matrix \(rows)")
    }
    return (r0..<(min(r1, rows - 1) + 1), c0..<(c1 + 1))
  }
}

/// Float or double vectors: `FV`/`DV` and the text form ` [ 1 2 3 ]`.
public enum VectorHolder<Element: KaldiReal>: TableHolder {
  public typealias Value = Vector<Element>
  public static var objectName: String { "vector" }

  public static func read(from stream: InputStream) throws -> Vector<Element> {
    let binary = try stream.readBinaryHeader()
    return Vector(binary ? try readBinaryBody(stream) : try readTextBody(stream))
  }

  /// A vector inside a larger object (a model file) whose binary mode is already known.
  public static func readObject(_ stream: InputStream, binary: Bool) throws -> Vector<Element> {
    Vector(binary ? try readBinaryBody(stream) : try readTextBody(stream))
  }

  /// A binary vector after its `\0B` header (or inside a model file): `FV`/`DV`, dim, values.
  public static func readBinaryBody(_ stream: InputStream) throws -> [Element] {
    let at = stream.position
    let token = try stream.readToken()
    switch token {
    case "FV": return try readBody(Float.self, stream).converted(to: Element.self).data
    case "DV": return try readBody(Double.self, stream).converted(to: Element.self).data
    default: throw FormatError("expected token FV or DV, got \(token.prefix(20))", at: at)
    }
  }

  /// A text vector: ` [ 1 2 3 ]`.
  public static func readTextBody(_ stream: InputStream) throws -> [Element] {
    let at = stream.position
    guard let first = try stream.readWord() else { throw FormatError("expected \"[\", got end of file", at: at) }
    if first == "[]" { return [] }
    guard first == "[" else { throw FormatError("expected \"[\", got \"\(first.prefix(20))\"", at: at) }
    var values: [Element] = []
    while true {
      guard let b = try stream.peek() else { throw FormatError("got end of file while reading vector data", at: stream.position) }
      switch b {
      case UInt8(ascii: "]"):
        _ = try stream.readByte()
        try consumeLineEnd(stream)
        return values
      case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        throw FormatError("newline found while reading vector (maybe it's a matrix?)", at: stream.position)
      case UInt8(ascii: " "), UInt8(ascii: "\t"):
        _ = try stream.readByte()
      default:
        values.append(Element(try stream.readTextNumber()))
      }
    }
  }

  private static func readBody<E: KaldiReal>(_: E.Type, _ stream: InputStream) throws -> Vector<E> {
    let at = stream.position
    let count = Int(try stream.readInt32(binary: true))
    guard count >= 0 else { throw FormatError("bad vector size \(count)", at: at) }
    return Vector(try stream.readArray(E.self, count: count, what: "vector data (dim \(count))"))
  }

  public static func write(_ value: Vector<Element>, to stream: OutputStream, binary: Bool) throws {
    if binary {
      try stream.writeToken(Element.self == Float.self ? "FV" : "DV")
      try stream.writeInt32(Int32(value.count), binary: true)
      try value.data.withUnsafeBytes { try stream.write($0) }
      return
    }
    try stream.write(" [ ")
    for v in value.data { try stream.writeTextNumber(Double(v)) }
    try stream.write("]\n")
  }
}

/// Vectors of int32 such as alignments: binary `\4 n` then `\4 v` per element; text `1 2 3 \n`.
public enum Int32VectorHolder: TableHolder {
  public typealias Value = [Int32]
  public static var objectName: String { "int32 vector" }

  public static func read(from stream: InputStream) throws -> [Int32] {
    let binary = try stream.readBinaryHeader()
    let at = stream.position
    if !binary {
      guard let line = try stream.readLine() else { throw FormatError("expected a line of integers, got end of file", at: at) }
      var values: [Int32] = []
      for word in line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) {
        guard let v = Int32(word) else { throw FormatError("could not interpret '\(word.prefix(20))' as an int32 in line '\(line.prefix(60))'", at: at) }
        values.append(v)
      }
      return values
    }
    let count = Int(try stream.readInt32(binary: true))
    guard count >= 0 else { throw FormatError("bad int32 vector size \(count)", at: at) }
    let raw = try stream.readArray(UInt8.self, count: 5 * count, what: "int32 vector data (\(count) elements)")
    return try raw.withUnsafeBytes { p in
      try (0..<count).map { i in
        guard p[5 * i] == 4 else {
          throw FormatError("expected size byte 4 before element \(i), got \(p[5 * i])", at: at + 5 + 5 * i)
        }
        return Int32(littleEndian: p.loadUnaligned(fromByteOffset: 5 * i + 1, as: Int32.self))
      }
    }
  }

  public static func write(_ value: [Int32], to stream: OutputStream, binary: Bool) throws {
    if binary {
      try stream.writeInt32(Int32(value.count), binary: true)
      var raw = [UInt8](repeating: 4, count: 5 * value.count)
      raw.withUnsafeMutableBytes { p in
        for (i, v) in value.enumerated() { p.storeBytes(of: v.littleEndian, toByteOffset: 5 * i + 1, as: Int32.self) }
      }
      try raw.withUnsafeBytes { try stream.write($0) }
      return
    }
    for v in value { try stream.writeInt32(v, binary: false) }
    try stream.write(byte: UInt8(ascii: "\n"))
  }
}

/// A number Kaldi stores one per key (`BasicHolder`): int32 frame counts, float VTLN warps,
/// double durations.
public protocol KaldiScalar: Sendable {
  /// Text form as Kaldi's `WriteBasicType` prints it (no trailing space).
  var kaldiText: String { get }
  init?(kaldiText: String)
}
extension Int32: KaldiScalar {
  public var kaldiText: String { String(self) }
  public init?(kaldiText: String) { self.init(kaldiText) }
}
extension Float: KaldiScalar {
  public var kaldiText: String { formatG(Double(self), precision: 7) }
  public init?(kaldiText: String) { guard let d = parseCDouble(kaldiText) else { return nil }; self = Float(d) }
}
extension Double: KaldiScalar {
  public var kaldiText: String { formatG(self, precision: 7) }
  public init?(kaldiText: String) { guard let d = parseCDouble(kaldiText) else { return nil }; self = d }
}

/// A single number per key, e.g. `feat-to-len` output, `utt2num_frames`, `utt2dur`:
/// binary `\4` or `\8` + value; text `20 \n`.
public enum ScalarHolder<T: KaldiScalar>: TableHolder {
  public typealias Value = T
  public static var objectName: String { "\(T.self)".lowercased() }

  public static func read(from stream: InputStream) throws -> T {
    let binary = try stream.readBinaryHeader()
    let at = stream.position
    if binary {
      guard let size = try stream.readByte() else { throw FormatError("expected a number, got end of file", at: at) }
      guard Int(size) == MemoryLayout<T>.size else {
        throw FormatError("expected a \(MemoryLayout<T>.size)-byte \(objectName), got size byte \(size)", at: at)
      }
      var value = [UInt8](repeating: 0, count: Int(size))
      try value.withUnsafeMutableBytes { try stream.readExactly(into: $0.baseAddress!, count: Int(size), what: objectName) }
      return value.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }
    while let b = try stream.peek(), isSpaceByte(b), b != UInt8(ascii: "\n") { _ = try stream.readByte() }
    guard let word = try stream.readWord(), let v = T(kaldiText: word) else {
      throw FormatError("expected a number (\(objectName))", at: at)
    }
    while let b = try stream.peek(), isSpaceByte(b), b != UInt8(ascii: "\n") { _ = try stream.readByte() }
    guard try stream.readByte() == UInt8(ascii: "\n") else { throw FormatError("expected newline after number", at: stream.position - 1) }
    return v
  }

  public static func write(_ value: T, to stream: OutputStream, binary: Bool) throws {
    if binary {
      try stream.write(byte: UInt8(MemoryLayout<T>.size))
      try stream.write(bytesOf: value)
    } else {
      try stream.write(value.kaldiText + " \n")
    }
  }
}

public typealias Int32Holder = ScalarHolder<Int32>
public typealias FloatHolder = ScalarHolder<Float>
public typealias DoubleHolder = ScalarHolder<Double>

/// Compressed matrices (`CM`, `CM2`, `CM3`); written as a plain text matrix in text mode, as Kaldi does.
public enum CompressedMatrixHolder: TableHolder {
  public typealias Value = CompressedMatrix
  public static var objectName: String { "compressed matrix" }

  public static func read(from stream: InputStream) throws -> CompressedMatrix {
    let binary = try stream.readBinaryHeader()
    if binary, try stream.peek() == UInt8(ascii: "C") { return try readBinary(stream) }
    let m = binary ? try MatrixHolder<Float>.readBinary(stream) : try MatrixHolder<Float>.readText(stream)
    return try CompressedMatrix(m)
  }

  static func readBinary(_ stream: InputStream) throws -> CompressedMatrix {
    let at = stream.position
    let token = try stream.readToken()
    let format: CompressedMatrix.Format
    switch token {
    case "CM": format = .oneByteWithColumnHeaders
    case "CM2": format = .twoByte
    case "CM3": format = .oneByte
    default: throw FormatError("unexpected token \(token.prefix(20)), expecting CM, CM2 or CM3", at: at)
    }
    var header = (Float(0), Float(0), Int32(0), Int32(0))
    try withUnsafeMutableBytes(of: &header) { try stream.readExactly(into: $0.baseAddress!, count: 16, what: "compressed-matrix header") }
    let (minValue, range, rows, cols) = (header.0, header.1, Int(header.2), Int(header.3))
    if cols == 0 { return CompressedMatrix(format: format, minValue: 0, range: 0, rows: 0, cols: 0, payload: []) }
    guard rows > 0, cols > 0, rows <= Int(Int32.max) / cols else {
      throw FormatError("bad compressed-matrix size \(rows)×\(cols)", at: at)
    }
    let size = CompressedMatrix.payloadSize(format: format, rows: rows, cols: cols)
    let payload = try stream.readArray(UInt8.self, count: size, what: "compressed-matrix data (\(rows)×\(cols))")
    return CompressedMatrix(format: format, minValue: minValue, range: range, rows: rows, cols: cols, payload: payload)
  }

  public static func write(_ value: CompressedMatrix, to stream: OutputStream, binary: Bool) throws {
    guard binary else {
      try MatrixHolder<Float>.writeText(value.decompressed(), to: stream)
      return
    }
    try stream.writeToken(value.format.token)
    try stream.write(bytesOf: value.minValue)
    try stream.write(bytesOf: value.range)
    try stream.write(bytesOf: Int32(value.rows))
    try stream.write(bytesOf: Int32(value.cols))
    try value.payload.withUnsafeBytes { try stream.write($0) }
  }
}

/// An int32 vector as Kaldi's `WriteIntegerVector` stores it inside files and models:
/// binary `\4`, count, raw array; text `[ 1 2 3 ]`. (Tables use `Int32VectorHolder` instead.)
public enum IntegerVectorFileHolder: TableHolder {
  public typealias Value = [Int32]
  public static var objectName: String { "integer vector" }

  public static func read(from stream: InputStream) throws -> [Int32] {
    let binary = try stream.readBinaryHeader()
    let at = stream.position
    if binary {
      guard try stream.readByte() == 4 else { throw FormatError("expected element size 4 in integer vector", at: at) }
      var count: Int32 = 0
      try stream.readExactly(into: &count, count: 4, what: "integer vector size")
      let n = Int(Int32(littleEndian: count))
      guard n >= 0 else { throw FormatError("bad integer vector size \(n)", at: at) }
      return try stream.readArray(Int32.self, count: n, what: "integer vector data")
    }
    try stream.skipWhitespace()
    guard try stream.readByte() == UInt8(ascii: "[") else { throw FormatError("expected \"[\" starting integer vector", at: at) }
    var values: [Int32] = []
    while true {
      try stream.skipWhitespace()
      guard let b = try stream.peek() else { throw FormatError("end of file inside integer vector", at: stream.position) }
      if b == UInt8(ascii: "]") {
        _ = try stream.readByte()
        try consumeLineEnd(stream)
        return values
      }
      values.append(try stream.readInt32(binary: false))
    }
  }

  public static func write(_ value: [Int32], to stream: OutputStream, binary: Bool) throws {
    if binary {
      try stream.write(byte: 4)
      try stream.write(bytesOf: Int32(value.count).littleEndian)
      try value.withUnsafeBytes { try stream.write($0) }
      return
    }
    try stream.write("[ ")
    for v in value { try stream.write("\(v) ") }
    try stream.write("]\n")
  }
}

/// Lines of whitespace-free tokens (transcripts, `text` files, align-text output):
/// `key w1 w2 ... \n`, text only, as Kaldi's `TokenVectorHolder`.
public enum TokenVectorHolder: TableHolder {
  public typealias Value = [String]
  public static var objectName: String { "token vector" }
  public static var hasBinaryHeader: Bool { false }

  public static func read(from stream: InputStream) throws -> [String] {
    let at = stream.position
    guard let line = try stream.readLineBytes() else { throw FormatError("expected a line of tokens, got end of file", at: at) }
    // Split on ASCII white space byte-wise, as Kaldi does.
    return line.split(whereSeparator: isSpaceByte).map { ByteString.string($0) }
  }

  public static func write(_ value: [String], to stream: OutputStream, binary: Bool) throws {
    var line = ""
    for token in value {
      guard isValidKey(token) else { throw KaldiError("Invalid token '\(token)': tokens must be non-empty and contain no whitespace") }
      line += token
      line += " "
    }
    line += "\n"
    try stream.write(line)
  }
}
