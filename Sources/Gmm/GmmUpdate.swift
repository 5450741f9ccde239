#if canImport(Glibc)
import Glibc
#endif
import Decoding
import KaldiBase
import KaldiMatrix

/// Kaldi's `MleDiagGmmOptions`: floors of the maximum-likelihood mixture update.
public struct MleDiagGmmOptions: Sendable {
  public var minGaussianWeight: Float = 1e-5
  public var minGaussianOccupancy: Float = 10
  public var minVariance: Float = 0.001
  public var removeLowCountGaussians = true
  public init() {}

  public static func register(_ po: ParseOptions, _ s: Setting<MleDiagGmmOptions>) {
    po.register("min-gaussian-weight", s, \.minGaussianWeight, "Min Gaussian weight before we remove it.")
    po.register("min-gaussian-occupancy", s, \.minGaussianOccupancy, "Minimum occupancy to update a Gaussian.")
    po.register("min-variance", s, \.minVariance, "Variance floor (absolute variance).")
    po.register("remove-low-count-gaussians", s, \.removeLowCountGaussians, "If true, remove Gaussians that fall below the floors.")
  }
}

/// Kaldi's `MleTransitionUpdateConfig`: floor and minimum count of the transition update.
public struct MleTransitionUpdateOptions: Sendable {
  public var floor: Float = 0.01
  public var minCount: Float = 5
  public init() {}

  public static func register(_ po: ParseOptions, _ s: Setting<MleTransitionUpdateOptions>) {
    po.register("transition-floor", s, \.floor, "Floor for transition probabilities")
    po.register("transition-min-count", s, \.minCount, "Minimum count required to update transitions from a state")
  }
}

/// Kaldi's mixing-up options of `gmm-est`: how many Gaussians to split up to, and how.
public struct MixUpOptions: Sendable {
  public var target = 0
  public var power: Float = 0.2
  public var perturbFactor: Float = 0.01
  public var minCount: Float = 20
  public init() {}

  public static func register(_ po: ParseOptions, _ s: Setting<MixUpOptions>) {
    po.register("mix-up", s, \.target, "Increase number of mixture components to this overall target.")
    po.register("power", s, \.power, "If mixing up, power to allocate Gaussians to states.")
    po.register("perturb-factor", s, \.perturbFactor, "While mixing up, perturb means by standard deviation times this factor.")
    po.register("min-count", s, \.minCount, "Minimum per-Gaussian count enforced while mixing up and down.")
  }
}

/// What one maximum-likelihood update changed, for the log lines of `gmm-est`.
public struct GmmUpdateSummary: Sendable {
  public var objectiveImprovement = 0.0
  public var count = 0.0
  public var flooredElements = 0
  public var flooredGaussians = 0
  public var removedGaussians = 0
}

extension DiagGmm {
  /// Kaldi's `MleDiagGmmUpdate`: each component with enough occupancy gets weight γ/Σγ, mean
  /// Σγx/γ and variance Σγx²/γ − mean² floored at `minVariance`; the others are removed (never
  /// the last) or keep their parameters with a floored weight.
  public mutating func update(from stats: DiagGmmStats, options: MleDiagGmmOptions, flags: GmmUpdateFlags,
                              summary: inout GmmUpdateSummary) {
    let before = objective(stats)
    let occupancySum = stats.occupancy.reduce(0, +)
    var weights = self.weights.map(Double.init), means = self.means, variances = self.variances
    var remove = Set<Int>()
    for c in 0..<numComponents {
      let occupancy = stats.occupancy[c]
      let probability = occupancySum > 0 ? occupancy / occupancySum : 1 / Double(numComponents)
      guard occupancy > Double(options.minGaussianOccupancy), probability > Double(options.minGaussianWeight) else {
        if options.removeLowCountGaussians && remove.count < numComponents - 1 {
          KaldiLog.warn("Too little data - removing Gaussian (weight \(formatFixed(probability, decimals: 6)), occupation count \(formatFixed(occupancy, decimals: 6)), vector size \(dim))")
          remove.insert(c)
        } else {
          KaldiLog.warn("Gaussian has too little data but not removing it because \(options.removeLowCountGaussians ? "it is the last Gaussian: i = " : "remove-low-count-gaussians == false: g = ")\(c), occ = \(formatG(occupancy, precision: 6)), weight = \(formatG(probability, precision: 6))")
          weights[c] = max(probability, Double(options.minGaussianWeight))
        }
        continue
      }
      if flags.contains(.weights) { weights[c] = probability }
      let oldMeans = (0..<dim).map { means[c, $0] }
      if flags.contains(.means) || flags.contains(.variances) {
        for d in 0..<dim { means[c, d] = stats.meanAccs[c, d] / occupancy }
      }
      if flags.contains(.variances) {
        var floored = 0
        defer {
          summary.flooredElements += floored
          if floored > 0 { summary.flooredGaussians += 1 }
        }
        for d in 0..<dim {
          var v = stats.varianceAccs[c, d] / occupancy - means[c, d] * means[c, d]
          // Variances alone: the statistics are about the new mean; move them to the old one.
          if !flags.contains(.means) { v += (oldMeans[d] - means[c, d]) * (oldMeans[d] - means[c, d]) }
          if v < Double(options.minVariance) {
            v = Double(options.minVariance)
            floored += 1
          }
          variances[c, d] = v
        }
      }
      if !flags.contains(.means) { for d in 0..<dim { means[c, d] = oldMeans[d] } }
    }
    self = DiagGmm(weights: weights, means: means, variances: variances)
    summary.objectiveImprovement += objective(stats) - before
    summary.count += occupancySum
    if !remove.isEmpty {
      removeComponents(remove)
      summary.removedGaussians += remove.count
    }
  }

