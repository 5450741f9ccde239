import Decoding
import KaldiBase
import KaldiMatrix

/// What the `*-faster-mapped` decoders share: a graph checked against the transition model,
/// and per-utterance decodables whose errors name the utterance and files.
struct MappedDecoding {
  let model: TransitionModel
  let modelName: String
  let loglikesName: String

  /// Reads `fstName`, refusing a graph whose input labels are not the model's transition-ids.
  func graph(_ fstName: String) throws -> Fst {
    let fst = try FstReader.read(fstName)
    for (k, tid) in fst.ilabels.enumerated() where tid != 0 && !model.isValid(transitionId: tid) {
      throw KaldiError("Arc \(k) of \(fstName) has input label \(tid), not a transition-id of \(modelName) (\(model.numTransitionIds) transition-ids): model and graph do not match")
    }
    return fst
  }

  func decodable(_ key: String, _ loglikes: Matrix<Float>, scale: Float) throws -> MappedMatrixDecodable {
    do {
      return try MappedMatrixDecodable(model: model, loglikes: loglikes, scale: scale)
    } catch let e as KaldiError {
      throw KaldiError("\(e.message) (utterance \(key) of \(loglikesName); model \(modelName))")
    }
  }
}
