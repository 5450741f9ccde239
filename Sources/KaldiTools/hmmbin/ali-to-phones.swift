import Decoding
import KaldiBase
import KaldiIO
import Scoring

/// `ali-to-phones`: transition-id alignments to phone sequences, per-frame phones or CTM.
public enum AliToPhones: KaldiTool {
  public static let name = "ali-to-phones"
  public static let usage = """
    Convert model-level alignments to phone-sequences (in integer, not text, form)
    Usage:  ali-to-phones  [options] <model> <alignments-rspecifier> <phone-transcript-wspecifier|ctm-wxfilename>
    e.g.: 
     ali-to-phones 1.mdl ark:1.ali ark:-
    or:
     ali-to-phones --ctm-output 1.mdl ark:1.ali 1.ctm
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let ctm = invocation.option("ctm-output", false, "If true, output the alignments in ctm format (the confidences will be set to 1)")
    let frameShift = invocation.option("frame-shift", Float(0.01), "frame shift used to control the times of the ctm output")
    let perFrame = invocation.option("per-frame", false, "If true, write out the frame-level phone alignment (else phone sequence)")
    let lengths = invocation.option("write-lengths", false, "If true, write the #frames for each phone (different format)")
    let args = try invocation.arguments(3)
    if perFrame.value && lengths.value { throw KaldiError.usage("--per-frame and --write-lengths cannot both be true") }
    let model = try TransitionModelReader.read(args[0])
    let reader = try SequentialTableReader<Int32VectorHolder>(args[1])
    let phonesOut = !ctm.value && !lengths.value ? try TableWriter<Int32VectorHolder>(args[2]) : nil
    let pairsOut = !ctm.value && lengths.value ? try TableWriter<TokenVectorHolder>(args[2]) : nil
    let ctmOut = ctm.value ? try OutputStream.open(args[2]) : nil
    // Kaldi prints times with precision(frame_shift >= 0.01 ? 2 : 3); 0.01f is below 0.01.
    let decimals = Double(frameShift.value) >= 0.01 ? 2 : 3
    var done = 0
    while let (key, alignment) = try reader.next() {
      let pieces = try AlignmentSplitter(model: model).splitToPhones(alignment, key: key)
      if let ctmOut {
        var start: Float = 0
        for piece in pieces {
          let duration = frameShift.value * Float(piece.count)
          try ctmOut.write("\(key) 1 \(formatFixed(Double(start), decimals: decimals)) \(formatFixed(Double(duration), decimals: decimals)) \(model.phone(of: piece[0]))\n")
          start += duration
        }
      } else if let pairsOut {
        var tokens: [String] = []
        for (i, piece) in pieces.enumerated() {
          tokens += [String(model.phone(of: piece[0])), String(piece.count)]
          if i + 1 < pieces.count { tokens.append(";") }
        }
        try pairsOut.write(key, tokens)
      } else if let phonesOut {
        var phones: [Int32] = []
        for piece in pieces {
          let phone = model.phone(of: piece[0])
          phones += perFrame.value ? [Int32](repeating: phone, count: piece.count) : [phone]
        }
        try phonesOut.write(key, phones)
      }
      done += 1
    }
    try phonesOut?.close()
    try pairsOut?.close()
    try ctmOut?.commit()
    KaldiLog.log("Done \(done) utterances.")
    return 0
  }
}
