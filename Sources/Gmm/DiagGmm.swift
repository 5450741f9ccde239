#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiIO
import KaldiMatrix

/// One pdf's diagonal-covariance Gaussian mixture in Kaldi's natural parameters (`DiagGmm`):
/// weights, means times inverse variances, inverse variances, and the per-component constants
/// that make a log-likelihood one affine function of (x, x²).
public struct DiagGmm: Sendable, Equatable {
  public private(set) var weights: [Float]
  /// components × dim, each row mean ⊙ inverse variance.
  public private(set) var meansInvVars: Matrix<Float>
  /// components × dim.
  public private(set) var invVars: Matrix<Float>
  public private(set) var gconsts: [Float]

  public var numComponents: Int { weights.count }
  public var dim: Int { invVars.cols }

  /// A mixture from weights, means and variances (components × dim each), as Kaldi's
  /// `DiagGmmNormal::CopyToDiagGmm` converts them.
  public init(weights: [Double], means: Matrix<Double>, variances: Matrix<Double>) {
    precondition(means.rows == weights.count && variances.rows == weights.count && means.cols == variances.cols)
    self.weights = weights.map { Float($0) }
    invVars = Matrix(rows: means.rows, cols: means.cols)
    meansInvVars = Matrix(rows: means.rows, cols: means.cols)
    for i in 0..<means.data.count {
      let inverse = 1 / variances.data[i]
      invVars.data[i] = Float(inverse)
      meansInvVars.data[i] = Float(means.data[i] * inverse)
    }
    gconsts = []
    computeGconsts()
  }

  /// A mixture in natural parameters as a model file holds it; gconsts are recomputed.
  init(weights: [Float], meansInvVars: Matrix<Float>, invVars: Matrix<Float>) {
    self.weights = weights
    self.meansInvVars = meansInvVars
    self.invVars = invVars
    gconsts = []
    computeGconsts()
  }

  /// Means (components × dim), in double as Kaldi's `DiagGmmNormal` holds them.
  public var means: Matrix<Double> {
    var m = Matrix<Double>(rows: numComponents, cols: dim)
    for i in 0..<m.data.count { m.data[i] = Double(meansInvVars.data[i]) / Double(invVars.data[i]) }
    return m
  }

  public var variances: Matrix<Double> {
    var v = Matrix<Double>(rows: numComponents, cols: dim)
    for i in 0..<v.data.count { v.data[i] = 1 / Double(invVars.data[i]) }
    return v
  }

  /// Kaldi's `ComputeGconsts`: log w − D/2 log 2π + ½ Σ (log ivar − mean² ivar), summed in float.
  /// Returns how many came out infinite (a zero weight gives −inf; +inf is negated).
  @discardableResult
  public mutating func computeGconsts() -> Int {
    let offset = Float(-0.5 * log(2 * Double.pi) * Double(dim))
    var infinite = 0
    gconsts = [Float](repeating: 0, count: numComponents)
    for c in 0..<numComponents {
      var gc = logf(weights[c]) + offset
      for d in 0..<dim {
        let iv = invVars[c, d], miv = meansInvVars[c, d]
        gc += Float(0.5 * Double(logf(iv)) - 0.5 * Double(miv) * Double(miv) / Double(iv))
      }
      if gc.isInfinite {
        infinite += 1
        if gc > 0 { gc = -gc }
      }
      gconsts[c] = gc
    }
    return infinite
  }

  /// Per-component log-likelihoods of one frame (gconst + miv·x − ½ iv·x²).
  public func componentLogLikelihoods(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
    meansInvVars.data.withUnsafeBufferPointer { miv in
      invVars.data.withUnsafeBufferPointer { iv in
        for c in 0..<numComponents {
          var sum = gconsts[c]
          let base = c * dim
          for d in 0..<dim {
            let v = x[d]
            sum += miv[base + d] * v - 0.5 * iv[base + d] * v * v
          }
          out[c] = sum
        }
      }
    }
  }

