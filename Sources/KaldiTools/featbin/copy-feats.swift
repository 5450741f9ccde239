import KaldiBase
import KaldiIO
import KaldiMatrix

/// `copy-feats`: copies feature tables, converting binary/text and optionally compressing.
public enum CopyFeats: KaldiTool {
  public static let name = "copy-feats"
  public static let usage = """
    Copy features [and possibly change format]
    Usage: copy-feats [options] <feature-rspecifier> <feature-wspecifier>
    or:   copy-feats [options] <feats-rxfilename> <feats-wxfilename>
    e.g.: copy-feats ark:- ark,scp:foo.ark,foo.scp
     or: copy-feats ark:foo.ark ark,t:txt.ark
    See also: copy-matrix, subset-feats, paste-feats, feat-to-len, feat-to-dim
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let binary = invocation.option("binary", true, "Binary-mode output (not relevant if writing to archive)")
    let compress = invocation.option("compress", false, "If true, write output in compressed form(only currently supported for wxfilename, i.e. archive/script,output)")
    let method = invocation.option("compression-method", 1, "Only relevant if --compress=true; the method (1 through 7) to compress the matrix.  Search for CompressionMethod in src/matrix/compressed-matrix.h.")
    let numFramesSpecifier = invocation.option("write-num-frames", "", "Wspecifier to write length in frames of each utterance. e.g. 'ark,t:utt2num_frames'.  Only applicable if writing tables, not when this program is writing individual files.  See also feat-to-len.")
    let args = try invocation.arguments(2)

    guard ReadSpecifier(args[0]) != nil else {
      if compress.value { throw KaldiError("Compression is not supported when writing single files") }
      if !numFramesSpecifier.value.isEmpty {
        throw KaldiError("--write-num-frames option not supported when writing/reading single files.")
      }
      let matrix = try readKaldiObject(MatrixHolder<Float>.self, from: args[0])
      try writeKaldiObject(MatrixHolder<Float>.self, matrix, to: args[1], binary: binary.value)
      KaldiLog.log("Copied features from \(args[0]) to \(args[1])")
      return 0
    }
    guard let compressionMethod = CompressionMethod(rawValue: method.value) else {
      throw KaldiError("Invalid compression type: \(method.value)")
    }
    let numFramesWriter = numFramesSpecifier.value.isEmpty ? nil : try TableWriter<Int32Holder>(numFramesSpecifier.value)
    let copied: Int
    if compress.value {
      copied = try copyTable(args[0], MatrixHolder<Float>.self, to: args[1], CompressedMatrixHolder.self) { key, matrix in
        try numFramesWriter?.write(key, Int32(matrix.rows))
        return try CompressedMatrix(matrix, method: compressionMethod)
      }
    } else {
      copied = try copyTable(args[0], MatrixHolder<Float>.self, to: args[1], MatrixHolder<Float>.self) { key, matrix in
        try numFramesWriter?.write(key, Int32(matrix.rows))
        return matrix
      }
    }
    try numFramesWriter?.close()
    KaldiLog.log("Copied \(copied) feature matrices.")
    return copied != 0 ? 0 : 1
  }
}
