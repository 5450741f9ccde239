import Foundation
import KaldiBase
import KaldiIO
import KaldiMatrix

/// Paths of the copied fixtures and scratch folders for one test.
enum Fixture {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
  static func table(_ name: String) -> String { root.appendingPathComponent("tables/\(name)").path }
  static func feature(_ name: String) -> String { root.appendingPathComponent("features/\(name)").path }
  static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

  /// The fixture scp with its relative data paths made absolute, written to `dir`
  /// (tests run in parallel, so none of them may change the working directory).
  static func absoluteScp(_ name: String, in dir: String) throws -> String {
    let text = try String(contentsOfFile: table(name), encoding: .utf8)
    let fixed = text.split(separator: "\n").map { line -> String in
      let parts = line.split(separator: " ", maxSplits: 1)
      return "\(parts[0]) \(root.path)/tables/\(parts[1])"
    }.joined(separator: "\n") + "\n"
    let out = dir + "/" + name
    try fixed.write(toFile: out, atomically: true, encoding: .utf8)
    return out
  }
}

/// A fresh temporary folder, removed when the value goes away.
final class TemporaryDirectory {
  let path: String
  init() {
    path = NSTemporaryDirectory() + "ksnn-test-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }
  func file(_ name: String) -> String { path + "/" + name }
}

/// All pairs of a table, read sequentially.
func readAll<H: TableHolder>(_ holder: H.Type, _ rspecifier: String) throws -> [(String, H.Value)] {
  let reader = try SequentialTableReader<H>(rspecifier)
  var out: [(String, H.Value)] = []
  while let (k, v) = try reader.next() { out.append((k, v)) }
  return out
}

/// Writes pairs to a table and closes it.
func writeAll<H: TableHolder>(_ holder: H.Type, _ wspecifier: String, _ pairs: [(String, H.Value)]) throws {
  let writer = try TableWriter<H>(wspecifier)
  for (k, v) in pairs { try writer.write(k, v) }
  try writer.close()
}

/// The message of the KaldiError an expression throws, or nil.
func errorMessage(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch let e as KaldiError {
    return e.message
  } catch {
    return "\(error)"
  }
}

/// A deterministic generator (SplitMix64) so property tests are repeatable.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

