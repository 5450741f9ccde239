// ksnn-client: streams an audio file to a Vosk-protocol WebSocket server (ksnn-server) as a
// microphone would, printing every message the server sends, then the latency of the final
// result after the end of the audio and the real-time factor.
import Features
import Foundation
import HummingbirdWSClient
import KaldiBase
import KaldiIO
import Logging
import NIOCore

let usage = """
  Streams an audio file (any format libsndfile reads, first channel) to a WebSocket server
  speaking Vosk's protocol, in chunks at the pace of real time; prints each message the server
  sends (one JSON object per line), then the latency of the final result and the real-time factor.

  Usage: ksnn-client [options] <ws-url> <audio-file>
  e.g.: ksnn-client --chunk-length=0.2 ws://127.0.0.1:2700/ test.wav
  """

/// What the stream showed: written by the receiving side only, read after the connection ended.
final class Stats: @unchecked Sendable {
  var seconds = 0.0
  var latency = 0.0
  var elapsed = 0.0
  var error: String?
  var finalResultAt = 0.0
  var endOfAudioAt = 0.0
}

func now() -> Double { Date().timeIntervalSince1970 }

/// The audio as Vosk wants it: 16-bit little-endian PCM messages of `chunk` samples.
func pcmMessages(_ samples: [Float], chunk: Int) -> [ByteBuffer] {
  stride(from: 0, to: samples.count, by: chunk).map { offset in
    var buffer = ByteBuffer()
    buffer.reserveCapacity(2 * min(chunk, samples.count - offset))
    for s in samples[offset..<min(offset + chunk, samples.count)] {
      buffer.writeInteger(Int16(clamping: Int(s.rounded())), endianness: .little)
    }
    return buffer
  }
}

func stream(_ url: String, _ wave: WaveData, chunkSeconds: Float, realTime: Bool, first: String) async throws -> Stats {
  let samples = wave.channel(0)
  let rate = wave.sampleRate
  let chunk = max(1, Int(rate * chunkSeconds))
  let messages = pcmMessages(samples, chunk: chunk)
  let stats = Stats()
  stats.seconds = Double(samples.count) / Double(rate)
  var logger = Logger(label: "ksnn-client")
  logger.logLevel = .warning
  let start = now()

  @Sendable func send(_ outbound: WebSocketOutboundWriter) async throws {
    if !first.isEmpty { try await outbound.write(.text(ByteString.unicode(first))) }
    try await outbound.write(.text("{\"config\": {\"sample_rate\": \(Int(rate))}}"))
    for (k, message) in messages.enumerated() {
      try await outbound.write(.binary(message))
      if realTime {
        // The next chunk goes when its audio would have been recorded.
        let wait = start + Double(min((k + 1) * chunk, samples.count)) / Double(rate) - now()
        if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
      }
    }
    // In real time the audio ends now: the final result's delay after this is the latency.
    stats.endOfAudioAt = now()
    try await outbound.write(.text("{\"eof\" : 1}"))
  }

  try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
    try await withThrowingTaskGroup(of: Void.self) { group in
      // A server that closes the stream (after an error message) ends the sending quietly;
      // its message is what the user needs to see.
      group.addTask { try? await send(outbound) }
      for try await message in inbound.messages(maxSize: 1 << 24) {
        guard case .text(let text) = message else { continue }
        // One line per message as it arrives (unbuffered, also into a pipe or file).
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
        if text.contains("\"error\"") { stats.error = text }
        if text.contains("\"text\"") { stats.finalResultAt = now() }
      }
      try await group.waitForAll()
    }
  }
  stats.elapsed = now() - start
  stats.latency = stats.finalResultAt - stats.endOfAudioAt
  return stats
}

KaldiLog.programName = "ksnn-client"
let po = ParseOptions(usage: usage)
let chunkLength = po.option("chunk-length", default: Float(0.2), "Seconds of audio per message")
let realTime = po.option("real-time", default: true, "Send the audio at the pace it would be recorded (false: as fast as possible)")
let sendText = po.option("send-text", default: "", "A text message to send before the audio (a config of one's own, or anything to see how the server answers)")
do {
  let args = try po.read(Array(ByteString.commandLine.dropFirst()), programName: "ksnn-client")
  guard args.count == 2 else {
    po.printUsage()
    exit(1)
  }
  let wave = try readKaldiObject(WaveHolder.self, from: args[1])
  let stats = try await stream(args[0], wave, chunkSeconds: chunkLength.value, realTime: realTime.value, first: sendText.value)
  if let error = stats.error {
    KaldiLog.error("server reported an error: \(error)")
    exit(1)
  }
  KaldiLog.log("\(args[1]): \(formatG(stats.seconds, precision: 4)) s of audio; final result \(formatG(stats.latency, precision: 3)) s after the end of the audio; real-time factor \(formatG(stats.elapsed / stats.seconds, precision: 4))")
} catch is HelpRequested {
  po.printUsage()
} catch let e as KaldiError {
  KaldiLog.error(e.message)
  exit(255)
} catch {
  KaldiLog.error("\(error)")
  exit(255)
}
