import CSparse
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
}
