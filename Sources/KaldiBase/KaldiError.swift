/// A failure a Kaldi tool reports as one `ERROR (...)` line before exiting with status 255
/// (`errorStatus`, as a Kaldi binary whose `main` returns -1).
///
/// The message is complete on its own: it names the file, key and byte offset or line
/// where that makes sense, because users see nothing else.
public struct KaldiError: Error, CustomStringConvertible, Sendable {
  public let message: String
  /// A command line that does not fit the tool: the usage is printed before the error.
  public let isUsage: Bool
  /// Where the error was raised, for the `ERROR (tool:func():file:line)` prefix.
  public let function: String
  public let file: String
  public let line: Int

  public init(
    _ message: String, isUsage: Bool = false, function: String = #function, file: String = #fileID,
    line: Int = #line
  ) {
    self.message = message
    self.isUsage = isUsage
    self.function = function
    self.file = file
    self.line = line
  }

  /// An error in the command line itself.
  public static func usage(_ message: String, function: String = #function, file: String = #fileID, line: Int = #line) -> KaldiError {
    KaldiError(message, isUsage: true, function: function, file: file, line: line)
  }

  public var description: String { message }
}
