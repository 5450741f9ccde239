#if canImport(Glibc)
import Glibc
#endif
import KaldiBase

/// Ticks at 1, 2, 2.5 or 5 × 10^k covering `low...high`, about `count` of them.
func niceTicks(_ low: Double, _ high: Double, count: Int = 5, minimumStep: Double = 0) -> [Double] {
  let span = high > low ? high - low : max(abs(high), 1)
  let raw = max(span / Double(max(1, count)), minimumStep)
  let magnitude = pow(10, floor(log10(raw)))
  let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
  let first = (low / step).rounded(.down) * step
  let last = (high / step).rounded(.up) * step
  return stride(from: first, through: last + step / 2, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
}

/// A tick label with no more digits than the step needs.
func tickLabel(_ v: Double, step: Double) -> String {
  let exponent = Int(floor(log10(step)))
  let decimals = step >= 1 ? 0 : min(6, -exponent + (step / pow(10, Double(exponent)) == 2.5 ? 1 : 0))
  return formatFixed(v, decimals: decimals)
}

/// Escapes text for SVG.
func svgText(_ s: String) -> String {
  s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
}

extension String {
  func replacingAll(_ a: String, _ b: String) -> String { split(separator: a, omittingEmptySubsequences: false).joined(separator: b) }
}

/// Colours a reader can tell apart (matplotlib's first five).
let chartColors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]

/// A plot frame: axes with ticks and labels around a plot area, mapping data to pixels.
struct ChartFrame {
  let x: Double, y: Double, width: Double, height: Double
  let xTicks: [Double], yTicks: [Double]

  func px(_ v: Double) -> Double {
    let (a, b) = (xTicks.first!, xTicks.last!)
    return x + width * (b > a ? (v - a) / (b - a) : 0.5)
  }
  func py(_ v: Double) -> Double {
    let (a, b) = (yTicks.first!, yTicks.last!)
    return y + height - height * (b > a ? (v - a) / (b - a) : 0.5)
  }

  /// Axes, grid lines, ticks, tick labels, axis titles and the chart title.
  func axes(title: String, xLabel: String, yLabel: String, xTickLabels: [String]? = nil) -> String {
    var s = ""
    let f = { (v: Double) in formatFixed(v, decimals: 1) }
    let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
    for t in yTicks {
      s += "<line x1=\"\(f(x))\" y1=\"\(f(py(t)))\" x2=\"\(f(x + width))\" y2=\"\(f(py(t)))\" stroke=\"#e4e4e4\"/>\n"
      s += "<line x1=\"\(f(x - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(x))\" y2=\"\(f(py(t)))\" stroke=\"#000\"/>\n"
      s += "<text x=\"\(f(x - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(tickLabel(t, step: yStep))</text>\n"
    }
    let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
    for (k, t) in xTicks.enumerated() {
      let label = xTickLabels.map { k < $0.count ? $0[k] : "" } ?? tickLabel(t, step: xStep)
      s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(y + height))\" x2=\"\(f(px(t)))\" y2=\"\(f(y + height + 5))\" stroke=\"#000\"/>\n"
      s += "<text x=\"\(f(px(t)))\" y=\"\(f(y + height + 19))\" text-anchor=\"middle\">\(svgText(label))</text>\n"
    }
    s += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x))\" y2=\"\(f(y + height))\" stroke=\"#000\"/>\n"
    s += "<line x1=\"\(f(x))\" y1=\"\(f(y + height))\" x2=\"\(f(x + width))\" y2=\"\(f(y + height))\" stroke=\"#000\"/>\n"
    s += "<text x=\"\(f(x + width / 2))\" y=\"\(f(y + height + 38))\" text-anchor=\"middle\">\(svgText(xLabel))</text>\n"
    s += "<text transform=\"translate(\(f(x - 48)),\(f(y + height / 2))) rotate(-90)\" text-anchor=\"middle\">\(svgText(yLabel))</text>\n"
    s += "<text x=\"\(f(x + width / 2))\" y=\"\(f(y - 12))\" text-anchor=\"middle\" font-size=\"14\">\(svgText(title))</text>\n"
    return s
  }
}

/// Lines over a shared x axis, one per series, with a legend.
struct LineChart {
  var title: String
  var xLabel: String
  var yLabel: String
  var series: [(name: String, points: [(Double, Double)])]
  /// Integer x ticks (epochs), and a y axis from 0 (losses).
  var integerX = false
  var yFromZero = false

