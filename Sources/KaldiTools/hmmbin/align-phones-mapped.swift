import Decoding
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `align-phones-mapped`: forced (Viterbi) alignment of known transcripts to log-likelihoods.
public enum AlignPhonesMapped: KaldiTool {
  public static let name = "align-phones-mapped"
  public static let usage = """
    Forced alignment: the best path of each utterance's known transcript through its phones'
    HMMs, scored by pdf log-likelihoods (e.g. a network's log posteriors minus log priors), as
    Kaldi's align-mapped does with a training graph; written as transition-id alignments.
    Transcripts are phone-ids, or word-ids with --lexicon (an integer lexicon: word-id
    phone-ids...). Beam search with --beam, retried with --retry-beam when no path survives.
    Usage:  align-phones-mapped [options] <model-in> <loglikes-rspecifier> <transcriptions-rspecifier> <alignments-wspecifier>
    e.g.: align-phones-mapped --optional-silence=1 --lexicon=data/lang/lexicon.int final.mdl ark:loglikes.ark "ark:sym2int.pl -f 2- words.txt text |" "ark:| gzip -c > ali.1.gz"
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let beam = invocation.option("beam", Float(10), "Decoding beam used in alignment")
    let retryBeam = invocation.option("retry-beam", Float(40), "Decoding beam for second try at alignment (0 means no retry)")
    let scale = invocation.option("acoustic-scale", Float(1), "Scaling factor for acoustic likelihoods")
    let transitionScale = invocation.option("transition-scale", Float(1), "Transition-probability scale [relative to acoustics]")
    let selfLoopScale = invocation.option("self-loop-scale", Float(1), "Scale of self-loop versus non-self-loop log probs [relative to acoustics]")
    let lexiconFile = invocation.option("lexicon", "", "Integer lexicon (word-id phone-ids...) when transcripts are word-ids")
    let silence = invocation.option("optional-silence", 0, "Phone-id of the optional silence between words and at the ends (0: none)")
    let silenceProbability = invocation.option("silence-prob", Float(0.5), "Probability of the optional silence")
    let args = try invocation.arguments(4)
    let model = try TransitionModelReader.read(args[0])
    var builder = TrainingGraphBuilder(model: model)
    builder.transitionScale = transitionScale.value
    builder.selfLoopScale = selfLoopScale.value
    let transcripts = try AlignmentTranscripts(lexiconFile: lexiconFile.value)
    let loglikes = try SequentialTableReader<MatrixHolder<Float>>(args[1])
    let texts = try RandomAccessTableReader<Int32VectorHolder>(args[2])
    let writer = try TableWriter<Int32VectorHolder>(args[3])
    var done = 0, noTranscript = 0, failed = 0, retried = 0
    var totalLike = 0.0, frames = 0
    while let (key, matrix) = try loglikes.next() {
      guard try texts.hasKey(key) else {
        KaldiLog.warn("No transcript for utterance \(key)")
        noTranscript += 1
        continue
      }
      let fst = try builder.graph(words: try transcripts.words(try texts.value(for: key), key: key),
                                  optionalSilence: silence.value > 0 ? Int32(silence.value) : nil,
                                  silenceProbability: silenceProbability.value)
      let decodable: MappedMatrixDecodable
      do {
        decodable = try MappedMatrixDecodable(model: model, loglikes: matrix, scale: scale.value)
      } catch let e as KaldiError {
        throw KaldiError("\(e.message) (utterance \(key) of \(args[1]))")
      }
      var options = DecoderOptions()
      options.beam = beam.value
      var decoder = FasterDecoder(fst: fst, options: options)
      decoder.decode(decodable)
      if !decoder.reachedFinal && retryBeam.value > 0 {
        KaldiLog.warn("Retrying utterance \(key) with beam \(retryBeam.value.optionDescription)")
        options.beam = retryBeam.value
        decoder = FasterDecoder(fst: fst, options: options)
        decoder.decode(decodable)
        retried += 1
      }
      guard decoder.reachedFinal, let path = decoder.bestPath() else {
        KaldiLog.warn("Did not successfully align utterance \(key), len = \(matrix.rows)")
        failed += 1
        continue
      }
      try writer.write(key, path.alignment)
      totalLike += Double(-path.graphCost - path.acousticCost)
      frames += matrix.rows
      done += 1
    }
    try writer.close()
    KaldiLog.log("Overall log-likelihood per frame is \(formatG(totalLike / Double(max(frames, 1)), precision: 6)) over \(frames) frames.")
    KaldiLog.log("Retried \(retried) out of \(done + failed) utterances.")
    KaldiLog.log("Done \(done), errors on \(noTranscript + failed)")
    return done != 0 ? 0 : 1
  }
}
