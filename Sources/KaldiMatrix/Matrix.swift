/// Float or Double, the two element types Kaldi matrices and vectors come in.
public protocol KaldiReal: BinaryFloatingPoint, Sendable where Self.RawSignificand: FixedWidthInteger {
  init(_ value: Float)
  init(_ value: Double)
}
extension Float: KaldiReal {}
extension Double: KaldiReal {}

/// A dense row-major matrix with value semantics: Kaldi's `Matrix<Real>`.
public struct Matrix<Element: KaldiReal>: Equatable, Sendable {
  public private(set) var rows: Int
  public private(set) var cols: Int
  /// rows × cols elements, row after row.
  public var data: [Element]

  public init(rows: Int, cols: Int) {
    precondition(rows >= 0 && cols >= 0)
    self.rows = rows
    self.cols = cols
    data = [Element](repeating: 0, count: rows * cols)
  }

  public init(rows: Int, cols: Int, data: [Element]) {
    precondition(rows >= 0 && cols >= 0 && data.count == rows * cols, "data size \(data.count) is not \(rows)×\(cols)")
    self.rows = rows
    self.cols = cols
    self.data = data
  }

  /// A matrix from its rows; all rows must have the same length.
  public init(rowArrays: [[Element]]) {
    let cols = rowArrays.first?.count ?? 0
    precondition(rowArrays.allSatisfy { $0.count == cols }, "rows of different lengths")
    self.init(rows: rowArrays.count, cols: rowArrays.isEmpty ? 0 : cols, data: rowArrays.flatMap { $0 })
  }

  public subscript(row: Int, col: Int) -> Element {
    get { data[row * cols + col] }
    set { data[row * cols + col] = newValue }
  }

  /// Row `r` as a slice of `data`.
  public func row(_ r: Int) -> ArraySlice<Element> { data[(r * cols)..<((r + 1) * cols)] }

  public var isEmpty: Bool { rows == 0 || cols == 0 }

  /// The same values in another precision.
  public func converted<Other: KaldiReal>(to: Other.Type = Other.self) -> Matrix<Other> {
    if let same = self as? Matrix<Other> { return same }
    return Matrix<Other>(rows: rows, cols: cols, data: data.map { Other($0) })
  }

  /// The block of rows `rowRange` and columns `colRange`.
  public func submatrix(rows rowRange: Range<Int>, cols colRange: Range<Int>) -> Matrix {
    precondition(rowRange.lowerBound >= 0 && rowRange.upperBound <= rows)
    precondition(colRange.lowerBound >= 0 && colRange.upperBound <= cols)
    var out = [Element]()
    out.reserveCapacity(rowRange.count * colRange.count)
    for r in rowRange { out.append(contentsOf: data[(r * cols + colRange.lowerBound)..<(r * cols + colRange.upperBound)]) }
    return Matrix(rows: rowRange.count, cols: colRange.count, data: out)
  }

  public var minElement: Element { data.min() ?? 0 }
  public var maxElement: Element { data.max() ?? 0 }
}

/// A dense vector with value semantics: Kaldi's `Vector<Real>`.
public struct Vector<Element: KaldiReal>: Equatable, Sendable {
  public var data: [Element]
  public init(_ data: [Element]) { self.data = data }
  public init(count: Int) { data = [Element](repeating: 0, count: count) }
  public var count: Int { data.count }
  public subscript(i: Int) -> Element {
    get { data[i] }
    set { data[i] = newValue }
  }
  public func converted<Other: KaldiReal>(to: Other.Type = Other.self) -> Vector<Other> {
    if let same = self as? Vector<Other> { return same }
    return Vector<Other>(data.map { Other($0) })
  }
}
