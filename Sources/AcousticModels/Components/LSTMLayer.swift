#if canImport(Glibc)
import Glibc
#endif
import KaldiMatrix

/// Unidirectional LSTM in PyTorch-Kaldi style: batch norm on each W·x term, no biases,
/// orthogonal recurrent blocks, recurrent dropout on the candidate with a non-inverted mask.
/// Gate order in W, U and the batch norm: forget, input, output, candidate.
public final class LSTMLayer: GatedRecurrentLayer, RecurrentLayer {
  private var gates: [Float] = []  // T·B × 4H, after the non-linearities
  private var cell: [Float] = []
  private var tanhCell: [Float] = []
  private var output: [Float] = []

  public init(inputDim: Int, hiddenDim: Int, dropout: Float, momentum: Float, name: String, rng: inout RandomSource) {
    super.init(gates: 4, inputDim: inputDim, hiddenDim: hiddenDim, dropout: dropout, momentum: momentum, name: name, rng: &rng)
  }

  public func propagate(_ x: [Float], steps: Int, batch: Int, training: Bool, rng: inout RandomSource) -> [Float] {
    let h = hiddenDim, g = 4 * h, width = batch * h
    gates = projectInput(x, steps: steps, batch: batch, training: training, invertedMask: false, rng: &rng)
    cell = .zeros(steps * width)
    tanhCell = .zeros(steps * width)
    output = .zeros(steps * width)
    withMutableBuffers(&gates, &cell, &tanhCell, &output) { gp, cp, tp, hp in
      withBuffers(u.value, mask) { up, mp in
        for t in 0..<steps {
          let gt = gp.baseAddress! + t * batch * g
          if t > 0 {
            gemm(transB: true, m: batch, n: g, k: h, a: hp.baseAddress! + (t - 1) * width, lda: h,
                 b: up.baseAddress!, ldb: h, beta: 1, c: gt, ldc: g)
          }
          for b in 0..<batch {
            let row = gt + b * g
            let c = cp.baseAddress! + t * width + b * h
            let cPrev: UnsafeMutablePointer<Float>? = t > 0 ? c - width : nil
            let tc = tp.baseAddress! + t * width + b * h
            let out = hp.baseAddress! + t * width + b * h
            let m = mp.baseAddress! + b * h
            for j in 0..<h {
              let f = sigmoid(row[j]), i = sigmoid(row[h + j]), o = sigmoid(row[2 * h + j])
              let cc = fastTanh(row[3 * h + j])
              row[j] = f
              row[h + j] = i
              row[2 * h + j] = o
              row[3 * h + j] = cc
              let cv = i * cc * m[j] + f * (cPrev?[j] ?? 0)
              c[j] = cv
              let th = fastTanh(cv)
              tc[j] = th
              out[j] = o * th
            }
          }
        }
      }
    }
    return output
  }

  public func backpropagate(_ dy: [Float]) -> [Float] {
    let h = hiddenDim, g = 4 * h, width = batch * h
    var dGates = [Float].zeros(steps * batch * g)
    var carryH = [Float].zeros(width), carryC = [Float].zeros(width)
    withMutableBuffers(&dGates, &carryH, &carryC) { dp, chp, ccp in
      withBuffers(dy, gates, cell, tanhCell) { yp, gp, cp, tp in
        withBuffers(mask, u.value) { mp, up in
          for t in stride(from: steps - 1, through: 0, by: -1) {
            for b in 0..<batch {
              let row = gp.baseAddress! + (t * batch + b) * g
              let drow = dp.baseAddress! + (t * batch + b) * g
              let off = t * width + b * h
              let m = mp.baseAddress! + b * h
              let ch = chp.baseAddress! + b * h, cc = ccp.baseAddress! + b * h
              for j in 0..<h {
                let f = row[j], i = row[h + j], o = row[2 * h + j], cand = row[3 * h + j]
                let gh = yp[off + j] + ch[j]
                let tcv = tp[off + j]
                let gc = gh * o * (1 - tcv * tcv) + cc[j]
                let cPrev = t > 0 ? cp[off - width + j] : 0
                let gf = gc * cPrev, gi = gc * cand * m[j], gcand = gc * i * m[j], go = gh * tcv
                drow[j] = gf * f * (1 - f)
                drow[h + j] = gi * i * (1 - i)
                drow[2 * h + j] = go * o * (1 - o)
                drow[3 * h + j] = gcand * (1 - cand * cand)
                cc[j] = gc * f
              }
            }
            // dh(t−1) = dA(t)·U
            gemm(m: batch, n: h, k: g, a: dp.baseAddress! + t * batch * g, lda: g, b: up.baseAddress!, ldb: h,
                 c: chp.baseAddress!, ldc: h)
          }
        }
      }
    }
    accumulateRecurrentGradient(dGates, gates: 0..<4, from: output, lag: 1)
    return backpropagateInput(&dGates)
  }
}

extension LSTMLayer {
  public func makeStreamingStep() -> any StreamingStep { LSTMStreamingStep(self) }
}

/// One LSTM frame: BN(W·x) + U·h, the gates, the cell; the evaluation-mode dropout mask is the
/// constant 1−p on the candidate.
final class LSTMStreamingStep: GatedStreamingStep, StreamingStep {
  init(_ layer: LSTMLayer) { super.init(layer, gates: 4, state: 2 * layer.hiddenDim) }

  func step(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
    let h = hidden, z = z.pointer, st = state.pointer
    gemv(w.pointer, rows: 4 * h, cols: inputs, x, z, accumulate: false)
    norm.apply(z, 4 * h)
    gemv(u.pointer, rows: 4 * h, cols: h, st, z, accumulate: true)
    for j in 0..<h {
      let f = sigmoid(z[j]), i = sigmoid(z[h + j]), o = sigmoid(z[2 * h + j]), candidate = fastTanh(z[3 * h + j])
      let cell = i * candidate * keep + f * st[h + j]
      st[h + j] = cell
      y[j] = o * fastTanh(cell)
    }
    st.update(from: y, count: h)
  }
}
