import Decoding
import KaldiBase
import KaldiIO

/// `ali-to-pdf`: transition-id alignments to pdf-id alignments (network targets).
public enum AliToPdf: KaldiTool {
  public static let name = "ali-to-pdf"
  public static let usage = """
    Converts alignments (containing transition-ids) to pdf-ids, zero-based.
    Usage:  ali-to-pdf  [options] <model> <alignments-rspecifier> <pdfs-wspecifier>
    e.g.: 
     ali-to-pdf 1.mdl ark:1.ali ark,t:-
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let args = try invocation.arguments(3)
    let model = try TransitionModelReader.read(args[0])
    let done = try copyTable(args[1], Int32VectorHolder.self, to: args[2], Int32VectorHolder.self) { key, alignment in
      try alignment.map { tid in
        guard model.isValid(transitionId: tid) else {
          throw KaldiError("Transition-id \(tid) in the alignment of \(key) is out of range for \(args[0]) (\(model.numTransitionIds) transition-ids): model and alignment do not match")
        }
        return model.pdf(of: tid)
      }
    }
    KaldiLog.log("Converted \(done) alignments to pdf sequences.")
    return 0
  }
}
