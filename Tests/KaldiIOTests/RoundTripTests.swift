import Foundation
import KaldiIO
import KaldiMatrix
import Testing

/// Rewriting archives reproduces Kaldi's bytes: binary copies, text written as real Kaldi
/// writes it, and compression byte-identical to Kaldi's compressor.
@Suite struct RoundTripTests {
  @Test(arguments: [("fm.ark", "FM"), ("dm.ark", "DM")])
  func binaryMatrixArchivesRewriteIdentically(file: String, token: String) throws {
    let dir = TemporaryDirectory()
    if token == "FM" {
      try writeAll(MatrixHolder<Float>.self, "ark:" + dir.file("out.ark"), try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table(file)))
    } else {
      try writeAll(MatrixHolder<Double>.self, "ark:" + dir.file("out.ark"), try readAll(MatrixHolder<Double>.self, "ark:" + Fixture.table(file)))
    }
    #expect(try Fixture.bytes(dir.file("out.ark")) == Fixture.bytes(Fixture.table(file)))
  }

  @Test func textFloatArchiveBecomesTheBinaryOne() throws {
    // Real Kaldi: binary rewrite of the 9-digit text archive equals fm.ark.
    let dir = TemporaryDirectory()
    try writeAll(MatrixHolder<Float>.self, "ark:" + dir.file("out.ark"), try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("fm.txt")))
    #expect(try Fixture.bytes(dir.file("out.ark")) == Fixture.bytes(Fixture.table("fm.ark")))
  }

  @Test func vectorAndIntegerArchivesRewriteIdentically() throws {
    let dir = TemporaryDirectory()
    try writeAll(VectorHolder<Float>.self, "ark:" + dir.file("fv.ark"), try readAll(VectorHolder<Float>.self, "ark:" + Fixture.table("fv.txt")))
    #expect(try Fixture.bytes(dir.file("fv.ark")) == Fixture.bytes(Fixture.table("fv.ark")))
    try writeAll(VectorHolder<Double>.self, "ark:" + dir.file("dv.ark"), try readAll(VectorHolder<Double>.self, "ark:" + Fixture.table("dv.txt")))
    #expect(try Fixture.bytes(dir.file("dv.ark")) == Fixture.bytes(Fixture.table("dv.ark")))
    try writeAll(Int32VectorHolder.self, "ark:" + dir.file("iv.ark"), try readAll(Int32VectorHolder.self, "ark:" + Fixture.table("iv.txt")))
    #expect(try Fixture.bytes(dir.file("iv.ark")) == Fixture.bytes(Fixture.table("iv.ark")))
  }

  @Test func textOutputMatchesRealKaldi() throws {
    let dir = TemporaryDirectory()
    let feats = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.feature("mfcc13.ark"))
    try writeAll(MatrixHolder<Float>.self, "ark,t:" + dir.file("mfcc13.txt"), feats)
    #expect(try Fixture.bytes(dir.file("mfcc13.txt")) == Fixture.bytes(Fixture.feature("mfcc13.txt")))
  }

  @Test func textFormsOfVectorsFollowKaldi() throws {
    let dir = TemporaryDirectory()
    try writeAll(VectorHolder<Float>.self, "ark,t:" + dir.file("fv.txt"), try readAll(VectorHolder<Float>.self, "ark:" + Fixture.table("fv.ark")))
    #expect(try String(contentsOfFile: dir.file("fv.txt"), encoding: .utf8) == "spk1  [ 0.5 -1.25 1e-08 3.402823e+38 ]\nspk2  [ 7 ]\n")
    try writeAll(Int32VectorHolder.self, "ark,t:" + dir.file("iv.txt"), try readAll(Int32VectorHolder.self, "ark:" + Fixture.table("iv.ark")))
    #expect(try String(contentsOfFile: dir.file("iv.txt"), encoding: .utf8) == "utt1 1 2 2 3 3 3 100000 -7 \nutt2 42 \nutt3_empty \n")
  }

  @Test func compressionIsByteIdenticalToRealKaldi() throws {
    let dir = TemporaryDirectory()
    let feats = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.feature("fbank80.ark"))
    try writeAll(CompressedMatrixHolder.self, "ark,scp:\(dir.file("cm.ark")),\(dir.file("cm.scp"))",
      try feats.map { ($0.0, try CompressedMatrix($0.1, method: .automatic)) })
    #expect(try Fixture.bytes(dir.file("cm.ark")) == Fixture.bytes(Fixture.feature("fbank80_cm.ark")))
    #expect(try String(contentsOfFile: dir.file("cm.scp"), encoding: .utf8) == "e1 \(dir.file("cm.ark")):3\n")
  }

  @Test(arguments: [("cm.ark", CompressionMethod.speechFeature), ("cm2.ark", .twoByteAuto), ("cm3.ark", .oneByteAuto)])
  func compressionMethodsMatchTheFixtures(file: String, method: CompressionMethod) throws {
    let dir = TemporaryDirectory()
    let feats = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("fm.ark")).filter { $0.0 != "utt3_onerow" }
    try writeAll(CompressedMatrixHolder.self, "ark:" + dir.file("out.ark"), try feats.map { ($0.0, try CompressedMatrix($0.1, method: method)) })
    #expect(try Fixture.bytes(dir.file("out.ark")) == Fixture.bytes(Fixture.table(file)))
    // Reading a compressed archive as compressed matrices and writing it again is lossless.
    try writeAll(CompressedMatrixHolder.self, "ark:" + dir.file("again.ark"), try readAll(CompressedMatrixHolder.self, "ark:" + Fixture.table(file)))
    #expect(try Fixture.bytes(dir.file("again.ark")) == Fixture.bytes(Fixture.table(file)))
  }

  @Test func archiveAndScpWrittenTogetherAgreeOnOffsets() throws {
    let dir = TemporaryDirectory()
    let feats = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("fm.ark"))
    try writeAll(MatrixHolder<Float>.self, "ark,scp:\(dir.file("a.ark")),\(dir.file("a.scp"))", feats)
    let scp = try String(contentsOfFile: dir.file("a.scp"), encoding: .utf8)
    #expect(scp == "utt1 \(dir.file("a.ark")):5\nutt2 \(dir.file("a.ark")):425\nutt3_onerow \(dir.file("a.ark")):660\n")
    let back = try readAll(MatrixHolder<Float>.self, "scp:" + dir.file("a.scp"))
    #expect(back.map(\.1) == feats.map(\.1))
  }

  @Test func outputPipeAndInputPipe() throws {
    let dir = TemporaryDirectory()
    let feats = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("fm.ark"))
    try writeAll(MatrixHolder<Float>.self, "ark:| gzip -c > \(dir.file("x.gz"))", feats)
    let back = try readAll(MatrixHolder<Float>.self, "ark:gunzip -c \(dir.file("x.gz")) |")
    #expect(back.map(\.1) == feats.map(\.1))
  }

  @Test func scriptWriterWritesEachObjectToItsFile() throws {
    let dir = TemporaryDirectory()
    try "a \(dir.file("a.mat"))\nb \(dir.file("b.mat"))\n".write(toFile: dir.file("out.scp"), atomically: true, encoding: .utf8)
    let m = Matrix<Float>(rowArrays: [[1, 2], [3, 4]])
    try writeAll(MatrixHolder<Float>.self, "scp:" + dir.file("out.scp"), [("a", m), ("b", m)])
    #expect(try readKaldiObject(MatrixHolder<Float>.self, from: dir.file("b.mat")) == m)
    #expect(errorMessage { try writeAll(MatrixHolder<Float>.self, "scp:" + dir.file("out.scp"), [("c", m)]) }?.contains("No key 'c'") == true)
  }
}
