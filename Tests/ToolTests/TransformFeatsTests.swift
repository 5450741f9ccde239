import Foundation
import KaldiIO
import Testing

/// `transform-feats` and `steps/make_fmllr_feats.sh` on a real Kaldi TIMIT tri3 system
/// (Fixtures/fmllr: 3 dev utterances of FDBM0 and FHMI0, final.mat, the speakers' fMLLR),
/// against an independent numpy oracle (Fixtures/fmllr/make_fixture.py).
@Suite struct TransformFeatsTests {
  static let recipes = RecipeTests.repository + "/recipes"

  /// A scratch copy of the fixtures with a bin/ of tool links, so pipelines run as in a recipe.
  func workspace() throws -> Workspace {
    let ws = try Workspace()
    try FileManager.default.createDirectory(atPath: ws.path + "/bin", withIntermediateDirectories: true)
    for tool in try Ksnn.run(["--list-tools"]).stdoutText.split(separator: "\n").map(String.init) + ["ksnn"] {
      try FileManager.default.createSymbolicLink(atPath: ws.path + "/bin/" + tool, withDestinationPath: Ksnn.binary)
    }
    return ws
  }

  /// A shell command in the workspace's fmllr folder with the tool links first on PATH.
  func sh(_ script: String, _ ws: Workspace) throws -> ToolRun {
    try Ksnn.sh("export LC_ALL=C PATH=\(ws.path)/bin:$PATH; cd fmllr && \(script)", in: ws.path)
  }

  /// Every matrix of a table, by key.
  func table(_ rspecifier: String) throws -> [String: (rows: Int, cols: Int, data: [Float])] {
    let reader = try SequentialTableReader<MatrixHolder<Float>>(rspecifier)
    var out: [String: (rows: Int, cols: Int, data: [Float])] = [:]
    while let (key, m) = try reader.next() { out[key] = (m.rows, m.cols, m.data) }
    return out
  }

  /// The largest absolute difference between `ours` and the oracle's matrices for `keys`
  /// (infinity when a key or a shape differs).
  func maxDifference(_ ours: String, _ oracle: String, keys: [String]) throws -> Float {
    let a = try table(ours), b = try table(oracle)
    var worst: Float = 0
    for key in keys {
      guard let x = a[key], let y = b[key], x.rows == y.rows, x.cols == y.cols else { return .infinity }
      for (p, q) in zip(x.data, y.data) { worst = max(worst, abs(p - q)) }
    }
    return worst
  }

  static let utterances = ["FDBM0_SI547", "FDBM0_SX23", "FHMI0_SX23"]
  /// MFCC → per-speaker CMN → splice ±3, as tri3 was trained (cmvn_opts is empty).
  static let spliced = "apply-cmvn $(cat gmm/cmvn_opts) --utt2spk=ark:src/utt2spk ark:src/cmvn.ark ark:src/feats.ark ark:- | splice-feats $(cat gmm/splice_opts) ark:- ark:-"