  /// The auxiliary function of the statistics under this mixture (Kaldi's `MlObjective`):
  /// Σ_c γ_c gconst_c + miv_c·Σγx − ½ iv_c·Σγx².
  func objective(_ stats: DiagGmmStats) -> Double {
    var total = 0.0
    for c in 0..<numComponents {
      var term = stats.occupancy[c] * Double(gconsts[c])
      for d in 0..<dim {
        term += Double(meansInvVars[c, d]) * stats.meanAccs[c, d] - 0.5 * Double(invVars[c, d]) * stats.varianceAccs[c, d]
      }
      total += term
    }
    return total
  }
}

extension AmDiagGmm {
  /// Kaldi's `MleAmDiagGmmUpdate`: every pdf's mixture updated from its statistics.
  public mutating func update(from stats: GmmStats, options: MleDiagGmmOptions, flags: GmmUpdateFlags) -> GmmUpdateSummary {
    var summary = GmmUpdateSummary()
    for pdf in densities.indices {
      densities[pdf].update(from: stats.pdfs[pdf], options: options, flags: flags, summary: &summary)
    }
    return summary
  }

  /// Kaldi's `SplitByCount`: Gaussians given to pdfs in proportion to occupancy^power (at least
  /// `minCount` frames each), the heaviest components split to reach each pdf's share.
  public mutating func mixUp(occupancies: [Double], options: MixUpOptions, random: inout GaussianRandom) {
    let before = numGaussians
    let targets = splitTargets(occupancies: occupancies, total: options.target, power: options.power, minCount: options.minCount)
    for pdf in densities.indices where densities[pdf].numComponents < targets[pdf] {
      densities[pdf].split(to: targets[pdf], perturbFactor: options.perturbFactor, random: &random)
    }
    KaldiLog.log("Split \(numPdfs) states with target = \(options.target), power = \(formatG(Double(options.power), precision: 6)), perturb_factor = \(formatG(Double(options.perturbFactor), precision: 6)) and min_count = \(formatG(Double(options.minCount), precision: 6)), split #Gauss from \(before) to \(numGaussians)")
  }
}

/// Kaldi's `GetSplitTargets`: starting from one Gaussian per pdf, repeatedly gives one more to
/// the pdf with the largest occupancy^power per Gaussian, unless that would leave it fewer than
/// `minCount` frames per Gaussian (then it gets no more).
func splitTargets(occupancies: [Double], total: Int, power: Float, minCount: Float) -> [Int] {
  var counts = [Int](repeating: 1, count: occupancies.count)
  var weight = occupancies.map { Double(Float(pow($0, Double(power)))) }
  var assigned = occupancies.count
  while assigned < total {
    var best = -1, bestValue = 0.0
    for i in weight.indices {
      let value = weight[i] / (Double(counts[i]) + 1e-10)
      if value > bestValue {
        best = i
        bestValue = value
      }
    }
    guard best >= 0 else {
      KaldiLog.warn("Could not split up to \(total) due to min-count = \(formatG(Double(minCount), precision: 6)) (or no counts at all)")
      break
    }
    if Double(counts[best] + 1) * Double(minCount) >= occupancies[best] {
      weight[best] = 0
    } else {
      counts[best] += 1
      assigned += 1
    }
  }
  return counts
}

extension TransitionModel {
  /// Kaldi's `TransitionModel::MleUpdate`: each transition-state with at least `minCount`
  /// counts gets its transitions' relative frequencies, floored at `floor` and renormalised.
  /// Returns the model and the log line's numbers.
  public func updated(from counts: [Double], options: MleTransitionUpdateOptions)
    throws -> (model: TransitionModel, objectiveImprovement: Double, count: Double, floored: Int, skipped: Int)
  {
    var logProbs = self.logProbs
    var improvement = 0.0, total = 0.0, floored = 0, skipped = 0
    for state in 1...numTransitionStates {
      let first = Int(firstTransitionId(ofState: state)), n = transitionCount(ofState: state)
      let stateCounts = (0..<n).map { counts[first + $0] }
      let stateTotal = stateCounts.reduce(0, +)
      total += stateTotal
      guard stateTotal >= Double(options.minCount) else {
        skipped += 1
        continue
      }
      var probabilities = stateCounts.map { $0 / stateTotal }
      for _ in 0..<3 {
        let sum = probabilities.reduce(0, +)
        probabilities = probabilities.map { max($0 / sum, Double(options.floor)) }
      }
      for i in 0..<n {
        if probabilities[i] == Double(options.floor) { floored += 1 }
        improvement += stateCounts[i] * (log(probabilities[i]) - Double(logProbs[first + i]))
        logProbs[first + i] = Float(log(probabilities[i]))
      }
    }
    let model = try TransitionModel(topology: topology, tuples: tuples, logProbs: logProbs)
    return (model, improvement, total, floored, skipped)
  }
}
