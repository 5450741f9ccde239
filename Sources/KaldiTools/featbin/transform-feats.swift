#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KaldiBase
import KaldiIO
import KaldiMatrix

/// `transform-feats`: multiplies every frame by a linear or affine transform (LDA, MLLT,
/// fMLLR): one global matrix, or per utterance / per speaker (`--utt2spk`) from a table.
public enum TransformFeats: KaldiTool {
  public static let name = "transform-feats"
  public static let usage = """
    Apply transform (e.g. LDA; HLDA; fMLLR/CMLLR; MLLT/STC)
    Linear transform if transform-num-cols == feature-dim, affine if
    transform-num-cols == feature-dim+1 (->append 1.0 to features)
    Per-utterance by default, or per-speaker if utt2spk option provided
    Global if transform-rxfilename provided.
    Usage: transform-feats [options] (transform-rspecifier|transform-rxfilename) feats-rspecifier feats-wspecifier
    e.g.: transform-feats exp/tri3/final.mat ark:spliced.ark ark:-
    or:   transform-feats --utt2spk=ark:data/dev/utt2spk "ark:cat exp/tri3/decode_dev/trans.* |" ark:- ark:-
    """

  /// What the log line reports, decided by the first transform applied (as Kaldi does).
  enum LogdetKind { case unknown, logdet, pseudoLogdet, dimIncrease }

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let utt2spkOption = invocation.option("utt2spk", "", "rspecifier for utterance to speaker map")
    let args = try invocation.arguments(3)
    let feats = try SequentialTableReader<MatrixHolder<Float>>(args[1])
    let writer = try TableWriter<MatrixHolder<Float>>(args[2])

    var global: Matrix<Float>? = nil
    var transforms: RandomAccessTableReader<MatrixHolder<Float>>? = nil
    if ReadSpecifier(args[0]) == nil {
      global = try readKaldiObject(MatrixHolder<Float>.self, from: args[0])
    } else {
      do {
        transforms = try RandomAccessTableReader<MatrixHolder<Float>>(args[0])
      } catch let e as KaldiError {
        KaldiLog.warn(e.message)
        throw KaldiError("Problem opening transforms with rspecifier \(args[0])")
      }
    }
    var utt2spk: RandomAccessTableReader<TokenVectorHolder>? = nil
    if !utt2spkOption.value.isEmpty {
      do {
        utt2spk = try RandomAccessTableReader<TokenVectorHolder>(utt2spkOption.value)
      } catch let e as KaldiError {
        KaldiLog.warn(e.message)
        throw KaldiError("Error opening utt2spk map from \(utt2spkOption.value)")
      }
    }

    var kind = LogdetKind.unknown
    var totalFrames = 0.0, totalLogdet = 0.0
    var done = 0, errors = 0
    // The log-determinant of the last matrix seen, so a per-speaker transform is factored
    // once for all of the speaker's utterances rather than once per utterance.
    var lastLogdet: (key: String, dim: Int, value: Float)? = nil

