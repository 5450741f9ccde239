#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiIO
import KaldiMatrix

/// Utterances with frame targets for training: features and targets are copied once into
/// private cache files and read back per minibatch, so memory stays bounded whatever the corpus
/// size (a few dozen bytes per utterance; any rspecifier works, pipes included).
/// Sendable by hand: nothing changes after `init`, and reads are `pread`s (the training loop
/// reads the next minibatch on another thread).
public final class FrameDataset: @unchecked Sendable {
  public struct Utterance: Sendable {
    public let key: String
    public let frames: Int
    /// Offset of its first frame in the caches, in frames.
    let firstFrame: Int
  }

  public private(set) var dim: Int
  public private(set) var utterances: [Utterance] = []
  public private(set) var skipped = 0
  public private(set) var maxTarget: Int32 = -1
  private let cachePath: String
  private let fd: Int32
  /// The targets' cache: int32 per frame, at the same frame offsets as the features.
  private let targetsFd: Int32

  /// Reads all of `featuresRspecifier`, pairing each utterance with its targets. Utterances
  /// without targets, with a different number of targets than frames, or with NaN/Inf
  /// features are skipped with a warning and counted; a feature dimension other than
  /// `expectedDim` (when given) is an error.
  public init(features featuresRspecifier: String, targets targetsRspecifier: String, cache: String, expectedDim: Int? = nil) throws {
    let reader = try SequentialTableReader<MatrixHolder<Float>>(featuresRspecifier)
    let targets = try RandomAccessTableReader<Int32VectorHolder>(targetsRspecifier)
    cachePath = cache
    let fd = ByteString.withCString(cache) { open($0, O_RDWR | O_CREAT | O_TRUNC, 0o644) }
    self.fd = fd
    guard fd >= 0 else { throw KaldiError("cannot create feature cache \(cache): \(String(cString: strerror(errno)))") }
    let targetsFd = ByteString.withCString(cache + ".targets") { open($0, O_RDWR | O_CREAT | O_TRUNC, 0o644) }
    self.targetsFd = targetsFd
    guard targetsFd >= 0 else {
      close(fd)
      _ = ByteString.withCString(cache) { unlink($0) }
      throw KaldiError("cannot create target cache \(cache).targets: \(String(cString: strerror(errno)))")
    }
    self.dim = expectedDim ?? 0
    var dim = expectedDim ?? -1
    var written = 0
    var missing = 0, mismatched = 0, nonFinite = 0
    while let (key, m) = try reader.next() {
      if dim < 0 { dim = m.cols }
      if m.cols != dim {
        throw KaldiError("utterance \(key) of \(featuresRspecifier) has feature dimension \(m.cols), expected \(dim)\(expectedDim != nil ? " (the model's input dimension)" : "")")
      }
      guard try targets.hasKey(key) else {
        KaldiLog.warn("No targets for utterance \(key) in \(targetsRspecifier); skipping it")
        missing += 1
        continue
      }
      let y = try targets.value(for: key)
      if let bad = y.firstIndex(where: { $0 < 0 }) {
        throw KaldiError("utterance \(key) of \(targetsRspecifier) has target \(y[bad]) at frame \(bad); targets are class indices (pdf-ids) from 0")
      }
      guard y.count == m.rows else {
        KaldiLog.warn("Utterance \(key): \(y.count) targets for \(m.rows) frames; skipping it")
        mismatched += 1
        continue
      }
      guard m.data.allSatisfy({ $0.isFinite }) else {
        KaldiLog.warn("Utterance \(key) of \(featuresRspecifier) has NaN or infinite features; skipping it")
        nonFinite += 1
        continue
      }
      if m.rows == 0 { continue }
      try m.data.withUnsafeBytes { try Self.write($0, to: fd, at: written * dim * 4, cache) }
      try y.withUnsafeBytes { try Self.write($0, to: targetsFd, at: written * 4, cache + ".targets") }
      utterances.append(Utterance(key: key, frames: m.rows, firstFrame: written))
      maxTarget = max(maxTarget, y.max() ?? -1)
      written += m.rows
    }
    if expectedDim == nil { self.dim = max(dim, 0) }
    skipped = missing + mismatched + nonFinite
    if skipped > 0 {
      KaldiLog.warn("Skipped \(skipped) utterances of \(featuresRspecifier): \(missing) without targets, \(mismatched) with a target count different from the frame count, \(nonFinite) with NaN/Inf features")
    }
  }

  deinit {
    close(fd)
    _ = ByteString.withCString(cachePath) { unlink($0) }
    close(targetsFd)
    _ = ByteString.withCString(cachePath + ".targets") { unlink($0) }
  }

  private static func write(_ raw: UnsafeRawBufferPointer, to fd: Int32, at offset: Int, _ path: String) throws {
    var done = 0
    while done < raw.count {
      let n = pwrite(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
      guard n > 0 else { throw KaldiError("cannot write cache \(path): \(String(cString: strerror(errno)))") }
      done += n
    }
  }

  private func read(_ raw: UnsafeMutableRawBufferPointer, from fd: Int32, at offset: Int, _ what: String, of index: Int) throws {
    var done = 0
    while done < raw.count {
      let n = pread(fd, raw.baseAddress! + done, raw.count - done, off_t(offset + done))
      guard n > 0 else { throw KaldiError("cannot read the \(what) cache of \(cachePath) for utterance \(utterances[index].key)") }
      done += n
    }
  }

  public var totalFrames: Int { utterances.reduce(0) { $0 + $1.frames } }

  /// Frames [start, end) of utterance `index`, row-major.
  public func features(_ index: Int, _ range: Range<Int>) throws -> [Float] {
    let u = utterances[index]
    var out = [Float](repeating: 0, count: range.count * dim)
    try out.withUnsafeMutableBytes { try read($0, from: fd, at: (u.firstFrame + range.lowerBound) * dim * 4, "feature", of: index) }
    return out
  }

  /// Targets of frames [start, end) of utterance `index`.
  public func targets(_ index: Int, _ range: Range<Int>) throws -> [Int32] {
    var out = [Int32](repeating: 0, count: range.count)
    try out.withUnsafeMutableBytes { try read($0, from: targetsFd, at: (utterances[index].firstFrame + range.lowerBound) * 4, "target", of: index) }
    return out
  }
}

/// A piece of an utterance that goes into a minibatch as one sequence.
public struct Chunk: Sendable, Equatable {
  public let utterance: Int
  public let frames: Range<Int>
}

/// PyTorch-Kaldi's chunking: utterances longer than `maxLength` are cut into pieces of
/// `maxLength` frames; a remainder that would leave a piece longer than 1.25·maxLength is cut
/// again, so the last piece stays between maxLength/4 and 1.25·maxLength frames.
public func chunks(of dataset: FrameDataset, maxLength: Int) -> [Chunk] {
  var out = [Chunk]()
  for (i, u) in dataset.utterances.enumerated() {
    var start = 0
    while Double(u.frames - start) > 1.25 * Double(maxLength) {
      out.append(Chunk(utterance: i, frames: start..<(start + maxLength)))
      start += maxLength
    }
    out.append(Chunk(utterance: i, frames: start..<u.frames))
  }
  return out
}

/// The maximum sequence length of each epoch, from `100*4|200*4|...` (length*epochs groups).
public struct LengthSchedule: Sendable, Equatable {
  public let groups: [(length: Int, epochs: Int)]

  public init(_ text: String) throws(KaldiError) {
    var groups = [(Int, Int)]()
    for part in text.split(separator: "|") {
      let f = part.split(separator: "*")
      guard f.count == 2, let len = Int(f[0]), let n = Int(f[1]), len > 0, n > 0 else {
        throw KaldiError("bad sequence-length schedule '\(text)': expected groups like 100*4|200*4")
      }
      groups.append((len, n))
    }
    guard !groups.isEmpty else { throw KaldiError("empty sequence-length schedule") }
    self.groups = groups
  }

  public static func == (a: LengthSchedule, b: LengthSchedule) -> Bool {
    a.groups.map(\.length) == b.groups.map(\.length) && a.groups.map(\.epochs) == b.groups.map(\.epochs)
  }

  /// The cap for epoch `epoch` (1-based); past the schedule, the last group's length.
  public func maxLength(epoch: Int) -> Int {
    var e = epoch
    for g in groups {
      if e <= g.epochs { return g.length }
      e -= g.epochs
    }
    return groups.last!.length
  }
}