  /// The chart inside the box at (`left`, `top`) of the given size.
  func svg(left: Double, top: Double, width: Double, height: Double) -> String {
    let xs = series.flatMap { $0.points.map(\.0) }, ys = series.flatMap { $0.points.map(\.1) }
    guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else { return "" }
    let frame = ChartFrame(
      x: left + 64, y: top + 32, width: width - 84, height: height - 80,
      xTicks: niceTicks(x0, x1, count: 6, minimumStep: integerX ? 1 : 0), yTicks: niceTicks(yFromZero ? min(0, y0) : y0, y1, count: 5))
    var s = frame.axes(title: title, xLabel: xLabel, yLabel: yLabel)
    let f = { (v: Double) in formatFixed(v, decimals: 1) }
    for (k, one) in series.enumerated() {
      let color = chartColors[k % chartColors.count]
      let points = one.points.map { "\(f(frame.px($0.0))),\(f(frame.py($0.1)))" }.joined(separator: " ")
      s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
      for p in one.points { s += "<circle cx=\"\(f(frame.px(p.0)))\" cy=\"\(f(frame.py(p.1)))\" r=\"2.5\" fill=\"\(color)\"/>\n" }
      // Legend, top right inside the plot area.
      let ly = frame.y + 14 + 16 * Double(k)
      s += "<line x1=\"\(f(frame.x + frame.width - 90))\" y1=\"\(f(ly - 4))\" x2=\"\(f(frame.x + frame.width - 70))\" y2=\"\(f(ly - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
      s += "<text x=\"\(f(frame.x + frame.width - 64))\" y=\"\(f(ly))\">\(svgText(one.name))</text>\n"
    }
    return s
  }
}

/// Bars in groups (one group per model, one bar per layer), values labelled, with a legend.
struct GroupedBarChart {
  var title: String
  var yLabel: String
  var groups: [String]
  var barNames: [String]
  /// values[group][bar]
  var values: [[Double]]
  var yMax: Double = 100

  func svg(width: Double, height: Double) -> String {
    let frame = ChartFrame(
      x: 70, y: 40, width: width - 90, height: height - 120,
      xTicks: [0, Double(max(1, groups.count))], yTicks: niceTicks(0, yMax, count: 5))
    var s = frame.axes(title: title, xLabel: "model", yLabel: yLabel, xTickLabels: ["", ""])
    let f = { (v: Double) in formatFixed(v, decimals: 1) }
    let groupWidth = frame.width / Double(max(1, groups.count))
    let barWidth = groupWidth * 0.8 / Double(max(1, barNames.count))
    for (g, name) in groups.enumerated() {
      let gx = frame.x + groupWidth * Double(g) + groupWidth * 0.1
      for (b, v) in values[g].enumerated() where b < barNames.count {
        let top = frame.py(min(v, yMax)), bx = gx + barWidth * Double(b)
        s += "<rect x=\"\(f(bx))\" y=\"\(f(top))\" width=\"\(f(barWidth - 2))\" height=\"\(f(frame.y + frame.height - top))\" fill=\"\(chartColors[b % chartColors.count])\"/>\n"
        s += "<text x=\"\(f(bx + barWidth / 2 - 1))\" y=\"\(f(top - 4))\" text-anchor=\"middle\" font-size=\"10\">\(formatFixed(v, decimals: 1))</text>\n"
      }
      s += "<text x=\"\(f(gx + groupWidth * 0.4))\" y=\"\(f(frame.y + frame.height + 19))\" text-anchor=\"middle\">\(svgText(name))</text>\n"
    }
    for (b, name) in barNames.enumerated() {
      let lx = frame.x + 10 + 120 * Double(b)
      s += "<rect x=\"\(f(lx))\" y=\"\(f(height - 26))\" width=\"12\" height=\"12\" fill=\"\(chartColors[b % chartColors.count])\"/>\n"
      s += "<text x=\"\(f(lx + 18))\" y=\"\(f(height - 16))\">\(svgText(name))</text>\n"
    }
    return s
  }
}

/// The SVG document around drawn elements.
func svgDocument(width: Int, height: Int, _ body: String) -> String {
  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
    + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n" + body + "</svg>\n"
}
