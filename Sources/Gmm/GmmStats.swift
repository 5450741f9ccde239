#if canImport(Glibc)
import Glibc
#endif
import KaldiBase
import KaldiIO
import KaldiMatrix

/// Which parameters an update touches (Kaldi's `GmmFlagsType`, on the command line "mvwt").
public struct GmmUpdateFlags: OptionSet, Sendable {
  public let rawValue: Int32
  public init(rawValue: Int32) { self.rawValue = rawValue }
  public static let means = GmmUpdateFlags(rawValue: 1)
  public static let variances = GmmUpdateFlags(rawValue: 2)
  public static let weights = GmmUpdateFlags(rawValue: 4)
  public static let transitions = GmmUpdateFlags(rawValue: 8)
  public static let all: GmmUpdateFlags = [.means, .variances, .weights, .transitions]

  /// Kaldi's `StringToGmmFlags`: letters m, v, w, t.
  public init(letters: String) throws {
    var flags: GmmUpdateFlags = []
    for c in letters {
      switch c {
      case "m": flags.insert(.means)
      case "v": flags.insert(.variances)
      case "w": flags.insert(.weights)
      case "t": flags.insert(.transitions)
      default: throw KaldiError("Invalid element \(c) of GmmFlagsType option string \(letters)")
      }
    }
    self = flags
  }
}

/// Sufficient statistics of one mixture (Kaldi's `AccumDiagGmm`): per component its occupancy,
/// Σγx and Σγx², in double.
public struct DiagGmmStats: Sendable, Equatable {
  public var occupancy: [Double]
  public var meanAccs: Matrix<Double>
  public var varianceAccs: Matrix<Double>
  public var flags: GmmUpdateFlags

  public init(components: Int, dim: Int, flags: GmmUpdateFlags) {
    occupancy = [Double](repeating: 0, count: components)
    meanAccs = Matrix(rows: components, cols: dim)
    varianceAccs = Matrix(rows: components, cols: dim)
    self.flags = flags
  }

  public var dim: Int { meanAccs.cols }

  /// Adds one frame with the given component posteriors.
  mutating func accumulate(_ x: UnsafeBufferPointer<Float>, posteriors: UnsafeBufferPointer<Float>) {
    for c in 0..<occupancy.count {
      let p = Double(posteriors[c])
      guard p != 0 else { continue }
      occupancy[c] += p
      let base = c * dim
      for d in 0..<dim {
        let v = Double(x[d])
        meanAccs.data[base + d] += p * v
        varianceAccs.data[base + d] += p * v * v
      }
    }
  }

  public mutating func add(_ other: DiagGmmStats) throws {
    guard other.occupancy.count == occupancy.count, other.dim == dim else {
      throw KaldiError("Cannot add GMM statistics of \(other.occupancy.count)x\(other.dim) to \(occupancy.count)x\(dim)")
    }
    for i in occupancy.indices { occupancy[i] += other.occupancy[i] }
    for i in meanAccs.data.indices {
      meanAccs.data[i] += other.meanAccs.data[i]
      varianceAccs.data[i] += other.varianceAccs.data[i]
    }
  }
}

/// What `gmm-acc-stats-ali` writes and `gmm-est` reads: transition-id counts, then the
/// statistics of every pdf (Kaldi's `AccumAmDiagGmm`) with the total frames and log-likelihood.
public struct GmmStats: Sendable {
  public var transitionCounts: [Double]
  public var pdfs: [DiagGmmStats]
  public var totalFrames: Double = 0
  public var totalLogLikelihood: Double = 0

  /// Empty statistics shaped like a model.
  public init(model: GmmModelFile, flags: GmmUpdateFlags = .all) {
    transitionCounts = [Double](repeating: 0, count: model.transitionModel.numTransitionIds + 1)
    pdfs = model.acousticModel.densities.map { DiagGmmStats(components: $0.numComponents, dim: $0.dim, flags: flags) }
  }

