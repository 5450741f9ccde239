import KaldiBase

/// Kaldi's `CompressionMethod` (matrix/compressed-matrix.h), as `--compression-method=N` numbers it.
public enum CompressionMethod: Int, Sendable, CaseIterable {
  case automatic = 1, speechFeature, twoByteAuto, twoByteSignedInteger, oneByteAuto,
    oneByteUnsignedInteger, oneByteZeroOne
}

/// Kaldi's lossy `CompressedMatrix`: tokens `CM`, `CM2`, `CM3`, written and decoded bit for bit
/// as Kaldi's matrix/compressed-matrix.cc does, so archives and features agree exactly.
public struct CompressedMatrix: Equatable, Sendable {
  /// On-disk layout, Kaldi's `DataFormat`.
  public enum Format: Int32, Sendable {
    /// `CM`: per-column percentile headers and one byte per element, column-major.
    case oneByteWithColumnHeaders = 1
    /// `CM2`: uint16 per element, row-major.
    case twoByte = 2
    /// `CM3`: uint8 per element, row-major.
    case oneByte = 3

    public var token: String {
      switch self {
      case .oneByteWithColumnHeaders: "CM"
      case .twoByte: "CM2"
      case .oneByte: "CM3"
      }
    }
  }

  public var format: Format
  public var minValue: Float
  public var range: Float
  public var rows: Int
  public var cols: Int
  /// Everything after the 16-byte global header, exactly as stored on disk.
  public var payload: [UInt8]

  /// Bytes of payload that a header with these sizes announces.
  public static func payloadSize(format: Format, rows: Int, cols: Int) -> Int {
    switch format {
    case .oneByteWithColumnHeaders: cols * (8 + rows)
    case .twoByte: 2 * rows * cols
    case .oneByte: rows * cols
    }
  }

  public init(format: Format, minValue: Float, range: Float, rows: Int, cols: Int, payload: [UInt8]) {
    precondition(payload.count == Self.payloadSize(format: format, rows: rows, cols: cols))
    self.format = format
    self.minValue = minValue
    self.range = range
    self.rows = rows
    self.cols = cols
    self.payload = payload
  }

  /// Compresses `matrix` as Kaldi's `CompressedMatrix(mat, method)` does.
  public init(_ matrix: Matrix<Float>, method: CompressionMethod = .automatic) throws {
    rows = matrix.rows
    cols = matrix.cols
    var method = method
    if method == .automatic { method = matrix.rows > 8 ? .speechFeature : .twoByteAuto }
    switch method {
    case .speechFeature: format = .oneByteWithColumnHeaders
    case .twoByteAuto, .twoByteSignedInteger: format = .twoByte
    default: format = .oneByte
    }
    if matrix.isEmpty {
      (minValue, range, rows, cols, payload) = (0, 0, 0, 0, [])
      format = .oneByteWithColumnHeaders
      return
    }
    switch method {
    case .twoByteSignedInteger: (minValue, range) = (-32768, 65535)
    case .oneByteUnsignedInteger: (minValue, range) = (0, 255)
    case .oneByteZeroOne: (minValue, range) = (0, 1)
    default:
      let lo = matrix.minElement
      var hi = matrix.maxElement
      // Array.min() skips NaN, so check every value.
      guard lo.isFinite, hi.isFinite, matrix.data.allSatisfy({ $0.isFinite }) else {
        throw KaldiError("Cannot compress a matrix with NaN's or Inf's")
      }
      // Kaldi keeps range > 0 for constant matrices; the sum is done in double.
      if hi == lo { hi = Float(Double(lo) + (1.0 + Double(abs(lo)))) }
      minValue = lo
      range = hi - lo
    }
    payload = [UInt8](repeating: 0, count: Self.payloadSize(format: format, rows: rows, cols: cols))
    let header = GlobalHeader(minValue: minValue, range: range)
    let (rows, cols, format) = (self.rows, self.cols, self.format)
    matrix.data.withUnsafeBufferPointer { src in
      payload.withUnsafeMutableBytes { raw in
        let out = raw.baseAddress!
        switch format {
        case .oneByteWithColumnHeaders:
          var column = [Float](repeating: 0, count: rows)
          for c in 0..<cols {
            for r in 0..<rows { column[r] = src[r * cols + c] }
            let percentiles = header.columnHeader(column)
            for (i, p) in percentiles.enumerated() { storeLittleEndian(p, at: out + c * 8 + i * 2) }
            let p = percentiles.map { header.uint16ToFloat($0) }
            let bytes = out.advanced(by: cols * 8 + c * rows).assumingMemoryBound(to: UInt8.self)
            for r in 0..<rows { bytes[r] = floatToChar(p[0], p[1], p[2], p[3], column[r]) }
          }
        case .twoByte:
          for i in 0..<(rows * cols) { storeLittleEndian(header.floatToUint16(src[i]), at: out + 2 * i) }
        case .oneByte:
          let bytes = out.assumingMemoryBound(to: UInt8.self)
          for i in 0..<(rows * cols) { bytes[i] = header.floatToUint8(src[i]) }
        }
      }
    }
  }

