#if canImport(Glibc)
import Glibc
#endif
import KaldiMatrix

/// Unidirectional GRU in PyTorch-Kaldi style: batch norm on each W·x term, no biases,
/// orthogonal recurrent blocks, the reset gate applied before the candidate's recurrent
/// product, recurrent dropout on the candidate with a non-inverted mask.
/// Gate order in W, U and the batch norm: update z, reset r, candidate.
public final class GRULayer: GatedRecurrentLayer, RecurrentLayer {
  private var gates: [Float] = []  // T·B × 3H: z, r, tanh(candidate) before the mask
  private var resetHidden: [Float] = []  // r ⊙ h(t−1)
  private var output: [Float] = []

  public init(inputDim: Int, hiddenDim: Int, dropout: Float, momentum: Float, name: String, rng: inout RandomSource) {
    super.init(gates: 3, inputDim: inputDim, hiddenDim: hiddenDim, dropout: dropout, momentum: momentum, name: name, rng: &rng)
  }

  public func propagate(_ x: [Float], steps: Int, batch: Int, training: Bool, rng: inout RandomSource) -> [Float] {
    let h = hiddenDim, g = 3 * h, width = batch * h
    gates = projectInput(x, steps: steps, batch: batch, training: training, invertedMask: false, rng: &rng)
    resetHidden = .zeros(steps * width)
    output = .zeros(steps * width)
    var zr = [Float].zeros(batch * 2 * h), uh = [Float].zeros(width)
    withMutableBuffers(&gates, &resetHidden, &output, &zr) { gp, rp, hp, zp in
      withBuffers(u.value, mask) { up, mp in
        uh.withUnsafeMutableBufferPointer { uhp in
          for t in 0..<steps {
            let gt = gp.baseAddress! + t * batch * g
            let prev: UnsafeMutablePointer<Float>? = t > 0 ? hp.baseAddress! + (t - 1) * width : nil
            if let prev {
              gemm(transB: true, m: batch, n: 2 * h, k: h, a: prev, lda: h, b: up.baseAddress!, ldb: h,
                   c: zp.baseAddress!, ldc: 2 * h)
            } else {
              zp.update(repeating: 0)
            }
            for b in 0..<batch {
              let row = gt + b * g, ur = zp.baseAddress! + b * 2 * h
              let rh = rp.baseAddress! + t * width + b * h
              for j in 0..<h {
                row[j] = sigmoid(row[j] + ur[j])
                row[h + j] = sigmoid(row[h + j] + ur[h + j])
                rh[j] = row[h + j] * (prev?[b * h + j] ?? 0)
              }
            }
            gemm(transB: true, m: batch, n: h, k: h, a: rp.baseAddress! + t * width, lda: h,
                 b: up.baseAddress! + 2 * h * h, ldb: h, c: uhp.baseAddress!, ldc: h)
            for b in 0..<batch {
              let row = gt + b * g, out = hp.baseAddress! + t * width + b * h
              let m = mp.baseAddress! + b * h, uhr = uhp.baseAddress! + b * h
              for j in 0..<h {
                let th = fastTanh(row[2 * h + j] + uhr[j])
                row[2 * h + j] = th
                let z = row[j]
                out[j] = z * (prev?[b * h + j] ?? 0) + (1 - z) * th * m[j]
              }
            }
          }
        }
      }
    }
    return output
  }

  public func backpropagate(_ dy: [Float]) -> [Float] {
    let h = hiddenDim, g = 3 * h, width = batch * h
    var dGates = [Float].zeros(steps * batch * g)
    var carry = [Float].zeros(width), dResetHidden = [Float].zeros(width)
    withMutableBuffers(&dGates, &carry, &dResetHidden) { dp, cp, drp in
      withBuffers(dy, gates, output, mask) { yp, gp, hp, mp in
        u.value.withUnsafeBufferPointer { up in
          for t in stride(from: steps - 1, through: 0, by: -1) {
            let dt = dp.baseAddress! + t * batch * g
            // Candidate first: its gradient feeds the reset gate through r ⊙ h(t−1).
            for b in 0..<batch {
              let row = gp.baseAddress! + (t * batch + b) * g, drow = dt + b * g
              let off = t * width + b * h, m = mp.baseAddress! + b * h, c = cp.baseAddress! + b * h
              for j in 0..<h {
                let gh = yp[off + j] + c[j]
                let z = row[j], th = row[2 * h + j]
                let hPrev = t > 0 ? hp[off - width + j] : 0
                drow[j] = gh * (hPrev - th * m[j]) * z * (1 - z)
                drow[2 * h + j] = gh * (1 - z) * m[j] * (1 - th * th)
                c[j] = gh * z
              }
            }
            gemm(m: batch, n: h, k: h, a: dt + 2 * h, lda: g, b: up.baseAddress! + 2 * h * h, ldb: h,
                 c: drp.baseAddress!, ldc: h)
            for b in 0..<batch {
              let row = gp.baseAddress! + (t * batch + b) * g, drow = dt + b * g
              let off = t * width + b * h, c = cp.baseAddress! + b * h, drh = drp.baseAddress! + b * h
              for j in 0..<h {
                let r = row[h + j]
                let hPrev = t > 0 ? hp[off - width + j] : 0
                drow[h + j] = drh[j] * hPrev * r * (1 - r)
                c[j] += drh[j] * r
              }
            }
            gemm(m: batch, n: h, k: 2 * h, a: dt, lda: g, b: up.baseAddress!, ldb: h, beta: 1,
                 c: cp.baseAddress!, ldc: h)
          }
        }
      }
    }
    // dU of z and r from h(t−1); the candidate's from r ⊙ h(t−1) of the same step.
    accumulateRecurrentGradient(dGates, gates: 0..<2, from: output, lag: 1)
    accumulateRecurrentGradient(dGates, gates: 2..<3, from: resetHidden, lag: 0)
    return backpropagateInput(&dGates)
  }
}

extension GRULayer {
  public func makeStreamingStep() -> any StreamingStep { GRUStreamingStep(self) }
}

/// One GRU frame: update and reset gates from BN(W·x) + U·h, the reset gate applied before the
/// candidate's recurrent product; the evaluation-mode dropout mask is the constant 1−p.
final class GRUStreamingStep: GatedStreamingStep, StreamingStep {
  let resetHidden: PinnedFloats

  init(_ layer: GRULayer) {
    resetHidden = PinnedFloats(zeros: layer.hiddenDim)
    super.init(layer, gates: 3, state: layer.hiddenDim)
  }

  func step(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
    let h = hidden, z = z.pointer, st = state.pointer, rh = resetHidden.pointer
    gemv(w.pointer, rows: 3 * h, cols: inputs, x, z, accumulate: false)
    norm.apply(z, 3 * h)
    gemv(u.pointer, rows: 2 * h, cols: h, st, z, accumulate: true)
    for j in 0..<h {
      z[j] = sigmoid(z[j])
      rh[j] = sigmoid(z[h + j]) * st[j]
    }
    gemv(u.pointer + 2 * h * h, rows: h, cols: h, rh, z + 2 * h, accumulate: true)
    for j in 0..<h {
      let update = z[j]
      y[j] = update * st[j] + (1 - update) * fastTanh(z[2 * h + j]) * keep
    }
    st.update(from: y, count: h)
  }
}
