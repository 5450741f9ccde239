import Foundation
import KaldiBase
import Testing

@Suite struct ParseOptionsTests {
  final class Options {
    let po = ParseOptions(usage: "Test tool\nUsage: test-tool [options] <a> <b>\ne.g.: test-tool a b\n")
    let binary: Setting<Bool>
    let count: Setting<Int>
    let scale: Setting<Float>
    let name: Setting<String>
    init() {
      binary = po.option("binary", default: true, "Write in binary mode")
      count = po.option("num-ceps", default: 13, "Number of cepstra")
      scale = po.option("scale", default: Float(0.97), "Scale")
      name = po.option("name", default: "x", "A name")
    }
    func read(_ args: [String]) throws -> [String] { try po.read(["--print-args=false"] + args) }
  }

  @Test func equalsAndSpaceFormsUnderscoresAndBooleans() throws {
    let o = Options()
    let rest = try o.read(["--binary=false", "--num_ceps", "20", "--SCALE=1.5", "--name=a b", "in", "--not-an-option"])
    #expect(!o.binary.value && o.count.value == 20 && o.scale.value == 1.5 && o.name.value == "a b")
    #expect(rest == ["in", "--not-an-option"])
    let o2 = Options()
    _ = try o2.read(["--binary", "--", "--x"])
    #expect(o2.binary.value)
    for text in ["t", "1", "TRUE"] { #expect(Bool(optionText: text) == true) }
    for text in ["f", "0", "False"] { #expect(Bool(optionText: text) == false) }
  }

  func isUsageError(_ args: [String]) -> Bool {
    do {
      _ = try Options().read(args)
      return false
    } catch let e as KaldiError {
      return e.isUsage
    } catch {
      return false
    }
  }

  @Test func invalidInputIsAUsageError() {
    #expect(isUsageError(["--nope=1"]))
    #expect(isUsageError(["--num-ceps=abc"]))
    #expect(isUsageError(["--binary=maybe"]))
    #expect(isUsageError(["--binary="]))
    #expect(isUsageError(["--num-ceps"]))
    #expect(throws: HelpRequested.self) { try Options().read(["a", "--help"].reversed()) }
  }

  @Test func configFilesNestAndTheCommandLineWins() throws {
    let dir = NSTemporaryDirectory() + "ksnn-po-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try "--scale=2.5   # comment\n\n# only a comment\n--name=inner\n".write(toFile: dir + "/inner.conf", atomically: true, encoding: .utf8)
    try "--config=\(dir)/inner.conf\n--num-ceps=7\n--name=outer\n".write(toFile: dir + "/outer.conf", atomically: true, encoding: .utf8)
    let o = Options()
    _ = try o.read(["--num-ceps=9", "--config=\(dir)/outer.conf", "x"])
    #expect(o.scale.value == 2.5 && o.name.value == "outer" && o.count.value == 9)
    try "scale=2\n".write(toFile: dir + "/bad.conf", atomically: true, encoding: .utf8)
    #expect(throws: KaldiError.self) { try Options().read(["--config=\(dir)/bad.conf"]) }
    #expect(throws: KaldiError.self) { try Options().read(["--config=\(dir)/missing.conf"]) }
  }

  @Test func usageListsEveryOptionWithItsDefault() {
    let text = Options().po.usageText
    #expect(text == """

      Test tool
      Usage: test-tool [options] <a> <b>
      e.g.: test-tool a b

      Options:
        --binary                    : Write in binary mode (bool, default = true)
        --name                      : A name (string, default = "x")
        --num-ceps                  : Number of cepstra (int, default = 13)
        --scale                     : Scale (float, default = 0.97)

      Standard options:
        --config                    : Configuration file to read (this option may be repeated) (string, default = "")
        --help                      : Print out usage message (bool, default = false)
        --print-args                : Print the command line arguments (to stderr) (bool, default = true)
        --verbose                   : Verbose level (higher->more logging) (int, default = 0)


      """)
  }

  @Test func commandLineEchoQuotesLikeKaldi() {
    #expect(ParseOptions.escape("ark:foo.ark") == "ark:foo.ark")
    #expect(ParseOptions.escape("ark:gunzip -c x.gz |") == "'ark:gunzip -c x.gz |'")
    #expect(ParseOptions.escape("it's") == "\"it's\"")
    #expect(ParseOptions.escape("") == "''")
  }

  @Test func logLinesHaveKaldisShape() {
    KaldiLog.programName = "copy-feats"
    let line = KaldiLog.format("LOG", "Copied 10 feature matrices.", function: "main(_:)", file: "KaldiTools/copy-feats.swift", line: 88)
    #expect(line == "LOG (copy-feats[ksnn]:main():copy-feats.swift:88) Copied 10 feature matrices.\n")
  }

  @Test func numbersPrintAsCStreamsDo() {
    #expect(formatG(0.97, precision: 6) == "0.97")
    #expect(formatG(Double(Float(1e-8)), precision: 7) == "1e-08")
    #expect(formatG(16000, precision: 6) == "16000")
    #expect(formatG(-0.0, precision: 7) == "-0")
    #expect(formatG(.infinity, precision: 7) == "inf")
  }
}

@Suite struct JSONValueTests {
  @Test func parsesWhatTheToolsWriteAndNamesTheByteOfAnError() throws {
    let v = try JSONValue(parsing: #"{"a": [1, -2.5e3, null], "b": {"c": "x\"y\u00e9"}, "d": true}"#)
    #expect(v["a"]?.array?.compactMap(\.number) == [1, -2500])
    #expect(v["a"]?.array?.last == .null)
    #expect(v["b"]?["c"] == .string("x\"yé"))
    #expect(v["d"] == .bool(true) && v["e"] == nil)
    for (bad, offset) in [(#"{"a": [1, 2"#, 11), (#"{"a" 1}"#, 5), ("[1] x", 4), ("", 0)] {
      #expect(throws: KaldiError.self) { try JSONValue(parsing: bad) }
      do { _ = try JSONValue(parsing: bad) } catch { #expect(error.message.contains("at byte \(offset)"), "\(bad): \(error.message)") }
    }
  }
}
