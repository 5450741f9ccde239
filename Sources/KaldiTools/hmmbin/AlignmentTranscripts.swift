import Decoding
import KaldiBase
import KaldiIO

/// Transcripts for alignment: phone ids directly, or word ids through an integer lexicon
/// (`word-id phone-id phone-id ...` per pronunciation, as `utils/sym2int.pl` makes from
/// `lexicon.txt`).
struct AlignmentTranscripts {
  let lexicon: [Int32: [[Int32]]]?

  init(lexiconFile: String) throws {
    guard !lexiconFile.isEmpty else {
      lexicon = nil
      return
    }
    var map: [Int32: [[Int32]]] = [:]
    let stream = try InputStream.open(lexiconFile)
    var lineNumber = 0
    while let line = try stream.readLine() {
      lineNumber += 1
      let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      if f.isEmpty { continue }
      let ids = f.compactMap { Int32($0) }
      guard ids.count == f.count, ids.count >= 2 else {
        throw KaldiError("Bad line \(lineNumber) in lexicon '\(lexiconFile)': '\(line)' (expected integer word-id and phone-ids)")
      }
      map[ids[0], default: []].append(Array(ids.dropFirst()))
    }
    try stream.close()
    lexicon = map
  }

  /// Alternatives per word (one alternative per phone when there is no lexicon).
  func words(_ transcript: [Int32], key: String) throws -> [[[Int32]]] {
    guard let lexicon else { return transcript.map { [[$0]] } }
    return try transcript.map { word in
      guard let prons = lexicon[word] else { throw KaldiError("Word-id \(word) of utterance \(key) is not in the lexicon") }
      return prons
    }
  }
}
