/// Several arrays pinned at once for a raw-pointer loop, so that numeric code reads flat: one
/// call for up to four arrays where `withUnsafeBufferPointer` needs one closure each. Each
/// overload pins its first array and hands the rest to the next smaller one.
@inlinable
public func withBuffers<A, B, R>(
  _ a: [A], _ b: [B], _ body: (UnsafeBufferPointer<A>, UnsafeBufferPointer<B>) throws -> R
) rethrows -> R {
  try a.withUnsafeBufferPointer { pa in try b.withUnsafeBufferPointer { pb in try body(pa, pb) } }
}

@inlinable
public func withBuffers<A, B, C, R>(
  _ a: [A], _ b: [B], _ c: [C], _ body: (UnsafeBufferPointer<A>, UnsafeBufferPointer<B>, UnsafeBufferPointer<C>) throws -> R
) rethrows -> R {
  try a.withUnsafeBufferPointer { pa in try withBuffers(b, c) { pb, pc in try body(pa, pb, pc) } }
}

@inlinable
public func withBuffers<A, B, C, D, R>(
  _ a: [A], _ b: [B], _ c: [C], _ d: [D],
  _ body: (UnsafeBufferPointer<A>, UnsafeBufferPointer<B>, UnsafeBufferPointer<C>, UnsafeBufferPointer<D>) throws -> R
) rethrows -> R {
  try a.withUnsafeBufferPointer { pa in try withBuffers(b, c, d) { pb, pc, pd in try body(pa, pb, pc, pd) } }
}

/// The mutable counterpart of `withBuffers`: up to four arrays written in one loop.
@inlinable
public func withMutableBuffers<A, B, R>(
  _ a: inout [A], _ b: inout [B], _ body: (UnsafeMutableBufferPointer<A>, UnsafeMutableBufferPointer<B>) throws -> R
) rethrows -> R {
  try a.withUnsafeMutableBufferPointer { pa in try b.withUnsafeMutableBufferPointer { pb in try body(pa, pb) } }
}

@inlinable
public func withMutableBuffers<A, B, C, R>(
  _ a: inout [A], _ b: inout [B], _ c: inout [C],
  _ body: (UnsafeMutableBufferPointer<A>, UnsafeMutableBufferPointer<B>, UnsafeMutableBufferPointer<C>) throws -> R
) rethrows -> R {
  try a.withUnsafeMutableBufferPointer { pa in try withMutableBuffers(&b, &c) { pb, pc in try body(pa, pb, pc) } }
}

@inlinable
public func withMutableBuffers<A, B, C, D, R>(
  _ a: inout [A], _ b: inout [B], _ c: inout [C], _ d: inout [D],
  _ body: (UnsafeMutableBufferPointer<A>, UnsafeMutableBufferPointer<B>, UnsafeMutableBufferPointer<C>, UnsafeMutableBufferPointer<D>) throws -> R
) rethrows -> R {
  try a.withUnsafeMutableBufferPointer { pa in try withMutableBuffers(&b, &c, &d) { pb, pc, pd in try body(pa, pb, pc, pd) } }
}

/// Floats at one address for the owner's lifetime, so per-frame loops use plain pointers
/// instead of pinning arrays in closures (the streaming steps' weights and state).
public final class PinnedFloats {
  public let pointer: UnsafeMutablePointer<Float>
  public let count: Int

  public init(_ values: [Float]) {
    count = values.count
    pointer = .allocate(capacity: max(count, 1))
    values.withUnsafeBufferPointer { if count > 0 { pointer.update(from: $0.baseAddress!, count: count) } }
  }

  public init(zeros count: Int) {
    self.count = count
    pointer = .allocate(capacity: max(count, 1))
    pointer.update(repeating: 0, count: max(count, 1))
  }

  deinit { pointer.deallocate() }

  public func zero() { pointer.update(repeating: 0, count: count) }
}
