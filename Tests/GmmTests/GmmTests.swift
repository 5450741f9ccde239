import Foundation
import Testing
@testable import Decoding
@testable import Gmm
import KaldiBase
import KaldiIO
import KaldiMatrix

/// Kaldi's GMM formats and arithmetic against a real Kaldi tri3 system, and the maximum-
/// likelihood updates against what they must compute on data of known shape.
struct GmmTests {
  static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  static let tri3 = here.deletingLastPathComponent().appendingPathComponent("DecodingTests/Fixtures/tri3").path
  static let fixtures = here.appendingPathComponent("Fixtures").path

  static func temporaryFile(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("ksnn-gmm-\(getpid())-\(name)").path
  }

  static func readTable(_ rspecifier: String) throws -> [String: Matrix<Float>] {
    var table: [String: Matrix<Float>] = [:]
    let reader = try SequentialTableReader<MatrixHolder<Float>>(rspecifier)
    while let (key, m) = try reader.next() { table[key] = m }
    return table
  }

  @Test func readsKaldisTri3ModelAndWritesTheSameBytes() throws {
    let model = try GmmModelFile.read(Self.tri3 + "/final.mdl")
    #expect(model.acousticModel.numPdfs == 264)
    #expect(model.acousticModel.dim == 40)
    #expect(model.acousticModel.numGaussians == 2006)   // Kaldi's gmm-info: number of gaussians 2006
    #expect(model.transitionModel.numTransitionIds == 626)
    let out = Self.temporaryFile("tri3.mdl")
    defer { try? FileManager.default.removeItem(atPath: out) }
    try model.write(to: out, binary: true)
    let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.tri3 + "/final.mdl")))
    let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
    #expect(original.count == written.count)
    // Everything but the recomputed gconsts is byte-identical; gconsts agree to float rounding.
    let differing = zip(original, written).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
    #expect(differing.count < 2006 * 4)
    let reread = try GmmModelFile.read(out)
    #expect(reread.acousticModel == model.acousticModel)
    for (a, b) in zip(model.acousticModel.densities, reread.acousticModel.densities) {
      #expect(a.weights == b.weights && a.meansInvVars == b.meansInvVars && a.invVars == b.invVars)
    }
  }

  @Test func textModelReadsBackEqual() throws {
    let model = try GmmModelFile.read(Self.tri3 + "/final.mdl")
    let out = Self.temporaryFile("tri3.txt.mdl")
    defer { try? FileManager.default.removeItem(atPath: out) }
    try model.write(to: out, binary: false)
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.contains("<DIMENSION> 40 <NUMPDFS> 264 <DiagGMM> \n<GCONSTS>  ["))
    let reread = try GmmModelFile.read(out)
    for (a, b) in zip(model.acousticModel.densities, reread.acousticModel.densities) {
      // Seven significant digits in text, as Kaldi writes them.
      for (x, y) in zip(a.meansInvVars.data, b.meansInvVars.data) { #expect(abs(x - y) <= 1e-6 * max(1, abs(x))) }
      #expect(zip(a.weights, b.weights).allSatisfy { abs($0 - $1) <= 1e-6 })
    }
  }

  @Test func logLikelihoodsMatchKaldisGmmComputeLikes() throws {
    let model = try GmmModelFile.read(Self.tri3 + "/final.mdl").acousticModel
    let features = try Self.readTable("ark:" + Self.fixtures + "/fmllr_dev2.ark")
    let kaldi = try Self.readTable("ark:" + Self.tri3 + "/loglikes.ark")
    #expect(features.count == 2)
    for (key, feats) in features {
      let ours = model.logLikelihoods(feats)
      let theirs = try #require(kaldi[key])
      #expect(ours.rows == theirs.rows && ours.cols == 264)
      // A log-likelihood is a difference of terms as large as the largest |log-likelihood| of
      // the utterance (thousands here): float rounding of those terms is the tolerance.
      let scale = theirs.data.map(abs).max() ?? 1
      var worst: Float = 0
      for (a, b) in zip(ours.data, theirs.data) { worst = max(worst, abs(a - b)) }
      #expect(worst < 2e-6 * scale, "\(key): difference \(worst) at scale \(scale)")
      // The per-frame product agrees with the per-component path that accumulation uses.
      var scratch = [Float](repeating: 0, count: 64)
      let gmm = model.densities[17]
      let frame = Array(feats.row(5))
      let direct = frame.withUnsafeBufferPointer { x in
        scratch.withUnsafeMutableBufferPointer { s in
          gmm.componentLogLikelihoods(x, into: s)
          return logSumExp(UnsafeBufferPointer(rebasing: s[0..<gmm.numComponents]))
        }
      }
      #expect(abs(direct - ours[5, 17]) < 1e-3)
    }
  }

  /// A deterministic sample of a two-component mixture in 2-D.
  static func mixtureSample(count: Int) -> Matrix<Float> {
    var random = GaussianRandom(seed: 7)
    var m = Matrix<Float>(rows: count, cols: 2)
    for t in 0..<count {
      let first = t % 4 != 0          // weights 0.75 / 0.25
      m[t, 0] = (first ? -2 : 3) + (first ? 0.5 : 1.0) * random.next()
      m[t, 1] = (first ? 1 : -1) + (first ? 1.0 : 0.3) * random.next()
    }
    return m
  }

  /// Accumulates every frame; returns the data's log-likelihood under `gmm`.
  @discardableResult
  static func accumulate(_ data: Matrix<Float>, into stats: inout DiagGmmStats, gmm: DiagGmm) -> Double {
    var scratch = [Float](repeating: 0, count: gmm.numComponents)
    var total = 0.0
    data.data.withUnsafeBufferPointer { x in
      scratch.withUnsafeMutableBufferPointer { s in
        for t in 0..<data.rows {
          let frame = UnsafeBufferPointer(rebasing: x[t * 2..<(t + 1) * 2])
          gmm.componentLogLikelihoods(frame, into: s)
          let like = logSumExp(UnsafeBufferPointer(s))
          total += Double(like)
          for c in s.indices { s[c] = expf(s[c] - like) }
          stats.accumulate(frame, posteriors: UnsafeBufferPointer(s))
        }
      }
    }
    return total
  }

  @Test func oneGaussianUpdateIsTheSampleMeanAndVariance() {
    let data = Self.mixtureSample(count: 400)
    var gmm = DiagGmm(weights: [1], means: Matrix(rows: 1, cols: 2, data: [0, 0]), variances: Matrix(rows: 1, cols: 2, data: [1, 1]))
    var stats = DiagGmmStats(components: 1, dim: 2, flags: .all)
    Self.accumulate(data, into: &stats, gmm: gmm)
    var summary = GmmUpdateSummary()
    gmm.update(from: stats, options: MleDiagGmmOptions(), flags: .all, summary: &summary)
    for d in 0..<2 {
      let column = (0..<400).map { Double(data[$0, d]) }
      let mean = column.reduce(0, +) / 400
      let variance = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 400
      #expect(abs(gmm.means[0, d] - mean) < 1e-5)
      #expect(abs(gmm.variances[0, d] - variance) < 1e-4 * variance)
    }
    #expect(summary.count == 400)
    #expect(summary.objectiveImprovement > 0)
  }

  @Test func emWithASplitRecoversATwoComponentMixture() {
    let data = Self.mixtureSample(count: 2000)
    var gmm = DiagGmm(weights: [1], means: Matrix(rows: 1, cols: 2, data: [0, 0]), variances: Matrix(rows: 1, cols: 2, data: [1, 1]))
    var random = GaussianRandom(seed: 1)
    var previous = -Double.infinity
    for iteration in 0..<30 {
      var stats = DiagGmmStats(components: gmm.numComponents, dim: 2, flags: .all)
      let likelihood = Self.accumulate(data, into: &stats, gmm: gmm)
      var summary = GmmUpdateSummary()
      if iteration > 2 { #expect(likelihood >= previous - 1e-2, "EM must not lose likelihood (iteration \(iteration))") }
      previous = likelihood
      gmm.update(from: stats, options: MleDiagGmmOptions(), flags: .all, summary: &summary)
      if iteration == 1 { gmm.split(to: 2, perturbFactor: 0.5, random: &random) }
    }
    let heavy = gmm.weights[0] > gmm.weights[1] ? 0 : 1, light = 1 - heavy
    #expect(abs(gmm.weights[heavy] - 0.75) < 0.02)
    #expect(abs(gmm.means[heavy, 0] + 2) < 0.1 && abs(gmm.means[heavy, 1] - 1) < 0.1)
    #expect(abs(gmm.means[light, 0] - 3) < 0.15 && abs(gmm.means[light, 1] + 1) < 0.1)
    #expect(abs(gmm.variances[heavy, 0] - 0.25) < 0.05 && abs(gmm.variances[light, 1] - 0.09) < 0.03)
  }

  @Test func splitHalvesTheHeaviestAndMovesTheCopiesApart() {
    var gmm = DiagGmm(weights: [0.3, 0.7], means: Matrix(rows: 2, cols: 1, data: [0, 10]), variances: Matrix(rows: 2, cols: 1, data: [1, 4]))
    var random = GaussianRandom(seed: 3)
    gmm.split(to: 3, perturbFactor: 0.1, random: &random)
    #expect(gmm.numComponents == 3)
    #expect(gmm.weights == [0.3, 0.35, 0.35])
    // The copies sit symmetrically about the old mean, within a few perturbations of it.
    #expect(abs((gmm.means[1, 0] + gmm.means[2, 0]) / 2 - 10) < 1e-5)
    #expect(gmm.means[1, 0] != gmm.means[2, 0] && abs(gmm.means[1, 0] - 10) < 1)
    #expect(abs(gmm.variances[2, 0] - 4) < 1e-5)
  }

  @Test func lowCountComponentsAreRemovedAndVariancesFloored() {
    var gmm = DiagGmm(weights: [0.5, 0.5], means: Matrix(rows: 2, cols: 1, data: [0, 5]), variances: Matrix(rows: 2, cols: 1, data: [1, 1]))
    var stats = DiagGmmStats(components: 2, dim: 1, flags: .all)
    stats.occupancy = [20, 5]           // the second below --min-gaussian-occupancy=10
    stats.meanAccs = Matrix(rows: 2, cols: 1, data: [20, 25])
    stats.varianceAccs = Matrix(rows: 2, cols: 1, data: [20.00001, 125])   // variance 1e-6: floored
    var summary = GmmUpdateSummary()
    gmm.update(from: stats, options: MleDiagGmmOptions(), flags: .all, summary: &summary)
    #expect(gmm.numComponents == 1)
    #expect(gmm.weights == [1])
    #expect(abs(gmm.means[0, 0] - 1) < 1e-6)
    #expect(abs(gmm.variances[0, 0] - 0.001) < 1e-7)
    #expect(summary.removedGaussians == 1 && summary.flooredElements == 1 && summary.flooredGaussians == 1)
  }

  @Test func splitTargetsFollowOccupancyAndMinCount() {
    // Worked by hand through Kaldi's GetSplitTargets (power 1, min-count 20).
    #expect(splitTargets(occupancies: [90, 400, 0, 50], total: 8, power: 1, minCount: 20) == [1, 5, 1, 1])
    #expect(splitTargets(occupancies: [90, 400, 0, 50], total: 12, power: 1, minCount: 20) == [2, 8, 1, 1])
    // pdf 0 may not go to 2 (2 x 20 >= 30), pdf 1 not to 5: the target is not reached.
    #expect(splitTargets(occupancies: [30, 100], total: 10, power: 1, minCount: 20) == [1, 4])
  }

  static func oneStateModel() throws -> TransitionModel {
    let topology = HmmTopology(
      phones: [1], phoneToEntry: [-1, 0],
      entries: [[
        .init(forwardPdfClass: 0, selfLoopPdfClass: 0, transitions: [(destination: 0, probability: 0.75), (destination: 1, probability: 0.25)]),
        .init(forwardPdfClass: -1, selfLoopPdfClass: -1, transitions: []),
      ]], isHmm: true)
    return try TransitionModel.monophone(topology)
  }

  @Test func transitionUpdateIsRelativeFrequencyFlooredThreeTimes() throws {
    let model = try Self.oneStateModel()
    #expect(model.numTransitionIds == 2)
    let plain = try model.updated(from: [0, 60, 40], options: MleTransitionUpdateOptions())
    #expect(abs(plain.model.transitionProbability(1) - 0.6) < 1e-6 && abs(plain.model.transitionProbability(2) - 0.4) < 1e-6)
    #expect(plain.count == 100 && plain.floored == 0 && plain.skipped == 0)
    // 100 : 0.5 floors the exit at 0.01 and, as Kaldi, does not renormalise after the last floor.
    let floored = try model.updated(from: [0, 100, 0.5], options: MleTransitionUpdateOptions())
    #expect(abs(floored.model.transitionProbability(2) - 0.01) < 1e-7)
    #expect(abs(floored.model.transitionProbability(1) - 0.990005) < 1e-5)
    #expect(floored.floored == 1)
    let skipped = try model.updated(from: [0, 3, 1], options: MleTransitionUpdateOptions())
    #expect(skipped.skipped == 1 && skipped.model.logProbs == model.logProbs)
  }

  @Test func statisticsFilesRoundTripAndTruncationIsAnError() throws {
    let model = try GmmModelFile.read(Self.tri3 + "/final.mdl")
    var stats = GmmStats(model: model)
    let feats = try Self.readTable("ark:" + Self.fixtures + "/fmllr_dev2.ark")["FDBM0_SX23"]!
    var scratch = [Float](repeating: 0, count: 64)
    feats.data.withUnsafeBufferPointer { x in
      scratch.withUnsafeMutableBufferPointer { s in
        for t in 0..<feats.rows {
          stats.accumulate(frame: UnsafeBufferPointer(rebasing: x[t * 40..<(t + 1) * 40]), transitionId: Int32(1 + t % 626),
                           pdf: Int(model.transitionModel.pdf(of: Int32(1 + t % 626))), model: model.acousticModel, scratch: s)
        }
      }
    }
    #expect(stats.totalFrames == Double(feats.rows))
    for binary in [true, false] {
      let out = Self.temporaryFile("stats-\(binary).acc")
      defer { try? FileManager.default.removeItem(atPath: out) }
      try stats.write(to: out, binary: binary)
      let back = try GmmStats.read(out)
      #expect(back.transitionCounts == stats.transitionCounts)
      #expect(back.totalFrames == stats.totalFrames && abs(back.totalLogLikelihood - stats.totalLogLikelihood) < 1e-3 * abs(stats.totalLogLikelihood))
      for (a, b) in zip(stats.pdfs, back.pdfs) {
        #expect(zip(a.occupancy, b.occupancy).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($0)) })
        #expect(zip(a.varianceAccs.data, b.varianceAccs.data).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($0)) })
      }
      if binary {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: out)))
        // A size field claiming 2^31-1 Gaussians is an error, not a 2^31 x 40 allocation.
        let token = Array("<NUMCOMPONENTS> ".utf8)
        let at = try #require((0..<(bytes.count - token.count)).first { Array(bytes[$0..<$0 + token.count]) == token })
        var huge = bytes
        huge.replaceSubrange(at + token.count + 1..<at + token.count + 5, with: [0xFF, 0xFF, 0xFF, 0x7F])
        try Data(huge).write(to: URL(fileURLWithPath: out))
        let sizeError = #expect(throws: KaldiError.self) { try GmmStats.read(out) }
        #expect(sizeError?.message.contains("expected 2147483647") == true)
        bytes.removeLast(bytes.count / 2)
        try Data(bytes).write(to: URL(fileURLWithPath: out))
        let error = #expect(throws: KaldiError.self) { try GmmStats.read(out) }
        #expect(error?.message.contains("at byte") == true)
      }
    }
  }
}
