import Foundation
import Testing
import TestSupport

/// The shared recipe scripts of recipes/utils in Kaldi's calling conventions: data-directory
/// checks and repairs, subsets and splits, list filtering, run.pl job arrays and option parsing.
@Suite(.tags(.recipe)) struct RecipeScriptTests {
  static let utils = RecipeTests.repository + "/recipes/utils"

  /// A data directory of 3 speakers × 3 utterances, as a TIMIT-style data prep leaves it.
  func dataDir() throws -> String {
    let dir = NSTemporaryDirectory() + "ksnn-datadir-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let speakers = ["fa", "mb", "mc"]
    var files = [String: String]()
    for (s, spk) in speakers.enumerated() {
      files["spk2utt", default: ""] += "\(spk) " + (1...3).map { "\(spk)_u\($0)" }.joined(separator: " ") + "\n"
      files["spk2gender", default: ""] += "\(spk) \(spk.first!)\n"
      files["cmvn.scp", default: ""] += "\(spk) /d/cmvn.ark:\(s * 100)\n"
      for u in 1...3 {
        let utt = "\(spk)_u\(u)"
        files["utt2spk", default: ""] += "\(utt) \(spk)\n"
        files["text", default: ""] += "\(utt) sil ah b sil\n"
        files["wav.scp", default: ""] += "\(utt) /corpus/\(utt).wav\n"
        files["feats.scp", default: ""] += "\(utt) /d/raw.ark:\(s * 1000 + u * 10)\n"
        files["utt2num_frames", default: ""] += "\(utt) \(100 * u + s)\n"
        files["phn_segments", default: ""] += "\(utt) 0 100 sil\n\(utt) 100 900 ah\n"
      }
    }
    for (name, text) in files { try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8) }
    return dir
  }

  func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
  func write(_ text: String, _ path: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }
  func sh(_ script: String, in dir: String) throws -> ToolRun {
    try Ksnn.sh("export LC_ALL=C U=\(Self.utils); \(script)", in: dir)
  }

  @Test func validateAcceptsAConsistentDirectoryAndNamesTheFileOfEachProblem() throws {
    let dir = try dataDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let ok = try sh("$U/validate_data_dir.sh .", in: dir)
    #expect(ok.status == 0 && ok.stdoutText.contains("Successfully validated data-directory ."), "\(ok.stderr)")

    // Each break, and what the message must say about it.
    let cases: [(String, String)] = [
      ("sed -i 2d text", "./text: lacks utterance fa_u2 of utt2spk (1 in all"),
      ("echo 'zz_u1 /x.ark:1' >> feats.scp", "./feats.scp: utterance zz_u1 (line 10) is not in utt2spk"),
      ("sed -i '1{h;d};2G' wav.scp", "./wav.scp: line 2: key fa_u1 sorts before line 1 (fa_u2)"),
      ("sed -i 's/^mb m$/mb x/' spk2gender", "./spk2gender: line 2 is not \"<speaker> m|f\""),
      ("sed -i 's/^fa_u1 fa$/fa_u1 fa extra/' utt2spk", "./utt2spk: line 1 has 3 fields"),
      ("sed -i '$d' spk2utt", "./spk2utt does not match ./utt2spk"),
      ("sed -i 's/^fa_u1 sil/fa_u1 <s>/' text", "./text: line 1 holds the reserved symbol <s>"),
      ("printf 'mc_u3 0' >> utt2num_frames && sed -i '9d' utt2num_frames", "./utt2num_frames: the last line has no newline"),
      ("rm feats.scp", "no such file ./feats.scp (if this is by design, pass --no-feats)"),
    ]
    for (breakIt, expected) in cases {
      let fresh = try dataDir()
      defer { try? FileManager.default.removeItem(atPath: fresh) }
      let run = try sh("\(breakIt) && $U/validate_data_dir.sh .", in: fresh)
      #expect(run.status == 1, "\(breakIt)")
      #expect(run.stderr.contains(expected), "\(breakIt): \(run.stderr)")
    }
    let noFeats = try sh("rm feats.scp && $U/validate_data_dir.sh --no-feats .", in: dir)
    #expect(noFeats.status == 0, "\(noFeats.stderr)")
  }

  @Test func fixKeepsTheUtterancesPresentEverywhereAndBacksUpTheOriginals() throws {
    let dir = try dataDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let original = try read(dir + "/text")
    // fa_u2 has no features, mb has no gender (so its speaker goes), text is out of order,
    // and wav.scp has a recording of an utterance nobody lists.
    try write(try read(dir + "/feats.scp").split(separator: "\n").filter { !$0.hasPrefix("fa_u2 ") }.map { $0 + "\n" }.joined(), dir + "/feats.scp")
    try write(try read(dir + "/spk2gender").replacingOccurrences(of: "mb m\n", with: ""), dir + "/spk2gender")
    try write(original.split(separator: "\n").reversed().map { $0 + "\n" }.joined(), dir + "/text")
    try write(try read(dir + "/wav.scp") + "zz_u9 /corpus/zz.wav\n", dir + "/wav.scp")
    let fix = try sh("$U/fix_data_dir.sh .", in: dir)
    #expect(fix.status == 0, "\(fix.stderr)")
    #expect(fix.stdoutText.contains("kept 5 utterances out of 9"))
    let kept = ["fa_u1", "fa_u3", "mc_u1", "mc_u2", "mc_u3"]
    for f in ["utt2spk", "text", "feats.scp", "wav.scp", "utt2num_frames"] {
      #expect(try read(dir + "/" + f).split(separator: "\n").map { String($0.split(separator: " ")[0]) } == kept, "\(f)")
    }
    #expect(try read(dir + "/phn_segments").split(separator: "\n").count == 10)
    #expect(try read(dir + "/spk2utt") == "fa fa_u1 fa_u3\nmc mc_u1 mc_u2 mc_u3\n")
    #expect(try read(dir + "/cmvn.scp").split(separator: "\n").map { String($0.prefix(2)) } == ["fa", "mc"])
    #expect(try sh("$U/validate_data_dir.sh .", in: dir).status == 0)
    // Nothing is lost: the originals, and on a second run the first backup is kept numbered.
    #expect(try read(dir + "/.backup/text") == original.split(separator: "\n").reversed().map { $0 + "\n" }.joined())
    #expect(try sh("$U/fix_data_dir.sh .", in: dir).stdoutText.contains("kept all 5 utterances."))
    #expect(FileManager.default.fileExists(atPath: dir + "/.backup/utt2spk.~1~"))
    #expect(try read(dir + "/.backup/utt2spk.~1~").split(separator: "\n").count == 9)
  }

  @Test func subsetsFollowKaldisModes() throws {
    let dir = try dataDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func utts(_ args: String) throws -> [String] {
      let run = try sh("$U/subset_data_dir.sh \(args) && $U/validate_data_dir.sh sub > /dev/null", in: dir)
      #expect(run.status == 0, "\(args): \(run.stderr)")
      return try read(dir + "/sub/utt2spk").split(separator: "\n").map { String($0.split(separator: " ")[0]) }
    }
    #expect(try utts(". 3 sub") == ["fa_u1", "mb_u1", "mc_u1"])
    #expect(try utts("--first . 2 sub") == ["fa_u1", "fa_u2"])
    #expect(try utts("--last . 2 sub") == ["mc_u2", "mc_u3"])
    #expect(try utts("--shortest . 2 sub") == ["fa_u1", "mb_u1"])
    #expect(try utts("--per-spk . 1 sub") == ["fa_u1", "mb_u1", "mc_u1"])
    #expect(try utts("--speakers . 4 sub").count == 6)
    try write("mb\n", dir + "/spk.list")
    #expect(try utts("--spk-list spk.list . sub") == ["mb_u1", "mb_u2", "mb_u3"])
    #expect(try read(dir + "/sub/cmvn.scp") == "mb /d/cmvn.ark:100\n")
    #expect(try read(dir + "/sub/phn_segments").split(separator: "\n").count == 6)
    try write("mc_u2 x\nfa_u3\n", dir + "/utt.list")
    #expect(try utts("--utt-list utt.list . sub") == ["fa_u3", "mc_u2"])
    let bad = try sh("$U/subset_data_dir.sh . 0 sub", in: dir)
    #expect(bad.status == 1 && bad.stderr.contains("<num-utt> must be a positive integer"))
  }

  @Test func speedPerturbationCombinesTheCopiesAtEveryFactor() throws {
    let dir = try dataDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let run = try sh("$U/data/perturb_data_dir_speed_nway.sh '0.8 1.25' . sp && $U/validate_data_dir.sh --no-feats sp > /dev/null", in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText.contains("at speeds 1.0 0.8 1.25 in sp (27 utterances)"), "\(run.stdoutText)")
    let utts = try read(dir + "/sp/utt2spk").split(separator: "\n").map { String($0.split(separator: " ")[0]) }
    #expect(utts.count == 27 && utts.contains("fa_u1") && utts.contains("sp0.8-fa_u1") && utts.contains("sp1.25-mc_u3"))
    // Each copy's audio goes through sox at its factor; its segment times scale by 1/factor.
    #expect(try read(dir + "/sp/wav.scp").contains("sp1.25-fa_u2 wav-copy /corpus/fa_u2.wav - | sox -R -t wav - -t wav - speed 1.25 |"))
    #expect(try read(dir + "/sp/phn_segments").contains("sp0.8-mb_u1 125 1125 ah"))
    let original = try sh("$U/data/perturb_data_dir_speed_nway.sh '0.9 1.0' . sp2", in: dir)
    #expect(original.status == 1 && original.stderr.contains("factor 1.0 is the original data"))
  }

  @Test func joinedUtterancesAreOneRecordingPerSpeakerWithTheirPausesListed() throws {
    let dir = NSTemporaryDirectory() + "ksnn-join-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // Two speakers with two utterances each; one entry of wav.scp is a command.
    let run = try sh("""
      set -e
      mkdir -p bin src audio && ln -s "$(command -v ksnn)" bin/wav-copy && export PATH=$PWD/bin:$PATH
      sox -n -r 16000 -b 16 -c 1 audio/a1.wav synth 0.5 sine 300
      sox -n -r 16000 -b 16 -c 1 audio/a2.wav synth 0.75 sine 400
      sox -n -r 16000 -b 16 -c 1 audio/b1.wav synth 0.25 sine 500
      sox -n -r 16000 -b 16 -c 1 audio/b2.wav synth 1 sine 600
      printf 'a_1 %s/audio/a1.wav\na_2 sox %s/audio/a2.wav -t wav - |\nb_1 %s/audio/b1.wav\nb_2 %s/audio/b2.wav\n' $PWD $PWD $PWD $PWD > src/wav.scp
      printf 'a a_1 a_2\nb b_1 b_2\n' > src/spk2utt
      printf 'a_1 one two\na_2 three\nb_1 four\nb_2 five six\n' > src/text
      $U/data/join_utterances.sh --pause 0.5 src joined
      soxi -D joined/audio/a-joined.wav joined/audio/b-joined.wav
      """, in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText.contains("2 recordings of 4 utterances with 0.5 s pauses in joined"), "\(run.stdoutText)")
    // Each utterance is followed by its pause: 0.5 + 0.5 + 0.75 + 0.5 s and 0.25 + 0.5 + 1 + 0.5 s.
    #expect(run.stdoutText.hasSuffix("2.250000\n2.250000\n"), "\(run.stdoutText)")
    #expect(try read(dir + "/joined/pauses") == "a-joined 0.5000 1.0000 1.7500 2.2500\nb-joined 0.2500 0.7500 1.7500 2.2500\n")
    #expect(try read(dir + "/joined/text") == "a-joined one two three\nb-joined four five six\n")
    #expect(try read(dir + "/joined/spk2utt") == "a-joined a-joined\nb-joined b-joined\n")
    #expect(try read(dir + "/joined/wav.scp") == "a-joined \(dir)/joined/audio/a-joined.wav\nb-joined \(dir)/joined/audio/b-joined.wav\n")
    let missing = try sh("printf 'a a_1 a_3\\n' > src/spk2utt && PATH=$PWD/bin:$PATH $U/data/join_utterances.sh src joined2", in: dir)
    #expect(missing.status == 1 && missing.stderr.contains("no audio for a_3 in src/wav.scp"), "\(missing.stderr)")
  }

  @Test func splitKeepsSpeakersWholeUnlessPerUtterance() throws {
    let dir = try dataDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let split = try sh("$U/split_data.sh . 2", in: dir)
    #expect(split.status == 0, "\(split.stderr)")
    let parts = try (1...2).map { try read(dir + "/split2/\($0)/utt2spk") }
    #expect(parts.joined() == (try read(dir + "/utt2spk")))
    // Parts fill to their share of utterances a whole speaker at a time: fa and mb, then mc.
    #expect(parts[0].split(separator: "\n").count == 6 && parts[1].split(separator: "\n").count == 3)
    #expect(try read(dir + "/split2/2/spk2utt") == "mc mc_u1 mc_u2 mc_u3\n")
    #expect(try read(dir + "/split2/1/feats.scp").split(separator: "\n").count == 6)
    let tooMany = try sh("$U/split_data.sh . 4", in: dir)
    #expect(tooMany.status == 1 && tooMany.stderr.contains("3 speakers) into 4 parts without splitting speakers"))
    let perUtt = try sh("$U/split_data.sh --per-utt . 4 && cat split4utt/*/utt2spk", in: dir)
    let whole = try read(dir + "/utt2spk")
    #expect(perUtt.status == 0 && perUtt.stdoutText == whole)
    // A split newer than the data is reused; a changed data directory is split again.
    let reused = try sh("touch split2/1/marker && touch -d '1 minute ago' *.scp utt2spk spk2utt text spk2gender utt2num_frames phn_segments && $U/split_data.sh . 2 && ls split2/1", in: dir)
    #expect(reused.stdoutText.contains("marker"), "\(reused.stderr)")
    let redone = try sh("touch text && $U/split_data.sh . 2 && ls split2/1", in: dir)
    #expect(redone.status == 0 && !redone.stdoutText.contains("marker"))
  }

  @Test func filterScpSelectsByAnyFieldAndExcludes() throws {
    let dir = try dataDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try write("mb_u2\nfa_u1 anything\n", dir + "/ids")
    #expect(try sh("$U/filter_scp.pl ids feats.scp", in: dir).stdoutText == "fa_u1 /d/raw.ark:10\nmb_u2 /d/raw.ark:1020\n")
    #expect(try sh("$U/filter_scp.pl --exclude ids utt2spk | wc -l", in: dir).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "7")
    try write("mc\n", dir + "/spk")
    #expect(try sh("$U/filter_scp.pl -f 2 spk utt2spk", in: dir).stdoutText == "mc_u1 mc\nmc_u2 mc\nmc_u3 mc\n")
    #expect(try sh("$U/filter_scp.pl -f -1 spk utt2spk | wc -l", in: dir).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "3")
    #expect(try sh("$U/spk2utt_to_utt2spk.pl spk2utt", in: dir).stdoutText == (try read(dir + "/utt2spk")))
    // sym2int.pl: fields 2-, OOVs an error naming symbol and line, or mapped and counted.
    try write("<eps> 0\nsil 1\nah 2\nb 3\n<unk> 4\n", dir + "/words.txt")
    #expect(try sh("head -2 text | $U/sym2int.pl -f 2- words.txt", in: dir).stdoutText == "fa_u1 1 2 3 1\nfa_u2 1 2 3 1\n")
    #expect(try sh("echo 'u sil zz' | $U/sym2int.pl -f 2 words.txt", in: dir).stdoutText == "u 1 zz\n")
    let oov = try sh("echo 'u sil zz' | $U/sym2int.pl -f 2- words.txt", in: dir)
    #expect(oov.status != 0 && oov.stderr.contains("line 1 of stdin: symbol 'zz' is not in words.txt"))
    let mapped = try sh("echo 'u zz sil' | $U/sym2int.pl --map-oov '<unk>' -f 2- words.txt", in: dir)
    #expect(mapped.stdoutText == "u 4 1\n" && mapped.stderr.contains("replaced 1 instances"))
  }

  @Test func parseOptionsSetsDeclaredVariablesAndRejectsOthers() throws {
    let dir = try dataDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let script = "nj=4; beam_width=13; . $U/parse_options.sh; echo \"$nj $beam_width $*\""
    try write(script, dir + "/s.sh")
    try write("nj=7\n", dir + "/c.conf")
    #expect(try sh("bash s.sh --nj 2 --beam-width=9.5 a b", in: dir).stdoutText == "2 9.5 a b\n")
    #expect(try sh("bash s.sh --config c.conf x", in: dir).stdoutText == "7 13 x\n")
    let bad = try sh("bash s.sh --bogus 1", in: dir)
    #expect(bad.status == 1 && bad.stderr.contains("invalid option --bogus"))
  }

  /// steps/train_am.sh with --nj 2 trains two models at once, and a model that fails to train
  /// fails the step (naming it) without stopping the others. A stand-in ksnn-am-train first on
  /// PATH records each run; the lstm run finishes only once the gru run has started, so the
  /// step can only finish if both ran at the same time.
  @Test func trainAmTrainsModelsConcurrentlyAndReportsAFailedOne() throws {
    let dir = try dataDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let steps = RecipeTests.repository + "/recipes/steps"
    try write("", dir + "/feats_cmvn.scp")
    try FileManager.default.createDirectory(atPath: dir + "/fake", withIntermediateDirectories: true)
    let trainer = """
      #!/usr/bin/env bash
      conf=$1; out=${@: -1}; name=$(basename $out)
      touch $out/started
      case $conf in
        *lstm.conf) for i in $(seq 100); do [ -f ${out%/*}/gru/started ] && break; sleep 0.1; done
                    [ -f ${out%/*}/gru/started ] || { echo "gru never started" >&2; exit 3; } ;;
        *snn.conf) echo "ERROR (ksnn-am-train) bad minibatch" >&2; exit 1 ;;
      esac
      printf 'epoch\tlr\tlen\ttl\tta\tdl\tda\ts\n1\t0.001\t100\t1\t0.5\t1\t0.625\t0\n' > $out/history.tsv
      echo "LOG (ksnn-am-train[ksnn]:run():Trainer.swift:1) Epoch 1 done: $name" >&2
      """
    try write(trainer, dir + "/fake/ksnn-am-train")
    _ = try sh("chmod +x fake/ksnn-am-train", in: dir)
    let run = "PATH=$PWD/fake:$PATH bash \(steps)/train_am.sh --nj 2 --models"
    let both = try sh("\(run) 'lstm gru' 144 . ark:t.ark . ark:d.ark exp", in: dir)
    #expect(both.status == 0, "\(both.stderr)")
    #expect(both.stdoutText.contains("  lstm: 1 epochs, dev frame accuracy 62.5%"))
    #expect(both.stdoutText.contains("    gru: Epoch 1 done: gru"))
    for m in ["lstm", "gru"] { #expect(FileManager.default.fileExists(atPath: "\(dir)/exp/\(m)/.done")) }
    let bad = try sh("\(run) 'snn v1' 144 . ark:t.ark . ark:d.ark exp", in: dir)
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("training snn failed; see exp/snn/log/train.log"))
    #expect(bad.stderr.contains("1 model(s) failed to train"))
    #expect(!FileManager.default.fileExists(atPath: dir + "/exp/snn/.done"))
    #expect(FileManager.default.fileExists(atPath: dir + "/exp/v1/.done"))
    #expect(try read(dir + "/exp/snn/log/train.log").contains("bad minibatch"))
  }

  /// RESULTS over several seeds: error rates as mean ± sample sd, measures as means.
  @Test func resultsTableAveragesOverSeeds() throws {
    let dir = NSTemporaryDirectory() + "ksnn-results-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let fm = FileManager.default
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try fm.createSymbolicLink(atPath: dir + "/utils", withDestinationPath: Self.utils)
    for (seed, dev, test, zero) in [(1, "10.00", "20.00", 50.0), (2, "12.00", "24.00", 70.0)] {
      let run = "\(dir)/exp/v2_s\(seed)"
      for set in ["dev", "test"] {
        try fm.createDirectory(atPath: "\(run)/decode_\(set)/scoring_kaldi", withIntermediateDirectories: true)
        try write("%WER \(set == "dev" ? dev : test) [ 1 / 10, 0 ins, 0 del, 1 sub ] \(run)/decode_\(set)/wer_1\n",
                  "\(run)/decode_\(set)/scoring_kaldi/best_wer")
      }
      try write("""
        {"bits": 6, "threshold": 3, "params_total": 1000, "params_recurrent_stack": 800,
         "zero_percent": [10.0, \(zero), 80.0], "mults_normalized_to_lstm": 0.2\(seed), "mults_normalized_to_gru": 0.3}
        """, "\(run)/decode_test/measures.json")
      try write(
        "epoch\tlearning_rate\tmax_length\ttrain_loss\ttrain_accuracy\tdev_loss\tdev_accuracy\tskipped_batches\n"
          + "1\t0.001\t100\t2.0\t0.5\t2.1\t0.4\t0\n2\t0.001\t100\t1.5\t0.6\t1.9\t0.5\t0\n", "\(run)/history.tsv")
    }
    // The plotting tools under their names, as bin/ has them.
    try fm.createDirectory(atPath: dir + "/bin", withIntermediateDirectories: true)
    for tool in ["plot-training-curves", "plot-zero-outputs"] { try fm.createSymbolicLink(atPath: dir + "/bin/" + tool, withDestinationPath: Ksnn.binary) }
    let run = try sh("PATH=$PWD/bin:$PATH utils/make_results.sh --models v2 --seeds '1 2' exp", in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText.contains("mean ± sd over seeds 1 2"))
    #expect(run.stdoutText.contains("| v2 | 6 | 3 | 1000 | 800 | 11.00 ± 1.41 | 22.00 ± 2.83 | 10.0, 60.0, 80.0 | 0.215 | 0.300 |"), "\(run.stdoutText)")
    // The pictures show the first seed's run, with axes.
    #expect(try read(dir + "/exp/training_curves.svg").contains(">epoch<"))
    #expect(try read(dir + "/exp/zero_outputs.svg").contains(">50.0<"))
  }
}
