import CSparse
import Foundation
import Testing
@testable import AcousticModels

/// The event-driven product of spiking layers: only the rows of non-zero inputs, the same
/// numbers on the AVX2 path and the portable one.
@Suite(.serialized) struct SparseProductTests {
  /// A spike-like input: most entries zero, the rest multiples of a step (as the quantizer makes them).
  static func spikes(_ n: Int, seed: UInt64) -> [Float] {
    var rng = RandomSource(seed: seed)
    return (0..<n).map { _ in rng.next() % 5 == 0 ? Float(Int(rng.next() % 13) - 6) * 0.37 : 0 }
  }

  static func product(wt: [Float], outputs n: Int, x: [Float], start: [Float]?) -> [Float] {
    let entries = NonZeroEntries(capacity: x.count)
    var y = start ?? [Float](repeating: 7, count: n)  // overwritten without accumulate
    wt.withUnsafeBufferPointer { w in
      x.withUnsafeBufferPointer { entries.gather($0.baseAddress!, x.count) }
      y.withUnsafeMutableBufferPointer { sparseProduct(w.baseAddress!, outputs: n, entries, $0.baseAddress!, accumulate: start != nil) }
    }
    return y
  }

  /// Odd sizes (outputs not a multiple of the vector width, a row count not a multiple of the
  /// four rows done at a time) against a dense product in double precision.
  @Test(arguments: [(37, 23), (1100, 280), (144, 550), (8, 4)])
  func equalsDenseProduct(inputs: Int, outputs n: Int) {
    var rng = RandomSource(seed: 5)
    let wt = (0..<(inputs * n)).map { _ in Float(rng.normal()) }
    let x = Self.spikes(inputs, seed: UInt64(inputs))
    let start = (0..<n).map { _ in Float(rng.normal()) }
    let y = Self.product(wt: wt, outputs: n, x: x, start: start)
    let fresh = Self.product(wt: wt, outputs: n, x: x, start: nil)
    var worst = 0.0, worstFresh = 0.0
    for i in 0..<n {
      var s = 0.0
      for j in 0..<inputs { s += Double(x[j]) * Double(wt[j * n + i]) }
      worst = max(worst, abs(Double(y[i]) - (s + Double(start[i]))))
      worstFresh = max(worstFresh, abs(Double(fresh[i]) - s))
    }
    #expect(worst < 1e-4 && worstFresh < 1e-4, "max difference \(worst), without accumulate \(worstFresh)")
    #expect(x.contains(0) && x.contains { $0 != 0 })
  }

  @Test func gatherKeepsOrderAndValues() {
    let x: [Float] = [0, 1.5, 0, 0, -2, 0, 3]
    let entries = NonZeroEntries(capacity: x.count)
    x.withUnsafeBufferPointer { entries.gather($0.baseAddress!, x.count) }
    #expect(entries.count == 3)
    #expect((0..<3).map { entries.indices[$0] } == [1, 4, 6])
    #expect((0..<3).map { entries.values[$0] } == [1.5, -2, 3])
  }

  /// Both paths make one fused multiply-add chain per output in the rows' order: the same bits.
  @Test func vectorAndPortablePathsAgreeExactly() {
    var rng = RandomSource(seed: 9)
    let (inputs, n) = (550, 1100)
    let wt = (0..<(inputs * n)).map { _ in Float(rng.normal()) }
    let x = Self.spikes(inputs, seed: 3)
    let start = (0..<n).map { _ in Float(rng.normal()) }
    let hasAVX2 = ksnn_sparse_select_avx2(1) == 1
    let vector = Self.product(wt: wt, outputs: n, x: x, start: start)
    #expect(ksnn_sparse_select_avx2(0) == 0)
    let portable = Self.product(wt: wt, outputs: n, x: x, start: start)
    _ = ksnn_sparse_select_avx2(1)
    #expect(vector == portable, "AVX2 path in use: \(hasAVX2)")
  }

  /// The spiking gates' sigmoid: within a few ulp of 1/(1 + expf(-x)) over the whole range
  /// (saturating at both ends, NaN kept), the same bits on both paths.
  @Test func sigmoidIsAccurateAndTheSameOnBothPaths() {
    var x: [Float] = stride(from: Float(-120), through: 120, by: 0.0173).map { $0 }
    x += [0, -0.0, 1e-30, -1e-30, 88.5, -88.5, 200, -200, .infinity, -.infinity, .nan]
    var vector = [Float](repeating: 0, count: x.count), portable = vector
    _ = ksnn_sparse_select_avx2(1)
    ksnn_sigmoid(x, &vector, Int32(x.count))
    _ = ksnn_sparse_select_avx2(0)
    ksnn_sigmoid(x, &portable, Int32(x.count))
    _ = ksnn_sparse_select_avx2(1)
    var worst: Float = 0
    for (i, v) in x.enumerated() {
      #expect(vector[i].bitPattern == portable[i].bitPattern || (vector[i].isNaN && portable[i].isNaN), "x = \(v)")
      if v.isNaN { #expect(vector[i].isNaN); continue }
      let exact = Float(1 / (1 + Foundation.exp(-Double(v))))
      worst = max(worst, abs(vector[i] - exact) / max(exact, 1e-30))
    }
    #expect(worst < 4e-7, "largest relative error \(worst)")
    #expect(vector[x.count - 2] < 1e-38 && vector[x.count - 3] == 1)  // -inf (clamped to exp(88.38)), +inf
  }
}
