import AcousticModels
import Decoding
import Features
import KaldiBase
import KaldiIO
import KaldiMatrix

#if canImport(Glibc)
import Glibc
#endif

/// `online-ksnn-decode-faster`: on-line recognition of wav files with a ksnn network, chunk by
/// chunk as audio would arrive (Kaldi's `online2-wav-nnet3-latgen-faster` for ksnn models),
/// printing each utterance's real-time factor and latency.
public enum OnlineKsnnDecodeFaster: KaldiTool {
  public static let name = "online-ksnn-decode-faster"
  public static let usage = """
    Reads in wav file(s) and simulates online decoding with a ksnn acoustic model (features,
    online CMVN and the network computed as audio arrives, one frame at a time), with optional
    endpointing: after an endpoint decoding starts again on the rest of the audio, and the
    utterance's result is the words of all its segments. Prints per utterance the real-time
    factor and the latency from the end of the audio to the final result.

    Usage: online-ksnn-decode-faster [options] <trans-model-in> <ksnn-model-in> <fst-in> <spk2utt-rspecifier> <wav-rspecifier> <words-wspecifier> [<alignments-wspecifier>]
    The spk2utt-rspecifier can just be <utterance-id> <utterance-id> if
    you want to decode utterance by utterance.
    e.g.: online-ksnn-decode-faster --feature-type=fbank --fbank-config=conf/fbank.conf --cmvn-config=conf/online_cmvn.conf \\
            --global-cmvn-stats=exp/lstm/global_cmvn.stats --splice=3 --class-frame-counts=exp/targets/train_pdf.counts \\
            --word-symbol-table=exp/mono/graph/words.txt exp/mono/final.mdl exp/lstm/final.mdl exp/mono/graph/HCLG.fst \\
            ark:data/test/spk2utt scp:data/test/wav.scp ark,t:words.txt
    """

  public static func main(_ invocation: Invocation) throws -> Int32 {
    let chunkLength = invocation.option("chunk-length", Float(0.18), "Length of chunk size in seconds, that we process.  Set to <= 0 to use all input in one chunk.")
    let wordSymbols = invocation.option("word-symbol-table", "", "Symbol table for words [for debug output]")
    let endpointing = invocation.option("do-endpointing", false, "If true, apply endpoint detection")
    let printPartials = invocation.option("print-partials", false, "Log the partial result after each chunk when it grew (the words every hypothesis agrees on, so it only grows)")
    let online = invocation.option("online", true, "You can set this to false to use all the audio of each utterance at once (--chunk-length=-1); the result is the same, only the timing differs.")
    let options = Setting(OnlineRecognitionOptions())
    OnlineRecognitionOptions.register(invocation.options, options)
    let args = try invocation.arguments(6...7)
    let models = try OnlineRecognitionModels(
      options: options.value, transitionModel: args[0], network: args[1], fst: args[2], endpointing: endpointing.value)
    let symbols = wordSymbols.value.isEmpty ? nil : try SymbolTable(wordSymbols.value)
    let speakers = try SequentialTableReader<TokenVectorHolder>(args[3])
    let waves = try RandomAccessTableReader<WaveHolder>(args[4])
    let words = try TableWriter<Int32VectorHolder>(args[5])
    let alignments = args.count == 7 ? try TableWriter<Int32VectorHolder>(args[6]) : nil
    let chunkSeconds = online.value ? chunkLength.value : -1
    var timing = OnlineTimingStats()
    var done = 0, errors = 0, frames = 0
    var totalLike = 0.0
    /// Words as symbols, or as ids without a table.
    func text(_ ids: [Int32]) throws -> String {
      (try symbols?.symbols(of: ids) ?? ids.map { "\($0)" }).joined(separator: " ")
    }

    while let (_, utterances) = try speakers.next() {
      var cmvnState = models.newSpeakerCmvnState()
      for utt in utterances {
        guard try waves.hasKey(utt) else {
          KaldiLog.warn("Did not find audio for utterance \(utt)")
          errors += 1
          continue
        }
        let wave = try waves.value(for: utt)
        let samples = wave.channel(0)
        let recognizer = try OnlineRecognizer(models: models, cmvnState: cmvnState, endpointing: endpointing.value)
        var timer = OnlineTimer()
        let chunk = chunkSeconds > 0 ? max(1, Int(wave.sampleRate * chunkSeconds)) : Int.max
        var offset = 0
        var shown: [Int32] = []
        do {
          while offset < samples.count {
            let n = min(chunk, samples.count - offset)
            try recognizer.acceptWaveform(samples[offset..<(offset + n)], sampleRate: wave.sampleRate)
            offset += n
            timer.waitUntil(Double(offset) / Double(wave.sampleRate))
            if printPartials.value {
              let partial = recognizer.segments.flatMap(\.path.words) + recognizer.partialWords
              if partial != shown {
                let words = try text(partial)
                KaldiLog.log("Partial result of \(utt) at \(formatG(Double(offset) / Double(wave.sampleRate), precision: 4)) s: \(words)")
                shown = partial
              }
            }
          }
          try recognizer.finishInput()
        } catch let e as KaldiError {
          throw KaldiError("\(e.message) (utterance \(utt) of \(args[4]))")
        }
        let latency = timer.finish(utterance: utt, into: &timing)
        cmvnState = recognizer.cmvnState()
        let segments = recognizer.segments
        let path = segments.map(\.path)
        let uttWords = path.flatMap(\.words), uttAlignment = path.flatMap(\.alignment)
        guard !uttAlignment.isEmpty else {
          KaldiLog.warn("No frames decoded for utterance \(utt) (\(samples.count) samples)")
          errors += 1
          continue
        }
        let like = -path.reduce(0.0) { $0 + Double($1.graphCost + $1.acousticCost) }
        totalLike += like
        frames += uttAlignment.count
        try words.write(utt, uttWords)
        try alignments?.write(utt, uttAlignment)
        // Kaldi's raw transcript line: every word followed by a space.
        if let symbols { writeToStandardError(try symbols.line(utt, uttWords)) }
        let duration = Double(samples.count) / Double(wave.sampleRate)
        var line = "Utterance \(utt): \(formatG(duration, precision: 4)) s of audio, real-time factor \(formatG(timer.processing / duration, precision: 3)), latency \(formatG(latency, precision: 3)) s"
        if endpointing.value {
          let cuts = segments.compactMap { s in s.endpointRule.map { "rule\($0) at \(formatG(Double(Float(s.startFrame + s.frames) * recognizer.frameShift), precision: 4)) s" } }
          line += cuts.isEmpty ? ", no endpoint" : ", endpoints: " + cuts.joined(separator: ", ")
        }
        KaldiLog.log(line)
        done += 1
      }
    }
    try words.close()
    try alignments?.close()
    timing.print(online: online.value)
    KaldiLog.log("Decoded \(done) utterances, \(errors) with errors.")
    KaldiLog.log("Overall likelihood per frame was \(formatG(totalLike / Double(frames), precision: 6)) per frame over \(frames) frames.")
    return done != 0 ? 0 : 1
  }
}

