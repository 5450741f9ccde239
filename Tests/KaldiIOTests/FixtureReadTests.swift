import Foundation
import KaldiIO
import KaldiMatrix
import Testing

/// Every archive of the table fixtures reads back to the values its text form and
/// MANIFEST.json state.
@Suite struct FixtureReadTests {
  struct ManifestEntry: Decodable {
    let shape: [Int]
    let sum: Double
    let first: [Double]
  }
  struct ManifestFile: Decodable { let entries: [String: ManifestEntry] }

  static let manifest: [String: ManifestFile] = {
    let data = try! Data(contentsOf: URL(fileURLWithPath: Fixture.table("MANIFEST.json")))
    return try! JSONDecoder().decode([String: ManifestFile].self, from: data)
  }()

  func checkManifest(_ file: String, _ key: String, shape: [Int], values: [Double]) {
    guard let entry = Self.manifest[file]?.entries[key] else {
      Issue.record("no manifest entry \(file) \(key)")
      return
    }
    #expect(entry.shape == shape, "\(file) \(key)")
    let sum = values.reduce(0, +)
    #expect(abs(sum - entry.sum) <= 1e-6 * max(1, abs(entry.sum)), "\(file) \(key) sum \(sum) vs \(entry.sum)")
    for (a, b) in zip(values, entry.first) where a.isFinite {
      #expect(a == b || abs(a - b) <= 1e-12 * abs(b), "\(file) \(key) first values")
    }
  }

  @Test func floatMatricesBinaryAndTextAgreeBitForBit() throws {
    let binary = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("fm.ark"))
    let text = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("fm.txt"))
    #expect(binary.map(\.0) == ["utt1", "utt2", "utt3_onerow"])
    #expect(binary.map { [$0.1.rows, $0.1.cols] } == [[20, 5], [13, 4], [1, 3]])
    for ((k1, m1), (k2, m2)) in zip(binary, text) {
      #expect(k1 == k2)
      #expect(m1.data.map(\.bitPattern) == m2.data.map(\.bitPattern))
      checkManifest("fm.ark", k1, shape: [m1.rows, m1.cols], values: m1.data.map(Double.init))
    }
  }

  @Test func doubleMatricesReadExactlyAndConvertToFloat() throws {
    let binary = try readAll(MatrixHolder<Double>.self, "ark:" + Fixture.table("dm.ark"))
    let text = try readAll(MatrixHolder<Double>.self, "ark:" + Fixture.table("dm.txt"))
    for ((k, m1), (_, m2)) in zip(binary, text) {
      #expect(m1 == m2)
      checkManifest("dm.ark", k, shape: [m1.rows, m1.cols], values: m1.data)
    }
    // A float reader accepts DM and rounds each value.
    let asFloat = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("dm.ark"))
    #expect(asFloat[0].1.data == binary[0].1.data.map { Float($0) })
  }

  @Test func vectorsKeepEdgeValues() throws {
    let fv = try readAll(VectorHolder<Float>.self, "ark:" + Fixture.table("fv.ark"))
    #expect(fv[0].1.data == [0.5, -1.25, 1e-8, 3.4028235e38])
    #expect(fv[1].1.data == [7])
    #expect(try readAll(VectorHolder<Float>.self, "ark:" + Fixture.table("fv.txt")).map(\.1) == fv.map(\.1))
    let dv = try readAll(VectorHolder<Double>.self, "ark:" + Fixture.table("dv.ark"))
    #expect(dv[0].1.data == [0.1, -2.5e-300, 1e300])
    #expect(dv[1].1.data == [Double.pi])
    #expect(try readAll(VectorHolder<Double>.self, "ark:" + Fixture.table("dv.txt")).map(\.1) == dv.map(\.1))
  }

  @Test func int32VectorsIncludingEmpty() throws {
    let expected: [(String, [Int32])] = [("utt1", [1, 2, 2, 3, 3, 3, 100000, -7]), ("utt2", [42]), ("utt3_empty", [])]
    for file in ["iv.ark", "iv.txt"] {
      let got = try readAll(Int32VectorHolder.self, "ark:" + Fixture.table(file))
      #expect(got.map(\.0) == expected.map(\.0))
      #expect(got.map(\.1) == expected.map(\.1))
    }
  }

  /// `*.kaldi-decoded.txt` holds what Kaldi's own matrix code (pydrobert-kaldi 0.6.4's wheel)
  /// decodes, printed with 9 digits: ksnn must agree bit for bit. The shared
  /// `*.decoded.txt` were decoded by kaldiio, whose float arithmetic differs from Kaldi's
  /// by up to 2.1e-6; they are checked within that.
  @Test(arguments: ["cm", "cm2", "cm3"])
  func compressedMatricesDecodeAsKaldiDoes(name: String) throws {
    let decoded = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("\(name).ark"))
    let kaldi = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("\(name).kaldi-decoded.txt"))
    let kaldiio = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("\(name).decoded.txt"))
    #expect(decoded.map(\.0) == ["utt1", "utt2"])
    #expect(decoded.map(\.0) == kaldi.map(\.0))
    for ((_, a), (_, b)) in zip(decoded, kaldi) {
      #expect(a.rows == b.rows && a.cols == b.cols)
      #expect(a.data.map(\.bitPattern) == b.data.map(\.bitPattern))
    }
    for ((_, a), (_, b)) in zip(decoded, kaldiio) {
      for (x, y) in zip(a.data, b.data) { #expect(abs(x - y) <= 2.2e-6) }
    }
  }

  @Test func gzippedAlignmentsThroughAPipe() throws {
    let got = try readAll(Int32VectorHolder.self, "ark:gunzip -c \(Fixture.table("ali.1.gz")) |")
    #expect(got.map(\.0) == ["utt1", "utt2"])
    #expect(got[0].1 == [4, 4, 4, 16, 16, 15, 15, 15, 2])
    #expect(got[1].1 == [4, 3, 3])
  }

  @Test(arguments: ["fm", "dm", "cm", "cm2", "cm3"])
  func scpOffsetsReachTheSameObjects(name: String) throws {
    let dir = TemporaryDirectory()
    let scp = try Fixture.absoluteScp("\(name).scp", in: dir.path)
    let viaScp = try readAll(MatrixHolder<Double>.self, "scp:" + scp)
    let viaArk = try readAll(MatrixHolder<Double>.self, "ark:" + Fixture.table("\(name).ark"))
    #expect(viaScp.map(\.0) == viaArk.map(\.0))
    #expect(viaScp.map(\.1) == viaArk.map(\.1))
  }

  @Test func realKaldiDoubleStatsMatrix() throws {
    let stats = try readAll(MatrixHolder<Double>.self, "ark:" + Fixture.feature("cmvn.ark"))
    #expect(stats.count == 1 && stats[0].0 == "spk1")
    #expect(stats[0].1.rows == 2 && stats[0].1.cols == 14)
    #expect(stats[0].1[0, 13] == 276)  // frame count
    #expect(stats[0].1[1, 13] == 0)
  }
}
