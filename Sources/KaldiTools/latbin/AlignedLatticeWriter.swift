import Decoding
import KaldiBase
import KaldiIO

/// Writes and counts what `lattice-align-words`, `lattice-align-words-lexicon` or
/// `lattice-align-phones` made of each lattice, worded as the Kaldi tool it stands for (they
/// say the same things differently).
struct AlignedLatticeWriter {
  enum Tool { case words, lexicon, phones }
  let tool: Tool
  let writer: TableWriter<CompactLatticeHolder>
  /// Write lattices that aligned with errors (e.g. forced out) as far as they got.
  let outputErrorLats: Bool
  private(set) var done = 0, errors = 0

  init(_ tool: Tool, _ wspecifier: String, outputErrorLats: Bool) throws {
    (self.tool, self.outputErrorLats) = (tool, outputErrorLats)
    writer = try TableWriter<CompactLatticeHolder>(wspecifier)
  }

  mutating func write(_ key: String, _ aligned: CompactLattice, ok: Bool) throws {
    if !ok {
      errors += 1
      if !outputErrorLats {
        let message = switch tool {
        case .words: "Lattice for \(key) did not align correctly, producing no output."
        case .lexicon: "Lattice for \(key) did not align correctly"
        case .phones: "Lattice for \(key) did align correctly"   // sic, as Kaldi's
        }
        KaldiLog.warn(message, function: "main")
      } else if aligned.start >= 0 {
        if tool != .phones { KaldiLog.warn("Outputting partial lattice for \(key)", function: "main") } else { KaldiLog.log("Outputting partial lattice for \(key)", function: "main") }
        try writer.write(key, aligned.topSortedIfNeeded())
      } else if tool != .phones {
        KaldiLog.warn("Empty aligned lattice for \(key), producing no output.", function: "main")
      }
    } else if aligned.start < 0 {
      errors += 1
      KaldiLog.warn("Lattice was empty for key \(key)", function: "main")
    } else {
      done += 1
      KaldiLog.vlog(2, "Aligned lattice for \(key)", function: "main")
      try writer.write(key, aligned.topSortedIfNeeded())
    }
  }

  /// Writes the input lattice as it was (`--output-if-empty`); counted as failed.
  mutating func passThrough(_ key: String, _ lattice: CompactLattice) throws {
    errors += 1
    try writer.write(key, lattice)
  }

  /// Closes the output; the exit status: success when more lattices aligned than failed.
  func finish() throws -> Int32 {
    try writer.close()
    KaldiLog.log("Successfully aligned \(done) lattices; \(errors) had errors.", function: "main")
    return done > errors ? 0 : 1
  }
}

/// Runs `body` on one lattice of `lattices`; a `KaldiError` it throws names the lattice's key.
func forLattice<T>(_ key: String, in lattices: String, _ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let e as KaldiError {
    throw KaldiError("\(e.message) (key '\(key)' in '\(lattices)')")
  }
}

/// A lattice with a transition-id the model lacks (a lattice of another model) is an error,
/// before any aligner indexes the model with it.
func requireTransitionIds(of lattice: CompactLattice, in model: TransitionModel, _ modelFile: String) throws {
  if let bad = lattice.firstTransitionId(notIn: model) {
    throw KaldiError("Lattice has transition-id \(bad), but \(modelFile) has transition-ids 1..\(model.numTransitionIds) (lattice of another model?)")
  }
}
