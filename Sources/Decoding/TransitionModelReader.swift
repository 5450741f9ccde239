import KaldiBase
import KaldiIO

/// Reads the `<TransitionModel>` at the start of a Kaldi model file, binary or text.
public enum TransitionModelReader {
  /// Reads `final.mdl` (or any model file that starts with a transition model).
  public static func read(_ rxfilename: String) throws -> TransitionModel {
    let stream = try InputStream.open(rxfilename)
    do {
      let binary = try stream.readBinaryHeader()
      let model = try read(from: stream, binary: binary)
      // The acoustic model that follows is not needed; a pipe is left to finish on its own.
      return model
    } catch let e as FormatError {
      throw KaldiError("Failed to read transition model from '\(rxfilename)' at byte \(e.offset): \(e.reason)")
    }
  }

  public static func read(from s: InputStream, binary: Bool) throws -> TransitionModel {
    try expect(s, "<TransitionModel>", binary)
    let topology = try readTopology(s, binary)
    let at = s.position
    let token = try s.readToken()
    guard token == "<Triples>" || token == "<Tuples>" else {
      throw FormatError("expected <Triples> or <Tuples>, got \(token.prefix(20))", at: at)
    }
    let count = Int(try s.readInt32(binary: binary))
    guard count >= 0 else { throw FormatError("bad number of tuples \(count)", at: at) }
    var tuples: [TransitionModel.Tuple] = []
    tuples.reserveCapacity(min(count, 1 << 16))  // the count is the file's word: grow as tuples arrive
    for _ in 0..<count {
      let phone = try s.readInt32(binary: binary), state = try s.readInt32(binary: binary), forward = try s.readInt32(binary: binary)
      let selfLoop = token == "<Tuples>" ? try s.readInt32(binary: binary) : forward
      tuples.append(.init(phone: phone, hmmState: state, forwardPdf: forward, selfLoopPdf: selfLoop))
    }
    let end = try s.readToken()
    guard end == "</Triples>" || end == "</Tuples>" else { throw FormatError("expected </Triples>, got \(end.prefix(20))", at: s.position) }
    try expect(s, "<LogProbs>", binary)
    let logProbs = try readFloatVector(s, binary)
    try expect(s, "</LogProbs>", binary)
    try expect(s, "</TransitionModel>", binary)
    do {
      return try TransitionModel(topology: topology, tuples: tuples, logProbs: logProbs)
    } catch let e as KaldiError {
      throw FormatError(e.message, at: s.position)
    }
  }

  private static func expect(_ s: InputStream, _ token: String, _ binary: Bool) throws {
    let at = s.position
    let got = try s.readToken()
    if got != token { throw FormatError("expected \(token), got \(got.prefix(20))", at: at) }
  }

  private static func readFloatVector(_ s: InputStream, _ binary: Bool) throws -> [Float] {
    // A Kaldi Vector<BaseFloat>: FV/DV binary, or " [ ... ]" text.
    if binary { return try VectorHolder<Float>.readBinaryBody(s) }
    return try VectorHolder<Float>.readTextBody(s)
  }

  static func readTopology(_ s: InputStream, _ binary: Bool) throws -> HmmTopology {
    try expect(s, "<Topology>", binary)
    if binary {
      let phones = try readIntegerVector(s)
      let phoneToEntry = try readIntegerVector(s)
      var count = Int(try s.readInt32(binary: true))
      var isHmm = true
      if count == -1 {
        isHmm = false
        count = Int(try s.readInt32(binary: true))
      }
      guard count >= 0 else { throw FormatError("bad topology entry count \(count)", at: s.position) }
      var entries: [[HmmTopology.State]] = []
      for _ in 0..<count {
        let states = Int(try s.readInt32(binary: true))
        var entry: [HmmTopology.State] = []
        for _ in 0..<max(0, states) {
          let forward = try s.readInt32(binary: true)
          let selfLoop = isHmm ? forward : try s.readInt32(binary: true)
          let n = Int(try s.readInt32(binary: true))
          var transitions: [(Int32, Float)] = []
          for _ in 0..<max(0, n) {
            let destination = try s.readInt32(binary: true)
            let p = try s.readFloat(binary: true)
            transitions.append((destination, p))
          }
          entry.append(.init(forwardPdfClass: forward, selfLoopPdfClass: selfLoop, transitions: transitions.map { (destination: $0.0, probability: $0.1) }))
        }
        entries.append(entry)
      }
      try expect(s, "</Topology>", true)
      if let bad = phoneToEntry.firstIndex(where: { $0 >= entries.count }) {
        throw FormatError("phone \(bad) points to topology entry \(phoneToEntry[bad]) of \(entries.count)", at: s.position)
      }
      return HmmTopology(phones: phones, phoneToEntry: phoneToEntry, entries: entries, isHmm: isHmm)
    }
    return try readTextTopology(s)
  }

