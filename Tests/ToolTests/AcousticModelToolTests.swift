import Foundation
import Testing

/// Text arks of a small labelling task: 4 classes in segments, 6-dim noisy class means.
func writeTextTask(_ ws: Workspace, utterances: Int, name: String, seed: Int, dim: Int = 6, corruptKey: String? = nil) throws {
  var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1
  func next() -> Double {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(state >> 11) * 0x1.0p-53
  }
  var feats = "", ali = ""
  for u in 0..<utterances {
    let key = String(format: "spk%d_utt%03d", u % 3, u)
    let frames = 30 + Int(next() * 40)
    var labels = [Int]()
    while labels.count < frames { labels += [Int](repeating: Int(next() * 4), count: 3 + Int(next() * 6)) }
    feats += "\(key)  [\n"
    for t in 0..<frames {
      let row = (0..<dim).map { d -> String in
        if key == corruptKey && t == 5 && d == 2 { return "nan" }
        let mean = (d % 4 == labels[t]) ? 2.0 : 0.0
        return String(format: "%.4f", mean + (next() - 0.5) * 1.5)
      }
      feats += "  " + row.joined(separator: " ") + (t == frames - 1 ? " ]\n" : "\n")
    }
    ali += key + " " + labels.prefix(frames).map(String.init).joined(separator: " ") + "\n"
  }
  try ws.write(name + ".feats.txt", feats)
  try ws.write(name + ".ali.txt", ali)
}

@Suite struct AcousticModelToolTests {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  func train(_ ws: Workspace, _ extra: [String] = []) throws -> ToolRun {
    try Ksnn.run([
      "ksnn-am-train", "--config=\(Self.repository)/recipes/conf/v1.conf", "--hidden-dim=16", "--epochs=3", "--batch-size=8",
      "--seq-length-schedule=20*1|40*2",
    ] + extra + ["ark,t:train.feats.txt", "ark,t:train.ali.txt", "ark,t:dev.feats.txt", "ark,t:dev.ali.txt", "exp"], in: ws.path)
  }

