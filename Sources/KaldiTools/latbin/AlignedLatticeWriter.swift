import Decoding
import KaldiBase
import KaldiIO

/// Writes and counts what `lattice-align-words` or `lattice-align-phones` made of each
/// lattice, worded as the Kaldi tool it stands for (the two say the same things differently).
struct AlignedLatticeWriter {
  enum Tool { case words, phones }
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
        KaldiLog.warn(tool == .words ? "Lattice for \(key) did not align correctly, producing no output."
                                     : "Lattice for \(key) did align correctly", function: "main")   // sic, as Kaldi's
      } else if aligned.start >= 0 {
        if tool == .words { KaldiLog.warn("Outputting partial lattice for \(key)", function: "main") } else { KaldiLog.log("Outputting partial lattice for \(key)", function: "main") }
        try writer.write(key, aligned.topSortedIfNeeded())
      } else if tool == .words {
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

  /// Closes the output; the exit status: success when more lattices aligned than failed.
  func finish() throws -> Int32 {
    try writer.close()
    KaldiLog.log("Successfully aligned \(done) lattices; \(errors) had errors.", function: "main")
    return done > errors ? 0 : 1
  }
}
