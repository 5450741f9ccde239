import KaldiBase
import KaldiMatrix

/// Cepstral mean and variance statistics and their application (Kaldi's transform/cmvn.cc).
///
/// Stats are a 2×(D+1) double matrix: row 0 the sum of frames with the count in the last
/// column, row 1 the sum of squares.
public enum Cmvn {
  public static func emptyStats(dimension: Int) -> Matrix<Double> { Matrix(rows: 2, cols: dimension + 1) }

  /// Adds the frames of `features` (weighted per frame when `weights` is given).
  public static func accumulate(_ features: Matrix<Float>, weights: [Float]? = nil, into stats: inout Matrix<Double>) {
    let d = features.cols
    precondition(stats.rows == 2 && stats.cols == d + 1)
    for r in 0..<features.rows {
      let w = weights?[r] ?? 1
      if w == 0 { continue }
      stats[0, d] += Double(w)
      for c in 0..<d {
        let x = features[r, c]
        // Products in float, sums in double, as Kaldi's AccCmvnStats.
        stats[0, c] += Double(x * w)
        stats[1, c] += Double(x * x * w)
      }
    }
  }

  /// Normalises `features` in place: means always, variances when `variances` is true.
  public static func apply(_ stats: Matrix<Double>, to features: inout Matrix<Float>, variances: Bool, reverse: Bool = false) throws {
    let d = stats.cols - 1
    guard stats.rows >= 1, stats.rows <= 2, features.cols == d else {
      throw KaldiError("Dim mismatch: cmvn \(stats.rows)x\(stats.cols), feats \(features.rows)x\(features.cols)")
    }
    if stats.rows == 1 && variances { throw KaldiError("You requested variance normalization but no variance stats are supplied.") }
    var offset = [Float](repeating: 0, count: d)
    var scale = [Float](repeating: 1, count: d)
    try stats.data.withUnsafeBufferPointer { st in
      try normalization(st.baseAddress!, dimension: d, variances: variances, reverse: reverse, offset: &offset, scale: &scale)
    }
    for r in 0..<features.rows {
      for c in 0..<d {
        if variances { features[r, c] *= scale[c] }
        features[r, c] += offset[c]
      }
    }
  }

  /// The per-dimension offset and scale that `stats` (row-major 2×(D+1), or 1×(D+1) without
  /// `variances`) ask for, as Kaldi's `ApplyCmvn` computes them: x·scale + offset.
  public static func normalization(
    _ stats: UnsafePointer<Double>, dimension d: Int, variances: Bool, reverse: Bool = false,
    offset: inout [Float], scale: inout [Float]
  ) throws {
    let count = stats[d]
    guard count >= 1 else { throw KaldiError("Insufficient stats for cepstral mean and variance normalization: count = \(formatG(count, precision: 6))") }
    if !variances && !reverse {
      let alpha = Float(-1.0 / count)
      for c in 0..<d {
        offset[c] = Float(Double(alpha) * stats[c])
        scale[c] = 1
      }
      return
    }
    for c in 0..<d {
      let mean = stats[c] / count
      var s = 1.0, o = mean
      if variances {
        var variance = stats[d + 1 + c] / count - mean * mean
        if variance < 1e-20 {
          KaldiLog.warn("Flooring cepstral variance from \(formatG(variance, precision: 6)) to 1e-20")
          variance = 1e-20
        }
        if reverse {
          s = variance.squareRoot()
        } else {
          s = 1.0 / variance.squareRoot()
          if s.isNaN || 1 / s == 0 { throw KaldiError("NaN or infinity in cepstral mean/variance computation") }
          o = -(mean * s)
        }
      }
      offset[c] = Float(o)
      scale[c] = Float(s)
    }
  }

  /// Kaldi's `FakeStatsForSomeDims`: makes normalization leave these dimensions unchanged.
  public static func skip(dimensions: [Int], in stats: inout Matrix<Double>) throws {
    let d = stats.cols - 1
    let count = stats[0, d]
    for k in dimensions {
      guard k >= 0 && k < d else { throw KaldiError("--skip-dims: dimension \(k) is outside 0..\(d - 1)") }
      stats[0, k] = 0
      stats[1, k] = count
    }
  }
}
