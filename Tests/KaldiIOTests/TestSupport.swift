import Foundation
import TestSupport
import KaldiBase
import KaldiIO
import KaldiMatrix

/// Paths of the copied fixtures and scratch folders for one test.
enum Fixture {
  static let root = URL(fileURLWithPath: FixtureFolder(besides: #filePath).root)
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


