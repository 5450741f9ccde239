/// A failure a Kaldi tool reports as one `ERROR (...)` line before exiting with status 1.
///
/// The message is complete on its own: it names the file, key and byte offset or line
/// where that makes sense, because users see nothing else.
public struct KaldiError: Error, CustomStringConvertible, Sendable {
  public let message: String
  /// Where the error was raised, for the `ERROR (tool:func():file:line)` prefix.
  public let function: String
  public let file: String
  public let line: Int
  public init(_ message: String, function: String = #function, file: String = #fileID, line: Int = #line) {
    self.message = message
    self.function = function
    self.file = file
    self.line = line
  }
  public var description: String { message }
}

/// A command line that does not fit the tool: the usage is printed and the exit status is 1.
public struct UsageError: Error, CustomStringConvertible, Sendable {
  public let message: String
  public let function: String
  public let file: String
  public let line: Int
  public init(_ message: String, function: String = #function, file: String = #fileID, line: Int = #line) {
    self.message = message
    self.function = function
    self.file = file
    self.line = line
  }
  public var description: String { message }
}
