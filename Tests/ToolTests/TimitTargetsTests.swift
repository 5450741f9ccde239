import Foundation
import Testing

/// The TIMIT recipe's path from hand labels to frame targets: Kaldi's topology from
/// prepare_lang.sh and the alignment of the phone sequence to the .PHN boundaries.
@Suite struct TimitTargetsTests {
  /// A recipe folder with a 4-phone lang (3-state silence as Kaldi's TIMIT), a monophone model
  /// and one 37-frame utterance whose .PHN gives a closure 1 frame and a stop 2 frames.
  func recipeDir() throws -> Workspace {
    let ws = try Workspace()
    let root = RecipeTests.repository
    let setup = """
      set -e
      export PATH=\(URL(fileURLWithPath: Ksnn.binary).deletingLastPathComponent().path):$PATH
      mkdir -p dict data/train exp/mono bin
      for t in $(ksnn --list-tools); do ln -s \(Ksnn.binary) bin/$t; done
      export PATH=$PWD/bin:$PATH
      ln -s \(root)/recipes/steps steps; ln -s \(root)/recipes/utils utils
      printf 'sil\\n' > dict/silence_phones.txt; printf 'sil\\n' > dict/optional_silence.txt
      printf 'aa\\nb\\ncl\\n' > dict/nonsilence_phones.txt
      printf 'aa aa\\nb b\\ncl cl\\nsil sil\\n' > dict/lexicon.txt
      utils/prepare_lang.sh --sil-prob 0 --num-sil-states 3 dict sil tmp lang > /dev/null
      init-mono-model lang/topo exp/mono/final.mdl 2> /dev/null
      awk 'BEGIN { printf "U1 [\\n"; for (f = 0; f < 37; f++) printf " %d %d%s\\n", f, -f, (f == 36 ? " ]" : "") }' > feats.txt
      copy-feats ark,t:feats.txt ark,scp:$PWD/feats.ark,data/train/feats.scp 2> /dev/null
      printf 'U1 0 2000 sil\\nU1 2000 2160 cl\\nU1 2160 2500 b\\nU1 2500 5000 aa\\nU1 5000 6000 sil\\n' > data/train/phn_segments
      """
    let run = try Ksnn.sh(setup, in: ws.path)
    #expect(run.status == 0, "\(run.stderr)")
    return ws
  }

  /// Kaldi's silence topology as utils/gen_topo.pl writes it: TIMIT's 3 states (the entry of
  /// the real Kaldi TIMIT lang) and the default 5.
  @Test func silenceTopologyIsKaldis() throws {
    let ws = try recipeDir()
    let timitSilence = """
      <TopologyEntry>
      <ForPhones>
      1
      </ForPhones>
      <State> 0 <PdfClass> 0 <Transition> 0 0.5 <Transition> 1 0.5 </State>
      <State> 1 <PdfClass> 1 <Transition> 1 0.5 <Transition> 2 0.5 </State>
      <State> 2 <PdfClass> 2 <Transition> 2 0.75 <Transition> 3 0.25 </State>
      <State> 3 </State>
      </TopologyEntry>
      </Topology>

      """
    #expect(try ws.text("lang/topo").hasSuffix(timitSilence))
    #expect(try ws.text("lang/topo").contains("<State> 2 <PdfClass> 2 <Transition> 2 0.75 <Transition> 3 0.25 </State>\n<State> 3 </State>"))
    let five = try Ksnn.sh("PATH=$PWD/bin:$PATH utils/prepare_lang.sh --sil-prob 0 dict sil tmp5 lang5 > /dev/null && tail -8 lang5/topo", in: ws.path)
    #expect(five.stdoutText == """
      <State> 0 <PdfClass> 0 <Transition> 0 0.25 <Transition> 1 0.25 <Transition> 2 0.25 <Transition> 3 0.25 </State>
      <State> 1 <PdfClass> 1 <Transition> 1 0.25 <Transition> 2 0.25 <Transition> 3 0.25 <Transition> 4 0.25 </State>
      <State> 2 <PdfClass> 2 <Transition> 1 0.25 <Transition> 2 0.25 <Transition> 3 0.25 <Transition> 4 0.25 </State>
      <State> 3 <PdfClass> 3 <Transition> 1 0.25 <Transition> 2 0.25 <Transition> 3 0.25 <Transition> 4 0.25 </State>
      <State> 4 <PdfClass> 4 <Transition> 4 0.75 <Transition> 5 0.25 </State>
      <State> 5 </State>
      </TopologyEntry>
      </Topology>

      """, "\(five.stderr)")
  }

  /// Every phone gets the 3 frames its HMM needs, borrowed from its neighbours (the closure
  /// has 1 frame and the stop 2 by the hand labels); the other boundaries stay where the
  /// labeller put them, and each phone's frames are split evenly over its states.
  @Test func phnAlignmentGivesEveryPhoneItsMinimumFrames() throws {
    let ws = try recipeDir()
    let run = try Ksnn.sh(
      "PATH=$PWD/bin:$PATH steps/align_to_segments.sh data/train lang exp/mono/final.mdl exp/align0/ali_train", in: ws.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText.contains("Done 1, errors on 0"))
    #expect(ws.exists("exp/align0/ali_train/final.mdl"))
    let phones = try Ksnn.sh(
      "PATH=$PWD/bin:$PATH; ali-to-phones --write-lengths exp/mono/final.mdl 'ark:gunzip -c exp/align0/ali_train/ali.1.gz |' ark,t:- 2> /dev/null",
      in: ws.path)
    // sil 1, aa 2, b 3, cl 4: by hand sil 12, cl 1, b 2, aa 15, sil 7 frames.
    #expect(phones.stdoutText == "U1 1 10 ; 4 3 ; 3 3 ; 2 14 ; 1 7 \n", "\(phones.stderr)")
    let pdfs = try Ksnn.sh(
      "PATH=$PWD/bin:$PATH; ali-to-pdf exp/mono/final.mdl 'ark:gunzip -c exp/align0/ali_train/ali.1.gz |' ark,t:- 2> /dev/null", in: ws.path)
    // aa (pdfs 3-5) over 14 frames: 4, 5, 5.
    #expect(pdfs.stdoutText.contains(" 3 3 3 3 4 4 4 4 4 5 5 5 5 5 "), "\(pdfs.stdoutText)")
  }

  /// A segment file that does not cover an utterance of the data is an error naming it.
  @Test func phnAlignmentNamesAnUtteranceWithoutSegments() throws {
    let ws = try recipeDir()
    let run = try Ksnn.sh(
      "PATH=$PWD/bin:$PATH; : > data/train/phn_segments; steps/align_to_segments.sh data/train lang exp/mono/final.mdl exp/a", in: ws.path)
    #expect(run.status != 0)
    #expect(run.stderr.contains("align_to_segments: no phone segments for U1"), "\(run.stderr)")
  }
}
