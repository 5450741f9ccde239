#if canImport(Glibc)
import Glibc
#endif
import CSparse
import KaldiMatrix

/// The synaptic-current dynamics of a spiking layer.
public enum SpikingDynamics: String, Sendable, CaseIterable {
  /// Traditional LIF: I = α⊙I + BN(W·x), α learnable per neuron.
  case lif
  /// Improved dynamics v1 (Eq. 16-18): F = σ(BN(W_f·x)), C = ReLU(BN(W_c·x)), I = F⊙I + (1−F)⊙C.
  case v1
  /// Improved dynamics v2 (Eq. 19-21): v1 with R_f·Y[n−1] and R_c·Y[n−1] added to the gates.
  case v2
}

/// A layer of multi-bit spiking neurons: `U ← U + I; Y = Q(U); U ← U − Y` (reset by
/// subtraction) over the synaptic current I of the chosen dynamics, with an inverted
/// per-sequence dropout mask on the drive term.
public final class SpikingLayer: ProjectedLayer, RecurrentLayer {
  public let dynamics: SpikingDynamics
  public var recurrent: Parameter?  // v2: R, 2H × H
  public var leak: Parameter?  // lif: α
  public let quantizer: MultiBitQuantizer

  private var drive: [Float] = []  // lif: BN(Wx); v1/v2: F and C after their non-linearities
  private var current: [Float] = []
  private var pass: [Float] = []
  private var output: [Float] = []

  private var gateCount: Int { dynamics == .lif ? 1 : 2 }

  public init(
    dynamics: SpikingDynamics, inputDim: Int, hiddenDim: Int, dropout: Float, bits: Int, threshold: Int,
    momentum: Float, synapticDecay: Float = 1, name: String, rng: inout RandomSource
  ) {
    self.dynamics = dynamics
    let h = hiddenDim, g = dynamics == .lif ? 1 : 2
    let weights = Initializer.glorot(rows: g * h, cols: inputDim, rng: &rng)
    if dynamics == .v2 {
      // One orthogonal matrix over the whole 2H × H block with gain √2, as the authors do:
      // per-gate blocks with that gain make the ReLU candidate loop explode.
      recurrent = Parameter(name: name + ".R", rows: 2 * h, cols: h,
                            value: Initializer.orthogonal(rows: 2 * h, cols: h, gain: 2.0.squareRoot(), rng: &rng))
    }
    if dynamics == .lif {
      leak = Parameter(name: name + ".alpha", rows: 1, cols: h, value: [Float](repeating: synapticDecay, count: h))
    }
    quantizer = MultiBitQuantizer(bits: bits, threshold: threshold, momentum: momentum, name: name + ".spike")
    super.init(inputDim: inputDim, hiddenDim: hiddenDim, dropout: dropout, momentum: momentum, name: name, weights: weights, outputs: g * h)
  }

