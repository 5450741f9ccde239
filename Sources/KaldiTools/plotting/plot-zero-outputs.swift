import KaldiBase
import KaldiIO

/// `plot-zero-outputs`: % zero outputs per layer of trained models (from their measures.json),
/// as grouped bars with axes and a legend.
public enum PlotZeroOutputs: KaldiTool {
  public static let name = "plot-zero-outputs"
  public static let usage = """
    Draw the percentage of zero outputs per layer (the encoded input, then each recurrent
    layer) that ksnn-am-forward --measures measured, one group of bars per model, as an SVG.

    Usage:  plot-zero-outputs [options] <svg-wxfilename> <name>=<measures.json> [<name>=<measures.json> ...]
    e.g.: plot-zero-outputs exp/zero_outputs.svg lstm=exp/lstm/decode_test/measures.json v2=exp/v2/decode_test/measures.json
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let title = invocation.option("title", "Zero outputs on the test set", "Text above the bars")
    let args = try invocation.arguments(2...1000)
    var groups: [String] = [], values: [[Double]] = []
    for spec in args.dropFirst() {
      let (name, file) = try namedInput(spec)
      let json: JSONValue
      do {
        json = try JSONValue(parsing: String(decoding: try InputStream.readWhole(file), as: UTF8.self))
      } catch let e as KaldiError {
        throw KaldiError("\(file): \(e.message)")
      }
      guard let zeros = json["zero_percent"]?.array?.compactMap(\.number), !zeros.isEmpty else {
        throw KaldiError("\(file) has no zero_percent list (not written by ksnn-am-forward --measures?)")
      }
      groups.append(name)
      values.append(zeros)
    }
    let layers = values.map(\.count).max() ?? 0
    let barNames = (0..<layers).map { $0 == 0 ? "input (encoded)" : "layer \($0)" }
    let chart = GroupedBarChart(title: title.value, yLabel: "zero outputs (%)", groups: groups, barNames: barNames, values: values)
    let width = max(560, 90 + 130 * groups.count)
    try OutputStream.writeWhole(svgDocument(width: width, height: 380, chart.svg(width: Double(width), height: 380)), to: args[0])
    KaldiLog.log("Wrote zero outputs of \(groups.count) models to \(printableWxfilename(args[0]))")
    return 0
  }
}
