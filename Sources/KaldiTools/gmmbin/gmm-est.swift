import Decoding
import Gmm
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `gmm-est`: maximum-likelihood re-estimation of a GMM model (and its transitions) from statistics.
public enum GmmEst: KaldiTool {
  public static let name = "gmm-est"
  public static let usage = """
    Do Maximum Likelihood re-estimation of GMM-based acoustic model
    Usage:  gmm-est [options] <model-in> <stats-in> <model-out>
    e.g.: gmm-est 1.mdl 1.acc 2.mdl
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", true, "Write output in binary mode")
    let mixUp = Setting(MixUpOptions())
    MixUpOptions.register(invocation.options, mixUp)
    let updateFlags = invocation.option("update-flags", "mvwt", "Which GMM parameters to update: subset of mvwt.")
    let writeOccs = invocation.option("write-occs", "", "File to write pdf occupation counts to.")
    let transitionOptions = Setting(MleTransitionUpdateOptions())
    MleTransitionUpdateOptions.register(invocation.options, transitionOptions)
    let gmmOptions = Setting(MleDiagGmmOptions())
    MleDiagGmmOptions.register(invocation.options, gmmOptions)
    let args = try invocation.arguments(3)
    let flags = try GmmUpdateFlags(letters: updateFlags.value)

    var model = try GmmModelFile.read(args[0])
    let stats = try GmmStats.read(args[1])
    guard stats.pdfs.count == model.acousticModel.numPdfs, stats.transitionCounts.count == model.transitionModel.numTransitionIds + 1 else {
      throw KaldiError("Statistics \(args[1]) (\(stats.pdfs.count) pdfs, \(stats.transitionCounts.count - 1) transition-ids) do not match model \(args[0])")
    }
    if flags.contains(.transitions) {
      let t = try model.transitionModel.updated(from: stats.transitionCounts, options: transitionOptions.value)
      model.transitionModel = t.model
      KaldiLog.log("TransitionModel::Update, objf change is \(formatG(t.objectiveImprovement / t.count, precision: 6)) per frame over \(formatG(t.count, precision: 6)) frames. ")
      KaldiLog.log("\(t.floored) probabilities floored, \(t.skipped) out of \(model.transitionModel.numTransitionStates) transition-states skipped due to insuffient data (it is normal to have some skipped.)")
      KaldiLog.log("Transition model update: Overall \(formatG(t.objectiveImprovement / t.count, precision: 6)) log-like improvement per frame over \(formatG(t.count, precision: 6)) frames.")
    }
    let summary = model.acousticModel.update(from: stats, options: gmmOptions.value, flags: flags)
    KaldiLog.log("\(summary.flooredElements) variance elements floored in \(summary.flooredGaussians) Gaussians, out of \(model.acousticModel.numGaussians)")
    if gmmOptions.value.removeLowCountGaussians {
      KaldiLog.log("Removed \(summary.removedGaussians) Gaussians due to counts < --min-gaussian-occupancy=\(formatG(Double(gmmOptions.value.minGaussianOccupancy), precision: 6)) and --remove-low-count-gaussians=true")
    }
    KaldiLog.log("GMM update: Overall \(formatG(summary.objectiveImprovement / summary.count, precision: 6)) objective function improvement per frame over \(formatG(summary.count, precision: 6)) frames")
    KaldiLog.log("GMM update: Overall avg like per frame = \(formatG(stats.totalLogLikelihood / stats.totalFrames, precision: 6)) over \(formatG(stats.totalFrames, precision: 6)) frames.")
    if mixUp.value.target > 0 || !writeOccs.value.isEmpty {
      let occupancies = stats.pdfs.map { Double(Float($0.occupancy.reduce(0, +))) }
      if mixUp.value.target > 0 {
        // Kaldi draws from libc's rand() with its default seed: the same splits every run.
        var random = GaussianRandom(seed: 1)
        model.acousticModel.mixUp(occupancies: occupancies, options: mixUp.value, random: &random)
      }
      if !writeOccs.value.isEmpty {
        let out = try OutputStream.open(writeOccs.value)
        try VectorHolder<Float>.write(Vector(occupancies.map { Float($0) }), to: out, binary: false)
        try out.commit()
      }
    }
    try model.write(to: args[2], binary: binary.value)
    KaldiLog.log("Written model to \(args[2])")
    return 0
  }
}