  public func propagate(_ x: [Float], steps: Int, batch: Int, training: Bool, rng: inout RandomSource) -> [Float] {
    let h = hiddenDim, g = gateCount * h, width = batch * h
    drive = projectInput(x, steps: steps, batch: batch, training: training, invertedMask: true, rng: &rng)
    current = .zeros(steps * width)
    pass = .zeros(steps * width)
    output = .zeros(steps * width)
    // The membrane potentials U (B × H) and, for v2, R·Y[t−1] (B × 2H), in one scratch array.
    var scratch = [Float].zeros(width + (dynamics == .v2 ? batch * 2 * h : 0))
    let alpha = leak?.value ?? []
    let rWeights = recurrent?.value ?? []
    withMutableBuffers(&drive, &current, &pass, &output) { dp, ip, pp, yp in
      withBuffers(mask, rWeights, alpha) { mp, rw, ap in
        scratch.withUnsafeMutableBufferPointer { sp in
          let up = sp.baseAddress!, rp = up + width
          for t in 0..<steps {
            let dt = dp.baseAddress! + t * batch * g
            let it = ip.baseAddress! + t * width
            let iPrev: UnsafeMutablePointer<Float>? = t > 0 ? it - width : nil
            if dynamics == .v2 && t > 0 {
              gemm(transB: true, m: batch, n: 2 * h, k: h, a: yp.baseAddress! + (t - 1) * width, lda: h,
                   b: rw.baseAddress!, ldb: h, c: rp, ldc: 2 * h)
            }
            for b in 0..<batch {
              let row = dt + b * g, cur = it + b * h, m = mp.baseAddress! + b * h
              switch dynamics {
              case .lif:
                for j in 0..<h {
                  cur[j] = ap[j] * (iPrev?[b * h + j] ?? 0) + row[j] * m[j]
                }
              case .v1, .v2:
                if dynamics == .v2 && t > 0 {
                  let r = rp + b * 2 * h
                  for j in 0..<(2 * h) { row[j] += r[j] }
                }
                ksnn_sigmoid(row, row, Int32(h))  // F, as the streaming step computes it
                for j in 0..<h {
                  let f = row[j], c = max(row[h + j], 0)
                  row[h + j] = c
                  cur[j] = f * (iPrev?[b * h + j] ?? 0) + (1 - f) * c * m[j]
                }
              }
            }
            for i in 0..<width { up[i] += it[i] }
            quantizer.quantize(up, count: width, into: yp.baseAddress! + t * width,
                               pass: pp.baseAddress! + t * width, training: training)
            let yt = yp.baseAddress! + t * width
            for i in 0..<width { up[i] -= yt[i] }
          }
        }
      }
    }
    return output
  }

  public func backpropagate(_ dy: [Float]) -> [Float] {
    let h = hiddenDim, g = gateCount * h, width = batch * h
    var dDrive = [Float].zeros(steps * batch * g)
    // Carried gradients in one scratch array: ∂L/∂U after the reset of step t (B × H), ∂L/∂I(t)
    // through I(t+1) (B × H), v2's ∂L/∂Y(t) through the gates of step t+1 (B × H), and the
    // traditional SNN's ∂L/∂α (H).
    var scratch = [Float].zeros(3 * width + (dynamics == .lif ? h : 0))
    let alpha = leak?.value ?? []
    let rWeights = recurrent?.value ?? []
    withMutableBuffers(&dDrive, &scratch) { dp, sp in
      let gu = sp.baseAddress!, gi = gu + width, go = gu + 2 * width, agp = gu + 3 * width
      withBuffers(dy, drive, current, pass) { yp, fp, ip, pp in
        withBuffers(mask, alpha, rWeights) { mp, ap, rw in
          for t in stride(from: steps - 1, through: 0, by: -1) {
            for b in 0..<batch {
              let off = t * width + b * h
              let row = fp.baseAddress! + (t * batch + b) * g
              let drow = dp.baseAddress! + (t * batch + b) * g
              let m = mp.baseAddress! + b * h
              for j in 0..<h {
                let k = b * h + j
                // Y(t) feeds the loss, the reset U ← U − Y, and (v2) the next gates.
                let gy = yp[off + j] - gu[k] + go[k]
                let gPre = gu[k] + gy * pp[off + j]
                let gCur = gPre + gi[k]
                let iPrev: Float = t > 0 ? ip[off - width + j] : 0
                switch dynamics {
                case .lif:
                  drow[j] = gCur * m[j]
                  agp[j] += gCur * iPrev
                  gi[k] = gCur * ap[j]
                case .v1, .v2:
                  let f = row[j], c = row[h + j]
                  drow[j] = gCur * (iPrev - c * m[j]) * f * (1 - f)
                  drow[h + j] = c > 0 ? gCur * (1 - f) * m[j] : 0
                  gi[k] = gCur * f
                }
                gu[k] = gPre
              }
            }
            if dynamics == .v2 {
              if t > 0 {
                gemm(m: batch, n: h, k: 2 * h, a: dp.baseAddress! + t * batch * g, lda: g,
                     b: rw.baseAddress!, ldb: h, c: go, ldc: h)
              } else {
                go.update(repeating: 0, count: width)
              }
            }
          }
        }
      }
    }
    if dynamics == .lif {
      for j in 0..<h { leak!.grad[j] += scratch[3 * width + j] }
    }
    if dynamics == .v2, steps > 1 {
      // dR = Σ_t dA(t)ᵀ·Y(t−1), one GEMM over all steps.
      withBuffers(dDrive, output) { dp, yp in
        recurrent!.grad.withUnsafeMutableBufferPointer { gp in
          gemm(transA: true, m: 2 * h, n: h, k: (steps - 1) * batch, a: dp.baseAddress! + batch * g, lda: g,
               b: yp.baseAddress!, ldb: h, beta: 1, c: gp.baseAddress!, ldc: h)
        }
      }
    }
    return backpropagateInput(&dDrive)
  }

