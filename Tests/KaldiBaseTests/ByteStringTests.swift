import KaldiBase
import TestSupport
import Testing

@Suite struct ByteStringTests {
  @Test func everyByteSequenceRoundTrips() {
    var generator = SeededGenerator(seed: 7)
    for _ in 0..<500 {
      let bytes = (0..<Int(generator.next() % 12)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      #expect(ByteString.bytes(of: ByteString.string(bytes)) == bytes)
      #expect(ByteString.byteCount(of: ByteString.string(bytes)) == bytes.count)
    }
  }

  @Test func stringsCompareAndOrderAsTheirBytes() {
    var generator = SeededGenerator(seed: 11)
    let alphabet: [UInt8] = [0x41, 0x61, 0x65, 0x7F, 0x80, 0xA9, 0xC3, 0xCC, 0x81, 0xE9, 0xFF]
    let samples = (0..<300).map { _ in (0..<Int(generator.next() % 5)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] } }
    for a in samples {
      for b in samples.prefix(40) {
        let (x, y) = (ByteString.string(a), ByteString.string(b))
        #expect((x == y) == (a == b))
        #expect((x < y) == a.lexicographicallyPrecedes(b), "\(a) \(b)")
        if a == b { #expect(x.hashValue == y.hashValue) }
      }
    }
    // Canonically equivalent UTF-8 ("é" precomposed and decomposed) stays two strings.
    #expect(ByteString.string([0x65, 0xCC, 0x81]) != ByteString.string([0xC3, 0xA9]))
  }

  @Test func charactersWrittenInTheSourceAreUTF8() {
    #expect(ByteString.bytes(of: "3×4 ± 1") == Array("3×4 ± 1".utf8))
    #expect(ByteString.bytes(of: "caf" + ByteString.string([0xE9])) == [0x63, 0x61, 0x66, 0xE9])
    #expect(ByteString.unicode(ByteString.string([0x63, 0xC3, 0xA9])) == "cé")
  }
}