  @Test func fmllrFeaturesOfARealTri3SystemMatchTheOracle() throws {
    let ws = try workspace()
    let run = try sh(
      "\(Self.spliced) | transform-feats gmm/final.mat ark:- ark:- | transform-feats --utt2spk=ark:src/utt2spk \"ark:cat trans/trans.* |\" ark:- ark,scp:$PWD/out.ark,out.scp",
      ws)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try maxDifference("ark:" + ws.path + "/fmllr/out.ark", "ark:" + ws.path + "/fmllr/expected/fmllr.ark", keys: Self.utterances) < 1e-3)
    #expect(try table("scp:" + ws.path + "/fmllr/out.scp").values.allSatisfy { $0.cols == 40 })
    // final.mat is 40×91 (pseudo-logdet); the fMLLR transforms are square in their linear part.
    #expect(run.stderr.contains(") Overall average [pseudo-]logdet is -83.4493 over 474 frames.\n"), "\(run.stderr)")
    #expect(run.stderr.contains(") Overall average logdet is 1.21682 over 474 frames.\n"), "\(run.stderr)")
    #expect(run.stderr.components(separatedBy: ") Applied transform to 3 utterances; 0 had errors.\n").count == 3)
  }

  @Test func aGlobalLinearTransformFromABinaryMatrixFile() throws {
    let ws = try workspace()
    let run = try sh("\(Self.spliced) | transform-feats gmm/final.mat ark:- ark:lda.ark", ws)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try maxDifference("ark:" + ws.path + "/fmllr/lda.ark", "ark:" + ws.path + "/fmllr/expected/lda.ark", keys: ["FDBM0_SI547"]) < 1e-3)
    #expect(run.stderr.contains(") Overall average [pseudo-]logdet is -83.4493 over 474 frames.\n"))
    #expect(run.stderr.contains(") Applied transform to 3 utterances; 0 had errors.\n"))
  }

  @Test func aGlobalAffineTransformFromATextMatrixFile() throws {
    let ws = try workspace()
    // FDBM0's fMLLR as a text matrix, applied to everyone: FDBM0's utterances are the oracle's.
    let run = try sh("\(Self.spliced) | transform-feats gmm/final.mat ark:- ark:- | transform-feats expected/fdbm0_fmllr.txt ark:- ark:out.ark", ws)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try maxDifference("ark:" + ws.path + "/fmllr/out.ark", "ark:" + ws.path + "/fmllr/expected/fmllr.ark", keys: ["FDBM0_SI547", "FDBM0_SX23"]) < 1e-3)
    #expect(run.stderr.contains(") Overall average logdet is -2.4848 over 474 frames.\n"), "\(run.stderr)")
  }

  /// Small cases worked by hand: affine with fewer rows than the dimension (pseudo-logdet),
  /// square linear, and dimension-increasing (no logdet line).
  @Test(arguments: [
    ("[ 1 0 0 0.5\n 0 2 1 -1 ]", "u1  [\n  1.5 6 \n  4.5 15 ]\n", "Overall average [pseudo-]logdet is 0.804719 over 2 frames."),
    ("[ 2 0 0\n 0 1 0\n 0 0 1 ]", "u1  [\n  2 2 3 \n  8 5 6 ]\n", "Overall average logdet is 0.693147 over 2 frames."),
    ("[ 1 0 0\n 0 1 0\n 0 0 1\n 1 1 1 ]", "u1  [\n  1 2 3 6 \n  4 5 6 15 ]\n", nil),
  ] as [(String, String, String?)])
  func handWorkedGlobalTransforms(transform: String, expected: String, logdet: String?) throws {
    let ws = try workspace()
    try ws.write("t.mat", transform + "\n")
    try ws.write("f.txt", "u1 [ 1 2 3\n 4 5 6 ]\n")
    let run = try Ksnn.run(["transform-feats", "t.mat", "ark:f.txt", "ark,t:-"], in: ws.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText == expected)
    if let logdet {
      #expect(run.stderr.contains(") \(logdet)\n"), "\(run.stderr)")
    } else {
      #expect(!run.stderr.contains("logdet"))
    }
    #expect(run.stderr.contains(") Applied transform to 1 utterances; 0 had errors.\n"))
  }

  @Test func utterancesWithoutASpeakerOrATransformAreSkippedAndCounted() throws {
    let ws = try workspace()
    // FDBM0_SX23 has no utt2spk entry; FHMI0_SX23's speaker has no transform.
    try ws.write("fmllr/utt2spk", "FDBM0_SI547 FDBM0\nFHMI0_SX23 NOSPK\n")
    let run = try sh(
      "\(Self.spliced) | transform-feats gmm/final.mat ark:- ark:- | transform-feats --utt2spk=ark:utt2spk ark:trans/trans.1 ark:- ark:out.ark", ws)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains(") Utt2spk map has no value for utterance FDBM0_SX23, producing no output for this utterance\n"), "\(run.stderr)")
    #expect(run.stderr.contains(") No fMLLR transform available for utterance FHMI0_SX23 [spk = NOSPK], producing no output for this utterance\n"))
    #expect(run.stderr.contains(") Overall average logdet is -2.4848 over 139 frames.\n"))
    #expect(run.stderr.contains(") Applied transform to 1 utterances; 2 had errors.\n"))
    #expect(try table("ark:" + ws.path + "/fmllr/out.ark").keys.sorted() == ["FDBM0_SI547"])
    #expect(try maxDifference("ark:" + ws.path + "/fmllr/out.ark", "ark:" + ws.path + "/fmllr/expected/fmllr.ark", keys: ["FDBM0_SI547"]) < 1e-3)

    // Per-utterance transforms (no --utt2spk): the keys are utterances, none of which has one.
    let perUtt = try sh("transform-feats ark:trans/trans.1 ark:src/feats.ark ark:out2.ark", ws)
    #expect(perUtt.status == 0)
    #expect(perUtt.stderr.contains(") No fMLLR transform available for utterance FDBM0_SI547, producing no output for this utterance\n"), "\(perUtt.stderr)")
    #expect(perUtt.stderr.contains(") Applied transform to 0 utterances; 3 had errors.\n"))
    #expect(!perUtt.stderr.contains("logdet"))
  }

  @Test func aTransformOfTheWrongWidthIsAnErrorPerUtterance() throws {
    let ws = try workspace()
    // 13-dim MFCCs: 15 columns is dim+2 (compose-transforms' hint), 16 is just wrong.
    try ws.write("t15.mat", "[ " + Array(repeating: "0", count: 15).joined(separator: " ") + "\n " + Array(repeating: "1", count: 15).joined(separator: " ") + " ]\n")
    let run = try Ksnn.run(["transform-feats", "t15.mat", "ark:fmllr/src/feats.ark", "ark:out.ark"], in: ws.path)
    #expect(run.status == 0)
    #expect(run.stderr.contains(") Transform matrix for key FDBM0_SI547 has bad dimension 2x15 versus feat dim 13\n"), "\(run.stderr)")
    #expect(run.stderr.components(separatedBy: ") [perhaps the transform was created by compose-transforms, and you forgot the --b-is-affine option?]\n").count == 4)
    #expect(run.stderr.contains(") Applied transform to 0 utterances; 3 had errors.\n"))
    #expect(!run.stderr.contains("logdet"))
    // The spliced features (91) against fMLLR transforms for 40 dims, per speaker.
    let perSpk = try sh("\(Self.spliced) | transform-feats --utt2spk=ark:src/utt2spk ark:trans/trans.1 ark:- ark:out.ark", ws)
    #expect(perSpk.stderr.contains(") Transform matrix for key FDBM0 has bad dimension 40x41 versus feat dim 91\n"), "\(perSpk.stderr)")
    #expect(!perSpk.stderr.contains("compose-transforms"))
    #expect(perSpk.stderr.contains(") Applied transform to 0 utterances; 3 had errors.\n"))
  }

  @Test func argumentsAndUnreadableTransformsFailAsKaldiDoes() throws {
    let ws = try workspace()
    let usage = try Ksnn.run(["transform-feats", "gmm/final.mat", "ark:x"], in: ws.path)
    #expect(usage.status == 1 && usage.stderr.contains("Usage: transform-feats [options] (transform-rspecifier|transform-rxfilename) feats-rspecifier feats-wspecifier"))
    let missing = try Ksnn.run(["transform-feats", "nosuch.mat", "ark:fmllr/src/feats.ark", "ark:out.ark"], in: ws.path)
    #expect(missing.status == 255 && missing.stderr.contains("ERROR") && missing.stderr.contains("nosuch.mat"), "\(missing.stderr)")
    #expect(!ws.exists("out.ark"))
    let badTable = try Ksnn.run(["transform-feats", "ark:fmllr/src/utt2spk", "ark:fmllr/src/feats.ark", "ark:out.ark"], in: ws.path)
    #expect(badTable.status == 255 && badTable.stderr.contains("ERROR"), "\(badTable.stderr)")
  }

  @Test func makeFmllrFeatsWritesANewDataDirectoryFromArchivesOrScpLists() throws {
    let ws = try workspace()
    let steps = Self.recipes + "/steps"
    let run = try sh("\(steps)/make_fmllr_feats.sh --nj 2 --transform-dir trans fmllr-tri3/dev src gmm exp/log fea", ws)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdoutText.contains("feature type is lda") && run.stdoutText.contains("Using fMLLR transforms from trans"))
    let out = ws.path + "/fmllr/fmllr-tri3/dev"
    #expect(try maxDifference("scp:" + out + "/feats.scp", "ark:" + ws.path + "/fmllr/expected/fmllr.ark", keys: Self.utterances) < 1e-3)
    let scp = try String(contentsOfFile: out + "/feats.scp", encoding: .utf8)
    #expect(scp.split(separator: "\n").map { String($0.split(separator: " ")[0]) } == Self.utterances)
    #expect(scp.contains(ws.path + "/fmllr/fea/feats_fmllr_dev.1.ark:") && scp.contains("/fea/feats_fmllr_dev.2.ark:"))
    for f in ["utt2spk", "spk2utt", "text", "wav.scp", "spk2gender", "utt2num_frames"] {
      #expect(try ws.text("fmllr/" + "fmllr-tri3/dev/" + f) == (try ws.text("fmllr/src/" + f)), "\(f)")
    }
    for f in ["cmvn.scp", "cmvn.ark", "feats.ark"] { #expect(!ws.exists("fmllr/fmllr-tri3/dev/" + f), "\(f)") }
    // One job per speaker; each log has the whole pipeline's lines.
    let log1 = try ws.text("fmllr/exp/log/make_fmllr_feats.1.log"), log2 = try ws.text("fmllr/exp/log/make_fmllr_feats.2.log")
    #expect(log1.contains(") Overall average logdet is -2.4848 over 297 frames."), "\(log1)")
    #expect(log2.contains(") Overall average logdet is 7.428 over 177 frames."), "\(log2)")
    #expect(log1.contains("# Ended (code 0)") && log2.contains(") Applied transform to 1 utterances; 0 had errors."))

    // The same from feats.scp/cmvn.scp (the usual Kaldi layout), one job, nothing written to src.
    let scps = try sh(
      "mkdir -p src2 && cp src/utt2spk src/spk2utt src2/ && copy-feats ark:src/feats.ark ark,scp:src2/f.ark,src2/feats.scp && copy-matrix ark:src/cmvn.ark ark,scp:src2/c.ark,src2/cmvn.scp && \(steps)/make_fmllr_feats.sh --nj 1 --transform-dir trans fmllr-tri3/dev2 src2 gmm exp/log2 fea && ls src2",
      ws)
    #expect(scps.status == 0, "\(scps.stderr)")
    #expect(scps.stdoutText.hasSuffix("\nc.ark\ncmvn.scp\nf.ark\nfeats.scp\nspk2utt\nutt2spk\n"), "\(scps.stdoutText)")
    #expect(try maxDifference("scp:" + ws.path + "/fmllr/fmllr-tri3/dev2/feats.scp", "ark:" + ws.path + "/fmllr/expected/fmllr.ark", keys: Self.utterances) < 1e-3)
    #expect(!ws.exists("fmllr/fmllr-tri3/dev2/cmvn.scp") && ws.exists("fmllr/fea/feats_fmllr_dev2.1.ark"))

    // Without --transform-dir: the LDA+MLLT features alone.
    let lda = try sh("\(steps)/make_fmllr_feats.sh --nj 1 lda/dev src gmm exp/log3 fea", ws)
    #expect(lda.status == 0, "\(lda.stderr)")
    #expect(try maxDifference("scp:" + ws.path + "/fmllr/lda/dev/feats.scp", "ark:" + ws.path + "/fmllr/expected/lda.ark", keys: ["FDBM0_SI547"]) < 1e-3)
  }

  @Test func makeFmllrFeatsNamesWhatIsMissing() throws {
    let ws = try workspace()
    let steps = Self.recipes + "/steps"
    let noTrans = try sh("\(steps)/make_fmllr_feats.sh --nj 1 --transform-dir nowhere out src gmm log fea", ws)
    #expect(noTrans.status == 1 && noTrans.stderr.contains("expected nowhere/trans.1 to exist"), "\(noTrans.stderr)")
    let tooMany = try sh("\(steps)/make_fmllr_feats.sh --nj 4 out src gmm log fea", ws)
    #expect(tooMany.status == 1 && tooMany.stderr.contains("(3 utterances) into 4 jobs"), "\(tooMany.stderr)")
    let usage = try sh("\(steps)/make_fmllr_feats.sh out src gmm log", ws)
    #expect(usage.status == 1 && usage.stderr.contains("Usage: "))
    // A speaker without a transform: its utterance is left out, with a warning naming the logs.
    let partial = try sh("mkdir t1 && copy-matrix 'ark:cat trans/trans.1 |' ark,t:- | awk '/^FHMI0/{skip=1} !skip' | copy-matrix ark:- ark:t1/trans.1 && \(steps)/make_fmllr_feats.sh --nj 1 --transform-dir t1 out src gmm log fea", ws)
    #expect(partial.status == 0, "\(partial.stderr)")
    #expect(partial.stderr.contains("warning: 2 of 3 utterances have features"), "\(partial.stderr)")
    #expect(try ws.text("fmllr/log/make_fmllr_feats.1.log").contains("No fMLLR transform available for utterance FHMI0_SX23 [spk = FHMI0]"))
    let noCmvn = try sh("rm src/cmvn.ark && \(steps)/make_fmllr_feats.sh --nj 1 out src gmm log fea", ws)
    #expect(noCmvn.status == 1 && noCmvn.stderr.contains("no such file src/cmvn.scp (nor src/cmvn.ark)"), "\(noCmvn.stderr)")
  }
}
