import Foundation
import KaldiBase
import KaldiIO
import KaldiMatrix
import Testing

/// Bad input gives one message naming the file, the key and the byte offset; failed
/// writes leave nothing that looks complete.
@Suite struct BadInputTests {
  func archive(_ bytes: [UInt8], in dir: TemporaryDirectory) throws -> String {
    let path = dir.file("bad.ark")
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  @Test func truncatedArchive() throws {
    let dir = TemporaryDirectory()
    let good = try Fixture.bytes(Fixture.table("fm.ark"))
    let path = try archive(Array(good.prefix(500)), in: dir)
    let message = try #require(errorMessage { _ = try readAll(MatrixHolder<Float>.self, "ark:" + path) })
    #expect(message.contains(path))
    #expect(message.contains("key 'utt2'"))
    #expect(message.contains("byte 440"), "\(message)")  // data of utt2 starts after its 15-byte header
    #expect(message.contains("truncated"))
  }

  /// A size field larger than the input is an error before anything that size is allocated,
  /// from a file (checked against its length) and from a pipe (read in pieces as they come).
  @Test func sizeFieldsBeyondTheInputAreErrorsNotAllocations() throws {
    let dir = TemporaryDirectory()
    let bombs: [([UInt8], (String) throws -> Void)] = [
      // 2^31-1 int32 elements: 10 GB.
      (Array("utt \0B".utf8) + [4, 0xFF, 0xFF, 0xFF, 0x7F, 4, 1, 0, 0, 0], { _ = try readAll(Int32VectorHolder.self, $0) }),
      // 65536 × 16384 doubles: 8 GB.
      (Array("utt \0BDM ".utf8) + [4, 0, 0, 1, 0, 4, 0, 0x40, 0, 0], { _ = try readAll(MatrixHolder<Float>.self, $0) }),
      // 2^31-1 floats.
      (Array("utt \0BFV ".utf8) + [4, 0xFF, 0xFF, 0xFF, 0x7F], { _ = try readAll(VectorHolder<Float>.self, $0) }),
    ]
    for (bytes, read) in bombs {
      let path = try archive(bytes + [UInt8](repeating: 0, count: 64), in: dir)
      for rspecifier in ["ark:" + path, "ark:cat \(path) |"] {
        let message = try #require(errorMessage { try read(rspecifier) })
        #expect(message.contains("key 'utt'") && message.contains("truncated"), "\(rspecifier): \(message)")
      }
    }
  }

  @Test func wrongToken() throws {
    let dir = TemporaryDirectory()
    let path = try archive(Array("utt1 \0BXM ".utf8) + [4, 1, 0, 0, 0], in: dir)
    let message = try #require(errorMessage { _ = try readAll(MatrixHolder<Float>.self, "ark:" + path) })
    #expect(message.contains("key 'utt1'") && message.contains("byte 7") && message.contains("XM"), "\(message)")
  }

  @Test func badBinaryHeader() throws {
    let dir = TemporaryDirectory()
    let path = try archive(Array("utt1 \0XFM ".utf8), in: dir)
    let message = try #require(errorMessage { _ = try readAll(MatrixHolder<Float>.self, "ark:" + path) })
    #expect(message.contains("bad binary header") && message.contains("byte 6"), "\(message)")
  }

  @Test func typeMismatchIsAnError() throws {
    // An int32-vector archive read as matrices.
    let message = try #require(errorMessage { _ = try readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("iv.ark")) })
    #expect(message.contains("key 'utt1'") && message.contains("expected token FM"), "\(message)")
  }

  @Test func missingSeparatorAfterKey() throws {
    let dir = TemporaryDirectory()
    let path = try archive(Array("utt1\r\0BFM ".utf8), in: dir)
    let message = try #require(errorMessage { _ = try readAll(MatrixHolder<Float>.self, "ark:" + path) })
    #expect(message.contains("expected space after key"), "\(message)")
  }

  @Test func scpToAMissingFileOrABadOffset() throws {
    let dir = TemporaryDirectory()
    try "utt1 \(dir.file("nowhere.ark")):5\n".write(toFile: dir.file("a.scp"), atomically: true, encoding: .utf8)
    let missing = try #require(errorMessage { _ = try readAll(MatrixHolder<Float>.self, "scp:" + dir.file("a.scp")) })
    #expect(missing.contains("nowhere.ark") && missing.contains("utt1") && missing.contains("a.scp"), "\(missing)")

    try "utt1 \(Fixture.table("fm.ark")):7\n".write(toFile: dir.file("b.scp"), atomically: true, encoding: .utf8)
    let offset = try #require(errorMessage { _ = try readAll(MatrixHolder<Float>.self, "scp:" + dir.file("b.scp")) })
    #expect(offset.contains("key 'utt1'") && offset.contains("byte 7"), "\(offset)")

    // With `p` the bad entry is skipped and the rest is read.
    try "utt1 \(dir.file("nowhere.ark")):5\nutt2 \(Fixture.table("fm.ark")):425\n".write(toFile: dir.file("c.scp"), atomically: true, encoding: .utf8)
    #expect(try readAll(MatrixHolder<Float>.self, "scp,p:" + dir.file("c.scp")).map(\.0) == ["utt2"])
  }

  @Test func failingPipeCommand() throws {
    let message = try #require(errorMessage { _ = try readAll(Int32VectorHolder.self, "ark:gunzip -c /nonexistent/ali.gz 2>/dev/null |") })
    #expect(message.contains("gunzip -c /nonexistent/ali.gz") && message.contains("exit status 1"), "\(message)")
  }

  @Test func malformedScpLine() throws {
    let dir = TemporaryDirectory()
    try "utt1\n".write(toFile: dir.file("a.scp"), atomically: true, encoding: .utf8)
    let message = try #require(errorMessage { _ = try readAll(MatrixHolder<Float>.self, "scp:" + dir.file("a.scp")) })
    #expect(message.contains("line 1") && message.contains("a.scp"), "\(message)")
  }

  @Test func badTextMatrix() throws {
    let dir = TemporaryDirectory()
    try "utt1  [\n 1 2\n 3 ]\n".write(toFile: dir.file("a.txt"), atomically: true, encoding: .utf8)
    let ragged = try #require(errorMessage { _ = try readAll(MatrixHolder<Float>.self, "ark:" + dir.file("a.txt")) })
    #expect(ragged.contains("inconsistent #cols"), "\(ragged)")
    try "utt1  [\n 1 x\n ]\n".write(toFile: dir.file("b.txt"), atomically: true, encoding: .utf8)
    let word = try #require(errorMessage { _ = try readAll(MatrixHolder<Float>.self, "ark:" + dir.file("b.txt")) })
    #expect(word.contains("'x'") && word.contains("byte 11"), "\(word)")
  }

  @Test func failedWriteLeavesNoArchiveAndNoScp() throws {
    let dir = TemporaryDirectory()
    try "old contents\n".write(toFile: dir.file("a.ark"), atomically: true, encoding: .utf8)
    do {
      let writer = try TableWriter<MatrixHolder<Float>>("ark,scp:\(dir.file("a.ark")),\(dir.file("a.scp"))")
      try writer.write("utt1", Matrix(rowArrays: [[1, 2]]))
      try writer.write("bad key", Matrix(rowArrays: [[1, 2]]))
      Issue.record("a key with a space was accepted")
    } catch let e as KaldiError {
      #expect(e.message.contains("Invalid key 'bad key'"))
    }
    // The writer was dropped without close(): the user's old file is intact, no scp exists,
    // and no partial file is left behind.
    #expect(try String(contentsOfFile: dir.file("a.ark"), encoding: .utf8) == "old contents\n")
    #expect(!FileManager.default.fileExists(atPath: dir.file("a.scp")))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.ark"])
  }

  /// Replacing an output keeps what the user set up around it: a symlink stays a link and
  /// its target gets the data, a hard-linked file is rewritten in place (both names see it),
  /// and a replaced file keeps its permissions.
  @Test func outputsKeepSymlinksHardLinksAndPermissions() throws {
    let dir = TemporaryDirectory()
    let fm = FileManager.default
    try fm.createDirectory(atPath: dir.file("storage"), withIntermediateDirectories: true)
    try "old\n".write(toFile: dir.file("storage/a.ark"), atomically: true, encoding: .utf8)
    try fm.createSymbolicLink(atPath: dir.file("a.ark"), withDestinationPath: "storage/a.ark")
    try "old\n".write(toFile: dir.file("b.ark"), atomically: true, encoding: .utf8)
    try fm.linkItem(atPath: dir.file("b.ark"), toPath: dir.file("b2.ark"))
    try "old\n".write(toFile: dir.file("c.ark"), atomically: true, encoding: .utf8)
    chmod(dir.file("c.ark"), 0o640)
    let m = Matrix<Float>(rowArrays: [[1, 2], [3, 4]])
    for name in ["a.ark", "b.ark", "c.ark"] {
      let writer = try TableWriter<MatrixHolder<Float>>("ark:" + dir.file(name))
      try writer.write("utt1", m)
      try writer.close()
    }
    #expect(try fm.destinationOfSymbolicLink(atPath: dir.file("a.ark")) == "storage/a.ark")
    #expect(try readAll(MatrixHolder<Float>.self, "ark:" + dir.file("storage/a.ark")).map(\.1) == [m])
    #expect(try readAll(MatrixHolder<Float>.self, "ark:" + dir.file("b2.ark")).map(\.1) == [m])
    var info = stat()
    #expect(stat(dir.file("b.ark"), &info) == 0 && info.st_nlink == 2)
    #expect(stat(dir.file("c.ark"), &info) == 0 && info.st_mode & 0o777 == 0o640)
    #expect(try readAll(MatrixHolder<Float>.self, "ark:" + dir.file("c.ark")).map(\.1) == [m])
    #expect(try fm.contentsOfDirectory(atPath: dir.path).filter { $0.contains("partial") }.isEmpty)
  }

  @Test func failingOutputPipeIsAnError() throws {
    let writer = try TableWriter<MatrixHolder<Float>>("ark:| exit 3")
    var message: String? = nil
    do {
      // A large object so the write itself may fail (EPIPE) before close reports the status.
      try writer.write("utt1", Matrix(rows: 1000, cols: 100))
      try writer.close()
    } catch let e as KaldiError {
      message = e.message
    }
    #expect(message != nil)
  }
}
