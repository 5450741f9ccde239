#if canImport(Glibc)
import Glibc
#endif
import CBLAS

/// Frame-by-frame evaluation of a trained model (batch 1, evaluation mode) for on-line use:
/// state carried between calls, nothing allocated per frame, batch norm folded into a scale
/// and shift, and — for spiking layers — event-driven products that touch only the weight
/// rows of non-zero inputs. Gives the same log-posteriors as `AcousticModel.propagate`.
public final class StreamingDecoder {
  public let model: AcousticModel

  /// Per-layer weights in the layout stepping wants, and the carried state.
  struct LayerPlan {
    let kind: Architecture
    let inputs: Int
    let hidden: Int
    let gates: Int
    let weights: [Float]  // LSTM/GRU: W (gH × in); spiking: Wᵀ (in × gH)
    let recurrent: [Float]  // LSTM/GRU: U (gH × H); v2: Rᵀ (H × 2H)
    let leak: [Float]
    let scale: [Float]
    let shift: [Float]
    let mask: Float
    let quantizer: MultiBitQuantizer?
    var state: [Float]  // h | c, or I | U | Y
    var scratch: [Float]
    var scratch2: [Float]
  }

  var plans: [LayerPlan] = []
  let headWeightsT: [Float]  // H × K
  let headScale: [Float], headShift: [Float]
  var encoderAccumulator: [Float]
  var buffers: [[Float]]  // layer outputs, input encoding first

  public init(model: AcousticModel) {
    self.model = model
    let c = model.config
    func folded(_ bn: BatchNorm) -> ([Float], [Float]) {
      var scale = [Float](), shift = [Float]()
      for j in 0..<bn.features {
        let s = bn.gamma.value[j] / (bn.runningVar[j] + bn.epsilon).squareRoot()
        scale.append(s)
        shift.append(bn.beta.value[j] - bn.runningMean[j] * s)
      }
      return (scale, shift)
    }
    func transposed(_ m: [Float], rows: Int, cols: Int) -> [Float] {
      var out = [Float](repeating: 0, count: rows * cols)
      for r in 0..<rows { for q in 0..<cols { out[q * rows + r] = m[r * cols + q] } }
      return out
    }
    for layer in model.layers {
      let h = layer.hiddenDim
      if let l = layer as? LSTMLayer {
        let (s, b) = folded(l.norm)
        plans.append(LayerPlan(kind: .lstm, inputs: l.inputDim, hidden: h, gates: 4, weights: l.w.weight.value, recurrent: l.u.value,
                               leak: [], scale: s, shift: b, mask: 1 - l.dropout, quantizer: nil,
                               state: .zeros(2 * h), scratch: .zeros(4 * h), scratch2: []))
      } else if let l = layer as? GRULayer {
        let (s, b) = folded(l.norm)
        plans.append(LayerPlan(kind: .gru, inputs: l.inputDim, hidden: h, gates: 3, weights: l.w.weight.value, recurrent: l.u.value,
                               leak: [], scale: s, shift: b, mask: 1 - l.dropout, quantizer: nil,
                               state: .zeros(h), scratch: .zeros(3 * h), scratch2: .zeros(2 * h)))
      } else if let l = layer as? SpikingLayer {
        let g = l.dynamics == .lif ? 1 : 2
        let (s, b) = folded(l.norm)
        let kind: Architecture = l.dynamics == .lif ? .snn : (l.dynamics == .v1 ? .v1 : .v2)
        plans.append(LayerPlan(
          kind: kind, inputs: l.inputDim, hidden: h, gates: g,
          weights: transposed(l.w.weight.value, rows: g * h, cols: l.inputDim),
          recurrent: l.recurrent.map { transposed($0.value, rows: 2 * h, cols: h) } ?? [],
          leak: l.leak?.value ?? [], scale: s, shift: b, mask: 1, quantizer: l.quantizer,
          state: .zeros(3 * h), scratch: .zeros(g * h), scratch2: .zeros(h)))
      }
    }
    headWeightsT = transposed(model.head.w.weight.value, rows: c.outputDim, cols: c.hiddenDim)
    (headScale, headShift) = folded(model.head.norm)
    encoderAccumulator = .zeros(c.inputDim)
    buffers = [.zeros(c.inputDim)] + model.layers.map { [Float].zeros($0.hiddenDim) }
  }