  public func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows {
    try body(&w.weight)
    if recurrent != nil { try body(&recurrent!) }
    if leak != nil { try body(&leak!) }
    try norm.visitParameters(body)
  }

  public func visitBuffers(_ body: (String, inout [Float]) throws -> Void) rethrows {
    try norm.visitBuffers(body)
    try quantizer.visitBuffers(body)
  }
}

extension SpikingLayer {
  public func makeStreamingStep() -> any StreamingStep { SpikingStreamingStep(self) }
}

/// One spiking frame, event-driven: the input product reads only the weight rows of non-zero
/// inputs (spikes are sparse), as does v2's recurrent product of the previous output.
final class SpikingStreamingStep: StreamingStep {
  let dynamics: SpikingDynamics
  let inputs: Int, hidden: Int, gates: Int
  let wt: PinnedFloats  // Wᵀ: inputs × gates·H
  let rt: PinnedFloats  // v2: Rᵀ, H × 2H
  let leak: PinnedFloats
  let norm: FoldedBatchNorm
  let quantizer: MultiBitQuantizer
  let state: PinnedFloats  // I | U | Y[n−1]
  let z: PinnedFloats
  let input: NonZeroEntries
  let previousOutput: NonZeroEntries

  init(_ layer: SpikingLayer) {
    dynamics = layer.dynamics
    inputs = layer.inputDim
    hidden = layer.hiddenDim
    gates = layer.dynamics == .lif ? 1 : 2
    wt = PinnedFloats(transposed(layer.w.weight.value, rows: gates * hidden, cols: inputs))
    let h = layer.hiddenDim
    rt = PinnedFloats(layer.recurrent.map { transposed($0.value, rows: 2 * h, cols: h) } ?? [])
    leak = PinnedFloats(layer.leak?.value ?? [])
    norm = FoldedBatchNorm(layer.norm)
    quantizer = layer.quantizer
    state = PinnedFloats(zeros: 3 * hidden)
    z = PinnedFloats(zeros: gates * hidden)
    input = NonZeroEntries(capacity: inputs)
    previousOutput = NonZeroEntries(capacity: hidden)
  }

  var outputDim: Int { hidden }
  func reset() { state.zero() }

  func step(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
    let h = hidden, g = gates * h, z = z.pointer
    let current = state.pointer, membrane = current + h, previous = current + 2 * h
    input.gather(x, inputs)
    sparseProduct(wt.pointer, outputs: g, input, z, accumulate: false)
    norm.apply(z, g)
    switch dynamics {
    case .lif:
      let alpha = leak.pointer
      for j in 0..<h { current[j] = alpha[j] * current[j] + z[j] }
    case .v1, .v2:
      if dynamics == .v2 {
        previousOutput.gather(previous, h)
        sparseProduct(rt.pointer, outputs: 2 * h, previousOutput, z, accumulate: true)
      }
      ksnn_sigmoid(z, z, Int32(h))
      for j in 0..<h {
        let f = z[j], candidate = max(z[h + j], 0)
        current[j] = f * current[j] + (1 - f) * candidate
      }
    }
    for j in 0..<h { membrane[j] += current[j] }
    quantizer.quantize(membrane, count: h, into: y, pass: nil, training: false)
    for j in 0..<h {
      membrane[j] -= y[j]
      previous[j] = y[j]
    }
  }
}
