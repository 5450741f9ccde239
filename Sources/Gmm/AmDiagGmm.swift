import CBLAS
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
  /// pairs), computed as one matrix product: [x, x²] · [miv, −½ iv]ᵀ + gconsts, then a
  /// log-sum-exp over each pdf's components.
  public func logLikelihoods(_ features: Matrix<Float>) -> Matrix<Float> {
    let stacked = stackedParameters
    let frames = features.rows, gaussians = stacked.offsets.last!
    var input = Matrix<Float>(rows: frames, cols: 2 * dim)
    for t in 0..<frames {
      for d in 0..<dim {
        let x = features[t, d]
        input[t, d] = x
        input[t, dim + d] = x * x
      }
    }
    var componentLikes = Matrix<Float>(rows: frames, cols: gaussians)
    for t in 0..<frames {
      componentLikes.data.replaceSubrange(t * gaussians..<(t + 1) * gaussians, with: stacked.gconsts)
    }
    input.data.withUnsafeBufferPointer { x in
      stacked.parameters.data.withUnsafeBufferPointer { p in
        componentLikes.data.withUnsafeMutableBufferPointer { out in
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(frames), Int32(gaussians), Int32(2 * dim),
                      1, x.baseAddress, Int32(2 * dim), p.baseAddress, Int32(2 * dim), 1, out.baseAddress, Int32(gaussians))
        }
      }
    }
    var result = Matrix<Float>(rows: frames, cols: numPdfs)
    componentLikes.data.withUnsafeBufferPointer { likes in
      for t in 0..<frames {
        for pdf in 0..<numPdfs {
          let start = t * gaussians + stacked.offsets[pdf], end = t * gaussians + stacked.offsets[pdf + 1]
          result[t, pdf] = logSumExp(UnsafeBufferPointer(rebasing: likes[start..<end]))
        }
      }
    }
    return result
  }

  /// All components in one (gaussians × 2·dim) matrix [miv, −½ iv], their gconsts, and where
  /// each pdf's components start.
  private var stackedParameters: (parameters: Matrix<Float>, gconsts: [Float], offsets: [Int]) {
    var offsets = [0]
    for gmm in densities { offsets.append(offsets.last! + gmm.numComponents) }
    var parameters = Matrix<Float>(rows: offsets.last!, cols: 2 * dim)
    var gconsts: [Float] = []
    gconsts.reserveCapacity(offsets.last!)
    for (pdf, gmm) in densities.enumerated() {
      for c in 0..<gmm.numComponents {
        let row = offsets[pdf] + c
        for d in 0..<dim {
          parameters[row, d] = gmm.meansInvVars[c, d]
          parameters[row, dim + d] = -0.5 * gmm.invVars[c, d]
        }
      }
      gconsts += gmm.gconsts
    }
    return (parameters, gconsts, offsets)
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
