import KaldiBase
import KaldiIO
import Scoring

/// `timit-norm-trans`: folds TIMIT phone transcripts 60→48, 60→39 or 48→39.
public enum TimitNormTrans: KaldiTool {
  public static let name = "timit-norm-trans"
  public static let usage = """
    Normalizes phonetic transcriptions for TIMIT by mapping the phones to the 48- or 39-phone
    set of a phones.60-48-39.map file, as Kaldi's egs/timit/s5/local/timit_norm_trans.pl:
    the glottal stop q is deleted, mapped phones are replaced, other tokens pass through.
    Input lines are an utterance id followed by its phones.

    Usage: timit-norm-trans [options] --map=<phones.60-48-39.map> --to=(48|39) <in-text> <out-text>
     e.g.: timit-norm-trans --map=conf/phones.60-48-39.map --from=48 --to=39 hyp.txt hyp39.txt
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let mapFile = invocation.option("map", "", "The phone map: lines 'p60 p48 p39' (and 'q')")
    let from = invocation.option("from", 60, "Number of phones of the input: 60 or 48")
    let to = invocation.option("to", 0, "Number of phones of the output: 48 or 39")
    let args = try invocation.arguments(2)
    guard !mapFile.value.isEmpty, to.value != 0 else { throw KaldiError.usage("--map and --to are required") }
    let folding = try PhoneFolding(mapFile: mapFile.value, from: from.value, to: to.value)
    let input = try InputStream.open(args[0])
    let out = try OutputStream.open(args[1])
    var lineNumber = 0
    while let line = try input.readLine() {
      lineNumber += 1
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
      guard let key = fields.first else { continue }
      try out.write(([key] + folding.fold(Array(fields.dropFirst()))).joined(separator: " ") + "\n")
    }
    try input.close()
    try out.commit()
    return 0
  }
}
