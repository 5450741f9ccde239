import KaldiBase
import KaldiIO

/// The TIMIT 60→48→39 phone folding of a `phones.60-48-39.map` file (Lee & Hon, 1989), as the
/// Kaldi TIMIT recipe's `local/timit_norm_trans.pl` applies it: the glottal stop `q` is
/// deleted, mapped phones are replaced, anything else passes through.
public struct PhoneFolding: Sendable {
  public let from: Int
  public let to: Int
  private let map: [String: String]

  /// Reads the map file: lines `p60 p48 p39`, and `q` alone.
  public init(mapFile: String, from: Int, to: Int) throws {
    guard from == 60 || from == 48 else { throw KaldiError("Can only use 60 or 48 for --from (used \(from)).") }
    guard to == 48 || to == 39 else { throw KaldiError("Can only use 48 or 39 for --to (used \(to)).") }
    guard to < from else { throw KaldiError("--from (\(from)) must be greater than --to (\(to)).") }
    self.from = from
    self.to = to
    let stream = try InputStream.open(mapFile)
    var map: [String: String] = [:]
    var targets = Set<String>()
    var lineNumber = 0
    while let line = try stream.readLine() {
      lineNumber += 1
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
      if fields.first == "q" || fields.isEmpty { continue }
      guard fields.count == 3 else { throw KaldiError("Bad line \(lineNumber) in phone map '\(mapFile)': '\(line)'") }
      let source = from == 60 ? fields[0] : fields[1]
      let target = to == 48 ? fields[1] : fields[2]
      map[source] = target
      targets.insert(target)
    }
    try stream.close()
    guard targets.count == to else {
      throw KaldiError("Trying to map to \(to) phones, but '\(mapFile)' has \(targets.count)")
    }
    self.map = map
  }

  public func fold(_ phones: [String]) -> [String] {
    phones.compactMap { $0 == "q" ? nil : (map[$0] ?? $0) }
  }
}
