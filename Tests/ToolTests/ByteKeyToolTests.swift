import Foundation
import Testing

/// Keys and words are compared as bytes, as Kaldi compares std::strings: whatever their
/// encoding, ksnn neither merges, repairs nor normalizes them.
@Suite struct ByteKeyToolTests {
  private enum Piece {
    case text(String)
    case raw([UInt8])
  }

  /// The bytes of text pieces (as UTF-8) and raw byte pieces, in order.
  private func bytes(_ parts: [Piece]) -> Data {
    Data(parts.flatMap { part -> [UInt8] in
      switch part {
      case .text(let s): return Array(s.utf8)
      case .raw(let b): return b
      }
    })
  }

  @Test func nonUTF8KeysStayDistinctAndUnchanged() throws {
    // Latin-1 "café" and "cafè": decoded as UTF-8 both became "caf\u{FFFD}".
    let input = bytes([.text("caf"), .raw([0xE9]), .text(" 1 2 \n"), .text("caf"), .raw([0xE8]), .text(" 3 \n")])
    let run = try Ksnn.run(["copy-int-vector", "ark,t:-", "ark,t:-"], stdin: input)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == input)
    #expect(run.stderr.contains("Copied 2 vectors of int32"), "\(run.stderr)")
  }

  @Test func decomposedAndPrecomposedKeysDoNotMatch() throws {
    let ws = try Workspace()
    let precomposed: [UInt8] = Array("caf".utf8) + [0xC3, 0xA9]         // U+00E9
    let decomposed: [UInt8] = Array("cafe".utf8) + [0xCC, 0x81]          // e + U+0301
    let feats = bytes([.raw(decomposed), .text("  [\n  1 2 ]\n"), .text("other  [\n  3 4 ]\n")])
    try feats.write(to: URL(fileURLWithPath: ws.path + "/feats.txt"))
    try bytes([.raw(precomposed), .text("\nother\n")]).write(to: URL(fileURLWithPath: ws.path + "/keep"))
    let subset = try Ksnn.run(["subset-feats", "--include=keep", "ark,t:feats.txt", "ark,t:-"], in: ws.path)
    #expect(subset.status == 0, "\(subset.stderr)")
    #expect(subset.stdoutText == "other  [\n  3 4 ]\n")
    // The same bytes do match.
    try bytes([.raw(decomposed), .text("\n")]).write(to: URL(fileURLWithPath: ws.path + "/keep"))
    let same = try Ksnn.run(["subset-feats", "--include=keep", "ark,t:feats.txt", "ark,t:-"], in: ws.path)
    #expect(same.stdout == bytes([.raw(decomposed), .text("  [\n  1 2 ]\n")]))
  }

  @Test func computeWerComparesWordsAsBytes() throws {
    let ws = try Workspace()
    func wer(_ ref: Data, _ hyp: Data) throws -> String {
      try ref.write(to: URL(fileURLWithPath: ws.path + "/ref"))
      try hyp.write(to: URL(fileURLWithPath: ws.path + "/hyp"))
      let run = try Ksnn.run(["compute-wer", "--text", "--mode=present", "ark:ref", "ark:hyp"], in: ws.path)
      #expect(run.status == 0, "\(run.stderr)")
      return run.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
    }
    // Latin-1 "café x" against "cafè x": one substitution in two words.
    #expect(try wer(bytes([.text("u "), .text("caf"), .raw([0xE9]), .text(" x\n")]), bytes([.text("u "), .text("caf"), .raw([0xE8]), .text(" x\n")]))
      == "%WER 50.00 [ 1 / 2, 0 ins, 0 del, 1 sub ]")
    // Four GBK words (你好世界) against four others that differ in their second bytes.
    let ref = bytes([.text("u "), .raw([0xC4, 0xE3, 0x20, 0xBA, 0xC3, 0x20, 0xCA, 0xC0, 0x20, 0xBD, 0xE7]), .text("\n")])
    let hyp = bytes([.text("u "), .raw([0xC4, 0xE4, 0x20, 0xBA, 0xC4, 0x20, 0xCA, 0xC1, 0x20, 0xBD, 0xE8]), .text("\n")])
    #expect(try wer(ref, hyp) == "%WER 100.00 [ 4 / 4, 0 ins, 0 del, 4 sub ]")
    #expect(try wer(ref, ref) == "%WER 0.00 [ 0 / 4, 0 ins, 0 del, 0 sub ]")
  }

  @Test func logLinesNameKeysByTheirBytes() throws {
    // The ERROR line names the Latin-1 key with its byte 0xE9 (octal 351), not U+FFFD.
    let ws = try Workspace()
    let run = try Ksnn.sh(
      "printf 'caf\\351 a\\n' > r; printf 'x a\\n' > h; ksnn compute-wer ark:r ark:h 2> err; od -An -c err | tr -s ' ' '\\n' | grep -c '^351$'",
      in: ws.path)
    #expect(run.stdoutText == "1\n", "\(run.stdoutText) \(run.stderr)")
  }
}
