import KaldiBase
import KaldiIO
import KaldiMatrix

/// `paste-feats`: appends the features of several tables frame by frame, like unix `paste`.
public enum PasteFeats: KaldiTool {
  public static let name = "paste-feats"
  public static let usage = """
    Paste feature files (assuming they have about the same durations,
    see --length-tolerance), appending the features on each frame;
    think of the unix command 'paste'.
    Usage: paste-feats <in-rspecifier1> <in-rspecifier2> [<in-rspecifier3> ...] <out-wspecifier>
     or: paste-feats <in-rxfilename1> <in-rxfilename2> [<in-rxfilename3> ...] <out-wxfilename>
     e.g. paste-feats ark:feats1.ark "ark:select-feats 0-3 ark:feats2.ark ark:- |" ark:feats-out.ark
      or: paste-feats foo.mat bar.mat baz.mat
    See also: copy-feats, copy-matrix, append-vector-to-feats, concat-feats
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let tolerance = invocation.option("length-tolerance", 0, "If length is different, trim as shortest up to a frame  difference of length-tolerance, otherwise exclude segment.")
    let binary = invocation.option("binary", true, "If true, output files in binary (only relevant for single-file operation, i.e. no tables)")
    let args = try invocation.arguments(3...Int.max)
    let inputs = Array(args.dropLast())
    let output = args.last!

    guard ReadSpecifier(inputs[0]) != nil else {
      let feats = try inputs.map { try readKaldiObject(MatrixHolder<Float>.self, from: $0) }
      guard let pasted = append(feats, key: "", tolerance: tolerance.value) else { return 1 }
      try writeKaldiObject(MatrixHolder<Float>.self, pasted, to: output, binary: binary.value)
      KaldiLog.log("Wrote appended features to \(output)")
      return 0
    }
    let writer = try TableWriter<MatrixHolder<Float>>(output)
    let first = try SequentialTableReader<MatrixHolder<Float>>(inputs[0])
    let others = try inputs.dropFirst().map { try RandomAccessTableReader<MatrixHolder<Float>>($0) }
    var done = 0, errors = 0
    utterances: while let (key, m) = try first.next() {
      var feats = [m]
      for (i, reader) in others.enumerated() {
        guard try reader.hasKey(key) else {
          KaldiLog.warn("Missing utt \(key) from input \(inputs[i + 1])")
          errors += 1
          continue utterances
        }
        feats.append(try reader.value(for: key))
      }
      guard let pasted = append(feats, key: key, tolerance: tolerance.value) else {
        errors += 1
        continue
      }
      try writer.write(key, pasted)
      done += 1
    }
    try writer.close()
    KaldiLog.log("Done \(done) utts, errors on \(errors)")
    return done == 0 ? 1 : 0
  }

  /// Kaldi's AppendFeats: columns side by side, trimmed to the shortest input.
  static func append(_ feats: [Matrix<Float>], key: String, tolerance: Int) -> Matrix<Float>? {
    let lengths = feats.map(\.rows)
    let (shortest, longest) = (lengths.min()!, lengths.max()!)
    if longest - shortest > tolerance || shortest == 0 {
      KaldiLog.warn("Length mismatch \(longest) vs. \(shortest)\(key.isEmpty ? "" : " for utt \(key)") exceeds tolerance \(tolerance)")
      return nil
    }
    if longest > shortest {
      KaldiLog.vlog(2, "Length mismatch \(longest) vs. \(shortest)\(key.isEmpty ? "" : " for utt \(key)") within tolerance \(tolerance)")
    }
    let dim = feats.reduce(0) { $0 + $1.cols }
    var data = [Float]()
    data.reserveCapacity(shortest * dim)
    for r in 0..<shortest {
      for m in feats { data.append(contentsOf: m.row(r)) }
    }
    return Matrix(rows: shortest, cols: dim, data: data)
  }
}
