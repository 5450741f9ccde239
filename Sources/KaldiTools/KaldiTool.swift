import KaldiBase

/// One Kaldi-style command-line program: a name, a usage text with an example, and a body.
public protocol KaldiTool: SendableMetatype {
  /// The Kaldi tool name, e.g. `copy-feats`; also the symlink name in `bin/`.
  static var name: String { get }
  /// Purpose, `Usage:` line(s) and an `e.g.:` line, as Kaldi prints them.
  static var usage: String { get }
  /// Registers options on the invocation, parses it, does the work; returns the exit status.
  static func main(_ invocation: Invocation) throws -> Int32
}

/// The command line of one tool run: options are registered on it, then `arguments(...)`
/// parses and hands back the positional arguments.
public final class Invocation {
  public let options: ParseOptions
  private let rawArguments: [String]
  private let toolName: String

  init(tool: any KaldiTool.Type, arguments: [String]) {
    options = ParseOptions(usage: tool.usage)
    rawArguments = arguments
    toolName = tool.name
  }

  /// Registers `--name` and returns the cell its value lands in.
  public func option<Value: OptionValue>(_ name: String, _ defaultValue: Value, _ help: String) -> Setting<Value> {
    options.option(name, default: defaultValue, help)
  }

  /// Parses the command line; the number of positional arguments must lie in `count`.
  public func arguments(_ count: ClosedRange<Int>) throws -> [String] {
    let positional = try options.read(rawArguments, programName: toolName)
    guard count.contains(positional.count) else { throw WrongArgumentCount() }
    return positional
  }

  public func arguments(_ count: Int) throws -> [String] { try arguments(count...count) }
}

/// Kaldi prints the usage and exits 1, with no ERROR line, on a wrong argument count.
struct WrongArgumentCount: Error {}

/// Every tool the `ksnn` executable answers to.
public enum ToolRegistry {
  public static let tools: [any KaldiTool.Type] = [
    CopyFeats.self, CopyMatrix.self, CopyVector.self, CopyIntVector.self,
    FeatToDim.self, FeatToLen.self, SubsetFeats.self, PasteFeats.self,
    ComputeWer.self, AlignText.self, WerPerUttDetails.self, WerPerSpkDetails.self, WerSysSummary.self,
    TimitNormTrans.self, BestWer.self,
    ComputeMfccFeats.self, ComputeFbankFeats.self, ComputeSpectrogramFeats.self,
    ComputeCmvnStats.self, ApplyCmvn.self, ApplyCmvnOnline.self, MatrixSum.self, AddDeltas.self, SpliceFeats.self, ComputeVad.self, TransformFeats.self,
    WavToDuration.self, WavCopy.self, ExtractSegments.self,
    ShowTransitions.self, HmmInfo.self, AliToPdf.self, AliToPhones.self, AnalyzeCounts.self,
    DecodeFasterMapped.self, LatgenFasterMapped.self, LatticeCopyTool.self, LatticeScaleTool.self, LatticeAddPenalty.self, LatticeBestPath.self, Lattice1Best.self, LatticePrune.self, LatticeOracle.self, LatticeToNbest.self, NbestToLinear.self, LatticeAlignWords.self, LatticeAlignWordsLexicon.self, LatticeAlignPhones.self, NbestToCtm.self, LatticeToCtmConf.self,
    InitMonoModel.self, AlignPhonesMapped.self, AlignEqualPhones.self,
    GmmInitMono.self, GmmAccStatsAli.self, GmmSumAccs.self, GmmEst.self, GmmComputeLikes.self, GmmBoostSilence.self, GmmInfo.self,
    BuildArpaLm.self, Arpa2Fst.self, MakeLexiconFst.self, MakeHmmFst.self,
    KsnnAmTrain.self, KsnnAmForward.self, KsnnAmSumMeasures.self, KsnnAmInfo.self, KsnnAmBench.self, OnlineKsnnDecodeFaster.self,
    PlotTrainingCurves.self, PlotZeroOutputs.self,
  ]

  public static func tool(named name: String) -> (any KaldiTool.Type)? {
    tools.first { $0.name == name }
  }

  /// Runs the tool named by the basename of `argv[0]` (a symlink) or by `argv[1]`
  /// (`ksnn copy-feats ...`), returning the exit status.
  public static func main(_ argv: [String]) -> Int32 {
    let invokedAs = argv.first.map { String($0.split(separator: "/").last ?? "") } ?? "ksnn"
    if let tool = tool(named: invokedAs) {
      return run(tool, Array(argv.dropFirst()))
    }
    guard argv.count > 1 else {
      writeToStandardError(overview)
      return 1
    }
    if argv[1] == "--list-tools" {
      print(tools.map { $0.name }.sorted().joined(separator: "\n"))
      return 0
    }
    if argv[1] == "--help" || argv[1] == "-h" {
      writeToStandardError(overview)
      return 0
    }
    guard let tool = tool(named: argv[1]) else {
      writeToStandardError("ksnn: unknown tool '\(argv[1])'\n" + overview)
      return 1
    }
    return run(tool, Array(argv.dropFirst(2)))
  }

  static var overview: String {
    "Usage: ksnn <tool> [options] <args>   (or call a tool through its symlink in bin/)\n"
      + "e.g.: ksnn copy-feats ark:in.ark ark,t:-\nTools:\n"
      + tools.map { "  \($0.name)" }.sorted().joined(separator: "\n") + "\n"
  }

  /// A Kaldi binary's `main` returns -1 when KALDI_ERR throws: exit status 255. (A wrong
  /// argument count is `PrintUsage(); exit(1)`, and tools that process nothing return 1.)
  public static let errorStatus: Int32 = 255

  static func run(_ tool: any KaldiTool.Type, _ arguments: [String]) -> Int32 {
    KaldiLog.programName = tool.name
    let invocation = Invocation(tool: tool, arguments: arguments)
    do {
      return try tool.main(invocation)
    } catch is HelpRequested {
      invocation.options.printUsage()
      return 0
    } catch is WrongArgumentCount {
      invocation.options.printUsage()
      return 1
    } catch let e as KaldiError {
      if e.isUsage { invocation.options.printUsage() }
      KaldiLog.error(e.message, function: e.function, file: e.file, line: e.line)
      return errorStatus
    } catch {
      KaldiLog.error("\(error)", function: "main", file: tool.name + ".swift", line: 0)
      return errorStatus
    }
  }
}
