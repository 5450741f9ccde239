#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Kaldi-shaped diagnostics on stderr: `LOG (tool[ksnn]:func():file.swift:88) message`.
///
/// Kaldi scripts grep these lines and users read them in `exp/*/log/*.log`, so the shape
/// matches Kaldi's `KALDI_LOG`, `KALDI_WARN`, `KALDI_VLOG` and `KALDI_ERR` exactly.
public enum KaldiLog {
  /// The tool name shown in every line; set once by the multi-call entry point.
  nonisolated(unsafe) public static var programName = "ksnn"
  /// `--verbose` level; `vlog(n, ...)` prints only when `n <= verbose`.
  /// Set once at start-up from the command line, before any concurrent work starts.
  nonisolated(unsafe) public static var verbose = 0
  /// Only errors are printed (the other ranks of a data-parallel job, whose lines would repeat
  /// rank 0's). Set once at start-up.
  nonisolated(unsafe) public static var errorsOnly = false
  /// The version tag Kaldi prints in brackets after the program name.
  public static let versionTag = "ksnn"

  public static func log(
    _ message: @autoclosure () -> String, function: String = #function,
    file: String = #fileID, line: Int = #line
  ) {
    emit("LOG", message(), function, file, line)
  }

  public static func warn(
    _ message: @autoclosure () -> String, function: String = #function,
    file: String = #fileID, line: Int = #line
  ) {
    emit("WARNING", message(), function, file, line)
  }

  public static func vlog(
    _ level: Int, _ message: @autoclosure () -> String, function: String = #function,
    file: String = #fileID, line: Int = #line
  ) {
    guard level <= verbose else { return }
    emit("VLOG[\(level)]", message(), function, file, line)
  }

  public static func error(
    _ message: @autoclosure () -> String, function: String = #function,
    file: String = #fileID, line: Int = #line
  ) {
    emit("ERROR", message(), function, file, line)
  }

  /// Formats one line; exposed for tests.
  public static func format(
    _ severity: String, _ message: String, function: String, file: String, line: Int
  ) -> String {
    // #fileID is "Module/file.swift"; Kaldi prints the bare file name.
    let fileName = file.split(separator: "/").last.map(String.init) ?? file
    // #function is "run(_:)"; Kaldi prints "main()".
    let functionName = function.split(separator: "(").first.map(String.init) ?? function
    return "\(severity) (\(programName)[\(versionTag)]:\(functionName)():\(fileName):\(line)) \(message)\n"
  }

  private static func emit(
    _ severity: String, _ message: String, _ function: String, _ file: String, _ line: Int
  ) {
    if errorsOnly && severity != "ERROR" { return }
    writeToStandardError(format(severity, message, function: function, file: file, line: line))
  }
}

/// Writes a whole string to fd 2 in as few system calls as the kernel allows, so that
/// lines from parallel jobs sharing a log file do not interleave mid-line.
public func writeToStandardError(_ text: String) {
  let text = ByteString.bytes(of: text)
  text.withUnsafeBufferPointer { bytes in
    var offset = 0
    while offset < bytes.count {
      let n = write(2, bytes.baseAddress! + offset, bytes.count - offset)
      if n <= 0 { return }
      offset += n
    }
  }
}
