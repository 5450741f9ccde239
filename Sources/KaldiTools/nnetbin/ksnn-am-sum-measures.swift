import AcousticModels
import KaldiBase
import KaldiIO

/// `ksnn-am-sum-measures`: the measures of a whole set from those of the jobs that each ran
/// ksnn-am-forward over a part of it (as gmm-sum-accs sums the jobs' statistics).
public enum KsnnAmSumMeasures: KaldiTool {
  public static let name = "ksnn-am-sum-measures"
  public static let usage = """
    Sum the measures files (--measures of ksnn-am-forward) of parallel jobs over parts of one
    set: zero outputs, multiplications and frame accuracy of the whole set, as one job over all
    of it would have written them.

    Usage:  ksnn-am-sum-measures [options] <model-in> <measures-out> <measures-in1> [<measures-in2> ...]
    e.g.: ksnn-am-sum-measures exp/v2/final.mdl exp/v2/decode_test/measures.json exp/v2/decode_test/measures.{1,2}.json
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(3...Int.max)
    let model = try AcousticModel.load(args[0])
    var total = Measures(config: model.config)
    for path in args[2...] {
      let text = String(decoding: try InputStream.readWhole(path), as: UTF8.self)
      total.add(try Measures(json: text, config: model.config, path: path))
    }
    try OutputStream.writeWhole(total.json(parameters: model.parameterCounts), to: args[1])
    KaldiLog.log("Summed the measures of \(args.count - 2) jobs: \(total.frames) frames")
    return 0
  }
}
