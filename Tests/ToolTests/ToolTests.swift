import Foundation
import Testing

/// The tools as a Kaldi user calls them: by symlink or as `ksnn <tool>`, with Kaldi's
/// options, outputs, logs and exit statuses.
@Suite struct ToolTests {
  /// OpenBLAS, FFTW, libsndfile and Open MPI are loaded by the tools that use them, not linked:
  /// their relocations made up most of every tool's start-up (scoring starts dozens of tools).
  @Test func systemLibrariesAreLoadedOnlyWhenUsed() throws {
    let linked = try Ksnn.sh("ldd \"$(command -v ksnn)\"", in: NSTemporaryDirectory())
    #expect(linked.status == 0)
    for library in ["libopenblas", "libfftw3f", "libsndfile", "libmpi"] {
      #expect(!linked.stdoutText.contains(library), "\(library) is linked: \(linked.stdoutText)")
    }
    // A tool that multiplies matrices loads OpenBLAS when it first does.
    let loads = try Ksnn.sh(
      "printf 'a [ 1 2\\n 3 4 ]\\n' > m; printf '[ 1 0\\n 0 2 ]\\n' > t; LD_DEBUG=files ksnn transform-feats t ark,t:m ark,t:- 2>&1 | grep -c 'file=libopenblas.so.0 .*dynamically loaded'",
      in: NSTemporaryDirectory())
    #expect(loads.stdoutText == "1\n", "\(loads.stdoutText)")
  }

  @Test func copyFeatsWritesKaldisTextAndCompression() throws {
    let ws = try Workspace()
    let text = try Ksnn.run(["copy-feats", "ark:mfcc13.ark", "ark,t:-"], in: ws.path)
    #expect(text.status == 0)
    #expect(text.stdout == (try ws.read("mfcc13.txt")))
    #expect(text.stderr.hasPrefix("copy-feats ark:mfcc13.ark ark,t:- \n"))
    #expect(text.stderr.contains("LOG (copy-feats[ksnn]:main():copy-feats.swift:"))
    #expect(text.stderr.contains(") Copied 1 feature matrices.\n"))

    let compressed = try Ksnn.run(["--compress=true", "ark:fbank80.ark", "ark,scp:cm.ark,cm.scp"], in: ws.path, as: "copy-feats")
    #expect(compressed.status == 0)
    #expect(try ws.read("cm.ark") == ws.read("fbank80_cm.ark"))
    #expect(try ws.text("cm.scp") == "e1 cm.ark:3\n")
  }

  @Test func pipesInAndOut() throws {
    let ws = try Workspace()
    let run = try Ksnn.sh(
      "ksnn copy-int-vector 'ark:gunzip -c ali.1.gz |' 'ark:| gzip -c > copy.gz' && gunzip -c copy.gz | ksnn copy-int-vector ark:- ark,t:-",
      in: ws.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText == "utt1 4 4 4 16 16 15 15 15 2 \nutt2 4 3 3 \n")
  }

  @Test func lengthsAndDimensions() throws {
    let ws = try Workspace()
    #expect(try Ksnn.run(["feat-to-len", "ark:fm.ark", "ark,t:-"], in: ws.path).stdoutText == "utt1 20 \nutt2 13 \nutt3_onerow 1 \n")
    #expect(try Ksnn.run(["feat-to-len", "ark:fm.ark"], in: ws.path).stdoutText == "34\n")
    #expect(try Ksnn.run(["feat-to-dim", "ark:fm.ark", "-"], in: ws.path).stdoutText == "5\n")
    #expect(try Ksnn.run(["feat-to-dim", "ark:fm.ark", "ark,t:-"], in: ws.path).stdoutText == "utt1 5 \nutt2 4 \nutt3_onerow 3 \n")
    let frames = try Ksnn.run(["copy-feats", "--write-num-frames=ark,t:n.txt", "ark:fm.ark", "ark:/dev/null"], in: ws.path)
    #expect(frames.status == 0)
    #expect(try ws.text("n.txt") == "utt1 20 \nutt2 13 \nutt3_onerow 1 \n")
  }

  @Test func subsetAndPaste() throws {
    let ws = try Workspace()
    try ws.write("keep", "utt2\nutt3_onerow extra fields\n")
    let subset = try Ksnn.run(["subset-feats", "--include=keep", "ark:fm.ark", "ark,t:-"], in: ws.path)
    #expect(subset.status == 0)
    #expect(subset.stdoutText.hasPrefix("utt2  [\n") && subset.stdoutText.contains("utt3_onerow  [") && !subset.stdoutText.contains("utt1"))
    #expect(subset.stderr.contains(" Wrote 2 out of 3 utterances."))
    #expect(try Ksnn.run(["subset-feats", "--n=1", "ark:fm.ark", "ark,t:-"], in: ws.path).stdoutText.components(separatedBy: "[").count == 2)

    let pasted = try Ksnn.run(["paste-feats", "ark:fm.ark", "ark:fm.ark", "ark,t:-"], in: ws.path)
    #expect(pasted.status == 0)
    let firstRow = pasted.stdoutText.split(separator: "\n")[1].split(separator: " ")
    #expect(firstRow.count == 10 && Array(firstRow[0..<5]) == Array(firstRow[5..<10]))
    // Different lengths beyond the tolerance: a warning and the utterance is left out.
    try ws.write("short.scp", "utt1 fm.ark:5[0:17]\n")
    let mismatch = try Ksnn.run(["paste-feats", "ark:fm.ark", "scp:short.scp", "ark:/dev/null"], in: ws.path)
    #expect(mismatch.status == 1)
    #expect(mismatch.stderr.contains("WARNING") && mismatch.stderr.contains("Length mismatch 20 vs. 18 for utt utt1 exceeds tolerance 0"))
    let tolerated = try Ksnn.run(["paste-feats", "--length-tolerance=2", "ark:fm.ark", "scp:short.scp", "ark,t:-"], in: ws.path)
    #expect(tolerated.status == 0 && tolerated.stdoutText.split(separator: "\n").count == 19)
  }