  init(transitionCounts: [Double], pdfs: [DiagGmmStats], totalFrames: Double, totalLogLikelihood: Double) {
    self.transitionCounts = transitionCounts
    self.pdfs = pdfs
    self.totalFrames = totalFrames
    self.totalLogLikelihood = totalLogLikelihood
  }

  /// Adds one aligned frame: its transition-id, and its pdf's component posteriors. Returns the
  /// frame's log-likelihood under the pdf. `scratch` holds at least the pdf's component count.
  @discardableResult
  public mutating func accumulate(frame x: UnsafeBufferPointer<Float>, transitionId: Int32, pdf: Int, model: AmDiagGmm,
                                  scratch: UnsafeMutableBufferPointer<Float>) -> Float {
    transitionCounts[Int(transitionId)] += 1
    let gmm = model.densities[pdf]
    let posteriors = UnsafeMutableBufferPointer(rebasing: scratch[0..<gmm.numComponents])
    gmm.componentLogLikelihoods(x, into: posteriors)
    // Kaldi's ApplySoftMax, in float: exp relative to the largest, normalised by their sum.
    var largest = posteriors[0]
    for v in posteriors where v > largest { largest = v }
    var sum: Float = 0
    for c in posteriors.indices {
      posteriors[c] = expf(posteriors[c] - largest)
      sum += posteriors[c]
    }
    for c in posteriors.indices { posteriors[c] /= sum }
    let like = largest + logf(sum)
    pdfs[pdf].accumulate(x, posteriors: UnsafeBufferPointer(posteriors))
    totalFrames += 1
    totalLogLikelihood += Double(like)
    return like
  }

  /// Sums statistics (Kaldi's `gmm-sum-accs`).
  public mutating func add(_ other: GmmStats) throws {
    guard other.transitionCounts.count == transitionCounts.count, other.pdfs.count == pdfs.count else {
      throw KaldiError("Cannot add statistics of \(other.pdfs.count) pdfs and \(other.transitionCounts.count - 1) transition-ids to \(pdfs.count) and \(transitionCounts.count - 1)")
    }
    for i in transitionCounts.indices { transitionCounts[i] += other.transitionCounts[i] }
    for i in pdfs.indices { try pdfs[i].add(other.pdfs[i]) }
    totalFrames += other.totalFrames
    totalLogLikelihood += other.totalLogLikelihood
  }
}

// MARK: - Kaldi's accumulator files

extension GmmStats {
  /// Reads an accumulator file: the transition counts (`DV`), then `AccumAmDiagGmm`.
  public static func read(_ rxfilename: String) throws -> GmmStats {
    let s = try InputStream.open(rxfilename)
    do {
      let binary = try s.readBinaryHeader()
      let transitions = try VectorHolder<Double>.readObject(s, binary: binary).data
      try s.expectToken("<NUMPDFS>")
      let at = s.position
      let count = Int(try s.readInt32(binary: binary))
      guard count >= 0 else { throw FormatError("bad number of pdfs \(count)", at: at) }
      var pdfs: [DiagGmmStats] = []
      for _ in 0..<count { pdfs.append(try DiagGmmStats.read(from: s, binary: binary)) }
      var totalLike = 0.0, totalFrames = 0.0
      try s.skipWhitespace()
      if try s.peek() != nil {
        try s.expectToken("<total_like>")
        totalLike = try s.readDouble(binary: binary)
        try s.expectToken("<total_frames>")
        totalFrames = try s.readDouble(binary: binary)
      }
      return GmmStats(transitionCounts: transitions, pdfs: pdfs, totalFrames: totalFrames, totalLogLikelihood: totalLike)
    } catch let e as FormatError {
      throw KaldiError("Failed to read GMM statistics from '\(rxfilename)' at byte \(e.offset): \(e.reason)")
    }
  }

