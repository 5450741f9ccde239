import Features
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `apply-cmvn-online`: on-line CMVN over whole feature matrices, frame by frame as the
/// on-line decoder applies it, so that networks can be trained and tested on what on-line
/// recognition will see.
public enum ApplyCmvnOnline: KaldiTool {
  public static let name = "apply-cmvn-online"
  public static let usage = """
    Apply online cepstral mean (and possibly variance) computation online,
    using the same code as used for online decoding in the 'new' setup in
    online2/ and online2bin/.  If the --spk2utt option is used, it uses
    prior utterances from the same speaker to back off to at the utterance
    beginning.  See also apply-cmvn-sliding.

    Usage: apply-cmvn-online [options] <global-cmvn-stats> <feature-rspecifier> <feature-wspecifier>
    e.g. apply-cmvn-online 'matrix-sum scp:data/train/cmvn.scp -|' data/train/split8/1/feats.scp ark:-
    or: apply-cmvn-online --spk2utt=ark:data/train/split8/1/spk2utt 'matrix-sum scp:data/train/cmvn.scp -|'  data/train/split8/1/feats.scp ark:-
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let spk2utt = invocation.option("spk2utt", "", "rspecifier for speaker to utterance-list map")
    let options = Setting(OnlineCmvnOptions())
    OnlineCmvnOptions.register(invocation.options, options, \.self)
    let args = try invocation.arguments(3)
    let global = try readKaldiObject(MatrixHolder<Double>.self, from: args[0])
    let writer = try TableWriter<MatrixHolder<Float>>(args[2])
    var done = 0, errors = 0, frames = 0

    /// Normalizes one utterance from `state`; returns the state its speaker goes on with.
    func normalize(_ utt: String, _ feats: Matrix<Float>, _ state: OnlineCmvnState) throws -> OnlineCmvnState {
      let cmvn: OnlineCmvn
      do {
        cmvn = try OnlineCmvn(options: options.value, state: state, source: OnlineMatrixFeature(feats))
      } catch let e as KaldiError {
        throw KaldiError("\(e.message) (utterance \(utt); global stats \(args[0]))")
      }
      try writer.write(utt, cmvn.readyFrames())
      done += 1
      frames += feats.rows
      return cmvn.state(through: feats.rows - 1)
    }

    if spk2utt.value.isEmpty {
      let feats = try SequentialTableReader<MatrixHolder<Float>>(args[1])
      while let (utt, m) = try feats.next() { _ = try normalize(utt, m, OnlineCmvnState(globalStats: global)) }
    } else {
      let speakers = try SequentialTableReader<TokenVectorHolder>(spk2utt.value)
      let feats = try RandomAccessTableReader<MatrixHolder<Float>>(args[1])
      while let (_, utterances) = try speakers.next() {
        var state = OnlineCmvnState(globalStats: global)
        for utt in utterances {
          guard try feats.hasKey(utt) else {
            KaldiLog.warn("No features for utterance \(utt)")
            errors += 1
            continue
          }
          state = try normalize(utt, try feats.value(for: utt), state)
        }
      }
    }
    try writer.close()
    KaldiLog.log("Applied online CMVN to \(done) files, or \(frames) frames.")
    return done != 0 ? 0 : 1
  }
}