/// Kaldi's `OnlineTimer` for one utterance: audio is simulated to arrive in real time, so
/// processing that is faster than the audio waits for it; what is left at the end of the audio
/// is the latency.
struct OnlineTimer {
  private let start = monotonicSeconds()
  private var waited = 0.0
  private var audio = 0.0

  /// Seconds of work so far (waits excluded).
  var processing: Double { monotonicSeconds() - start }

  /// The audio up to `seconds` has arrived: if processing is ahead of it, wait for it.
  mutating func waitUntil(_ seconds: Double) {
    let toWait = seconds - (processing + waited)
    if toWait > 0 { waited += toWait }
    audio = seconds
  }

  /// The latency (seconds from the end of the audio to the final result), added to `stats`.
  mutating func finish(utterance: String, into stats: inout OnlineTimingStats) -> Double {
    let work = processing
    let latency = work + waited - audio
    stats.utterances += 1
    stats.audio += audio
    stats.taken += work + waited
    stats.waited += waited
    if latency > stats.maxDelay { (stats.maxDelay, stats.maxDelayUtterance) = (latency, utterance) }
    return latency
  }
}

/// Kaldi's `OnlineTimingStats`: totals over utterances and their log lines.
struct OnlineTimingStats {
  var utterances = 0
  var audio = 0.0, taken = 0.0, waited = 0.0
  var maxDelay = 0.0
  var maxDelayUtterance = ""

  func print(online: Bool) {
    guard utterances > 0 else { return }
    if online {
      KaldiLog.log("Timing stats: real-time factor was \(formatG(taken / audio, precision: 6)) (note: this cannot be less than one.)")
      KaldiLog.log("Average delay was \(formatG((taken - audio) / Double(utterances), precision: 6)) seconds.")
      let idle = 100 * waited / audio
      if idle != 0 { KaldiLog.log("Percentage of time spent idling was \(formatG(idle, precision: 6))") }
      KaldiLog.log("Longest delay was \(formatG(maxDelay, precision: 6)) seconds for utterance '\(maxDelayUtterance)'")
    } else {
      let work = taken - waited
      KaldiLog.log("Timing stats: real-time factor for offline decoding was \(formatG(work / audio, precision: 6)) = \(formatG(work, precision: 6)) seconds  / \(formatG(audio, precision: 6)) seconds.")
    }
  }
}
