import KaldiMatrix
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite struct MatrixTests {
  /// The slow, obviously correct product the BLAS path is checked against.
  func naiveProduct(_ a: Matrix<Float>, _ b: Matrix<Float>) -> Matrix<Float> {
    var c = Matrix<Float>(rows: a.rows, cols: b.cols)
    for i in 0..<a.rows { for j in 0..<b.cols { var s = 0.0; for k in 0..<a.cols { s += Double(a[i, k]) * Double(b[k, j]) }; c[i, j] = Float(s) } }
    return c
  }

  func transposed(_ m: Matrix<Float>) -> Matrix<Float> {
    var t = Matrix<Float>(rows: m.cols, cols: m.rows)
    for i in 0..<m.rows { for j in 0..<m.cols { t[j, i] = m[i, j] } }
    return t
  }

  @Test(arguments: [(1, 1, 1), (3, 5, 2), (17, 33, 9), (64, 40, 55)])
  func blasProductMatchesTheNaiveOne(m: Int, k: Int, n: Int) {
    var seed: UInt64 = UInt64(m * 1000 + k * 10 + n)
    func next() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(Int(seed >> 40) % 2001 - 1000) / 1000 }
    let a = Matrix(rows: m, cols: k, data: (0..<(m * k)).map { _ in next() })
    let b = Matrix(rows: k, cols: n, data: (0..<(k * n)).map { _ in next() })
    let expected = naiveProduct(a, b)
    for got in [a.multiplied(by: b), transposed(a).multiplied(by: b, transposeSelf: true), a.multiplied(by: transposed(b), transposeOther: true)] {
      #expect(got.rows == m && got.cols == n)
      for (x, y) in zip(got.data, expected.data) { #expect(abs(x - y) <= 1e-4) }
    }
  }

  @Test func compressingAConstantMatrixKeepsItsValue() throws {
    let m = Matrix<Float>(rows: 10, cols: 3, data: [Float](repeating: -2.5, count: 30))
    for method in CompressionMethod.allCases where method.rawValue <= 3 || method == .oneByteAuto {
      let c = try CompressedMatrix(m, method: method)
      #expect(c.range == 3.5)  // 1 + |min|: Kaldi keeps the range positive
      for v in c.decompressed().data { #expect(abs(v - -2.5) < 1e-4) }
    }
  }

  @Test func compressionRefusesNaN() {
    let m = Matrix<Float>(rows: 2, cols: 2, data: [1, .nan, 2, 3])
    #expect(throws: (any Error).self) { try CompressedMatrix(m) }
  }

  @Test func automaticMethodPicksByRowCount() throws {
    #expect(try CompressedMatrix(Matrix<Float>(rows: 9, cols: 2, data: (0..<18).map(Float.init))).format == .oneByteWithColumnHeaders)
    #expect(try CompressedMatrix(Matrix<Float>(rows: 8, cols: 2, data: (0..<16).map(Float.init))).format == .twoByte)
  }

  @Test func fewRowsUseThePathologicalPercentileRule() throws {
    // Fewer than 5 rows: percentiles are the sorted values themselves, kept increasing.
    let m = Matrix<Float>(rows: 3, cols: 1, data: [5, 1, 3])
    let c = try CompressedMatrix(m, method: .speechFeature)
    let d = c.decompressed()
    for (x, y) in zip(m.data, d.data) { #expect(abs(x - y) < 1e-3) }
  }

  @Test func submatrixAndConversion() {
    let m = Matrix<Float>(rowArrays: [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    #expect(m.submatrix(rows: 1..<3, cols: 0..<2) == Matrix(rowArrays: [[4, 5], [7, 8]]))
    #expect(m.converted(to: Double.self)[2, 2] == 9)
  }
}

@Suite struct VectorMathTests {
  @Test func polynomialLogStaysWithinTwoUlpOfLogf() {
    var values: [Float] = [Float.ulpOfOne, 1e-30, 0.5, 0.70710677, 0.7071068, 1, 1.0000001, 1.4142135, 1.4142137, 2, 3, 10, 1e10, 3.4e38, 0, -1]
    var x: Float = 1e-7
    while x < 1e9 { values.append(x); x *= 1.37 }
    values += [.infinity, .nan]
    var out = values
    out.withUnsafeMutableBufferPointer { VectorMath.logWithFloor($0.baseAddress!, $0.count, floor: 1e-20) }
    for (v, got) in zip(values, out) {
      let expected = logf(max(v, 1e-20))
      if expected.isNaN { #expect(got.isNaN); continue }
      if expected.isInfinite { #expect(got == expected); continue }
      #expect(abs(got - expected) <= 2 * max(expected.ulp, Float.leastNormalMagnitude), "log(\(v)): \(got) vs \(expected)")
    }
  }
}
