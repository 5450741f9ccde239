// ksnn-server: on-line recognition over WebSockets in Vosk's protocol. A client sends
// optionally `{"config": {"sample_rate": 16000}}`, then binary frames of 16-bit little-endian
// mono PCM, then `{"eof" : 1}`; after each audio frame the server answers `{"partial": "..."}`,
// or the segment's result when an endpoint closed one, and after eof the final result
// `{"result": [{"conf", "end", "start", "word"}], "text": "..."}`; then it closes. Each
// connection is its own recognizer: a bad frame or a dropped client ends that stream only.
import Decoding
import Foundation
import Hummingbird
import HummingbirdWebSocket
import KaldiBase
import KaldiTools
import Logging
import NIOCore

let usage = """
  WebSocket server for on-line recognition with a ksnn acoustic model, speaking Vosk's protocol
  (binary 16-bit little-endian mono PCM in; {"partial": ...}, {"text": ..., "result": [...]} out;
  {"eof" : 1} ends a stream). Endpointing is on: a pause closes a segment and sends its result.
  Options as online-ksnn-decode-faster's.

  Usage: ksnn-server [options] <trans-model-in> <ksnn-model-in> <fst-in> <word-symbol-table>
  e.g.: ksnn-server --port=2700 --feature-type=fbank --fbank-config=conf/fbank.conf --cmvn-config=conf/online_cmvn.conf \\
          --global-cmvn-stats=exp/global_cmvn.stats --splice=3 --class-frame-counts=exp/targets/train_pdf.counts \\
          --endpoint.silence-phones=1:2:3:4:5 exp/mono/final.mdl exp/v2/final.mdl exp/mono/graph/HCLG.fst exp/mono/graph/words.txt
  """

/// Everything a connection needs, read once; shared read-only by all connections.
struct Service: @unchecked Sendable {
  let models: OnlineRecognitionModels
  let words: SymbolTable
  let sampleRate: Float
  let maxFrameBytes: Int
}

func main(_ po: ParseOptions) async throws {
  let options = Setting(OnlineRecognitionOptions())
  OnlineRecognitionOptions.register(po, options)
  let host = po.option("host", default: "127.0.0.1", "Address to listen on")
  let port = po.option("port", default: 2700, "Port to listen on (0: any free port, printed at start)")
  let sampleRate = po.option("sample-rate", default: Float(16000), "Sample rate of the audio clients send unless their config message says otherwise")
  let maxFrame = po.option("max-frame-bytes", default: 1 << 20, "Largest WebSocket message accepted")
  let args = try po.read(Array(ByteString.commandLine.dropFirst()), programName: "ksnn-server")
  guard args.count == 4 else {
    writeToStandardError(usage + "\n")
    exit(1)
  }
  let models = try OnlineRecognitionModels(
    options: options.value, transitionModel: args[0], network: args[1], fst: args[2], endpointing: true)
  let service = Service(models: models, words: try SymbolTable(args[3]), sampleRate: sampleRate.value, maxFrameBytes: maxFrame.value)

  let router = Router(context: BasicWebSocketRequestContext.self)
  router.ws("/") { _, _ in .upgrade() } onUpgrade: { inbound, outbound, _ in
    try await serve(service, inbound: inbound, outbound: outbound)
  }
  let app = Application(
    router: Router(),
    server: .http1WebSocketUpgrade(webSocketRouter: router, configuration: .init(ws: .init(maxFrameSize: service.maxFrameBytes))),
    configuration: .init(address: .hostname(host.value, port: port.value)),
    onServerRunning: { channel in
      KaldiLog.log("Listening on \(channel.localAddress.map { "\($0)" } ?? "?")")
    },
    logger: Logger(label: "ksnn-server")
  )
  try await app.runService()
}

