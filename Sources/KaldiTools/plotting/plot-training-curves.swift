import KaldiBase
import KaldiIO

/// `plot-training-curves`: training loss and dev frame accuracy per epoch of trained models,
/// as an SVG with axes, ticks and a legend.
public enum PlotTrainingCurves: KaldiTool {
  public static let name = "plot-training-curves"
  public static let usage = """
    Draw the training curves of ksnn-am-train runs (history.tsv): train loss and dev frame
    accuracy per epoch, one line per model, as an SVG picture.

    Usage:  plot-training-curves [options] <svg-wxfilename> <name>=<history.tsv> [<name>=<history.tsv> ...]
    e.g.: plot-training-curves exp/training_curves.svg lstm=exp/lstm/history.tsv v2=exp/v2/history.tsv
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let title = invocation.option("title", "", "Text above both panels")
    let args = try invocation.arguments(2...1000)
    var loss: [(name: String, points: [(Double, Double)])] = []
    var accuracy: [(name: String, points: [(Double, Double)])] = []
    for spec in args.dropFirst() {
      let (name, file) = try namedInput(spec)
      let lines = try InputStream.readLines(file)
      guard let header = lines.first?.split(separator: "\t").map(String.init),
        let e = header.firstIndex(of: "epoch"), let l = header.firstIndex(of: "train_loss"),
        let a = header.firstIndex(of: "dev_accuracy")
      else { throw KaldiError("\(file) is not a ksnn-am-train history (no epoch, train_loss and dev_accuracy columns)") }
      var lossPoints: [(Double, Double)] = [], accuracyPoints: [(Double, Double)] = []
      for (n, line) in lines.dropFirst().enumerated() where !line.isEmpty {
        let f = line.split(separator: "\t")
        guard f.count > max(e, l, a), let epoch = Double(f[e]), let trainLoss = Double(f[l]), let devAccuracy = Double(f[a]) else {
          throw KaldiError("\(file), line \(n + 2): bad history line '\(line.prefix(80))'")
        }
        lossPoints.append((epoch, trainLoss))
        accuracyPoints.append((epoch, 100 * devAccuracy))
      }
      loss.append((name, lossPoints))
      accuracy.append((name, accuracyPoints))
    }
    var body = ""
    if !title.value.isEmpty { body += "<text x=\"480\" y=\"18\" text-anchor=\"middle\" font-size=\"15\">\(svgText(title.value))</text>\n" }
    body += LineChart(title: "Training loss", xLabel: "epoch", yLabel: "cross-entropy per frame", series: loss, integerX: true, yFromZero: true)
      .svg(left: 0, top: 20, width: 480, height: 380)
    body += LineChart(title: "Dev frame accuracy", xLabel: "epoch", yLabel: "frame accuracy (%)", series: accuracy, integerX: true)
      .svg(left: 480, top: 20, width: 480, height: 380)
    try OutputStream.writeWhole(svgDocument(width: 960, height: 400, body), to: args[0])
    KaldiLog.log("Wrote training curves of \(args.count - 1) models to \(printableWxfilename(args[0]))")
    return 0
  }
}

/// `<name>=<file>` of a plotting tool's arguments.
func namedInput(_ spec: String) throws -> (String, String) {
  guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex else {
    throw KaldiError.usage("expected <name>=<file>, got '\(spec)'")
  }
  return (String(spec[..<eq]), String(spec[spec.index(after: eq)...]))
}
