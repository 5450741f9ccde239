import Decoding
import KaldiBase
import KaldiIO
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

/// `decode-faster-mapped`: Viterbi beam search over HCLG with pdf log-likelihoods (e.g. a
/// network's log posteriors minus log priors), writing word-ids and alignments.
public enum DecodeFasterMapped: KaldiTool {
  public static let name = "decode-faster-mapped"
  public static let usage = """
    Decode, reading log-likelihoods as matrices
     (model is needed only for the integer mappings in its transition-model)
    Usage:   decode-faster-mapped [options] <model-in> <fst-in> <loglikes-rspecifier> <words-wspecifier> [<alignments-wspecifier>]
     e.g.: decode-faster-mapped --acoustic-scale=0.2 --beam=13 --max-active=7000 final.mdl HCLG.fst ark:loglikes.ark ark,t:words.int ark,t:ali.txt
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let options = Setting(DecoderOptions())
    let po = invocation.options
    DecoderOptions.register(po, options, \.self)
    _ = invocation.option("binary", true, "Write output in binary mode")
    let scale = invocation.option("acoustic-scale", Float(0.1), "Scaling factor for acoustic likelihoods")
    let allowPartial = invocation.option("allow-partial", true, "Produce output even when final state was not reached")
    let wordSymbols = invocation.option("word-symbol-table", "", "Symbol table for words [for debug output]")
    let args = try invocation.arguments(4...5)
    guard options.value.maxActive > 1, options.value.minActive >= 0, options.value.minActive < options.value.maxActive else {
      throw KaldiError.usage("Need --max-active > 1 and 0 <= --min-active < --max-active")
    }
    let model = try TransitionModelReader.read(args[0])
    let words = try TableWriter<Int32VectorHolder>(args[3])
    let alignments = args.count == 5 ? try TableWriter<Int32VectorHolder>(args[4]) : nil
    let symbols = wordSymbols.value.isEmpty ? nil : try SymbolTable(wordSymbols.value)
    let loglikes = try SequentialTableReader<MatrixHolder<Float>>(args[2])
    let mapped = MappedDecoding(model: model, modelName: args[0], loglikesName: args[2])
    let fst = try mapped.graph(args[1])
    let decoder = FasterDecoder(fst: fst, options: options.value)
    var totalLike: Float = 0
    var frames = 0, succeeded = 0, failed = 0
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    while let (key, matrix) = try loglikes.next() {
      if matrix.rows == 0 {
        KaldiLog.warn("Zero-length utterance: \(key)")
        failed += 1
        continue
      }
      let decodable = try mapped.decodable(key, matrix, scale: scale.value)
      decoder.decode(decodable)
      guard allowPartial.value || decoder.reachedFinal, let path = decoder.bestPath() else {
        failed += 1
        KaldiLog.warn("Did not successfully decode utterance \(key), len = \(matrix.rows)")
        continue
      }
      succeeded += 1
      if !decoder.reachedFinal { KaldiLog.warn("Decoder did not reach end-state, outputting partial traceback.") }
      frames += matrix.rows
      try words.write(key, path.words)
      try alignments?.write(key, path.alignment)
      if let symbols { writeToStandardError(try symbols.line(key, path.words)) }
      let like = -path.graphCost - path.acousticCost
      totalLike += like
      KaldiLog.log("Log-like per frame for utterance \(key) is \(formatG(Double(like / Float(matrix.rows)), precision: 6)) over \(matrix.rows) frames.")
    }
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &end)
    let elapsed = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) * 1e-9
    try words.close()
    try alignments?.close()
    KaldiLog.log("Time taken [excluding initialization] \(formatG(elapsed, precision: 6))s: real-time factor assuming 100 frames/sec is \(formatG(elapsed * 100 / Double(frames), precision: 6))")
    KaldiLog.log("Done \(succeeded) utterances, failed for \(failed)")
    KaldiLog.log("Overall log-likelihood per frame is \(formatG(Double(totalLike / Float(frames)), precision: 6)) over \(frames) frames.")
    return succeeded != 0 ? 0 : 1
  }
}
