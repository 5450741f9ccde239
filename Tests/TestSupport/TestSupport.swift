import Foundation
import Testing

/// A deterministic generator (SplitMix64), so property and fuzz tests repeat exactly.
public struct SeededGenerator: RandomNumberGenerator {
  public var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The `Fixtures` folder beside a test target's sources (pass `#filePath` of a file there).
public struct FixtureFolder: Sendable {
  public let root: String
  public init(besides file: String) {
    root = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures").path
  }
  public func path(_ name: String) -> String { root + "/" + name }
  public func text(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }
  public func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name)))) }
}

extension Tag {
  /// Suites that run a recipe or its steps end to end (minutes, not seconds): `make
  /// test-recipes` runs them alone, `make test-fast` the rest (the Makefile's RECIPE_SUITES
  /// names them until `swift test --filter tag:recipe` is available).
  @Tag public static var recipe: Self
}
