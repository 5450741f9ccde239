import KaldiBase
import KaldiIO

/// Writes FSTs as OpenFst binary `vector` files (what `fstcompile` writes), readable by the
/// OpenFst tools and by Kaldi.
public enum FstWriter {
  public static func write(_ fst: Fst, to wxfilename: String) throws {
    let out = try OutputStream.open(wxfilename)
    func string(_ s: String) throws {
      try out.write(bytesOf: Int32(ByteString.byteCount(of: s)))
      try out.write(s)
    }
    try out.write(bytesOf: FstReader.magic)
    try string("vector")
    try string("standard")
    try out.write(bytesOf: Int32(2))   // version
    try out.write(bytesOf: Int32(0))   // flags: no symbol tables
    try out.write(bytesOf: UInt64(3))  // properties: kExpanded | kMutable, nothing else claimed
    try out.write(bytesOf: Int64(fst.start))
    try out.write(bytesOf: Int64(fst.stateCount))
    try out.write(bytesOf: Int64(fst.arcCount))
    for s in 0..<fst.stateCount {
      try out.write(bytesOf: fst.finals[s])
      let arcs = fst.arcs(of: s)
      try out.write(bytesOf: Int64(arcs.count))
      for a in arcs {
        try out.write(bytesOf: fst.ilabels[a])
        try out.write(bytesOf: fst.olabels[a])
        try out.write(bytesOf: fst.weights[a])
        try out.write(bytesOf: fst.nextStates[a])
      }
    }
    try out.commit()
  }

  /// AT&T text form, as `fstprint` without symbol tables prints it.
  public static func text(_ fst: Fst) -> String {
    var out = ""
    for s in 0..<fst.stateCount {
      for a in fst.arcs(of: s) {
        out += "\(s)\t\(fst.nextStates[a])\t\(fst.ilabels[a])\t\(fst.olabels[a])"
        out += fst.weights[a] == 0 ? "\n" : "\t\(formatG(Double(fst.weights[a]), precision: 9))\n"
      }
      if fst.isFinal(s) { out += fst.finals[s] == 0 ? "\(s)\n" : "\(s)\t\(formatG(Double(fst.finals[s]), precision: 9))\n" }
    }
    return out
  }
}