  public func write(to wxfilename: String, binary: Bool) throws {
    let out = try OutputStream.open(wxfilename)
    if binary { try out.writeBinaryHeader() }
    try VectorHolder<Double>.write(Vector(transitionCounts), to: out, binary: binary)
    try out.writeToken("<NUMPDFS>")
    try out.writeInt32(Int32(pdfs.count), binary: binary)
    for p in pdfs { try p.write(to: out, binary: binary) }
    try out.writeToken("<total_like>")
    try out.writeDouble(totalLogLikelihood, binary: binary)
    try out.writeToken("<total_frames>")
    try out.writeDouble(totalFrames, binary: binary)
    try out.commit()
  }
}

extension DiagGmmStats {
  /// Kaldi's `AccumDiagGmm::Read`: sizes and flags, then the blocks up to `</GMMACCS>`.
  static func read(from s: InputStream, binary: Bool) throws -> DiagGmmStats {
    try s.expectToken("<GMMACCS>")
    try s.expectToken("<VECSIZE>")
    let dim = Int(try s.readInt32(binary: binary))
    try s.expectToken("<NUMCOMPONENTS>")
    let components = Int(try s.readInt32(binary: binary))
    try s.expectToken("<FLAGS>")
    let flags = GmmUpdateFlags(rawValue: Int32(try s.readUInt16(binary: binary)))
    let at = s.position
    guard dim > 0, components > 0 else { throw FormatError("bad GMM statistics size \(components)x\(dim)", at: at) }
    // Nothing is allocated from the header's sizes: the blocks are read, then checked against them.
    var occupancy: [Double]?, meanAccs: Matrix<Double>?, varianceAccs: Matrix<Double>?
    while true {
      let tokenAt = s.position
      let token = try s.readToken()
      switch token {
      case "<OCCUPANCY>":
        let v = try VectorHolder<Double>.readObject(s, binary: binary).data
        guard v.count == components else { throw FormatError("occupancy of dimension \(v.count), expected \(components)", at: tokenAt) }
        occupancy = v
      case "<MEANACCS>", "<DIAGVARACCS>":
        let m = try MatrixHolder<Double>.readObject(s, binary: binary)
        guard m.isEmpty || (m.rows == components && m.cols == dim) else {
          throw FormatError("\(token) of size \(m.rows)x\(m.cols), expected \(components)x\(dim)", at: tokenAt)
        }
        if !m.isEmpty {
          if token == "<MEANACCS>" { meanAccs = m } else { varianceAccs = m }
        }
      case "</GMMACCS>":
        guard let occupancy else { throw FormatError("GMM statistics without <OCCUPANCY>", at: tokenAt) }
        var stats = DiagGmmStats(components: components, dim: dim, flags: flags)
        stats.occupancy = occupancy
        if let meanAccs { stats.meanAccs = meanAccs }
        if let varianceAccs { stats.varianceAccs = varianceAccs }
        return stats
      default:
        throw FormatError("unexpected token \(token.prefix(20)) in GMM statistics", at: tokenAt)
      }
    }
  }

  /// Kaldi's `AccumDiagGmm::Write`: statistics kept in double, written as float.
  func write(to out: OutputStream, binary: Bool) throws {
    try out.writeToken("<GMMACCS>")
    try out.writeToken("<VECSIZE>")
    try out.writeInt32(Int32(dim), binary: binary)
    try out.writeToken("<NUMCOMPONENTS>")
    try out.writeInt32(Int32(occupancy.count), binary: binary)
    try out.writeToken("<FLAGS>")
    try out.writeUInt16(UInt16(flags.rawValue), binary: binary)
    try out.writeToken("<OCCUPANCY>")
    try VectorHolder<Float>.write(Vector(occupancy.map { Float($0) }), to: out, binary: binary)
    try out.writeToken("<MEANACCS>")
    try MatrixHolder<Float>.write(meanAccs.converted(to: Float.self), to: out, binary: binary)
    try out.writeToken("<DIAGVARACCS>")
    try MatrixHolder<Float>.write(varianceAccs.converted(to: Float.self), to: out, binary: binary)
    try out.writeToken("</GMMACCS>")
  }
}
