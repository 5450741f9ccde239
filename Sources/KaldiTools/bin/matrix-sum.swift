import KaldiBase
import KaldiIO
import KaldiMatrix

/// `matrix-sum`: sums matrices key by key across tables, all matrices of one table into one
/// file (e.g. the global CMVN stats of a training set), or single files into one.
public enum MatrixSum: KaldiTool {
  public static let name = "matrix-sum"
  public static let usage = """
    Add matrices (supports various forms)

    Type one usage:
     matrix-sum [options] <matrix-in-rspecifier1> [<matrix-in-rspecifier2> <matrix-in-rspecifier3> ...] <matrix-out-wspecifier>
      e.g.: matrix-sum ark:1.weights ark:2.weights ark:combine.weights
      This usage supports the --scale1 and --scale2 options to scale the
      first two input tables.
    Type two usage (sums a single table input to produce a single output):
     matrix-sum [options] <matrix-in-rspecifier> <matrix-out-wxfilename>
     e.g.: matrix-sum --binary=false mats.ark sum.mat
    Type three usage (sums or averages single-file inputs to produce
    a single output):
     matrix-sum [options] <matrix-in-rxfilename1> <matrix-in-rxfilename2> ... <matrix-out-wxfilename>
     e.g.: matrix-sum --binary=false 1.mat 2.mat 3.mat sum.mat
    See also: matrix-sum-rows, copy-matrix
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let scale1 = invocation.option("scale1", Float(1), "Scale applied to first matrix (only for type one usage)")
    let scale2 = invocation.option("scale2", Float(1), "Scale applied to second matrix (only for type one usage)")
    let binary = invocation.option("binary", true, "If true, write output as binary (only relevant for usage types two or three")
    let average = invocation.option("average", false, "If true, compute average instead of sum; currently compatible with type 3 or type 1 usage.")
    let args = try invocation.arguments(2...Int.max)
    let output = args[args.count - 1]
    if WriteSpecifier(output) != nil {
      return try sumTables(Array(args.dropLast()), output, average.value ? nil : (scale1.value, scale2.value))
    }
    if scale1.value != 1 || scale2.value != 1 { throw KaldiError("--scale1 and --scale2 apply to type one usage only") }
    if args.count == 2 && ReadSpecifier(args[0]) != nil {
      if average.value { throw KaldiError("--average option not compatible with type two usage.") }
      return try sumTable(args[0], output, binary: binary.value)
    }
    return try sumFiles(Array(args.dropLast()), output, binary: binary.value, average: average.value)
  }

  /// Type one: per key of the first table, its matrix plus the others' (`scales` nil: average).
  static func sumTables(_ inputs: [String], _ output: String, _ scales: (Float, Float)?) throws -> Int32 {
    let writer = try TableWriter<MatrixHolder<Float>>(output)
    let first = try SequentialTableReader<MatrixHolder<Float>>(inputs[0])
    let others = try inputs.dropFirst().map { try RandomAccessTableReader<MatrixHolder<Float>>($0) }
    let averageScale = 1 / Float(inputs.count)
    var utterances = 0, matrices = 0, success = 0, missing = 0
    while let (key, m) = try first.next() {
      utterances += 1
      matrices += 1
      var sum = m
      let s1 = scales?.0 ?? averageScale
      for i in sum.data.indices { sum.data[i] *= s1 }
      for (i, reader) in others.enumerated() {
        guard try reader.hasKey(key) else {
          KaldiLog.warn("No matrix found for utterance \(key) for system \(i + 2), rspecifier: \(inputs[i + 1])")
          missing += 1
          continue
        }
        let other = try reader.value(for: key)
        matrices += 1
        guard other.rows == sum.rows, other.cols == sum.cols else {
          KaldiLog.warn("Dimension mismatch for utterance \(key) : \(other.rows) by \(other.cols) for system \(i + 2), rspecifier: \(inputs[i + 1]) vs \(sum.rows) by \(sum.cols) primary matrix, rspecifier:\(inputs[0])")
          continue
        }
        let scale = scales.map { i == 0 ? $0.1 : 1 } ?? averageScale
        for j in sum.data.indices { sum.data[j] += scale * other.data[j] }
      }
      try writer.write(key, sum)
      success += 1
    }
    try writer.close()
    KaldiLog.log("Processed \(utterances) utterances: with a total of \(matrices) matrices across \(inputs.count) different systems")
    KaldiLog.log("Produced output for \(success) utterances; \(missing) total missing matrices")
    return success != 0 && missing < success - missing ? 0 : 1
  }

  /// Type two: every matrix of one table added up (in double), written as one float matrix.
  static func sumTable(_ input: String, _ output: String, binary: Bool) throws -> Int32 {
    let reader = try SequentialTableReader<MatrixHolder<Float>>(input)
    var sum: Matrix<Double>?
    var done = 0, errors = 0
    while let (key, m) = try reader.next() {
      if m.rows == 0 {
        KaldiLog.warn("Zero matrix input for key \(key)")
        errors += 1
        continue
      }
      if sum == nil { sum = Matrix(rows: m.rows, cols: m.cols) }
      guard m.rows == sum!.rows, m.cols == sum!.cols else {
        KaldiLog.warn("Dimension mismatch for key \(key): \(m.rows) by \(m.cols) vs. \(sum!.rows) by \(sum!.cols)")
        errors += 1
        continue
      }
      for i in m.data.indices { sum!.data[i] += Double(m.data[i]) }
      done += 1
    }
    let total = sum ?? Matrix(rows: 0, cols: 0)
    try writeKaldiObject(MatrixHolder<Float>.self, Matrix(rows: total.rows, cols: total.cols, data: total.data.map { Float($0) }), to: output, binary: binary)
    KaldiLog.log("Summed \(done) matrices, \(errors) with errors; wrote sum to \(printableWxfilename(output))")
    return done > 0 && errors < done ? 0 : 1
  }

  /// Type three: single files added up (the sum as large as the largest input).
  static func sumFiles(_ inputs: [String], _ output: String, binary: Bool, average: Bool) throws -> Int32 {
    for name in inputs where ReadSpecifier(name) != nil {
      throw KaldiError("Wrong usage (type 3): if first and last arguments are not tables, the intermediate arguments must not be tables.")
    }
    var sum = Matrix<Float>(rows: 0, cols: 0)
    for name in inputs {
      let m = try readKaldiObject(MatrixHolder<Float>.self, from: name)
      if sum.rows < m.rows || sum.cols < m.cols {
        var grown = Matrix<Float>(rows: max(sum.rows, m.rows), cols: max(sum.cols, m.cols))
        for r in 0..<sum.rows { for c in 0..<sum.cols { grown[r, c] = sum[r, c] } }
        sum = grown
      }
      guard m.rows == sum.rows, m.cols == sum.cols else {
        throw KaldiError("Dimension mismatch: \(name) is \(m.rows) by \(m.cols), the sum so far \(sum.rows) by \(sum.cols)")
      }
      for i in m.data.indices { sum.data[i] += m.data[i] }
    }
    if average { for i in sum.data.indices { sum.data[i] *= 1 / Float(inputs.count) } }
    try writeKaldiObject(MatrixHolder<Float>.self, sum, to: output, binary: binary)
    KaldiLog.log("Summed \(inputs.count) matrices; wrote sum to \(printableWxfilename(output))")
    return 0
  }
}
