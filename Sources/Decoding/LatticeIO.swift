import KaldiBase
import KaldiIO

/// A lattice as read from a table: Kaldi's readers accept either type and convert.
enum AnyLattice {
  case lattice(Lattice)
  case compact(CompactLattice)
}

/// Kaldi's lattice formats: OpenFst's binary `vector` FST with `lattice4` or
/// `compactlattice44` arcs, and the text form of OpenFst's printer (tab-separated, weights
/// `graph,acoustic[,tid_tid_...]`, weight One left out, an empty line at the end).
enum LatticeFormat {
  static let magic: Int32 = 0x7eb2_fdd6
  static let latticeArcType = "lattice4"
  static let compactArcType = "compactlattice44"
  /// OpenFst's kExpanded | kMutable: what a VectorFst always knows of itself; the rest is
  /// left for readers to compute (neither Kaldi nor OpenFst checks them on reading).
  static let properties: UInt64 = 0x3
  /// The first byte of the little-endian magic number, which tells binary from text.
  static let binaryMark: UInt8 = 0xD6

  // MARK: Binary

  static func writeHeader(_ out: OutputStream, arcType: String, start: Int32, states: Int) throws {
    func string(_ s: String) throws {
      try out.write(bytesOf: Int32(ByteString.byteCount(of: s)).littleEndian)
      try out.write(s)
    }
    try out.write(bytesOf: magic.littleEndian)
    try string("vector")
    try string(arcType)
    try out.write(bytesOf: Int32(2).littleEndian)  // VectorFst's file version
    try out.write(bytesOf: Int32(0).littleEndian)  // flags: no symbol tables
    try out.write(bytesOf: properties.littleEndian)
    try out.write(bytesOf: Int64(start).littleEndian)
    try out.write(bytesOf: Int64(states).littleEndian)
    try out.write(bytesOf: Int64(0).littleEndian)  // VectorFst leaves the header's arc count 0
  }

  static func writeBinary(_ lat: Lattice, to out: OutputStream) throws {
    try writeBinary(lat, arcType: latticeArcType, labels: { ($0.ilabel, $0.olabel) }, weight: \.weight, write: write, to: out)
  }

  static func writeBinary(_ lat: CompactLattice, to out: OutputStream) throws {
    try writeBinary(lat, arcType: compactArcType, labels: { ($0.label, $0.label) }, weight: \.weight, write: write, to: out)
  }

  /// OpenFst's vector layout: header, then per state its final weight, arc count and arcs
  /// (ilabel, olabel, weight, next state).
  private static func writeBinary<L: MutableLattice, W>(
    _ lat: L, arcType: String, labels: (L.Arc) -> (Int32, Int32), weight: KeyPath<L.Arc, W>,
    write: (W, OutputStream) throws -> Void, to out: OutputStream
  ) throws where L.FinalWeight == W {
    try writeHeader(out, arcType: arcType, start: lat.start, states: lat.stateCount)
    for s in 0..<lat.stateCount {
      try write(lat.finals[s], out)
      try out.write(bytesOf: Int64(lat.arcs[s].count).littleEndian)
      for arc in lat.arcs[s] {
        let (il, ol) = labels(arc)
        try out.write(bytesOf: il.littleEndian)
        try out.write(bytesOf: ol.littleEndian)
        try write(arc[keyPath: weight], out)
        try out.write(bytesOf: arc.next.littleEndian)
      }
    }
  }

  private static func write(_ w: LatticeWeight, _ out: OutputStream) throws {
    try out.write(bytesOf: w.graph.bitPattern.littleEndian)
    try out.write(bytesOf: w.acoustic.bitPattern.littleEndian)
  }

  private static func write(_ w: CompactLatticeWeight, _ out: OutputStream) throws {
    try write(w.weight, out)
    try out.write(bytesOf: Int32(w.string.count).littleEndian)
    for tid in w.string { try out.write(bytesOf: tid.littleEndian) }
  }

