/// The processes that train one model together (MPI ranks), each on its share of every
/// minibatch. Whatever single-process training computes over the whole minibatch is summed over
/// them: batch-norm statistics, the quantizers' ranges, the count of scored frames, gradients.
public protocol ProcessGroup: AnyObject {
  var rank: Int { get }
  var size: Int { get }
  /// Replaces each value by its sum over all processes.
  func sum(_ values: UnsafeMutableBufferPointer<Double>)
  func sum(_ values: UnsafeMutableBufferPointer<Float>)
  /// Replaces `low` by its minimum and `high` by its maximum over all processes.
  func extremes(_ low: inout Float, _ high: inout Float)
}

/// This process's part in data-parallel training. Like MPI itself, it is process-wide: set once
/// by the training tool before training starts (`group`), and per minibatch by the trainer
/// (`share`). Without a group every component computes over its own rows, as always.
public enum DataParallel {
  nonisolated(unsafe) public static var group: (any ProcessGroup)?
  /// The sequences of the current minibatch this process holds, of how many in all: dropout
  /// masks are drawn for the whole minibatch and each process keeps its rows, so that the
  /// model trains as one process with the whole minibatch would.
  nonisolated(unsafe) static var share: (first: Int, total: Int)?

  /// Sums over the group while a training minibatch is computed (evaluation never reduces).
  static func sum(_ values: inout [Double], training: Bool) {
    guard training, let g = group else { return }
    values.withUnsafeMutableBufferPointer { g.sum($0) }
  }

  static func sum(_ values: inout [Float], training: Bool) {
    guard training, let g = group else { return }
    values.withUnsafeMutableBufferPointer { g.sum($0) }
  }

  /// Sums of a few counts and totals over the group (identity without one).
  static func sum(_ values: [Double]) -> [Double] {
    var v = values
    sum(&v, training: true)
    return v
  }

  /// The sequences [first, first + count) of a minibatch of `total` this process takes:
  /// contiguous, as even as possible, the first ranks taking one more.
  public static func shareOfBatch(_ total: Int, rank: Int, size: Int) -> Range<Int> {
    let base = total / size, extra = total % size
    let first = rank * base + min(rank, extra)
    return first..<(first + base + (rank < extra ? 1 : 0))
  }
}
