import Foundation

/// Runs the built `ksnn` executable as a user would, capturing stdout, stderr and the status.
struct ToolRun {
  let status: Int32
  let stdout: Data
  let stderr: String
  var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

enum Ksnn {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

  /// The `ksnn` binary beside the test bundle, or `$KSNN_BIN`.
  static let binary: String = {
    if let path = ProcessInfo.processInfo.environment["KSNN_BIN"] { return path }
    let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return bundleDirectory.appendingPathComponent("ksnn").path
  }()

  /// `ksnn <args>`, or the tool called through a symlink `name` when given.
  static func run(_ args: [String], stdin: Data? = nil, in directory: String? = nil, as name: String? = nil) throws -> ToolRun {
    let process = Process()
    if let name {
      // Call through a symlink named after the tool, as bin/ does.
      let link = (directory ?? NSTemporaryDirectory()) + "/" + name
      try? FileManager.default.removeItem(atPath: link)
      try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: binary)
      process.executableURL = URL(fileURLWithPath: link)
    } else {
      process.executableURL = URL(fileURLWithPath: binary)
    }
    process.arguments = args
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    return try launch(process, stdin: stdin)
  }

  /// A shell command line, with the folder of `ksnn` first on PATH.
  static func sh(_ script: String, in directory: String) throws -> ToolRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    env["PATH"] = URL(fileURLWithPath: binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
    process.environment = env
    return try launch(process, stdin: nil)
  }

  /// Runs with stdout and stderr going to files, so large outputs cannot block the child.
  private static func launch(_ process: Process, stdin: Data?) throws -> ToolRun {
    let base = NSTemporaryDirectory() + "ksnn-run-" + UUID().uuidString
    FileManager.default.createFile(atPath: base + ".out", contents: nil)
    FileManager.default.createFile(atPath: base + ".err", contents: nil)
    FileManager.default.createFile(atPath: base + ".in", contents: stdin ?? Data())
    defer { for ext in [".out", ".err", ".in"] { try? FileManager.default.removeItem(atPath: base + ext) } }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".out"))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".err"))
    let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: base + ".in"))
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    try input.close()
    return ToolRun(
      status: process.terminationStatus, stdout: try Data(contentsOf: URL(fileURLWithPath: base + ".out")),
      stderr: String(decoding: try Data(contentsOf: URL(fileURLWithPath: base + ".err")), as: UTF8.self))
  }
}

/// A scratch folder holding copies of the fixtures, removed afterwards.
final class Workspace {
  let path: String
  init() throws {
    path = NSTemporaryDirectory() + "ksnn-tool-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    for name in try FileManager.default.contentsOfDirectory(atPath: Ksnn.fixtures) {
      try FileManager.default.copyItem(atPath: Ksnn.fixtures + "/" + name, toPath: path + "/" + name)
    }
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }
  func read(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)) }
  func text(_ name: String) throws -> String { String(decoding: try read(name), as: UTF8.self) }
  func write(_ name: String, _ text: String) throws { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
  func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }
}