  /// Forgets the carried state: the next frame starts a new utterance.
  public func reset() {
    for i in plans.indices { plans[i].state.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
    encoderAccumulator.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
  }

  /// Log-posteriors of one frame (`inputDim` features) into `out` (`outputDim` values).
  public func step(_ frame: UnsafePointer<Float>, into out: inout [Float]) {
    let c = model.config
    let d = c.inputDim
    buffers[0].withUnsafeMutableBufferPointer { x in
      if let encoder = model.encoder {
        encoderAccumulator.withUnsafeMutableBufferPointer { acc in
          for i in 0..<d { acc[i] += frame[i] }
          encoder.quantizer.quantize(acc.baseAddress!, count: d, into: x.baseAddress!, pass: nil, training: false)
          for i in 0..<d { acc[i] -= x[i] }
        }
      } else {
        x.baseAddress!.update(from: frame, count: d)
      }
    }
    for l in plans.indices {
      let input = buffers[l]
      input.withUnsafeBufferPointer { x in
        buffers[l + 1].withUnsafeMutableBufferPointer { y in
          stepLayer(&plans[l], x.baseAddress!, y.baseAddress!)
        }
      }
    }
    let k = c.outputDim, h = c.hiddenDim
    out.withUnsafeMutableBufferPointer { o in
      o.update(repeating: 0)
      buffers[plans.count].withUnsafeBufferPointer { x in
        headWeightsT.withUnsafeBufferPointer { wt in
          if model.config.architecture.isSpiking {
            for j in 0..<h where x[j] != 0 { axpy(x[j], wt.baseAddress! + j * k, o.baseAddress!, k) }
          } else {
            cblas_sgemv(CblasRowMajor, CblasTrans, Int32(h), Int32(k), 1, wt.baseAddress!, Int32(k), x.baseAddress!, 1, 0, o.baseAddress!, 1)
          }
        }
      }
      var mx = -Float.infinity
      for j in 0..<k {
        o[j] = o[j] * headScale[j] + headShift[j]
        mx = max(mx, o[j])
      }
      var sum: Float = 0
      for j in 0..<k { sum += expf(o[j] - mx) }
      let shift = mx + logf(sum)
      for j in 0..<k { o[j] -= shift }
    }
  }

  @inline(__always)
  func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    for i in 0..<n { y[i] += a * x[i] }
  }

  func stepLayer(_ p: inout LayerPlan, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
    let h = p.hidden, g = p.gates * h, n = p.inputs
    let kind = p.kind, maskValue = p.mask
    let quantizer = p.quantizer
    p.weights.withUnsafeBufferPointer { w in
      p.recurrent.withUnsafeBufferPointer { u in
        p.scale.withUnsafeBufferPointer { sc in
          p.shift.withUnsafeBufferPointer { sh in
            p.leak.withUnsafeBufferPointer { alpha in
              p.state.withUnsafeMutableBufferPointer { st in
                p.scratch.withUnsafeMutableBufferPointer { z in
                  p.scratch2.withUnsafeMutableBufferPointer { z2 in
                    let z = z.baseAddress!, st = st.baseAddress!
                    switch kind {
                    case .lstm:
                      cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(g), Int32(n), 1, w.baseAddress!, Int32(n), x, 1, 0, z, 1)
                      for j in 0..<g { z[j] = z[j] * sc[j] + sh[j] }
                      cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(g), Int32(h), 1, u.baseAddress!, Int32(h), st, 1, 1, z, 1)
                      for j in 0..<h {
                        let f = sigmoid(z[j]), i = sigmoid(z[h + j]), o = sigmoid(z[2 * h + j]), cc = fastTanh(z[3 * h + j])
                        let cell = i * cc * maskValue + f * st[h + j]
                        st[h + j] = cell
                        y[j] = o * fastTanh(cell)
                      }
                      st.update(from: y, count: h)
                    case .gru:
                      let z2 = z2.baseAddress!
                      cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(g), Int32(n), 1, w.baseAddress!, Int32(n), x, 1, 0, z, 1)
                      for j in 0..<g { z[j] = z[j] * sc[j] + sh[j] }
                      cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(2 * h), Int32(h), 1, u.baseAddress!, Int32(h), st, 1, 1, z, 1)
                      for j in 0..<h {
                        z[j] = sigmoid(z[j])
                        z2[j] = sigmoid(z[h + j]) * st[j]
                      }
                      cblas_sgemv(CblasRowMajor, CblasNoTrans, Int32(h), Int32(h), 1, u.baseAddress! + 2 * h * h, Int32(h), z2, 1, 1, z + 2 * h, 1)
                      for j in 0..<h {
                        let zz = z[j]
                        y[j] = zz * st[j] + (1 - zz) * fastTanh(z[2 * h + j]) * maskValue
                      }
                      st.update(from: y, count: h)
                    case .snn, .v1, .v2:
                      let current = st, membrane = st + h, previous = st + 2 * h
                      z.update(repeating: 0, count: g)
                      for j in 0..<n where x[j] != 0 { axpy(x[j], w.baseAddress! + j * g, z, g) }
                      for j in 0..<g { z[j] = z[j] * sc[j] + sh[j] }
                      if kind == .v2 {
                        for j in 0..<h where previous[j] != 0 { axpy(previous[j], u.baseAddress! + j * 2 * h, z, 2 * h) }
                      }
                      if kind == .snn {
                        for j in 0..<h { current[j] = alpha[j] * current[j] + z[j] }
                      } else {
                        for j in 0..<h {
                          let f = sigmoid(z[j]), c = max(z[h + j], 0)
                          current[j] = f * current[j] + (1 - f) * c
                        }
                      }
                      for j in 0..<h { membrane[j] += current[j] }
                      quantizer!.quantize(membrane, count: h, into: y, pass: nil, training: false)
                      for j in 0..<h {
                        membrane[j] -= y[j]
                        previous[j] = y[j]
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