    while let (utt, feat) = try feats.next() {
      var key = utt
      if let utt2spk {
        guard try utt2spk.hasKey(utt) else {
          KaldiLog.warn("Utt2spk map has no value for utterance \(utt), producing no output for this utterance")
          errors += 1
          continue
        }
        let tokens = try utt2spk.value(for: utt)
        guard tokens.count == 1 else {
          throw KaldiError("Bad utt2spk entry for utterance \(utt) in \(utt2spkOption.value): expected one speaker id, got \(tokens.count) fields")
        }
        key = tokens[0]
      }
      let transform: Matrix<Float>
      if let global {
        transform = global
      } else {
        guard try transforms!.hasKey(key) else {
          if key == utt {
            KaldiLog.warn("No fMLLR transform available for utterance \(utt), producing no output for this utterance")
          } else {
            KaldiLog.warn("No fMLLR transform available for utterance \(utt) [spk = \(key)], producing no output for this utterance")
          }
          errors += 1
          continue
        }
        transform = try transforms!.value(for: key)
      }
      let dim = feat.cols
      guard transform.cols == dim || transform.cols == dim + 1 else {
        KaldiLog.warn("Transform matrix for key \(key) has bad dimension \(transform.rows)x\(transform.cols) versus feat dim \(dim)")
        if transform.cols == dim + 2 {
          KaldiLog.warn("[perhaps the transform was created by compose-transforms, and you forgot the --b-is-affine option?]")
        }
        errors += 1
        continue
      }
      let out = apply(transform, to: feat)
      done += 1

      if kind == .unknown {
        // A dimension-reducing T gets 1/2 logdet(T T^T): for T = A·L (MLLT after LDA) that
        // is logdet(A) plus a constant, still good for comparing likelihoods.
        kind = transform.rows == dim ? .logdet : transform.rows < dim ? .pseudoLogdet : .dimIncrease
      }
      if kind != .dimIncrease {
        let logdet: Float
        if let last = lastLogdet, last.dim == dim, global != nil || last.key == key {
          logdet = last.value
        } else {
          logdet = Float(0.5 * logDeterminantOfGram(transform, cols: dim))
          lastLogdet = (key, dim, logdet)
        }
        if !logdet.isFinite {
          KaldiLog.warn("Matrix has bad logdet \(formatG(Double(logdet), precision: 6))")
        } else {
          totalFrames += Double(feat.rows)
          totalLogdet += Double(feat.rows) * Double(logdet)
        }
      }
      try writer.write(utt, out)
    }
    try writer.close()
    if kind == .logdet || kind == .pseudoLogdet {
      KaldiLog.log("Overall average \(kind == .pseudoLogdet ? "[pseudo-]" : "")logdet is \(formatG(totalLogdet / totalFrames, precision: 6)) over \(formatG(totalFrames, precision: 6)) frames.")
    }
    KaldiLog.log("Applied transform to \(done) utterances; \(errors) had errors.")
    return 0
  }

  /// `feat · T[:, 0..<dim]ᵀ`, plus `T[:, dim]` on every row when T is affine: one sgemm over
  /// all frames into an output that starts as the offsets.
  static func apply(_ transform: Matrix<Float>, to feat: Matrix<Float>) -> Matrix<Float> {
    let frames = feat.rows, dim = feat.cols, outDim = transform.rows
    var out = Matrix<Float>(rows: frames, cols: outDim)
    let affine = transform.cols == dim + 1
    if affine && frames > 0 && outDim > 0 {
      out.data.withUnsafeMutableBufferPointer { o in
        var offsets = [Float](repeating: 0, count: outDim)
        for r in 0..<outDim { offsets[r] = transform[r, dim] }
        for t in 0..<frames { (o.baseAddress! + t * outDim).update(from: offsets, count: outDim) }
      }
    }
    guard frames > 0, outDim > 0, dim > 0 else { return out }
    withBuffers(feat.data, transform.data) { a, b in
      out.data.withUnsafeMutableBufferPointer { c in
        // C (frames × outDim) = A (frames × dim) · Bᵀ, B the first dim columns of T
        // (row stride transform.cols skips the offset column).
        gemm(transB: true, m: frames, n: outDim, k: dim, a: a.baseAddress!, lda: dim, b: b.baseAddress!, ldb: transform.cols,
             beta: affine ? 1 : 0, c: c.baseAddress!, ldc: outDim)
      }
    }
    return out
  }

  /// `log det(L Lᵀ)` of the linear part L (the first `cols` columns) of `transform`, in double
  /// through a Cholesky factorization; -inf when L Lᵀ is singular, nan for non-finite input.
  static func logDeterminantOfGram(_ transform: Matrix<Float>, cols: Int) -> Double {
    let n = transform.rows, stride = transform.cols
    if n == 0 { return 0 }
    var g = [Double](repeating: 0, count: n * n)
    let lin = transform.data.map(Double.init)
    for i in 0..<n {
      for j in 0...i {
        var s = 0.0
        for k in 0..<cols { s += lin[i * stride + k] * lin[j * stride + k] }
        g[i * n + j] = s
      }
    }
    // In-place lower Cholesky: g = C Cᵀ, log det = 2 Σ log C[i][i].
    var logdet = 0.0
    for j in 0..<n {
      var d = g[j * n + j]
      for k in 0..<j { d -= g[j * n + k] * g[j * n + k] }
      if d.isNaN { return .nan }
      if d <= 0 { return -.infinity }
      let c = d.squareRoot()
      g[j * n + j] = c
      logdet += 2 * log(c)
      for i in (j + 1)..<n {
        var s = g[i * n + j]
        for k in 0..<j { s -= g[i * n + k] * g[j * n + k] }
        g[i * n + j] = s / c
      }
    }
    return logdet
  }
}
