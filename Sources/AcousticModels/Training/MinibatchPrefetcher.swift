import Dispatch

/// Reads the next minibatch from the training caches on a background thread while the current
/// one trains, so that a step does not wait for the disk (or a network file system).
final class MinibatchPrefetcher {
  private let queue = DispatchQueue(label: "ksnn.minibatch-prefetch")
  private var pending: (index: Int, group: DispatchGroup, box: ResultBox)?

  /// The result of one read, handed from the reading thread to the training thread; the
  /// group's wait orders the write before the read.
  private final class ResultBox: @unchecked Sendable {
    var result: Result<SequenceBatch, any Error>?
  }

  /// Starts reading minibatch `index` of the epoch.
  func prefetch(_ index: Int, _ read: @escaping @Sendable () throws -> SequenceBatch) {
    let group = DispatchGroup(), box = ResultBox()
    queue.async(group: group) { box.result = Result { try read() } }
    pending = (index, group, box)
  }

  /// Minibatch `index`: the one prefetched if it is that one, else read here.
  func take(_ index: Int, orRead read: () throws -> SequenceBatch) throws -> SequenceBatch {
    guard let pending, pending.index == index else {
      self.pending = nil
      return try read()
    }
    self.pending = nil
    pending.group.wait()
    return try pending.box.result!.get()
  }
}