  static func readBinary(_ s: InputStream) throws -> AnyLattice {
    func bytes<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
      try s.readLittleEndian(T.self, what: what())
    }
    func float(_ what: String) throws -> Float { Float(bitPattern: try bytes(UInt32.self, what)) }
    func string(_ what: String) throws -> String {
      let at = s.position
      let n = Int(try bytes(Int32.self, what))
      guard n >= 0, n < 256 else { throw FormatError("bad string length \(n) in FST header", at: at) }
      return ByteString.string(try s.readArray(UInt8.self, count: n, what: what))
    }
    let at = s.position
    guard try bytes(Int32.self, "FST header") == magic else { throw FormatError("not an OpenFst binary FST (bad magic number)", at: at) }
    let fstType = try string("FST type")
    let arcType = try string("arc type")
    guard arcType == latticeArcType || arcType == compactArcType else {
      throw FormatError("an FST with arc type '\(arcType)' is not a lattice (expected \(latticeArcType) or \(compactArcType))", at: at)
    }
    guard fstType == "vector" else { throw FormatError("unsupported lattice FST type '\(fstType)' (expected vector)", at: at) }
    _ = try bytes(Int32.self, "FST version")
    let flags = try bytes(Int32.self, "FST flags")
    guard flags & 3 == 0 else { throw FormatError("lattice with symbol tables is not supported", at: at) }
    _ = try bytes(UInt64.self, "FST properties")
    let start = try bytes(Int64.self, "start state")
    let states = try bytes(Int64.self, "number of states")
    let arcs = try bytes(Int64.self, "number of arcs")
    guard states >= 0, states < Int64(Int32.max), arcs >= -1, start >= -1, start < max(states, 1) else {
      throw FormatError("bad lattice header: start \(start), \(states) states, \(arcs) arcs", at: at)
    }
    let n = Int(states)
    func arcCount(_ state: Int) throws -> Int {
      let c = try bytes(Int64.self, "arc count of state \(state)")
      guard c >= 0, c < 1 << 28 else { throw FormatError("bad arc count \(c) for state \(state)", at: s.position) }
      return Int(c)
    }
    func nextState(_ state: Int) throws -> Int32 {
      let next = try bytes(Int32.self, "arc of state \(state)")
      guard next >= 0, Int(next) < n else { throw FormatError("arc of state \(state) goes to state \(next), outside 0..<\(n)", at: s.position) }
      return next
    }
    if arcType == latticeArcType {
      var lat = Lattice()
      lat.start = Int32(start)
      for state in 0..<n {
        lat.addState()
        lat.finals[state] = LatticeWeight(graph: try float("final weight"), acoustic: try float("final weight"))
        for _ in 0..<(try arcCount(state)) {
          let il = try bytes(Int32.self, "arc"), ol = try bytes(Int32.self, "arc")
          let w = LatticeWeight(graph: try float("arc weight"), acoustic: try float("arc weight"))
          lat.arcs[state].append(LatticeArc(ilabel: il, olabel: ol, weight: w, next: try nextState(state)))
        }
      }
      return .lattice(lat)
    }
    func compactWeight() throws -> CompactLatticeWeight {
      let w = LatticeWeight(graph: try float("weight"), acoustic: try float("weight"))
      let len = Int(try bytes(Int32.self, "weight string length"))
      guard len >= 0, len < 1 << 24 else { throw FormatError("bad string length \(len) in a compact lattice weight", at: s.position) }
      let str = try s.readArray(Int32.self, count: len, what: "weight string")
      return CompactLatticeWeight(w, str.map { Int32(littleEndian: $0) })
    }
    var lat = CompactLattice()
    lat.start = Int32(start)
    for state in 0..<n {
      lat.addState()
      lat.finals[state] = try compactWeight()
      for _ in 0..<(try arcCount(state)) {
        let il = try bytes(Int32.self, "arc")
        _ = try bytes(Int32.self, "arc")
        let w = try compactWeight()
        lat.arcs[state].append(CompactLatticeArc(label: il, weight: w, next: try nextState(state)))
      }
    }
    return .compact(lat)
  }

  // MARK: Text

  static func format(_ v: Float) -> String {
    if v == .infinity { return "Infinity" }
    if v == -.infinity { return "-Infinity" }
    if v.isNaN { return "BadNumber" }
    return formatG(Double(v), precision: 6)
  }

  static func format(_ w: LatticeWeight) -> String { "\(format(w.graph)),\(format(w.acoustic))" }
  static func format(_ w: CompactLatticeWeight) -> String {
    format(w.weight) + "," + w.string.map(String.init).joined(separator: "_")
  }

  /// States in OpenFst printer order: the start state first, then the others in order.
  static func printOrder(_ start: Int32, _ count: Int) -> [Int] {
    guard start >= 0 else { return [] }
    return [Int(start)] + (0..<count).filter { $0 != Int(start) }
  }

  static func writeText(_ lat: Lattice, to out: OutputStream) throws {
    try writeText(lat, isOne: { $0 == .one }, format: format, fields: { "\($0.ilabel)\t\($0.olabel)" }, weight: \.weight, to: out)
  }

  static func writeText(_ lat: CompactLattice, to out: OutputStream) throws {
    try writeText(lat, isOne: { $0 == .one }, format: format, fields: { "\($0.label)" }, weight: \.weight, to: out)
  }

  /// OpenFst's printer: per state (the start first) its arcs `src dst labels [weight]`, then
  /// its final weight if it has one or no arcs; weight One left out; an empty line last.
  private static func writeText<L: MutableLattice, W>(
    _ lat: L, isOne: (W) -> Bool, format: (W) -> String, fields: (L.Arc) -> String, weight: KeyPath<L.Arc, W>, to out: OutputStream
  ) throws where L.FinalWeight == W {
    var text = "\n"
    for s in printOrder(lat.start, lat.stateCount) {
      for arc in lat.arcs[s] {
        text += "\(s)\t\(arc.next)\t" + fields(arc)
        if !isOne(arc[keyPath: weight]) { text += "\t" + format(arc[keyPath: weight]) }
        text += "\n"
      }
      let f = lat.finals[s]
      if lat.finalCost(s) != .infinity || lat.arcs[s].isEmpty { text += isOne(f) ? "\(s)\n" : "\(s)\t\(format(f))\n" }
    }
    try out.write(text + "\n")
  }

  /// Reads lines up to an empty line (or the end). Lines of 4 fields whose last has no comma,
  /// and lines of 5, make a `Lattice`; otherwise a `CompactLattice`.
  static func readText(_ s: InputStream) throws -> AnyLattice {
    while let b = try s.peek(), b != UInt8(ascii: "\n"), isSpace(b) { _ = try s.readByte() }
    guard try s.readByte() == UInt8(ascii: "\n") else {
      throw FormatError("unexpected sequence of spaces before a text lattice (expected a newline after the key)", at: s.position)
    }
    var rows: [(fields: [Substring], line: Int, at: Int)] = []
    var lineNumber = 0
    while true {
      let at = s.position
      guard let line = try s.readLine() else { break }
      lineNumber += 1
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      if fields.isEmpty { break }
      rows.append((fields, lineNumber, at))
    }
    let isLattice = rows.contains { $0.fields.count == 5 || ($0.fields.count == 4 && !$0.fields[3].contains(",")) }
    var maxState: Int32 = -1
    func state(_ f: Substring, _ at: Int) throws -> Int32 {
      guard let v = Int32(f), v >= 0 else { throw FormatError("bad state id '\(f.prefix(20))' in text lattice", at: at) }
      maxState = max(maxState, v)
      return v
    }
    func label(_ f: Substring, _ at: Int) throws -> Int32 {
      guard let v = Int32(f) else { throw FormatError("bad label '\(f.prefix(20))' in text lattice", at: at) }
      return v
    }
    func float(_ f: Substring, _ at: Int) throws -> Float {
      switch f {
      case "Infinity", "inf": return .infinity
      case "-Infinity", "-inf": return -.infinity
      default:
        guard let v = Float(f) else { throw FormatError("bad weight value '\(f.prefix(20))' in text lattice", at: at) }
        return v
      }
    }
    func weight(_ f: Substring, _ at: Int) throws -> CompactLatticeWeight {
      let parts = f.split(separator: ",", omittingEmptySubsequences: false)
      guard parts.count == (isLattice ? 2 : 3) else {
        throw FormatError("bad \(isLattice ? "lattice" : "compact lattice") weight '\(f.prefix(40))'", at: at)
      }
      let w = LatticeWeight(graph: try float(parts[0], at), acoustic: try float(parts[1], at))
      let string = isLattice ? [] : try parts[2].split(separator: "_").map { try label($0, at) }
      return CompactLatticeWeight(w, string)
    }
    var lat = Lattice(), clat = CompactLattice()
    func ensure(_ s: Int32) {
      while lat.stateCount <= Int(s) { lat.addState(); clat.addState() }
    }
    for (k, row) in rows.enumerated() {
      let f = row.fields
      let src = try state(f[0], row.at)
      ensure(src)
      if k == 0 { lat.start = src; clat.start = src }
      switch (isLattice, f.count) {
      case (_, 1), (_, 2):
        let w = f.count == 2 ? try weight(f[1], row.at) : .one
        lat.finals[Int(src)] = w.weight
        clat.finals[Int(src)] = w
      case (true, 4), (true, 5):
        let dst = try state(f[1], row.at)
        ensure(dst)
        let w = f.count == 5 ? try weight(f[4], row.at).weight : .one
        lat.arcs[Int(src)].append(LatticeArc(ilabel: try label(f[2], row.at), olabel: try label(f[3], row.at), weight: w, next: dst))
      case (false, 3), (false, 4):
        let dst = try state(f[1], row.at)
        ensure(dst)
        let w = f.count == 4 ? try weight(f[3], row.at) : .one
        clat.arcs[Int(src)].append(CompactLatticeArc(label: try label(f[2], row.at), weight: w, next: dst))
      default:
        throw FormatError("bad line \(row.line) of text lattice: \(f.count) fields", at: row.at)
      }
    }
    return isLattice ? .lattice(lat) : .compact(clat)
  }

  /// Kaldi's holders: whitespace starts a text lattice, the magic number's first byte a binary
  /// one (lattices have no `\0B` header).
  static func read(_ s: InputStream) throws -> AnyLattice {
    let at = s.position
    switch try s.peek() {
    case nil: throw FormatError("end of stream reading a lattice", at: at)
    case binaryMark?: return try readBinary(s)
    case let b? where isSpace(b): return try readText(s)
    default: throw FormatError("does not appear to be an FST [non-space but no magic number detected]", at: at)
    }
  }

  private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C }
}

