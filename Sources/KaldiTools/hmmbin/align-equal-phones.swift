import Decoding
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `align-equal-phones`: flat-start alignments, frames shared evenly among the HMM states.
public enum AlignEqualPhones: KaldiTool {
  public static let name = "align-equal-phones"
  public static let usage = """
    Write equally spaced alignments (for flat-start training), as Kaldi's align-equal: each
    utterance's frames are shared evenly among the emitting HMM states of its transcript's
    phones (first pronunciation of each word with --lexicon).
    Usage:  align-equal-phones [options] <model-in> <features-rspecifier> <transcriptions-rspecifier> <alignments-wspecifier>
    e.g.: align-equal-phones final.mdl scp:data/train/feats.scp ark:data/train/text.int ark:equal.ali
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let lexiconFile = invocation.option("lexicon", "", "Integer lexicon (word-id phone-ids...) when transcripts are word-ids")
    let args = try invocation.arguments(4)
    let model = try TransitionModelReader.read(args[0])
    let transcripts = try AlignmentTranscripts(lexiconFile: lexiconFile.value)
    let feats = try SequentialTableReader<MatrixHolder<Float>>(args[1])
    let texts = try RandomAccessTableReader<Int32VectorHolder>(args[2])
    let writer = try TableWriter<Int32VectorHolder>(args[3])
    var done = 0, errors = 0
    while let (key, m) = try feats.next() {
      guard try texts.hasKey(key) else {
        KaldiLog.warn("AlignEqual: no transcription for utterance \(key)")
        errors += 1
        continue
      }
      let phones = try transcripts.words(try texts.value(for: key), key: key).flatMap { $0[0] }
      guard let alignment = try equalAlignment(model: model, phones: phones, frames: m.rows) else {
        KaldiLog.warn("AlignEqual: did not align utterance \(key): \(m.rows) frames are too few for \(phones.count) phones")
        errors += 1
        continue
      }
      try writer.write(key, alignment)
      done += 1
    }
    try writer.close()
    KaldiLog.log("Success: done \(done) utterances.")
    return done != 0 ? 0 : 1
  }
}
