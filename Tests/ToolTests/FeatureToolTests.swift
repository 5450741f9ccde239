import Foundation
import Testing

/// The front-end tools and scripts as recipes call them, on real Kaldi's golden outputs.
@Suite struct FeatureToolTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("FeaturesTests/Fixtures").path
  static let recipes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("recipes").path
  func file(_ name: String) -> String { Self.fixtures + "/" + name }

  /// A scratch folder with the audio fixtures and a bin/ of tool links.
  func workspace() throws -> Workspace {
    let ws = try Workspace()
    for name in ["e1_16k.wav", "e1_8k.wav", "e1.flac", "e1.sph", "stereo.wav", "sine_16bit.wav"] {
      try FileManager.default.copyItem(atPath: file(name), toPath: ws.path + "/" + name)
    }
    try FileManager.default.createDirectory(atPath: ws.path + "/bin", withIntermediateDirectories: true)
    for tool in try Ksnn.run(["--list-tools"]).stdoutText.split(separator: "\n").map(String.init) + ["ksnn"] {
      try FileManager.default.createSymbolicLink(atPath: ws.path + "/bin/" + tool, withDestinationPath: Ksnn.binary)
    }
    return ws
  }

  @Test func computeMfccWithAConfigFileMatchesKaldiWithinTolerance() throws {
    let ws = try workspace()
    try ws.write("mfcc.conf", "--dither=0   # deterministic\n")
    try ws.write("wav.scp", "e1 e1_16k.wav\n")
    let run = try Ksnn.run(["compute-mfcc-feats", "--config=mfcc.conf", "scp:wav.scp", "ark:mfcc.ark"], in: ws.path)
    #expect(run.status == 0)
    #expect(run.stderr.contains(")  Done 1 out of 1 utterances."))
    // Kaldi's own text of its golden and ours agree to within the stated tolerance.
    let ours = try Ksnn.run(["copy-feats", "ark:mfcc.ark", "ark,t:-"], in: ws.path).stdoutText
    let kaldi = try Ksnn.run(["copy-feats", "ark:" + file("mfcc13.ark"), "ark,t:-"]).stdoutText
    let a = ours.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Float($0) }
    let b = kaldi.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Float($0) }
    #expect(a.count == 276 * 13 && a.count == b.count)
    #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-2 + 2e-3 * abs($1) })
  }

  @Test func shortAndEmptyAudioAreSkippedWithAWarning() throws {
    let ws = try workspace()
    // 0.01 s is shorter than one 25 ms frame; a WAV with no samples at all.
    var empty = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file("sine_16bit.wav"))).prefix(44))
    for k in 40..<44 { empty[k] = 0 }
    for (k, v) in [36, 0, 0, 0].enumerated() { empty[4 + k] = UInt8(v) }
    try Data(empty).write(to: URL(fileURLWithPath: ws.path + "/empty.wav"))
    try ws.write("wav.scp", "a e1_16k.wav\nb sox sine_16bit.wav -t wav - trim 0 0.01 |\nc e1.flac\nd e1.sph\n")
    let run = try Ksnn.run(["compute-fbank-feats", "--dither=0", "scp:wav.scp", "ark,t:feats.txt"], in: ws.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("WARNING") && run.stderr.contains("Utterance b is too short"))
    #expect(run.stderr.contains("Done 3 out of 4 utterances."))
    let lengths = try Ksnn.run(["feat-to-len", "ark:feats.txt", "ark,t:-"], in: ws.path).stdoutText
    #expect(lengths == "a 276 \nc 276 \nd 276 \n")
    try ws.write("empty.scp", "e empty.wav\n")
    let none = try Ksnn.run(["compute-mfcc-feats", "scp:empty.scp", "ark:out.ark"], in: ws.path)
    #expect(none.status == 1 && none.stderr.contains("Utterance e is too short") && none.stderr.contains("Done 0 out of 1"))
  }

  /// Audio that cannot be read stops the tool as Kaldi's table readers do (KALDI_ERR: exit
  /// status 255), naming the utterance, with no output left behind.
  @Test(arguments: [
    ("x cat missing.wav 2>/dev/null |", "Command 'cat missing.wav 2>/dev/null' failed (exit status 1) (key 'x'"),
    ("x wav.scp", "Failed to read wave for key 'x' from 'wav.scp'"),
  ])
  func badAudioIsAClearErrorNamingTheUtterance(line: String, message: String) throws {
    let ws = try workspace()
    try ws.write("wav.scp", line + "\n")
    let run = try Ksnn.run(["compute-mfcc-feats", "scp:wav.scp", "ark,scp:out.ark,out.scp"], in: ws.path)
    #expect(run.status == 255)
    #expect(run.stderr.contains("ERROR") && run.stderr.contains(message), "\(run.stderr)")
    #expect(!ws.exists("out.ark") && !ws.exists("out.scp"))
  }

  /// Audio that reads but cannot be featurized is left out with a warning, as Kaldi's
  /// compute-*-feats do; the status is 1 only when no utterance worked.
  @Test func unusableAudioIsSkippedWithAWarning() throws {
    let ws = try workspace()
    try ws.write("wav.scp", "a e1_16k.wav\nx e1_8k.wav\n")
    let run = try Ksnn.run(["compute-mfcc-feats", "scp:wav.scp", "ark:out.ark"], in: ws.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("WARNING") && run.stderr.contains("Failed to compute features for utterance x: Waveform and config sample Frequency mismatch: 8000 .vs 16000"))
    #expect(run.stderr.contains("Done 1 out of 2 utterances."))
    try ws.write("only8k.scp", "x e1_8k.wav\n")
    let none = try Ksnn.run(["compute-mfcc-feats", "scp:only8k.scp", "ark:none.ark"], in: ws.path)
    #expect(none.status == 1 && none.stderr.contains("Done 0 out of 1 utterances."))
  }

  @Test func channelAndSegmentsAndDurations() throws {
    let ws = try workspace()
    try ws.write("wav.scp", "rec stereo.wav\n")
    let right = try Ksnn.run(["compute-fbank-feats", "--channel=1", "--dither=0", "scp:wav.scp", "ark:/dev/null"], in: ws.path)
    #expect(right.status == 0)
    // No --channel on stereo audio: Kaldi warns and takes the left channel.
    let left = try Ksnn.run(["compute-fbank-feats", "--channel=0", "--dither=0", "scp:wav.scp", "ark:left.ark"], in: ws.path)
    let unset = try Ksnn.run(["compute-fbank-feats", "--dither=0", "scp:wav.scp", "ark:unset.ark"], in: ws.path)
    #expect(left.status == 0 && unset.status == 0)
    #expect(unset.stderr.contains("WARNING") && unset.stderr.contains("Channel not specified but you have data with 2 channels; defaulting to zero"))
    #expect(try ws.read("unset.ark") == (try ws.read("left.ark")))
    try ws.write("wav2.scp", "rec e1_16k.wav\n")
    try ws.write("segments", "seg1 rec 0.5 1.5\nseg2 rec 2.0 -1\nbad rec 3.0 2.0\n")
    let cut = try Ksnn.sh("PATH=$PWD/bin:$PATH; extract-segments scp:wav2.scp segments ark:- | wav-to-duration ark:- ark,t:-", in: ws.path)
    #expect(cut.status == 0)
    #expect(cut.stdoutText == "seg1 1 \nseg2 0.7846875 \n")
    #expect(cut.stderr.contains("Invalid line in segments file [empty or invalid segment]: bad rec 3.0 2.0"))
  }

  @Test func recipeScriptsWriteAKaldiDataDirectory() throws {
    let ws = try workspace()
    try FileManager.default.createDirectory(atPath: ws.path + "/data/train", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: ws.path + "/conf", withIntermediateDirectories: true)
    try ws.write("conf/mfcc.conf", "--use-energy=false\n--dither=0\n")
    try ws.write("data/train/wav.scp", "s1_a \(ws.path)/e1_16k.wav\ns1_b \(ws.path)/e1.flac\ns2_c \(ws.path)/e1.sph\ns2_d sox \(ws.path)/e1_16k.wav -t wav - |\n")
    try ws.write("data/train/utt2spk", "s1_a s1\ns1_b s1\ns2_c s2\ns2_d s2\n")
    let run = try Ksnn.sh(
      "PATH=$PWD/bin:$PATH \(Self.recipes)/steps/make_mfcc.sh --nj 2 data/train exp/make_mfcc/train mfcc && PATH=$PWD/bin:$PATH \(Self.recipes)/steps/compute_cmvn_stats.sh data/train exp/make_mfcc/train mfcc",
      in: ws.path)
    #expect(run.status == 0, "\(run.stdoutText)\(run.stderr)")
    #expect(try ws.text("data/train/utt2num_frames") == "s1_a 276 \ns1_b 276 \ns2_c 276 \ns2_d 276 \n")
    #expect(try ws.text("data/train/feats.scp").split(separator: "\n").count == 4)
    #expect(try ws.text("data/train/spk2utt") == "s1 s1_a s1_b\ns2 s2_c s2_d\n")
    #expect(try ws.text("exp/make_mfcc/train/make_mfcc_train.1.log").contains("# Ended (code 0)"))
    // The features feed apply-cmvn through the scp files, as a training recipe reads them.
    let normalized = try Ksnn.sh("PATH=$PWD/bin:$PATH; apply-cmvn --utt2spk=ark:data/train/utt2spk scp:data/train/cmvn.scp scp:data/train/feats.scp ark:- | feat-to-dim ark:- -", in: ws.path)
    #expect(normalized.stdoutText == "13\n")
  }
}