extension Lattice {
  /// Each arc becomes a word arc carrying its transition-id (Kaldi's `ConvertLattice` to a
  /// compact lattice, without joining chains).
  public func compacted() -> CompactLattice {
    var out = CompactLattice()
    for s in 0..<stateCount {
      out.addState()
      out.finals[s] = CompactLatticeWeight(finals[s])
      out.arcs[s] = arcs[s].map { CompactLatticeArc(label: $0.olabel, weight: CompactLatticeWeight($0.weight, $0.ilabel == 0 ? [] : [$0.ilabel]), next: $0.next) }
    }
    out.start = start
    return out
  }
}

/// Kaldi's `CompactLatticeHolder`: reads either lattice type, converting a state-level one.
public enum CompactLatticeHolder: TableHolder {
  public typealias Value = CompactLattice
  public static var objectName: String { "compact lattice" }
  public static var hasBinaryHeader: Bool { false }
  public static func read(from stream: InputStream) throws -> CompactLattice {
    switch try LatticeFormat.read(stream) {
    case .compact(let c): return c
    case .lattice(let l): return l.compacted()
    }
  }
  public static func write(_ value: CompactLattice, to stream: OutputStream, binary: Bool) throws {
    binary ? try LatticeFormat.writeBinary(value, to: stream) : try LatticeFormat.writeText(value, to: stream)
  }
}

/// Kaldi's `LatticeHolder`: reads either lattice type, expanding a compact one.
public enum LatticeHolder: TableHolder {
  public typealias Value = Lattice
  public static var objectName: String { "lattice" }
  public static var hasBinaryHeader: Bool { false }
  public static func read(from stream: InputStream) throws -> Lattice {
    switch try LatticeFormat.read(stream) {
    case .compact(let c): return c.expanded()
    case .lattice(let l): return l
    }
  }
  public static func write(_ value: Lattice, to stream: OutputStream, binary: Bool) throws {
    binary ? try LatticeFormat.writeBinary(value, to: stream) : try LatticeFormat.writeText(value, to: stream)
  }
}
