import KaldiBase
import KaldiIO

/// A weighted FST over the tropical semiring with standard arcs, as Kaldi's decoders use it
/// (`HCLG.fst`): states in compressed rows, arcs as parallel arrays.
public struct Fst: Sendable {
  public var start: Int32
  /// Final cost per state (+∞ when not final).
  public var finals: [Float]
  /// Arcs of state s are arcStart[s] ..< arcStart[s+1].
  public var arcStart: [Int32]
  public var ilabels: [Int32]
  public var olabels: [Int32]
  public var weights: [Float]
  public var nextStates: [Int32]

  public var stateCount: Int { finals.count }
  public var arcCount: Int { ilabels.count }
  public func arcs(of s: Int) -> Range<Int> { Int(arcStart[s])..<Int(arcStart[s + 1]) }
  public func isFinal(_ s: Int) -> Bool { finals[s] != .infinity }

  public init(start: Int32, finals: [Float], arcStart: [Int32], ilabels: [Int32], olabels: [Int32], weights: [Float], nextStates: [Int32]) {
    (self.start, self.finals, self.arcStart) = (start, finals, arcStart)
    (self.ilabels, self.olabels, self.weights, self.nextStates) = (ilabels, olabels, weights, nextStates)
  }
}

/// Reads OpenFst binary FSTs of type `vector` and `const` with `standard` (tropical float)
/// arcs, as Kaldi's `ReadFstKaldiGeneric` does; anything else is a clear error.
public enum FstReader {
  static let magic: Int32 = 0x7eb2_fdd6

  public static func read(_ rxfilename: String) throws -> Fst {
    let stream = try InputStream.open(rxfilename)
    do {
      let fst = try read(from: stream)
      try stream.close()
      return fst
    } catch let e as FormatError {
      throw stream.commandFailure() ?? KaldiError("Failed to read FST from '\(rxfilename)' at byte \(e.offset): \(e.reason)")
    }
  }

  static func read(from s: InputStream) throws -> Fst {
    func int32() throws -> Int32 { try s.readLittleEndian(Int32.self, what: "FST header") }
    func int64() throws -> Int64 { try s.readLittleEndian(Int64.self, what: "FST header") }
    func string() throws -> String {
      let at = s.position
      let n = Int(try int32())
      guard n >= 0, n < 1 << 16 else { throw FormatError("bad string length \(n) in FST header", at: at) }
      return ByteString.string(try s.readArray(UInt8.self, count: n, what: "FST header string"))
    }
    let at = s.position
    guard try int32() == magic else { throw FormatError("not an OpenFst binary FST (bad magic number)", at: at) }
    let type = try string()
    let arcType = try string()
    guard arcType == "standard" else { throw FormatError("unsupported arc type '\(arcType)' (expected standard tropical arcs)", at: at) }
    guard type == "vector" || type == "const" else { throw FormatError("unsupported FST type '\(type)' (expected vector or const)", at: at) }
    _ = try int32()  // version
    let flags = try int32()
    _ = try int64()  // properties
    let start = try int64()
    let states = try int64()
    let arcs = try int64()
    guard states >= 0, states < Int64(Int32.max), arcs >= 0, arcs < Int64(Int32.max), start >= -1, start < max(states, 1) else {
      throw FormatError("bad FST header: start \(start), \(states) states, \(arcs) arcs", at: at)
    }
    if flags & 1 != 0 { try skipSymbolTable(s) }
    if flags & 2 != 0 { try skipSymbolTable(s) }
    let n = Int(states)
    // States are appended as they are read: a corrupt state count is an error at the end of
    // the data, not an allocation for billions of states.
    var finals: [Float] = []
    var arcStart: [Int32] = [0]
    var il: [Int32] = [], ol: [Int32] = [], w: [Float] = [], ns: [Int32] = []
    if type == "vector" {
      try s.requireAvailable(12 * n, what: "\(n) FST states")  // a final weight and an arc count each
      for state in 0..<n {
        var final: Float = 0
        try s.readExactly(into: &final, count: 4, what: "final weight of state \(state)")
        finals.append(final)
        let count = Int(try int64())
        guard count >= 0, count < 1 << 31 else { throw FormatError("bad arc count \(count) for state \(state)", at: s.position) }
        let raw = try s.readArray(Int32.self, count: 4 * count, what: "arcs of state \(state)")
        for k in 0..<count {
          il.append(raw[4 * k]); ol.append(raw[4 * k + 1])
          w.append(Float(bitPattern: UInt32(bitPattern: raw[4 * k + 2]))); ns.append(raw[4 * k + 3])
        }
        arcStart.append(Int32(il.count))
      }
    } else {
      if flags & 4 != 0 { try align(s) }
      let raw = try s.readArray(UInt32.self, count: 5 * n, what: "const FST states")
      if flags & 4 != 0 { try align(s) }
      let arcRaw = try s.readArray(Int32.self, count: 4 * Int(arcs), what: "const FST arcs")
      var position = 0
      for state in 0..<n {
        finals.append(Float(bitPattern: raw[5 * state]))
        let pos = Int(raw[5 * state + 1]), count = Int(raw[5 * state + 2])
        guard pos == position, pos + count <= Int(arcs) else {
          throw FormatError("const FST state \(state) has arcs \(pos)..<\(pos + count), expected to start at \(position) within \(arcs)", at: s.position)
        }
        position += count
        arcStart.append(Int32(position))
      }
      for k in 0..<Int(arcs) {
        il.append(arcRaw[4 * k]); ol.append(arcRaw[4 * k + 1])
        w.append(Float(bitPattern: UInt32(bitPattern: arcRaw[4 * k + 2]))); ns.append(arcRaw[4 * k + 3])
      }
    }
    for (k, next) in ns.enumerated() where next < 0 || Int(next) >= n {
      throw FormatError("arc \(k) goes to state \(next), outside 0..<\(n)", at: s.position)
    }
    return Fst(start: Int32(start), finals: finals, arcStart: arcStart, ilabels: il, olabels: ol, weights: w, nextStates: ns)
  }

  /// OpenFst aligns const-FST arrays to 16-byte file offsets when the header says so.
  private static func align(_ s: InputStream) throws {
    let pad = (16 - s.position % 16) % 16
    _ = try s.readArray(UInt8.self, count: pad, what: "alignment padding")
  }

  /// An OpenFst binary symbol table inside an FST: magic, name, available key, size, entries.
  private static func skipSymbolTable(_ s: InputStream) throws {
    func bytes(_ n: Int) throws -> [UInt8] { try s.readArray(UInt8.self, count: n, what: "symbol table") }
    func int32() throws -> Int32 { try bytes(4).withUnsafeBytes { $0.loadUnaligned(as: Int32.self) } }
    func int64() throws -> Int64 { try bytes(8).withUnsafeBytes { $0.loadUnaligned(as: Int64.self) } }
    _ = try int32()
    _ = try bytes(Int(try int32()))
    _ = try int64()
    let size = try int64()
    guard size >= 0 else { throw FormatError("bad symbol table size", at: s.position) }
    for _ in 0..<size {
      _ = try bytes(Int(try int32()))
      _ = try int64()
    }
  }
}