/// One client's stream, until it sends eof, breaks the protocol or goes away.
func serve(_ service: Service, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
  var sampleRate = service.sampleRate
  var recognizer: OnlineRecognizer?
  /// The stream's recognizer, made by its first audio (or by eof before any).
  func stream() throws -> OnlineRecognizer {
    if let recognizer { return recognizer }
    let r = try OnlineRecognizer(models: service.models, cmvnState: service.models.newSpeakerCmvnState(), endpointing: true)
    recognizer = r
    return r
  }
  do {
    for try await message in inbound.messages(maxSize: service.maxFrameBytes) {
      switch message {
      case .text(let text):
        let command = try VoskCommand(text)
        switch command {
        case .config(let rate):
          guard recognizer == nil else { throw ProtocolError("config must come before the audio") }
          sampleRate = rate ?? sampleRate
        case .eof:
          let r = try stream()
          try r.finishInput()
          try await outbound.write(.text(try resultJSON(r.takeClosedSegments(), service)))
          return
        }
      case .binary(var buffer):
        guard buffer.readableBytes % 2 == 0 else {
          throw ProtocolError("audio frame of \(buffer.readableBytes) bytes: 16-bit samples need an even count")
        }
        let r = try stream()
        var samples = [Float]()
        samples.reserveCapacity(buffer.readableBytes / 2)
        while let v = buffer.readInteger(endianness: .little, as: Int16.self) { samples.append(Float(v)) }
        try r.acceptWaveform(samples, sampleRate: sampleRate)
        let closed = r.takeClosedSegments()
        if !closed.isEmpty {
          try await outbound.write(.text(try resultJSON(closed, service)))
        } else {
          try await outbound.write(.text(json(["partial": try text(r.partialWords, service)])))
        }
      }
    }
  } catch let e as ProtocolError {
    try? await outbound.write(.text(json(["error": e.message])))
    try? await outbound.close(.protocolError, reason: nil)
  } catch let e as KaldiError {
    try? await outbound.write(.text(json(["error": e.message])))
    try? await outbound.close(.unexpectedServerError, reason: nil)
  }
}

/// What a client's text message asks for.
enum VoskCommand {
  case config(sampleRate: Float?)
  case eof

  init(_ text: String) throws {
    guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
      throw ProtocolError("not a JSON object: \(text.prefix(80))")
    }
    if object["eof"] != nil {
      self = .eof
    } else if let config = object["config"] as? [String: Any] {
      let rate = config["sample_rate"].flatMap { ($0 as? NSNumber)?.floatValue }
      if let rate, !(rate > 0) { throw ProtocolError("bad sample_rate \(rate)") }
      self = .config(sampleRate: rate)
    } else {
      throw ProtocolError("unknown message (expected config or eof): \(text.prefix(80))")
    }
  }
}

struct ProtocolError: Error {
  let message: String
  init(_ message: String) { self.message = message }
}

/// The words as JSON needs them: Unicode, where ksnn carries the symbol table's bytes (`ByteString`).
func unicodeSymbols(_ ids: [Int32], _ service: Service) throws -> [String] {
  try service.words.symbols(of: ids).map(ByteString.unicode)
}

func text(_ ids: [Int32], _ service: Service) throws -> String {
  try unicodeSymbols(ids, service).joined(separator: " ")
}

/// Vosk's result message for the words of `segments`.
func resultJSON(_ segments: [RecognizedSegment], _ service: Service) throws -> String {
  let words = segments.flatMap(\.words)
  let symbols = try unicodeSymbols(words.map(\.word), service)
  // Times to the frame (10 ms), confidences to six digits, as Vosk prints them.
  func rounded(_ x: Float, _ digits: Double) -> Double { (Double(x) * digits).rounded() / digits }
  let result: [[String: Any]] = zip(words, symbols).map { w, s in
    ["conf": rounded(w.confidence, 1e6), "end": rounded(w.end, 100), "start": rounded(w.start, 100), "word": s]
  }
  return json(["result": result, "text": symbols.joined(separator: " ")])
}

func json(_ object: [String: Any]) -> String {
  let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
  return String(decoding: data, as: UTF8.self)
}

KaldiLog.programName = "ksnn-server"
let options = ParseOptions(usage: usage)
do {
  try await main(options)
} catch is HelpRequested {
  options.printUsage()
} catch let e as KaldiError {
  KaldiLog.error(e.message)
  exit(255)
}