  /// A lang directory's text `topo` file.
  public static func readTopology(file rxfilename: String) throws -> HmmTopology {
    let stream = try InputStream.open(rxfilename)
    do {
      try expect(stream, "<Topology>", false)
      let topology = try readTextTopology(stream)
      try stream.close()
      return topology
    } catch let e as FormatError {
      throw KaldiError("Failed to read topology from '\(rxfilename)' at byte \(e.offset): \(e.reason)")
    }
  }

  /// The human-readable topology (`<TopologyEntry> <ForPhones> 1 2 </ForPhones> <State> 0
  /// <PdfClass> 0 <Transition> 0 0.75 ... </State> ... </TopologyEntry>`), as in a lang
  /// directory's `topo` file or a text model.
  static func readTextTopology(_ s: InputStream) throws -> HmmTopology {
    var phones: [Int32] = [], phoneToEntry: [Int32] = [], entries: [[HmmTopology.State]] = []
    var isHmm = true
    func word() throws -> String {
      let at = s.position
      guard let w = try s.readWord() else { throw FormatError("unexpected end of file in topology", at: at) }
      return w
    }
    func int(_ w: String) throws -> Int32 {
      guard let v = Int32(w) else { throw FormatError("expected an integer in topology, got \(w.prefix(20))", at: s.position) }
      return v
    }
    while true {
      let token = try word()
      if token == "</Topology>" { break }
      guard token == "<TopologyEntry>" else { throw FormatError("expected <TopologyEntry> or </Topology>, got \(token.prefix(20))", at: s.position) }
      guard try word() == "<ForPhones>" else { throw FormatError("expected <ForPhones>", at: s.position) }
      var entryPhones: [Int32] = []
      while true {
        let w = try word()
        if w == "</ForPhones>" { break }
        entryPhones.append(try int(w))
      }
      var entry: [HmmTopology.State] = []
      var t = try word()
      while t != "</TopologyEntry>" {
        guard t == "<State>" else { throw FormatError("expected <State> or </TopologyEntry>, got \(t.prefix(20))", at: s.position) }
        let index = try int(try word())
        guard Int(index) == entry.count else { throw FormatError("states are expected in order from zero, expected \(entry.count), got \(index)", at: s.position) }
        t = try word()
        var forward: Int32 = -1, selfLoop: Int32 = -1
        if t == "<PdfClass>" {
          forward = try int(try word())
          selfLoop = forward
          t = try word()
        } else if t == "<ForwardPdfClass>" {
          forward = try int(try word())
          guard try word() == "<SelfLoopPdfClass>" else { throw FormatError("expected <SelfLoopPdfClass>", at: s.position) }
          selfLoop = try int(try word())
          isHmm = false
          t = try word()
        }
        var transitions: [(destination: Int32, probability: Float)] = []
        while t == "<Transition>" {
          let destination = try int(try word())
          let w = try word()
          guard let p = Float(w) else { throw FormatError("expected a probability, got \(w.prefix(20))", at: s.position) }
          transitions.append((destination, p))
          t = try word()
        }
        guard t == "</State>" else { throw FormatError("expected </State>, got \(t.prefix(20))", at: s.position) }
        entry.append(.init(forwardPdfClass: forward, selfLoopPdfClass: selfLoop, transitions: transitions))
        t = try word()
      }
      let index = Int32(entries.count)
      entries.append(entry)
      for p in entryPhones {
        guard p > 0 else { throw FormatError("phone ids in a topology must be positive, got \(p)", at: s.position) }
        if phoneToEntry.count <= Int(p) { phoneToEntry += [Int32](repeating: -1, count: Int(p) + 1 - phoneToEntry.count) }
        guard phoneToEntry[Int(p)] == -1 else { throw FormatError("phone \(p) appears in several topology entries", at: s.position) }
        phoneToEntry[Int(p)] = index
        phones.append(p)
      }
    }
    return HmmTopology(phones: phones.sorted(), phoneToEntry: phoneToEntry, entries: entries, isHmm: isHmm)
  }

  /// Kaldi's `ReadIntegerVector` (binary): size byte 4, count, raw int32s.
  private static func readIntegerVector(_ s: InputStream) throws -> [Int32] {
    let at = s.position
    guard try s.readByte() == 4 else { throw FormatError("expected an int32 vector", at: at) }
    var n: Int32 = 0
    try s.readExactly(into: &n, count: 4, what: "integer vector size")
    guard n >= 0 else { throw FormatError("bad integer vector size \(n)", at: at) }
    return try s.readArray(Int32.self, count: Int(n), what: "integer vector")
  }
}
