#if canImport(Glibc)
import Glibc
#endif
import KaldiMatrix

/// Adam (Kingma & Ba) exactly as `torch.optim.Adam` without weight decay.
public struct Adam: Sendable {
  public var learningRate: Float
  public let beta1: Float = 0.9
  public let beta2: Float = 0.999
  public let epsilon: Float = 1e-8
  public private(set) var step = 0
  /// First and second moments, one pair per parameter in visiting order.
  public var firstMoments: [[Float]] = []
  public var secondMoments: [[Float]] = []

  public init(learningRate: Float) { self.learningRate = learningRate }

  public init(learningRate: Float, step: Int, firstMoments: [[Float]], secondMoments: [[Float]]) {
    self.learningRate = learningRate
    self.step = step
    self.firstMoments = firstMoments
    self.secondMoments = secondMoments
  }

  /// One update of every parameter of `model` from its accumulated gradient.
  public mutating func update(_ model: some ParameterOwner) {
    step += 1
    let bc1 = 1 - powf(beta1, Float(step)), bc2 = 1 - powf(beta2, Float(step))
    let stepSize = learningRate / bc1, bc2Root = bc2.squareRoot()
    var index = 0
    let (b1, b2, eps) = (beta1, beta2, epsilon)
    var m = firstMoments, v = secondMoments
    firstMoments = []
    secondMoments = []
    model.visitParameters { p in
      if index == m.count {
        m.append(.zeros(p.count))
        v.append(.zeros(p.count))
      }
      withMutableBuffers(&m[index], &v[index], &p.value) { mp, vp, w in
        p.grad.withUnsafeBufferPointer { g in
          for i in 0..<w.count {
            mp[i] = b1 * mp[i] + (1 - b1) * g[i]
            vp[i] = b2 * vp[i] + (1 - b2) * g[i] * g[i]
            w[i] -= stepSize * mp[i] / (vp[i].squareRoot() / bc2Root + eps)
          }
        }
      }
      index += 1
    }
    firstMoments = m
    secondMoments = v
  }
}