  /// Splits the heaviest component until there are `target` (Kaldi's `DiagGmm::Split`): its
  /// weight halves, and the copies' means move apart by ±`perturbFactor` standard deviations
  /// times a Gaussian draw.
  public mutating func split(to target: Int, perturbFactor: Float, random: inout GaussianRandom) {
    guard target > numComponents else { return }
    var current = numComponents
    weights += [Float](repeating: 0, count: target - current)
    var newMiv = Matrix<Float>(rows: target, cols: dim), newIv = Matrix<Float>(rows: target, cols: dim)
    newMiv.data.replaceSubrange(0..<meansInvVars.data.count, with: meansInvVars.data)
    newIv.data.replaceSubrange(0..<invVars.data.count, with: invVars.data)
    meansInvVars = newMiv
    invVars = newIv
    while current < target {
      var heaviest = 0
      for i in 1..<current where weights[i] > weights[heaviest] { heaviest = i }
      weights[heaviest] /= 2
      weights[current] = weights[heaviest]
      for d in 0..<dim {
        // A means-times-inverse-variance has the units of an inverse standard deviation.
        let step = perturbFactor * random.next() * invVars[heaviest, d].squareRoot()
        invVars[current, d] = invVars[heaviest, d]
        meansInvVars[current, d] = meansInvVars[heaviest, d] + step
        meansInvVars[heaviest, d] -= step
      }
      current += 1
    }
    computeGconsts()
  }

  /// Kaldi's `Perturb`: every mean moves by `factor` standard deviations times a Gaussian draw.
  public mutating func perturbMeans(by factor: Float, random: inout GaussianRandom) {
    for i in meansInvVars.data.indices {
      meansInvVars.data[i] += factor * random.next() * invVars.data[i].squareRoot()
    }
    computeGconsts()
  }

  /// Multiplies the weights without renormalising, as `gmm-boost-silence` does: every
  /// log-likelihood of the mixture rises by log(factor).
  public mutating func scaleWeights(by factor: Float) {
    for i in weights.indices { weights[i] *= factor }
    computeGconsts()
  }

  /// Drops components (Kaldi's `RemoveComponents` with renormalised weights).
  public mutating func removeComponents(_ indices: Set<Int>) {
    guard !indices.isEmpty else { return }
    let keep = (0..<numComponents).filter { !indices.contains($0) }
    let total = keep.reduce(Float(0)) { $0 + weights[$1] }
    var miv = Matrix<Float>(rows: keep.count, cols: dim), iv = Matrix<Float>(rows: keep.count, cols: dim)
    for (row, c) in keep.enumerated() {
      for d in 0..<dim {
        miv[row, d] = meansInvVars[c, d]
        iv[row, d] = invVars[c, d]
      }
    }
    weights = keep.map { weights[$0] / total }
    meansInvVars = miv
    invVars = iv
    computeGconsts()
  }
}

/// Kaldi's `LogSumExp` of a vector: terms more than log(FLT_EPSILON) below the largest are
/// dropped, the rest summed in double.
public func logSumExp(_ v: UnsafeBufferPointer<Float>) -> Float {
  guard var best = v.first else { return -.infinity }
  for x in v where x > best { best = x }
  let cutoff = best + logf(Float.ulpOfOne)
  var sum = 0.0
  for x in v where x >= cutoff { sum += exp(Double(x - best)) }
  return best + Float(log(sum))
}

/// Deterministic standard-normal draws (Box–Muller over a 64-bit LCG) for mixture splitting,
/// so a recipe run twice makes the same model.
public struct GaussianRandom: Sendable {
  private var state: UInt64
  private var spare: Float?

  public init(seed: UInt64) { state = seed &* 6364136223846793005 &+ 1442695040888963407 }

  private mutating func uniform() -> Double {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return (Double(state >> 11) + 0.5) / Double(1 << 53)
  }

  public mutating func next() -> Float {
    if let s = spare {
      spare = nil
      return s
    }
    let r = (-2 * log(uniform())).squareRoot(), angle = 2 * Double.pi * uniform()
    spare = Float(r * sin(angle))
    return Float(r * cos(angle))
  }
}
