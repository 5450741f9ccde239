import Decoding
import Gmm
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `gmm-init-mono`: a monophone GMM model, every pdf one Gaussian at the global mean and variance.
public enum GmmInitMono: KaldiTool {
  public static let name = "gmm-init-mono"
  public static let usage = """
    Initialize monophone GMM.
    Usage:  gmm-init-mono <topology-in> <dim> <model-out> <tree-out> 
    e.g.: 
     gmm-init-mono topo 39 mono.mdl mono.tree
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", true, "Write output in binary mode")
    let trainFeats = invocation.option("train-feats", "", "rspecifier for training features [used to set mean and variance]")
    let perturbFactor = invocation.option("perturb-factor", Float(0), "Perturb the means using this fraction of standard deviation.")
    let args = try invocation.arguments(4)
    guard let dim = Int(args[1]), dim > 0, dim < 10000 else { throw KaldiError("Invalid feature dimension \(args[1])") }
    var mean = [Double](repeating: 1, count: dim), variance = [Double](repeating: 1, count: dim)
    if !trainFeats.value.isEmpty {
      (mean, variance) = try globalMeanAndVariance(trainFeats.value, dim: dim)
    }
    let transitions = try TransitionModel.monophone(try TransitionModelReader.readTopology(file: args[0]))
    var gmm = DiagGmm(weights: [1], means: Matrix(rows: 1, cols: dim, data: mean), variances: Matrix(rows: 1, cols: dim, data: variance))
    var random = GaussianRandom(seed: 1)
    var densities: [DiagGmm] = []
    for _ in 0..<transitions.numPdfs {
      if perturbFactor.value != 0 { gmm.perturbMeans(by: perturbFactor.value, random: &random) }
      densities.append(gmm)
    }
    let model = GmmModelFile(transitionModel: transitions, acousticModel: AmDiagGmm(densities: densities, dim: dim))
    try model.write(to: args[2], binary: binary.value)
    try MonophoneTree(transitions).write(to: args[3], binary: binary.value)
    KaldiLog.log("Wrote tree and model.")
    return 0
  }

  /// The features' mean and variance over all frames (Kaldi floors nothing: a variance ≤ 0 is an error).
  private static func globalMeanAndVariance(_ rspecifier: String, dim: Int) throws -> ([Double], [Double]) {
    var sum = [Double](repeating: 0, count: dim), sumSquares = sum, count = 0.0
    let reader = try SequentialTableReader<MatrixHolder<Float>>(rspecifier)
    while let (key, m) = try reader.next() {
      guard m.cols == dim else { throw KaldiError("Features of utterance \(key) in \(rspecifier) have dimension \(m.cols), expected \(dim)") }
      for t in 0..<m.rows {
        for d in 0..<dim {
          let v = Double(m[t, d])
          sum[d] += v
          sumSquares[d] += v * v
        }
      }
      count += Double(m.rows)
    }
    guard count > 0 else { throw KaldiError("no features were seen.") }
    let mean = sum.map { $0 / count }
    let variance = (0..<dim).map { sumSquares[$0] / count - mean[$0] * mean[$0] }
    guard variance.allSatisfy({ $0 > 0 }) else { throw KaldiError("bad variance") }
    return (mean, variance)
  }
}
