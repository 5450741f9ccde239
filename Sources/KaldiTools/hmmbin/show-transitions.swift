import Decoding
import KaldiBase
import KaldiIO
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

/// `show-transitions`: the transition model in human-readable form.
public enum ShowTransitions: KaldiTool {
  public static let name = "show-transitions"
  public static let usage = """
    Print debugging info from transition model, in human-readable form
    Usage:  show-transitions <phones-symbol-table> <transition/model-file> [<occs-file>]
    e.g.: 
     show-transitions phones.txt 1.mdl 1.occs
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(2...3)
    let phones = try SymbolTable(args[0])
    let model = try TransitionModelReader.read(args[1])
    let occs = args.count == 3 ? try readKaldiObject(VectorHolder<Double>.self, from: args[2]).data : nil
    if let occs, occs.count != model.numPdfs {
      throw KaldiError("Occupation counts in \(args[2]) have dimension \(occs.count), the model has \(model.numPdfs) pdfs")
    }
    var text = ""
    for s in 1..<(model.numTransitionStates + 1) {
      let tuple = model.tuples[s - 1]
      guard let name = phones.symbol(Int(tuple.phone)) else { throw KaldiError("Phone \(tuple.phone) is not in \(args[0])") }
      text += "Transition-state \(s): phone = \(name) hmm-state = \(tuple.hmmState)"
      text += model.topology.isHmm ? " pdf = \(tuple.forwardPdf)\n" : " forward-pdf = \(tuple.forwardPdf) self-loop-pdf = \(tuple.selfLoopPdf)\n"
      for k in 0..<model.transitionCount(ofState: s) {
        let tid = model.firstTransitionId(ofState: s) + Int32(k)
        text += " Transition-id = \(tid) p = \(formatG(Double(model.transitionProbability(tid)), precision: 6))"
        let selfLoop = model.isSelfLoop(tid)
        if let occs { text += " count of pdf = \(formatG(occs[Int(selfLoop ? tuple.selfLoopPdf : tuple.forwardPdf)], precision: 6))" }
        text += selfLoop ? " [self-loop]\n" : " [\(tuple.hmmState) -> \(model.destination(of: tid))]\n"
      }
    }
    let out = try OutputStream.open("-")
    try out.write(text)
    try out.commit()
    return 0
  }
}
