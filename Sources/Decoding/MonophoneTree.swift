import KaldiBase
import KaldiIO

/// The context-dependency tree of a monophone system (Kaldi's `ContextDependency` with N=1,
/// P=0): a table from phone to a table from pdf class to pdf, written as Kaldi's `tree` file
/// so that Kaldi's mkgraph.sh and friends can use what `gmm-init-mono` makes.
public struct MonophoneTree: Sendable {
  /// pdfs[phone][pdfClass]; empty for phones without a topology (phone 0).
  public let pdfs: [[Int32]]

  public init(_ model: TransitionModel) {
    var pdfs = [[Int32]](repeating: [], count: Int(model.topology.phones.max() ?? 0) + 1)
    for tuple in model.tuples {
      let entry = (try? model.topology.entry(forPhone: tuple.phone)) ?? []
      let state = entry[Int(tuple.hmmState)]
      for (pdfClass, pdf) in [(state.forwardPdfClass, tuple.forwardPdf), (state.selfLoopPdfClass, tuple.selfLoopPdf)] where pdfClass >= 0 {
        var row = pdfs[Int(tuple.phone)]
        if row.count <= Int(pdfClass) { row += [Int32](repeating: -1, count: Int(pdfClass) + 1 - row.count) }
        row[Int(pdfClass)] = pdf
        pdfs[Int(tuple.phone)] = row
      }
    }
    self.pdfs = pdfs
  }

  /// `ContextDependency N P ToPdf <EventMap> EndContextDependency`: a `TE` on key 0 (the
  /// phone), holding per phone a `TE` on key −1 (the pdf class) of `CE` leaves, `NULL` where
  /// a phone has no HMM.
  public func write(to wxfilename: String, binary: Bool) throws {
    let out = try OutputStream.open(wxfilename)
    if binary { try out.writeBinaryHeader() }
    try out.writeToken("ContextDependency")
    try out.writeInt32(1, binary: binary)
    try out.writeInt32(0, binary: binary)
    try out.writeToken("ToPdf")
    try writeTable(key: 0, size: pdfs.count, out, binary) { i in
      guard !pdfs[i].isEmpty else {
        try out.writeToken("NULL")
        return
      }
      try writeTable(key: -1, size: pdfs[i].count, out, binary) { c in
        try out.writeToken("CE")
        try out.writeInt32(pdfs[i][c], binary: binary)
        if !binary { try out.write("\n") }
      }
    }
    try out.writeToken("EndContextDependency")
    try out.commit()
  }

  private func writeTable(key: Int32, size: Int, _ out: OutputStream, _ binary: Bool, entry: (Int) throws -> Void) throws {
    try out.writeToken("TE")
    try out.writeInt32(key, binary: binary)
    // The table size is a uint32: size byte −4 in binary.
    if binary {
      try out.write(byte: 0xFC)
      try out.write(bytesOf: UInt32(size).littleEndian)
    } else {
      try out.write("\(size) ")
    }
    try out.writeToken("(")
    for i in 0..<size { try entry(i) }
    try out.writeToken(")")
    if !binary { try out.write("\n") }
  }
}
