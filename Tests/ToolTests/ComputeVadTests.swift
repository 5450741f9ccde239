import Foundation
import Testing

/// `compute-vad`: Kaldi's energy threshold (constant + scale × mean log-energy of column 0),
/// its per-frame decisions, warnings, log lines and exit status.
@Suite struct ComputeVadTests {
  /// Log-energies 1, 20, 20, 1, 20, 1 (mean 10.5): the threshold is 5 + 0.5 × 10.5 = 10.25.
  static let feats = "u1 [\n 1 0\n 20 0\n 20 0\n 1 0\n 20 0\n 1 0 ]\nu2 [\n 1 0\n 1 0 ]\n"

  @Test func thresholdsTheLogEnergyAgainstTheUtterancesMean() throws {
    let run = try Ksnn.run(["compute-vad", "ark,t:-", "ark,t:-"], stdin: Data(Self.feats.utf8))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText == "u1  [ 0 1 1 0 1 0 ]\nu2  [ 0 0 ]\n")
    #expect(run.stderr.contains("WARNING (compute-vad[ksnn]") && run.stderr.contains("No frames were judged voiced for utterance u2"))
    #expect(run.stderr.contains("processed 1 utterances successfully; 0 had empty features, and 1 were completely unvoiced."))
    #expect(run.stderr.contains("Proportion of voiced frames was 0.375 over 8 frames."))
  }

  /// Kaldi compares the centre frame's energy for every frame of the window, so context only
  /// changes decisions through the proportion; --omit-unvoiced-utts leaves u2 out.
  @Test func optionsAsKaldi() throws {
    let run = try Ksnn.run(
      ["compute-vad", "--vad-frames-context=1", "--vad-energy-threshold=0", "--vad-energy-mean-scale=1", "--omit-unvoiced-utts=true", "ark,t:-", "ark,t:-"],
      stdin: Data(Self.feats.utf8))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText == "u1  [ 0 1 1 0 1 0 ]\n")
    let bad = try Ksnn.run(["compute-vad", "--vad-proportion-threshold=1", "ark,t:-", "ark,t:-"], stdin: Data(Self.feats.utf8))
    #expect(bad.status == 255 && bad.stderr.contains("--vad-proportion-threshold must be between 0 and 1"))
    let nothing = try Ksnn.run(["compute-vad", "ark,t:-", "ark,t:-"], stdin: Data("u2 [\n 1 0\n 1 0 ]\n".utf8))
    #expect(nothing.status == 1)
  }
}
