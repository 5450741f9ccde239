import KaldiBase
import KaldiIO
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

extension HmmTopology {
  /// Number of pdf classes a phone's HMM uses (largest class + 1).
  public func pdfClassCount(phone: Int32) throws -> Int {
    let entry = try entry(forPhone: phone)
    return Int(entry.map { max($0.forwardPdfClass, $0.selfLoopPdfClass) }.max() ?? -1) + 1
  }
}

extension TransitionModel {
  /// The monophone model Kaldi's `gmm-init-mono` builds: one pdf per (phone, pdf class), in
  /// phone order, transition probabilities from the topology.
  public static func monophone(_ topology: HmmTopology) throws -> TransitionModel {
    var tuples: [Tuple] = []
    var pdf: Int32 = 0
    for phone in topology.phones {
      let entry = try topology.entry(forPhone: phone)
      for pdfClass in 0..<Int32(try topology.pdfClassCount(phone: phone)) {
        for (state, s) in entry.enumerated() where s.forwardPdfClass == pdfClass {
          let selfLoop = s.selfLoopPdfClass == s.forwardPdfClass ? pdf : pdf + (s.selfLoopPdfClass - s.forwardPdfClass)
          tuples.append(Tuple(phone: phone, hmmState: Int32(state), forwardPdf: pdf, selfLoopPdf: selfLoop))
        }
        pdf += 1
      }
    }
    var logProbs: [Float] = [0]
    for tuple in tuples {
      for t in try topology.entry(forPhone: tuple.phone)[Int(tuple.hmmState)].transitions {
        guard t.probability > 0 else {
          throw KaldiError("Zero transition probability in the topology of phone \(tuple.phone) (remove that transition)")
        }
        logProbs.append(logf(t.probability))
      }
    }
    return try TransitionModel(topology: topology, tuples: tuples, logProbs: logProbs)
  }
}

/// Writes a transition model as Kaldi's `TransitionModel::Write` does, binary or text, so that
/// Kaldi's tools read models ksnn makes.
public enum TransitionModelWriter {
  public static func write(_ model: TransitionModel, to wxfilename: String, binary: Bool) throws {
    let out = try OutputStream.open(wxfilename)
    if binary { try out.writeBinaryHeader() }
    try write(model, to: out, binary: binary)
    try out.commit()
  }

  public static func write(_ model: TransitionModel, to out: OutputStream, binary: Bool) throws {
    let topology = model.topology
    try out.writeToken("<TransitionModel>")
    if !binary { try out.write("\n") }
    try out.writeToken("<Topology>")
    if binary {
      try integerVector(topology.phones, out)
      try integerVector(topology.phoneToEntry, out)
      if !topology.isHmm { try out.writeInt32(-1, binary: true) }
      try out.writeInt32(Int32(topology.entries.count), binary: true)
      for entry in topology.entries {
        try out.writeInt32(Int32(entry.count), binary: true)
        for state in entry {
          try out.writeInt32(state.forwardPdfClass, binary: true)
          if !topology.isHmm { try out.writeInt32(state.selfLoopPdfClass, binary: true) }
          try out.writeInt32(Int32(state.transitions.count), binary: true)
          for t in state.transitions {
            try out.writeInt32(t.destination, binary: true)
            try out.write(byte: 4)
            try out.write(bytesOf: t.probability)
          }
        }
      }
    } else {
      try out.write("\n")
      for (i, entry) in topology.entries.enumerated() {
        try out.write("<TopologyEntry> \n<ForPhones> \n")
        for (phone, e) in topology.phoneToEntry.enumerated() where e == Int32(i) { try out.write("\(phone) ") }
        try out.write("\n</ForPhones> \n")
        for (j, state) in entry.enumerated() {
          try out.write("<State> \(j) ")
          if state.forwardPdfClass != -1 {
            if topology.isHmm {
              try out.write("<PdfClass> \(state.forwardPdfClass) ")
            } else {
              try out.write("<ForwardPdfClass> \(state.forwardPdfClass) <SelfLoopPdfClass> \(state.selfLoopPdfClass) ")
            }
          }
          for t in state.transitions { try out.write("<Transition> \(t.destination) \(formatG(Double(t.probability), precision: 7)) ") }
          try out.write("</State> \n")
        }
        try out.write("</TopologyEntry> \n")
      }
    }
    try out.writeToken("</Topology>")
    if !binary { try out.write("\n") }
    try out.writeToken(topology.isHmm ? "<Triples>" : "<Tuples>")
    try out.writeInt32(Int32(model.tuples.count), binary: binary)
    if !binary { try out.write("\n") }
    for t in model.tuples {
      try out.writeInt32(t.phone, binary: binary)
      try out.writeInt32(t.hmmState, binary: binary)
      try out.writeInt32(t.forwardPdf, binary: binary)
      if !topology.isHmm { try out.writeInt32(t.selfLoopPdf, binary: binary) }
      if !binary { try out.write("\n") }
    }
    try out.writeToken(topology.isHmm ? "</Triples>" : "</Tuples>")
    if !binary { try out.write("\n") }
    try out.writeToken("<LogProbs>")
    if !binary { try out.write("\n") }
    try VectorHolder<Float>.write(Vector(model.logProbs), to: out, binary: binary)
    try out.writeToken("</LogProbs>")
    if !binary { try out.write("\n") }
    try out.writeToken("</TransitionModel>")
    if !binary { try out.write("\n") }
  }

  /// Kaldi's `WriteIntegerVector` (binary): size byte, count, raw values.
  private static func integerVector(_ v: [Int32], _ out: OutputStream) throws {
    try out.write(byte: 4)
    try out.write(bytesOf: Int32(v.count))
    try v.withUnsafeBytes { try out.write($0) }
  }
}
