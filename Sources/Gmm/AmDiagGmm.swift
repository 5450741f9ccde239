import Decoding
import KaldiBase
import KaldiIO
import KaldiMatrix

/// The acoustic model of a Kaldi GMM system (`AmDiagGmm`): one `DiagGmm` per pdf.
public struct AmDiagGmm: Sendable, Equatable {
  public var densities: [DiagGmm]
  public let dim: Int

  public init(densities: [DiagGmm], dim: Int) {
    self.densities = densities
    self.dim = dim
  }

  public var numPdfs: Int { densities.count }
  public var numGaussians: Int { densities.reduce(0) { $0 + $1.numComponents } }

  /// Every pdf's log-likelihood for every frame (Kaldi's `LogLikelihood(pdf, frame)` for all
  /// pairs); for many utterances build `StackedGaussians` once instead.
  public func logLikelihoods(_ features: Matrix<Float>) -> Matrix<Float> {
    StackedGaussians(self).logLikelihoods(features)
  }
}

/// A model's Gaussians stacked for scoring many frames at once: one (gaussians × 2·dim) matrix
/// [miv, −½ iv], their gconsts, and where each pdf's components start.
public struct StackedGaussians: Sendable {
  let parameters: Matrix<Float>
  let gconsts: [Float]
  let offsets: [Int]
  let dim: Int

  public init(_ model: AmDiagGmm) {
    var offsets = [0]
    for gmm in model.densities { offsets.append(offsets.last! + gmm.numComponents) }
    var parameters = Matrix<Float>(rows: offsets.last!, cols: 2 * model.dim)
    for (pdf, gmm) in model.densities.enumerated() {
      for c in 0..<gmm.numComponents {
        for d in 0..<model.dim {
          parameters[offsets[pdf] + c, d] = gmm.meansInvVars[c, d]
          parameters[offsets[pdf] + c, model.dim + d] = -0.5 * gmm.invVars[c, d]
        }
      }
    }
    (self.parameters, self.offsets, dim) = (parameters, offsets, model.dim)
    gconsts = model.densities.flatMap(\.gconsts)
  }

  /// Every pdf's log-likelihood for every frame: [x, x²] · [miv, −½ iv]ᵀ + gconsts as one
  /// matrix product, then a log-sum-exp over each pdf's components.
  public func logLikelihoods(_ features: Matrix<Float>) -> Matrix<Float> {
    var input = Matrix<Float>(rows: features.rows, cols: 2 * dim)
    for t in 0..<features.rows {
      for d in 0..<dim {
        let x = features[t, d]
        input[t, d] = x
        input[t, dim + d] = x * x
      }
    }
    var likes = input.multiplied(by: parameters, transposeOther: true)
    let gaussians = gconsts.count, pdfs = offsets.count - 1
    var result = Matrix<Float>(rows: features.rows, cols: pdfs)
    likes.data.withUnsafeMutableBufferPointer { l in
      for t in 0..<features.rows {
        for g in 0..<gaussians { l[t * gaussians + g] += gconsts[g] }
        for pdf in 0..<pdfs {
          let range = t * gaussians + offsets[pdf]..<t * gaussians + offsets[pdf + 1]
          result[t, pdf] = logSumExp(UnsafeBufferPointer(rebasing: l[range]))
        }
      }
    }
    return result
  }
}

// MARK: - Kaldi's model file: TransitionModel then AmDiagGmm

/// A Kaldi GMM model file (`final.mdl` of `train_mono.sh`): the transition model followed by
/// the `AmDiagGmm`, binary or text, read and written as Kaldi's gmm tools do.
public struct GmmModelFile: Sendable {
  public var transitionModel: TransitionModel
  public var acousticModel: AmDiagGmm

  public init(transitionModel: TransitionModel, acousticModel: AmDiagGmm) {
    self.transitionModel = transitionModel
    self.acousticModel = acousticModel
  }

  public static func read(_ rxfilename: String) throws -> GmmModelFile {
    let stream = try InputStream.open(rxfilename)
    do {
      let binary = try stream.readBinaryHeader()
      let transitions = try TransitionModelReader.read(from: stream, binary: binary)
      let am = try AmDiagGmm.read(from: stream, binary: binary)
      guard am.numPdfs == transitions.numPdfs else {
        throw KaldiError("Model '\(rxfilename)': the transition model has \(transitions.numPdfs) pdfs, the GMM \(am.numPdfs)")
      }
      return GmmModelFile(transitionModel: transitions, acousticModel: am)
    } catch let e as FormatError {
      throw KaldiError("Failed to read GMM model from '\(rxfilename)' at byte \(e.offset): \(e.reason)")
    }
  }

