import Gmm
import KaldiBase
import KaldiIO

/// `gmm-sum-accs`: the sum of several GMM statistics files (parallel jobs' accumulators).
public enum GmmSumAccs: KaldiTool {
  public static let name = "gmm-sum-accs"
  public static let usage = """
    Sum multiple accumulated stats files for GMM training.
    Usage: gmm-sum-accs [options] <stats-out> <stats-in1> <stats-in2> ...
    E.g.: gmm-sum-accs 1.acc 1.1.acc 1.2.acc
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", true, "Write output in binary mode")
    let args = try invocation.arguments(2...Int.max)
    var total = try GmmStats.read(args[1])
    for file in args.dropFirst(2) { try total.add(try GmmStats.read(file)) }
    KaldiLog.log("Summed \(args.count - 1) stats, total count \(formatG(total.totalFrames, precision: 6)), avg like/frame \(formatG(total.totalLogLikelihood / total.totalFrames, precision: 6))")
    KaldiLog.log("Total count of stats is \(formatG(total.pdfs.reduce(0) { $0 + $1.occupancy.reduce(0, +) }, precision: 6))")
    try total.write(to: args[0], binary: binary.value)
    KaldiLog.log("Written stats to \(args[0])")
    return 0
  }
}
