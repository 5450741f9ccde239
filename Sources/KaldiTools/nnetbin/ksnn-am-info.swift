import AcousticModels
import KaldiBase

/// `ksnn-am-info`: what a model file holds: architecture, options, parameters per tensor.
public enum KsnnAmInfo: KaldiTool {
  public static let name = "ksnn-am-info"
  public static let usage = """
    Print the architecture, configuration and parameter counts (total, recurrent stack, per
    tensor) of a ksnn acoustic model.

    Usage:  ksnn-am-info [options] <model-in>
    e.g.: ksnn-am-info exp/v2/final.mdl
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(1)
    let file = try ModelFile.read(args[0])
    let model = try file.makeModel(path: args[0])
    var text = ""
    for (key, value) in model.config.keyValues { text += "\(key) \(value)\n" }
    let (stack, head) = model.parameterCounts
    text += "num-parameters \(stack + head)\n"
    text += "num-parameters-recurrent-stack \(stack)\n"
    text += "num-parameters-output \(head)\n"
    model.visitParameters { p in text += "parameter \(p.name) \(p.rows)x\(p.cols)\n" }
    if let epoch = file.value("train.epoch") { text += "checkpoint-next-epoch \(epoch)\n" }
    print(text, terminator: "")
    return 0
  }
}