  /// Decodes to a float matrix as Kaldi's `CompressedMatrix::CopyToMat` does.
  public func decompressed() -> Matrix<Float> {
    var m = Matrix<Float>(rows: rows, cols: cols)
    if rows == 0 || cols == 0 { return m }
    let header = GlobalHeader(minValue: minValue, range: range)
    let (rows, cols) = (self.rows, self.cols)
    payload.withUnsafeBytes { raw in
      let base = raw.baseAddress!
      m.data.withUnsafeMutableBufferPointer { dst in
        switch format {
        case .oneByteWithColumnHeaders:
          let bytes = base.advanced(by: cols * 8).assumingMemoryBound(to: UInt8.self)
          for c in 0..<cols {
            let p0 = header.uint16ToFloat(loadLittleEndian(base + c * 8))
            let p25 = header.uint16ToFloat(loadLittleEndian(base + c * 8 + 2))
            let p75 = header.uint16ToFloat(loadLittleEndian(base + c * 8 + 4))
            let p100 = header.uint16ToFloat(loadLittleEndian(base + c * 8 + 6))
            // Kaldi multiplies by a double constant here, so the sum is formed in double.
            let d0 = Double(p0), d25 = Double(p25), d75 = Double(p75)
            let s0 = p25 - p0, s1 = p75 - p25, s2 = p100 - p75
            for r in 0..<rows {
              let v = bytes[c * rows + r]
              let value: Double
              if v <= 64 {
                value = d0 + Double(s0 * Float(v)) * (1.0 / 64.0)
              } else if v <= 192 {
                value = d25 + Double(s1 * Float(Int(v) - 64)) * (1.0 / 128.0)
              } else {
                value = d75 + Double(s2 * Float(Int(v) - 192)) * (1.0 / 63.0)
              }
              dst[r * cols + c] = Float(value)
            }
          }
        case .twoByte:
          let increment = Float(Double(range) * (1.0 / 65535.0))
          for i in 0..<(rows * cols) {
            let u: UInt16 = loadLittleEndian(base + 2 * i)
            dst[i] = minValue + Float(u) * increment
          }
        case .oneByte:
          let increment = Float(Double(range) * (1.0 / 255.0))
          let bytes = base.assumingMemoryBound(to: UInt8.self)
          for i in 0..<(rows * cols) { dst[i] = minValue + Float(bytes[i]) * increment }
        }
      }
    }
    return m
  }
}

/// The global min/range and the float↔integer maps that depend on them.
private struct GlobalHeader {
  let minValue: Float
  let range: Float

  func floatToUint16(_ value: Float) -> UInt16 {
    var f = (value - minValue) / range
    if f > 1 { f = 1 }
    if f < 0 { f = 0 }
    return UInt16(truncatingIfNeeded: cppIntCast(Double(f * 65535) + 0.499))
  }

  func floatToUint8(_ value: Float) -> UInt8 {
    var f = (value - minValue) / range
    if f > 1 { f = 1 }
    if f < 0 { f = 0 }
    return UInt8(truncatingIfNeeded: cppIntCast(Double(f * 255) + 0.499))
  }

  func uint16ToFloat(_ value: UInt16) -> Float {
    minValue + range * Float(1.52590218966964e-05) * Float(value)
  }

  /// Kaldi's `ComputeColHeader`: quantised 0th, 25th, 75th and 100th percentiles, kept
  /// strictly increasing.
  func columnHeader(_ column: [Float]) -> [UInt16] {
    let n = column.count
    let sorted = column.sorted()
    let p0 = min(floatToUint16(sorted[0]), 65532)
    if n >= 5 {
      let q = n / 4
      let p25 = min(max(floatToUint16(sorted[q]), p0 + 1), 65533)
      let p75 = min(max(floatToUint16(sorted[3 * q]), p25 + 1), 65534)
      let p100 = max(floatToUint16(sorted[n - 1]), p75 + 1)
      return [p0, p25, p75, p100]
    }
    let p25 = n > 1 ? min(max(floatToUint16(sorted[1]), p0 + 1), 65533) : p0 + 1
    let p75 = n > 2 ? min(max(floatToUint16(sorted[2]), p25 + 1), 65534) : p25 + 1
    let p100 = n > 3 ? max(floatToUint16(sorted[3]), p75 + 1) : p75 + 1
    return [p0, p25, p75, p100]
  }
}

private func floatToChar(_ p0: Float, _ p25: Float, _ p75: Float, _ p100: Float, _ value: Float) -> UInt8 {
  if value < p25 {
    let f = (value - p0) / (p25 - p0)
    return UInt8(clamping: min(max(cppIntCast(Double(f * 64) + 0.5), 0), 64))
  } else if value < p75 {
    let f = (value - p25) / (p75 - p25)
    return UInt8(clamping: min(max(Int32(64) &+ cppIntCast(Double(f * 128) + 0.5), 64), 192))
  } else {
    let f = (value - p75) / (p100 - p75)
    return UInt8(clamping: min(max(Int32(192) &+ cppIntCast(Double(f * 63) + 0.5), 192), 255))
  }
}

@inline(__always)
private func storeLittleEndian(_ v: UInt16, at p: UnsafeMutableRawPointer) {
  p.storeBytes(of: v.littleEndian, as: UInt16.self)
}

@inline(__always)
private func loadLittleEndian(_ p: UnsafeRawPointer) -> UInt16 {
  UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))
}

/// C++'s `static_cast<int>(double)` as x86-64 executes it: truncation, and INT_MIN for NaN or
/// out-of-range values (where Swift's `Int(_:)` would trap). Kaldi relies on the clamps after it.
@inline(__always)
private func cppIntCast(_ x: Double) -> Int32 {
  guard x.isFinite, x > -2147483649.0, x < 2147483648.0 else { return Int32.min }
  return Int32(x)
}
