import Foundation
import KaldiIO
import KaldiMatrix
import Testing
import TestSupport

/// Random matrices and vectors through every format and back.
@Suite struct PropertyTests {
  static func randomMatrix(_ g: inout SeededGenerator, rows: Int? = nil) -> Matrix<Float> {
    let r = rows ?? Int.random(in: 0...30, using: &g)
    let c = r == 0 ? 0 : Int.random(in: 1...12, using: &g)
    let scale = Float([1e-6, 1, 100, 1e6].randomElement(using: &g)!)
    return Matrix(rows: r, cols: c, data: (0..<(r * c)).map { _ in Float.random(in: -1...1, using: &g) * scale })
  }

  @Test(arguments: 0..<20)
  func binaryRoundTripIsExact(seed: UInt64) throws {
    var g = SeededGenerator(seed: seed)
    let dir = TemporaryDirectory()
    let mats = (0..<5).map { i in ("k\(i)", Self.randomMatrix(&g)) }
    try writeAll(MatrixHolder<Float>.self, "ark:" + dir.file("f.ark"), mats)
    #expect(try readAll(MatrixHolder<Float>.self, "ark:" + dir.file("f.ark")).map(\.1) == mats.map(\.1))
    let doubles = mats.map { ($0.0, $0.1.converted(to: Double.self)) }
    try writeAll(MatrixHolder<Double>.self, "ark:" + dir.file("d.ark"), doubles)
    #expect(try readAll(MatrixHolder<Double>.self, "ark:" + dir.file("d.ark")).map(\.1) == doubles.map(\.1))
    let vecs = mats.map { ($0.0, Vector($0.1.data)) }
    try writeAll(VectorHolder<Float>.self, "ark:" + dir.file("v.ark"), vecs)
    #expect(try readAll(VectorHolder<Float>.self, "ark:" + dir.file("v.ark")).map(\.1) == vecs.map(\.1))
    let ints = mats.map { ($0.0, $0.1.data.map { Int32(clamping: Int($0.rounded())) }) }
    for spec in ["ark:", "ark,t:"] {
      try writeAll(Int32VectorHolder.self, spec + dir.file("i.ark"), ints)
      #expect(try readAll(Int32VectorHolder.self, "ark:" + dir.file("i.ark")).map(\.1) == ints.map(\.1))
    }
  }

  @Test(arguments: 0..<20)
  func textRoundTripKeepsSevenDigits(seed: UInt64) throws {
    var g = SeededGenerator(seed: 100 + seed)
    let dir = TemporaryDirectory()
    let mats = (0..<5).map { i in ("k\(i)", Self.randomMatrix(&g)) }
    try writeAll(MatrixHolder<Float>.self, "ark,t:" + dir.file("f.txt"), mats)
    let back = try readAll(MatrixHolder<Float>.self, "ark:" + dir.file("f.txt"))
    for ((_, a), (_, b)) in zip(mats, back) {
      #expect(a.rows == b.rows && a.cols == b.cols)
      for (x, y) in zip(a.data, b.data) { #expect(abs(x - y) <= 5e-7 * abs(x)) }
    }
    // Text written from what was read back is identical: printing is a fixed point.
    try writeAll(MatrixHolder<Float>.self, "ark,t:" + dir.file("g.txt"), back)
    #expect(try Fixture.bytes(dir.file("f.txt")) == Fixture.bytes(dir.file("g.txt")))
    let vecs = mats.map { ($0.0, Vector($0.1.data)) }
    try writeAll(VectorHolder<Float>.self, "ark,t:" + dir.file("v.txt"), vecs)
    for ((_, a), (_, b)) in zip(vecs, try readAll(VectorHolder<Float>.self, "ark:" + dir.file("v.txt"))) {
      for (x, y) in zip(a.data, b.data) { #expect(abs(x - y) <= 5e-7 * abs(x)) }
    }
  }

  @Test(arguments: CompressionMethod.allCases)
  func compressedRoundTrip(method: CompressionMethod) throws {
    var g = SeededGenerator(seed: UInt64(method.rawValue))
    let dir = TemporaryDirectory()
    for trial in 0..<10 {
      var m = Self.randomMatrix(&g, rows: [1, 3, 4, 5, 9, 30][trial % 6])
      if method == .oneByteZeroOne { m.data = m.data.map { abs($0) / max(1, abs($0)) } }
      let c = try CompressedMatrix(m, method: method)
      try writeAll(CompressedMatrixHolder.self, "ark:" + dir.file("c.ark"), [("k", c)])
      let back = try readAll(CompressedMatrixHolder.self, "ark:" + dir.file("c.ark"))[0].1
      #expect(back == c)
      // Decoded values stay within the quantisation step of the format.
      let decoded = try readAll(MatrixHolder<Float>.self, "ark:" + dir.file("c.ark"))[0].1
      #expect(decoded == c.decompressed())
      let span = m.maxElement - m.minElement
      let step: Float = switch c.format {
        case .twoByte: span / 65535 * 1.01 + 1e-6 * span
        case .oneByte: span / 255 * 0.51 + 1e-6 * span
        case .oneByteWithColumnHeaders: span / 4  // coarse: per-column percentiles
      }
      if method == .automatic || method == .speechFeature || method == .twoByteAuto || method == .oneByteAuto {
        for (x, y) in zip(m.data, decoded.data) { #expect(abs(x - y) <= step + 1e-30, "\(method) \(m.rows)×\(m.cols)") }
      }
      // Text mode writes the decoded matrix.
      try writeAll(CompressedMatrixHolder.self, "ark,t:" + dir.file("c.txt"), [("k", c)])
      let text = try readAll(MatrixHolder<Float>.self, "ark:" + dir.file("c.txt"))[0].1
      for (x, y) in zip(decoded.data, text.data) { #expect(abs(x - y) <= 5e-7 * abs(x)) }
    }
  }
}