  public func write(to wxfilename: String, binary: Bool) throws {
    let out = try OutputStream.open(wxfilename)
    if binary { try out.writeBinaryHeader() }
    try TransitionModelWriter.write(transitionModel, to: out, binary: binary)
    try acousticModel.write(to: out, binary: binary)
    try out.commit()
  }
}

extension AmDiagGmm {
  static func read(from s: InputStream, binary: Bool) throws -> AmDiagGmm {
    try s.expectToken("<DIMENSION>")
    let dim = Int(try s.readInt32(binary: binary))
    try s.expectToken("<NUMPDFS>")
    let at = s.position
    let count = Int(try s.readInt32(binary: binary))
    guard dim > 0, count >= 0 else { throw FormatError("bad AmDiagGmm dimension \(dim) or pdf count \(count)", at: at) }
    var densities: [DiagGmm] = []
    for pdf in 0..<count {
      let start = s.position
      let gmm = try DiagGmm.read(from: s, binary: binary)
      guard gmm.dim == dim else { throw FormatError("pdf \(pdf) has dimension \(gmm.dim), the model \(dim)", at: start) }
      densities.append(gmm)
    }
    return AmDiagGmm(densities: densities, dim: dim)
  }

  func write(to out: OutputStream, binary: Bool) throws {
    try out.writeToken("<DIMENSION>")
    try out.writeInt32(Int32(dim), binary: binary)
    try out.writeToken("<NUMPDFS>")
    try out.writeInt32(Int32(numPdfs), binary: binary)
    for gmm in densities { try gmm.write(to: out, binary: binary) }
  }
}

extension DiagGmm {
  /// Kaldi's `DiagGmm::Read`: the four parameter blocks in any order between `<DiagGMM>` and
  /// `</DiagGMM>` (or the old `<DiagGMMBegin>`/`<DiagGMMEnd>`); gconsts are recomputed.
  static func read(from s: InputStream, binary: Bool) throws -> DiagGmm {
    let at = s.position
    let begin = try s.readToken()
    guard begin == "<DiagGMM>" || begin == "<DiagGMMBegin>" else { throw FormatError("expected <DiagGMM>, got \(begin.prefix(20))", at: at) }
    var weights: [Float] = [], miv = Matrix<Float>(rows: 0, cols: 0), iv = Matrix<Float>(rows: 0, cols: 0)
    while true {
      let tokenAt = s.position
      let token = try s.readToken()
      switch token {
      case "<GCONSTS>": _ = try VectorHolder<Float>.readObject(s, binary: binary)
      case "<WEIGHTS>": weights = try VectorHolder<Float>.readObject(s, binary: binary).data
      case "<MEANS_INVVARS>": miv = try MatrixHolder<Float>.readObject(s, binary: binary)
      case "<INV_VARS>": iv = try MatrixHolder<Float>.readObject(s, binary: binary)
      case "</DiagGMM>", "<DiagGMMEnd>":
        guard !weights.isEmpty, miv.rows == weights.count, iv.rows == weights.count, miv.cols == iv.cols else {
          throw FormatError("inconsistent DiagGMM: \(weights.count) weights, means \(miv.rows)x\(miv.cols), inverse variances \(iv.rows)x\(iv.cols)", at: at)
        }
        return DiagGmm(weights: weights, meansInvVars: miv, invVars: iv)
      default: throw FormatError("unexpected token \(token.prefix(20)) in DiagGMM", at: tokenAt)
      }
    }
  }

  func write(to out: OutputStream, binary: Bool) throws {
    try out.writeToken("<DiagGMM>")
    if !binary { try out.write("\n") }
    try out.writeToken("<GCONSTS>")
    try VectorHolder<Float>.write(Vector(gconsts), to: out, binary: binary)
    try out.writeToken("<WEIGHTS>")
    try VectorHolder<Float>.write(Vector(weights), to: out, binary: binary)
    try out.writeToken("<MEANS_INVVARS>")
    try MatrixHolder<Float>.write(meansInvVars, to: out, binary: binary)
    try out.writeToken("<INV_VARS>")
    try MatrixHolder<Float>.write(invVars, to: out, binary: binary)
    try out.writeToken("</DiagGMM>")
    if !binary { try out.write("\n") }
  }
}
