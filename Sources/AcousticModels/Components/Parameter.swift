import KaldiMatrix
/// A learnable matrix (rows × cols, row-major; a vector has one row) with its gradient.
public struct Parameter: Sendable {
  public let name: String
  public let rows: Int
  public let cols: Int
  public var value: [Float]
  public var grad: [Float]

  public init(name: String, rows: Int, cols: Int, value: [Float]? = nil) {
    self.name = name
    self.rows = rows
    self.cols = cols
    self.value = value ?? .zeros(rows * cols)
    precondition(self.value.count == rows * cols)
    grad = .zeros(rows * cols)
  }

  public var count: Int { rows * cols }

  mutating func zeroGrad() {
    grad.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
  }
}

/// Anything that owns parameters and non-learned state (running statistics) to save.
public protocol ParameterOwner: AnyObject {
  func visitParameters(_ body: (inout Parameter) throws -> Void) rethrows
  /// Non-learned state that a model file must keep (batch-norm running statistics, EMA ranges).
  func visitBuffers(_ body: (String, inout [Float]) throws -> Void) rethrows
}

/// The initialisations the paper and PyTorch-Kaldi use.
enum Initializer {
  /// Glorot/Xavier uniform: U(±√(6/(fan_in+fan_out))).
  static func glorot(rows: Int, cols: Int, rng: inout RandomSource) -> [Float] {
    let bound = (6.0 / Double(rows + cols)).squareRoot()
    return uniform(count: rows * cols, bound: bound, rng: &rng)
  }

  static func uniform(count: Int, bound: Double, rng: inout RandomSource) -> [Float] {
    (0..<count).map { _ in Float((rng.uniform() * 2 - 1) * bound) }
  }

  /// A (semi-)orthogonal rows × cols matrix times `gain`, as `torch.nn.init.orthogonal_`:
  /// QR of a Gaussian matrix with the signs of R's diagonal folded into Q.
  static func orthogonal(rows: Int, cols: Int, gain: Double = 1, rng: inout RandomSource) -> [Float] {
    let tall = rows >= cols
    let m = tall ? rows : cols, n = tall ? cols : rows
    // Columns of an m × n Gaussian matrix, orthonormalised by modified Gram–Schmidt
    // (which yields R with a positive diagonal, i.e. the sign-corrected Q directly).
    var q = [[Double]](repeating: [], count: n)
    for j in 0..<n {
      var v = (0..<m).map { _ in rng.normal() }
      for i in 0..<j {
        var d = 0.0
        for r in 0..<m { d += q[i][r] * v[r] }
        for r in 0..<m { v[r] -= d * q[i][r] }
      }
      var norm = 0.0
      for r in 0..<m { norm += v[r] * v[r] }
      norm = norm.squareRoot()
      q[j] = v.map { $0 / norm }
    }
    var out = [Float](repeating: 0, count: rows * cols)
    for r in 0..<rows {
      for c in 0..<cols {
        out[r * cols + c] = Float(gain * (tall ? q[c][r] : q[r][c]))
      }
    }
    return out
  }
}