  /// The recipes' model configs hold only what differs from ksnn-am-train's defaults (the
  /// paper's settings), so each default is written once, in the options struct.
  @Test func recipeConfigsHoldOnlyNonDefaults() throws {
    let help = try Ksnn.run(["ksnn-am-train", "--help"], in: FileManager.default.currentDirectoryPath).stderr
    var defaults = [String: String]()
    for line in help.split(separator: "\n") {
      guard let name = line.split(separator: " ").first, name.hasPrefix("--"), let d = line.range(of: "default = ", options: .backwards)
      else { continue }
      defaults[String(name.dropFirst(2))] = String(line[d.upperBound...].dropLast()).replacingOccurrences(of: "\"", with: "")
    }
    #expect(defaults["hidden-dim"] == "550" && defaults["architecture"] == "v2" && defaults["keep-best"] == "false", "\(defaults)")
    let dir = Self.repository + "/recipes/conf"
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".conf") }
    #expect(Set(files) == ["lstm.conf", "gru.conf", "snn.conf", "v1.conf", "v2.conf"])
    for file in files {
      for line in try String(contentsOfFile: dir + "/" + file, encoding: .utf8).split(separator: "\n") where line.hasPrefix("--") {
        let parts = line.dropFirst(2).split(separator: "=", maxSplits: 1).map(String.init)
        #expect(parts.count == 2 && defaults[parts[0]] != nil, "\(file): \(line) is not an option of ksnn-am-train")
        // Each config names its model, v2's included.
        #expect(parts.count == 2 && (parts[0] == "architecture" || defaults[parts[0]] != parts[1]), "\(file): \(line) restates the default")
      }
    }
  }

  @Test func trainInfoForwardEndToEnd() throws {
    let ws = try Workspace()
    try writeTextTask(ws, utterances: 40, name: "train", seed: 1)
    try writeTextTask(ws, utterances: 10, name: "dev", seed: 2)
    let run = try train(ws)
    #expect(run.status == 0, "\(run.stderr)")
    for f in ["exp/final.mdl", "exp/best.mdl", "exp/checkpoint.mdl", "exp/history.tsv", "exp/measures.json"] { #expect(ws.exists(f), "\(f)") }
    #expect(!ws.exists("exp/.train.cache"))
    let measures = try ws.text("exp/measures.json")
    for key in ["\"architecture\": \"v1\"", "\"frame_accuracy\"", "\"zero_percent\"", "\"mults_normalized_to_gru\"", "\"params_recurrent_stack\""] {
      #expect(measures.contains(key), "\(key)")
    }
    #expect(run.stderr.contains("Epoch 3 done"))

    let info = try Ksnn.run(["ksnn-am-info", "exp/final.mdl"], in: ws.path).stdoutText
    #expect(info.contains("architecture v1\n"))
    #expect(info.contains("hidden-dim 16\n"))
    // v1, 2 layers of 16 over 6 inputs, 4 outputs: W 32×6 + 32×16, BN 2·(2·32), head 4×16 + BN 8.
    let stack: Int = 32 * 6 + 32 * 16 + 2 * 64
    let parameters: Int = stack + 64 + 8
    #expect(info.contains("num-parameters-recurrent-stack \(stack)\n"))
    #expect(info.contains("num-parameters \(parameters)\n"))

    // Posteriors, then likelihoods with priors from analyze-counts (Kaldi adds 0.5 per count).
    let post = try Ksnn.run(["ksnn-am-forward", "exp/final.mdl", "ark,t:dev.feats.txt", "ark,t:post.txt"], in: ws.path)
    #expect(post.status == 0)
    #expect(try Ksnn.run(["analyze-counts", "--binary=false", "ark,t:train.ali.txt", "counts"], in: ws.path).status == 0)
    let like = try Ksnn.run([
      "ksnn-am-forward", "--class-frame-counts=counts", "--measures=m.json", "--targets=ark,t:dev.ali.txt", "exp/final.mdl",
      "ark,t:dev.feats.txt", "ark,t:like.txt",
    ], in: ws.path)
    #expect(like.status == 0)
    #expect(try ws.text("m.json").contains("\"frame_accuracy\""))
    // Two jobs over halves of the set, their measures summed: the measures of one job over all.
    #expect(try Ksnn.run(["copy-feats", "ark,t:dev.feats.txt", "ark,scp:dev.ark,dev.scp"], in: ws.path).status == 0)
    let scp = try ws.text("dev.scp").split(separator: "\n")
    try ws.write("dev.1.scp", scp[..<4].joined(separator: "\n") + "\n")
    try ws.write("dev.2.scp", scp[4...].joined(separator: "\n") + "\n")
    for job in 1...2 {
      let part = try Ksnn.run([
        "ksnn-am-forward", "--class-frame-counts=counts", "--measures=m.\(job).json", "--targets=ark,t:dev.ali.txt", "exp/final.mdl",
        "scp:dev.\(job).scp", "ark:/dev/null",
      ], in: ws.path)
      #expect(part.status == 0, "\(part.stderr)")
    }
    let sum = try Ksnn.run(["ksnn-am-sum-measures", "exp/final.mdl", "summed.json", "m.1.json", "m.2.json"], in: ws.path)
    #expect(sum.status == 0, "\(sum.stderr)")
    // Every line alike but the cross-entropy, whose sum is added in another order.
    let whole = try ws.text("m.json").split(separator: "\n"), summed = try ws.text("summed.json").split(separator: "\n")
    #expect(whole.count == summed.count && whole.count > 10)
    for (a, b) in zip(whole, summed) where !a.contains("cross_entropy") { #expect(a == b) }
    // A file of another model's shape is an error naming it.
    try ws.write("bad.json", "{\n  \"frames\": 10,\n  \"zero_counts\": [1, 2]\n}\n")
    let bad = try Ksnn.run(["ksnn-am-sum-measures", "exp/final.mdl", "out.json", "m.1.json", "bad.json"], in: ws.path)
    #expect(bad.status != 0 && bad.stderr.contains("bad.json: 2 zero counts") && !ws.exists("out.json"), "\(bad.stderr)")
    let counts = try ws.text("counts").split(whereSeparator: { " []\n".contains($0) }).compactMap { Double($0) }
    let total = counts.reduce(0, +)
    let postRows = try numericRows(ws.text("post.txt")), likeRows = try numericRows(ws.text("like.txt"))
    #expect(postRows.count == likeRows.count && postRows.count > 100)
    for (p, l) in zip(postRows, likeRows) {
      #expect(abs(log(p.map(exp).reduce(0, +))) < 1e-4)
      for j in 0..<4 { #expect(abs(l[j] - (p[j] - log(counts[j] / total))) < 1e-4) }
    }
    let dim = try Ksnn.run(["feat-to-dim", "ark,t:like.txt", "-"], in: ws.path).stdoutText
    #expect(dim == "4\n")
  }

  @Test func badInputsAreClearErrors() throws {
    let ws = try Workspace()
    try writeTextTask(ws, utterances: 24, name: "train", seed: 3, corruptKey: "spk1_utt004")
    try writeTextTask(ws, utterances: 6, name: "dev", seed: 4)
    // NaN features in training data: skipped with a warning, counted.
    let run = try train(ws, ["--epochs=1"])
    #expect(run.status == 0)
    #expect(run.stderr.contains("spk1_utt004"))
    #expect(run.stderr.contains("Skipped 1 utterances"))
    // ... and an error naming utterance and frame in the forward pass.
    let nan = try Ksnn.run(["ksnn-am-forward", "exp/final.mdl", "ark,t:train.feats.txt", "ark:/dev/null"], in: ws.path)
    #expect(nan.status != 0)
    #expect(nan.stderr.contains("spk1_utt004") && nan.stderr.contains("frame 5"))
    // Features of another dimension than the model's.
    try writeTextTask(ws, utterances: 2, name: "wide", seed: 5, dim: 7)
    let wide = try Ksnn.run(["ksnn-am-forward", "exp/final.mdl", "ark,t:wide.feats.txt", "ark:/dev/null"], in: ws.path)
    #expect(wide.status != 0)
    #expect(wide.stderr.contains("spk0_utt000") && wide.stderr.contains("dimension 7") && wide.stderr.contains("expects 6"))
    // A third of the model's width: the message points at the missing ±1 frame splice.
    try writeTextTask(ws, utterances: 2, name: "narrow", seed: 6, dim: 2)
    let narrow = try Ksnn.run(["ksnn-am-forward", "exp/final.mdl", "ark,t:narrow.feats.txt", "ark:/dev/null"], in: ws.path)
    #expect(narrow.status != 0 && narrow.stderr.contains("splice-feats --left-context=1 --right-context=1"), "\(narrow.stderr)")
    // A corrupt model file.
    var bytes = try ws.read("exp/final.mdl")
    bytes[bytes.count / 2] ^= 1
    try bytes.write(to: URL(fileURLWithPath: ws.path + "/bad.mdl"))
    let corrupt = try Ksnn.run(["ksnn-am-info", "bad.mdl"], in: ws.path)
    #expect(corrupt.status != 0)
    #expect(corrupt.stderr.contains("bad.mdl") && corrupt.stderr.contains("corrupt"))
    // Unknown architecture and unknown config option.
    let arch = try train(ws, ["--architecture=transformer"])
    #expect(arch.status != 0 && arch.stderr.contains("transformer"))
    try ws.write("typo.conf", "--architecture=v2\n--hiden-dim=10\n")
    let typo = try Ksnn.run(["ksnn-am-train", "--config=typo.conf", "a", "b", "c", "d", "e"], in: ws.path)
    #expect(typo.status != 0 && typo.stderr.contains("hiden-dim"))
  }
}

/// The numbers of each row of a text matrix ark, over all utterances.
func numericRows(_ text: String) throws -> [[Double]] {
  text.split(separator: "\n").compactMap { line in
    let values = line.split(whereSeparator: { $0 == " " || $0 == "]" }).compactMap { Double($0) }
    return values.isEmpty || line.contains("[") ? nil : values
  }
}

/// The pictures of a recipe's RESULTS: axes with ticks and labels, a legend, the data where
/// the axes say, and the same bytes every time.
@Suite struct PlotToolTests {
  @Test func trainingCurvesAndZeroOutputsHaveAxesAndLegends() throws {
    let ws = try Workspace()
    let header = "epoch\tlearning_rate\tmax_length\ttrain_loss\ttrain_accuracy\tdev_loss\tdev_accuracy\tskipped_batches\n"
    try ws.write("a.tsv", header + "1\t0.001\t100\t2.0\t0.4\t2.1\t0.5\t0\n2\t0.001\t100\t1.0\t0.6\t1.5\t0.7\t0\n3\t0.001\t100\t0.5\t0.8\t1.2\t0.75\t0\n")
    try ws.write("b.tsv", header + "1\t0.001\t100\t2.5\t0.3\t2.4\t0.45\t0\n2\t0.001\t100\t1.5\t0.5\t1.9\t0.6\t0\n")
    let curves = try Ksnn.run(["plot-training-curves", "curves.svg", "lstm=a.tsv", "v2=b.tsv"], in: ws.path)
    #expect(curves.status == 0, "\(curves.stderr)")
    let svg = try ws.text("curves.svg")
    for text in [">epoch<", ">cross-entropy per frame<", ">frame accuracy (%)<", ">lstm<", ">v2<", ">0.0<", ">2.5<", ">3<"] {
      #expect(svg.contains(text), "\(text) missing")
    }
    #expect(svg.components(separatedBy: "<polyline").count - 1 == 4)  // two models, two panels
    _ = try Ksnn.run(["plot-training-curves", "again.svg", "lstm=a.tsv", "v2=b.tsv"], in: ws.path)
    #expect(try ws.read("again.svg") == ws.read("curves.svg"))

    try ws.write("m.json", "{\n  \"architecture\": \"v2\",\n  \"zero_percent\": [19.6, 78.25, 82.8],\n  \"bits\": 6\n}\n")
    let bars = try Ksnn.run(["plot-zero-outputs", "zeros.svg", "v2=m.json"], in: ws.path)
    #expect(bars.status == 0, "\(bars.stderr)")
    let zeros = try ws.text("zeros.svg")
    for text in [">78.2<", ">82.8<", ">input (encoded)<", ">layer 2<", ">100<", ">zero outputs (%)<", ">v2<"] { #expect(zeros.contains(text), "\(text) missing") }
    try ws.write("bad.json", "{\"zero_percent\": [1, 2,")
    let bad = try Ksnn.run(["plot-zero-outputs", "x.svg", "v2=bad.json"], in: ws.path)
    #expect(bad.status != 0 && bad.stderr.contains("bad.json") && bad.stderr.contains("invalid JSON"), "\(bad.stderr)")
    #expect(!ws.exists("x.svg"))
  }
}
