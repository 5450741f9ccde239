import Foundation
import KaldiIO
import KaldiMatrix
import Testing

@Suite struct RandomAccessAndRangeTests {
  let fm = try! readAll(MatrixHolder<Float>.self, "ark:" + Fixture.table("fm.ark"))

  @Test func scpLookupInAnyOrder() throws {
    let dir = TemporaryDirectory()
    let reader = try RandomAccessTableReader<MatrixHolder<Float>>("scp:" + Fixture.absoluteScp("fm.scp", in: dir.path))
    #expect(try reader.value(for: "utt3_onerow") == fm[2].1)
    #expect(try reader.value(for: "utt1") == fm[0].1)
    #expect(try reader.hasKey("utt2"))
    #expect(try !reader.hasKey("nope"))
    #expect(errorMessage { _ = try reader.value(for: "nope") }?.contains("No key 'nope'") == true)
  }

  @Test(arguments: ["ark", "ark,s,cs", "ark,o"])
  func archiveLookup(options: String) throws {
    let reader = try RandomAccessTableReader<MatrixHolder<Float>>("\(options):" + Fixture.table("fm.ark"))
    #expect(try reader.value(for: "utt1") == fm[0].1)
    #expect(try reader.value(for: "utt3_onerow") == fm[2].1)
    if !options.contains("o") {
      #expect(try reader.value(for: "utt2") == fm[1].1)
    }
    #expect(try !reader.hasKey("zzz"))
  }

  @Test func sortedArchiveStopsAtALargerKey() throws {
    // With `s` a key that sorts before the current position is known to be absent.
    let reader = try RandomAccessTableReader<MatrixHolder<Float>>("ark,s:" + Fixture.table("fm.ark"))
    #expect(try reader.hasKey("utt2"))
    #expect(try !reader.hasKey("utt10"))
    #expect(try reader.hasKey("utt3_onerow"))
  }

  @Test func scpRanges() throws {
    let dir = TemporaryDirectory()
    let ark = Fixture.table("fm.ark")
    try """
      a \(ark):5[0:9]
      b \(ark):5[2:3,1:2]
      c \(ark):5[:,0:1]
      d \(ark):425[10:15]
      """.write(toFile: dir.file("r.scp"), atomically: true, encoding: .utf8)
    let got = try readAll(MatrixHolder<Float>.self, "scp:" + dir.file("r.scp"))
    let utt1 = fm[0].1, utt2 = fm[1].1
    #expect(got[0].1 == utt1.submatrix(rows: 0..<10, cols: 0..<5))
    #expect(got[1].1 == Matrix(rowArrays: [[utt1[2, 1], utt1[2, 2]], [utt1[3, 1], utt1[3, 2]]]))
    #expect(got[2].1 == utt1.submatrix(rows: 0..<20, cols: 0..<2))
    // 13 rows: an end up to 3 past the last row is clipped (segment rounding tolerance).
    #expect(got[3].1 == utt2.submatrix(rows: 10..<13, cols: 0..<4))
    #expect(try readKaldiObject(MatrixHolder<Float>.self, from: "\(ark):5[1:1]") == utt1.submatrix(rows: 1..<2, cols: 0..<5))
  }

  @Test(arguments: ["[0:20,0:5]", "[5:2]", "[0:30]", "[a:b]", "[0:1,2]"])
  func badRangesAreErrors(range: String) throws {
    let dir = TemporaryDirectory()
    try "utt1 \(Fixture.table("fm.ark")):5\(range)\n".write(toFile: dir.file("r.scp"), atomically: true, encoding: .utf8)
    let message = errorMessage { _ = try readAll(MatrixHolder<Float>.self, "scp:" + dir.file("r.scp")) }
    #expect(message?.contains("range") == true, "\(message ?? "no error")")
    #expect(message?.contains("utt1") == true, "\(message ?? "no error")")
  }

  @Test func specifierParsing() throws {
    let r = try #require(ReadSpecifier("ark,s,cs,p:gunzip -c ali.1.gz |"))
    #expect(r.kind == .archive && r.sorted && r.calledSorted && r.permissive && !r.once)
    #expect(r.filename == "gunzip -c ali.1.gz |")
    #expect(ReadSpecifier("scp:feats.scp")?.kind == .script)
    #expect(ReadSpecifier("feats.ark") == nil)
    #expect(ReadSpecifier("ark,scp:a") == nil)
    #expect(ReadSpecifier("ark:a ") == nil)
    #expect(ReadSpecifier("ark,x:a") == nil)
    let w = try #require(WriteSpecifier("ark,scp,t,f:a.ark,a.scp"))
    #expect(w.archive == "a.ark" && w.script == "a.scp" && !w.binary && w.flush)
    #expect(WriteSpecifier("scp,ark:a.ark,a.scp") == nil)
    #expect(WriteSpecifier("ark,t:-")?.archive == "-")
    #expect(RxFilename("foo.ark:1234") == .fileAtOffset("foo.ark", 1234))
    #expect(RxFilename("a:b") == .file("a:b"))
    #expect(RxFilename("-") == .standardInput)
    #expect(RxFilename("gunzip -c x |") == .pipe(command: "gunzip -c x "))
  }
}
