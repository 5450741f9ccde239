#if canImport(Glibc)
import Glibc
#endif

/// Kaldi's `LinearResample` (feat/resample.cc) for whole waveforms: a windowed-sinc filter
/// with cutoff 0.99 × half the lower rate and 6 zeros, as `--allow-downsample` and
/// `--allow-upsample` use it.
public struct Resampler {
  let inputRate: Int
  let outputRate: Int
  let cutoff: Double
  let zeros: Int
  let inputSamplesPerUnit: Int
  let outputSamplesPerUnit: Int
  /// For each output sample within one unit: first input index and filter weights.
  let firstIndex: [Int]
  let weights: [[Float]]

  public init(from inputRate: Int, to outputRate: Int) {
    let lowest = Float(min(inputRate, outputRate))
    self.init(inputRate: inputRate, outputRate: outputRate, cutoff: Double(Float(0.99 * 0.5 * Double(lowest))), zeros: 6)
  }

  init(inputRate: Int, outputRate: Int, cutoff: Double, zeros: Int) {
    self.inputRate = inputRate
    self.outputRate = outputRate
    self.cutoff = cutoff
    self.zeros = zeros
    let g = gcd(inputRate, outputRate)
    inputSamplesPerUnit = inputRate / g
    outputSamplesPerUnit = outputRate / g
    let windowWidth = Double(zeros) / (2.0 * cutoff)
    var first: [Int] = [], w: [[Float]] = []
    for i in 0..<outputSamplesPerUnit {
      let outputT = Double(i) / Double(outputRate)
      let minIndex = Int(ceil((outputT - windowWidth) * Double(inputRate)))
      let maxIndex = Int(floor((outputT + windowWidth) * Double(inputRate)))
      first.append(minIndex)
      w.append((0..<max(0, maxIndex - minIndex + 1)).map { k in
        let j = minIndex + k
        let deltaT = Double(j) / Double(inputRate) - outputT
        return Float(Self.filter(deltaT, cutoff: cutoff, zeros: zeros) / Double(inputRate))
      })
    }
    firstIndex = first
    weights = w
  }

  /// Hanning-windowed sinc, computed in float as Kaldi does.
  static func filter(_ t: Double, cutoff: Double, zeros: Int) -> Double {
    let tf = Float(t), cf = Float(cutoff)
    let window: Float = abs(tf) < Float(Double(zeros) / (2.0 * Double(cf)))
      ? Float(0.5 * (1 + cos(2 * Double.pi * Double(cf) / Double(zeros) * Double(tf)))) : 0
    let filter: Float = tf != 0 ? Float(sin(2 * Double.pi * Double(cf) * Double(tf)) / (Double.pi * Double(tf))) : 2 * cf
    return Double(filter * window)
  }

  /// Output length for a whole input (Kaldi's `GetNumOutputSamples` with flush).
  public func outputCount(for inputCount: Int) -> Int {
    let tickRate = lcm(inputRate, outputRate)
    let ticks = inputCount * (tickRate / inputRate)
    if ticks <= 0 { return 0 }
    let ticksPerOutput = tickRate / outputRate
    var last = ticks / ticksPerOutput
    if last * ticksPerOutput == ticks { last -= 1 }
    return last + 1
  }

  public func resample(_ input: [Float]) -> [Float] {
    let count = outputCount(for: input.count)
    var output = [Float](repeating: 0, count: count)
    for s in 0..<count {
      let unit = s / outputSamplesPerUnit
      let wrapped = s - unit * outputSamplesPerUnit
      let start = firstIndex[wrapped] + unit * inputSamplesPerUnit
      var acc: Float = 0
      for (k, w) in weights[wrapped].enumerated() {
        let i = start + k
        if i >= 0 && i < input.count { acc += w * input[i] }
      }
      output[s] = acc
    }
    return output
  }
}

func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
func lcm(_ a: Int, _ b: Int) -> Int { a / gcd(a, b) * b }