  @Test func singleFileModes() throws {
    let ws = try Workspace()
    try ws.write("1.mat", "[ 0 1 2\n  3 4 5\n  8 9 10 ]\n")
    try ws.write("2.mat", " [ 0 1\n   2 3 ]\n")
    // Kaldi's own paste-feats example.
    let run = try Ksnn.run(["paste-feats", "--length-tolerance=1", "--binary=false", "1.mat", "2.mat", "3.mat"], in: ws.path)
    #expect(run.status == 0)
    #expect(try ws.text("3.mat") == " [\n  0 1 2 0 1 \n  3 4 5 2 3 ]\n")
    #expect(try Ksnn.run(["copy-matrix", "--scale=2", "--binary=false", "3.mat", "-"], in: ws.path).stdoutText == " [\n  0 2 4 0 2 \n  6 8 10 4 6 ]\n")
    let mixed = try Ksnn.run(["copy-matrix", "ark:fm.ark", "out.mat"], in: ws.path)
    #expect(mixed.status == 255 && mixed.stderr.contains("Cannot mix archives with regular files"))
    try ws.write("v.txt", " [ 1 2 3 ]\n")
    #expect(try Ksnn.run(["copy-vector", "--change-dim=5", "--binary=false", "v.txt", "-"], in: ws.path).stdoutText == " [ 1 2 3 0 0 ]\n")
    try ws.write("i.txt", "[ 1 -2 3 ]\n")
    #expect(try Ksnn.run(["copy-int-vector", "--binary=false", "i.txt", "-"], in: ws.path).stdoutText == "[ 1 -2 3 ]\n")
  }

  @Test func helpAndWrongArgumentCount() throws {
    let help = try Ksnn.run(["copy-feats", "--help"])
    #expect(help.status == 0)
    #expect(help.stderr.contains("Usage: copy-feats [options] <feature-rspecifier> <feature-wspecifier>"))
    #expect(help.stderr.contains("e.g.: copy-feats ark:- ark,scp:foo.ark,foo.scp"))
    #expect(help.stderr.contains("  --compression-method        : Only relevant if --compress=true; the method (1 through 7) to compress the matrix.  Search for CompressionMethod in src/matrix/compressed-matrix.h. (int, default = 1)"))
    #expect(help.stdout.isEmpty)
    let wrong = try Ksnn.run(["copy-feats", "ark:a"])
    #expect(wrong.status == 1 && wrong.stderr.contains("Usage: copy-feats") && !wrong.stderr.contains("ERROR"))
    let bad = try Ksnn.run(["copy-feats", "--no-such-option=1", "ark:a", "ark:b"])
    #expect(bad.status == 255 && bad.stderr.contains("ERROR") && bad.stderr.contains("Invalid option --no-such-option=1"))
    let list = try Ksnn.run(["--list-tools"])
    #expect(list.stdoutText.split(separator: "\n").contains("copy-feats"))
  }

  @Test func configFileAndUnderscores() throws {
    let ws = try Workspace()
    try ws.write("c.conf", "# compress like steps/make_mfcc.sh does\n--compress=true\n")
    let run = try Ksnn.run(["copy-feats", "--config=c.conf", "--compression_method", "1", "ark:fbank80.ark", "ark:cm.ark"], in: ws.path)
    #expect(run.status == 0)
    #expect(try ws.read("cm.ark") == ws.read("fbank80_cm.ark"))
  }

  @Test func badInputFailsWithOneClearLineAndLeavesNoOutput() throws {
    let ws = try Workspace()
    let data = try ws.read("fm.ark")
    try data.prefix(500).write(to: URL(fileURLWithPath: ws.path + "/trunc.ark"))
    let run = try Ksnn.run(["copy-feats", "ark:trunc.ark", "ark,scp:out.ark,out.scp"], in: ws.path)
    #expect(run.status == 255)  // KALDI_ERR in a Kaldi binary: main returns -1
    let errorLines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("ERROR") }
    #expect(errorLines.count == 1)
    #expect(errorLines.first?.contains("key 'utt2' in archive 'trunc.ark' at byte 440") == true, "\(run.stderr)")
    #expect(!ws.exists("out.ark") && !ws.exists("out.scp"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: ws.path).allSatisfy { !$0.contains("partial") })

    let pipe = try Ksnn.run(["copy-int-vector", "ark:gunzip -c missing.gz 2>/dev/null |", "ark:out.ark"], in: ws.path)
    #expect(pipe.status == 255 && pipe.stderr.contains("Command 'gunzip -c missing.gz 2>/dev/null' failed (exit status 1)"))
    #expect(!ws.exists("out.ark"))
  }
}
