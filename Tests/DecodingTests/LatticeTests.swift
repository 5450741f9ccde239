import Decoding
import Foundation
import KaldiBase
import KaldiIO
import KaldiMatrix
import Testing

/// A small random HCLG-like graph with forward-only epsilon arcs and random frame scores.
struct RandomDecodingProblem {
  let fst: Fst
  let scores: Scores

  struct Scores: DecodableInterface {
    let values: [[Float]]
    var frameCount: Int { values.count }
    func logLikelihood(frame: Int, transitionId tid: Int32) -> Float { values[frame][Int(tid)] }
  }

  init(seed: Int, maxFrames: Int = 12) {
    var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
    func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % UInt64(n)) }
    func weight() -> Float { Float(next(1000)) / 250 }
    let states = 3 + next(8), labels = 1 + next(5)
    var arcsOf = [[(Int32, Int32, Float, Int32)]](repeating: [], count: states)
    for s in 0..<states {
      for _ in 0..<(1 + next(4)) {
        let eps = next(5) == 0
        let target = eps ? Int32(s + 1 + next(max(1, states - s))) : Int32(next(states))
        if eps && target >= Int32(states) { continue }  // epsilon arcs only go forward: no epsilon cycles
        arcsOf[s].append((eps ? 0 : Int32(1 + next(labels)), Int32(next(3)), weight(), target))
      }
    }
    var finals = (0..<states).map { _ in next(3) == 0 ? weight() : Float.infinity }
    finals[states - 1] = 0.5
    var arcStart: [Int32] = [0]
    var il: [Int32] = [], ol: [Int32] = [], w: [Float] = [], ns: [Int32] = []
    for s in 0..<states {
      for a in arcsOf[s] { il.append(a.0); ol.append(a.1); w.append(a.2); ns.append(a.3) }
      arcStart.append(Int32(il.count))
    }
    fst = Fst(start: 0, finals: finals, arcStart: arcStart, ilabels: il, olabels: ol, weights: w, nextStates: ns)
    scores = Scores(values: (0..<(1 + next(maxFrames))).map { _ in (0...labels).map { _ in -Float(next(1000)) / 100 } })
  }

  /// Every complete path by brute force: the best cost of each word sequence.
  func bestCostPerWordSequence() -> [[Int32]: Double] {
    var best: [[Int32]: Double] = [:]
    func walk(_ s: Int, _ frame: Int, _ cost: Double, _ words: [Int32]) {
      if frame == scores.frameCount && fst.isFinal(s) {
        let c = cost + Double(fst.finals[s])
        if c < best[words] ?? .infinity { best[words] = c }
      }
      for a in fst.arcs(of: s) {
        let w = fst.olabels[a] == 0 ? words : words + [fst.olabels[a]]
        if fst.ilabels[a] == 0 {
          walk(Int(fst.nextStates[a]), frame, cost + Double(fst.weights[a]), w)
        } else if frame < scores.frameCount {
          let ac = -Double(scores.logLikelihood(frame: frame, transitionId: fst.ilabels[a]))
          walk(Int(fst.nextStates[a]), frame + 1, cost + Double(fst.weights[a]) + ac, w)
        }
      }
    }
    walk(Int(fst.start), 0, 0, [])
    return best
  }
}

/// Every path of an acyclic compact lattice: word sequence -> total cost.
func wordSequences(of lattice: CompactLattice) -> [(words: [Int32], cost: Double, frames: Int)] {
  var out: [(words: [Int32], cost: Double, frames: Int)] = []
  func walk(_ s: Int, _ cost: Double, _ words: [Int32], _ frames: Int) {
    let f = lattice.finals[s]
    if !f.isZero { out.append((words, cost + f.weight.cost, frames + f.string.count)) }
    for arc in lattice.arcs[s] {
      walk(Int(arc.next), cost + arc.weight.weight.cost, arc.label == 0 ? words : words + [arc.label], frames + arc.weight.string.count)
    }
  }
  if lattice.start >= 0 { walk(Int(lattice.start), 0, [], 0) }
  return out
}

@Suite struct LatticeGenerationTests {
  /// On random graphs, the determinized lattice holds exactly the word sequences whose best
  /// path lies within the lattice beam, each once and with its best cost (checked against
  /// brute-force enumeration of every path).
  @Test(arguments: 0..<40)
  func determinizedLatticeHoldsEachWordSequenceWithinTheBeamAtItsBestCost(seed: Int) throws {
    let problem = RandomDecodingProblem(seed: seed, maxFrames: 6)
    let reference = problem.bestCostPerWordSequence()
    var options = LatticeDecoderOptions()
    options.beam = 1000
    options.latticeBeam = 4
    options.pruneInterval = 2
    let decoder = LatticeFasterDecoder(fst: problem.fst, options: options)
    decoder.decode(problem.scores)
    guard let best = reference.values.min() else {
      #expect(!decoder.reachedFinal, "seed \(seed)")
      return
    }
    #expect(decoder.reachedFinal, "seed \(seed)")
    let raw = decoder.rawLattice()
    let path = try #require(try raw.bestPath())
    #expect(abs(path.weight.cost - best) < 1e-3, "seed \(seed)")
    #expect(path.alignment.count == problem.scores.frameCount)
    let clat = try LatticeDeterminizer.determinize(raw, beam: options.latticeBeam)
    let got = wordSequences(of: clat)
    #expect(Set(got.map(\.words)).count == got.count, "seed \(seed): a word sequence twice, not deterministic")
    for g in got {
      let r = try #require(reference[g.words], "seed \(seed): \(g.words) is no path of the graph")
      #expect(abs(g.cost - r) < 1e-3, "seed \(seed): \(g.words) costs \(g.cost), best path \(r)")
      #expect(g.frames == problem.scores.frameCount)
    }
    let kept = Set(got.map(\.words))
    for (words, cost) in reference where cost < best + Double(options.latticeBeam) - 1e-3 {
      #expect(kept.contains(words), "seed \(seed): \(words) at \(cost - best) over the best is missing")
    }
    for s in 0..<clat.stateCount {
      let labels = clat.arcs[s].map(\.label)
      #expect(Set(labels).count == labels.count, "seed \(seed): state \(s) has two arcs with one word")
    }
  }

  /// A random decoding problem and its determinized lattice (lattice beam 6, no search
  /// pruning), or nil when no path reaches a final state.
  static func determinizedLattice(seed: Int) throws -> (RandomDecodingProblem, CompactLattice)? {
    let problem = RandomDecodingProblem(seed: seed, maxFrames: 6)
    var options = LatticeDecoderOptions()
    options.beam = 1000
    options.latticeBeam = 6
    let decoder = LatticeFasterDecoder(fst: problem.fst, options: options)
    decoder.decode(problem.scores)
    guard decoder.reachedFinal else { return nil }
    return (problem, try LatticeDeterminizer.determinize(decoder.rawLattice(), beam: options.latticeBeam))
  }

  /// lattice-prune keeps exactly the paths within its beam of the best, at their costs;
  /// lattice-1best's linear lattice is the best path.
  @Test(arguments: 0..<20)
  func pruningKeepsThePathsWithinTheBeamAndOneBestIsTheBestPath(seed: Int) throws {
    guard let (_, clat) = try Self.determinizedLattice(seed: seed) else { return }
    let all = wordSequences(of: clat)
    let best = try #require(all.map(\.cost).min())
    let pruned = wordSequences(of: try clat.pruned(beam: 2))
    let expected = all.filter { $0.cost <= best + 2 + 1e-4 }
    #expect(Set(pruned.map(\.words)) == Set(expected.map(\.words)), "seed \(seed)")
    for p in pruned { #expect(abs(p.cost - (all.first { $0.words == p.words }?.cost ?? .infinity)) < 1e-4) }
    let one = try clat.bestPathLattice()
    #expect(one.arcs.allSatisfy { $0.count <= 1 })
    let path = try #require(try clat.bestPath())
    #expect(try one.bestPath() == path)
    #expect(abs(path.weight.cost - best) < 1e-4)
  }

  /// lattice-to-nbest's paths are the n cheapest of the lattice, best first, each a linear
  /// lattice whose words, costs and transition-ids nbest-to-linear reads back; Kaldi's shapes:
  /// for n = 1 the final weight stays on the final state, for n > 1 it joins the last arc.
  @Test(arguments: 0..<20)
  func nbestPathsAreTheCheapestBestFirst(seed: Int) throws {
    guard let (problem, clat) = try Self.determinizedLattice(seed: seed) else { return }
    let all = wordSequences(of: clat).sorted { $0.cost < $1.cost }
    for n in [1, 3, 50] {
      let paths = try clat.expanded().nbestPaths(n)
      #expect(paths.count == min(n, all.count), "seed \(seed) n \(n)")
      for (i, path) in paths.enumerated() {
        let compact = path.linearCompacted()
        #expect(compact.arcs.allSatisfy { $0.count <= 1 })
        let linear = try #require(compact.expanded().linearSymbols())
        #expect(abs(Double(linear.weight.cost) - all[i].cost) < 1e-3, "seed \(seed) n \(n) path \(i)")
        #expect(linear.alignment.count == problem.scores.frameCount)
        #expect(all.contains { $0.words == linear.words && abs($0.cost - Double(linear.weight.cost)) < 1e-3 })
        if i == 0 { #expect(linear.words == (try clat.bestPath())?.words) }
        let last = compact.stateCount - 1
        #expect(compact.finals[last].weight == (n == 1 ? compact.finals[last].weight : .one))
        if n == 1 {
          let (ours, best) = (try #require(try compact.bestPath()), try #require(try clat.bestPath()))
          #expect(abs(ours.weight.graph - best.weight.graph) < 1e-3 && abs(ours.weight.acoustic - best.weight.acoustic) < 1e-3)
          #expect(ours.alignment == best.alignment)
        }
      }
    }
  }

  /// lattice-oracle's path has the smallest edit distance of all the lattice's word
  /// sequences to the reference (checked against each), its error split adds up, and the
  /// oracle lattice is a path of the lattice with those words.
  @Test(arguments: 0..<20)
  func oraclePathHasTheSmallestEditDistance(seed: Int) throws {
    let problem = RandomDecodingProblem(seed: seed, maxFrames: 6)
    var options = LatticeDecoderOptions()
    options.beam = 1000
    options.latticeBeam = 20
    let decoder = LatticeFasterDecoder(fst: problem.fst, options: options)
    decoder.decode(problem.scores)
    guard decoder.reachedFinal else { return }
    let clat = try LatticeDeterminizer.determinize(decoder.rawLattice(), beam: options.latticeBeam)
    func distance(_ a: [Int32], _ b: [Int32]) -> Int {
      var row = Array(0...b.count)
      for x in a {
        var next = [row[0] + 1]
        for (j, y) in b.enumerated() { next.append(min(row[j] + (x == y ? 0 : 1), row[j + 1] + 1, next[j] + 1)) }
        row = next
      }
      return row[b.count]
    }
    for reference in [[Int32](), [1], [2, 1, 2], [1, 1, 1, 2]] {
      let oracle = try #require(try clat.oraclePath(reference: reference))
      let best = wordSequences(of: clat).map { distance($0.words, reference) }.min()
      #expect(oracle.errors == best, "seed \(seed), reference \(reference)")
      #expect(distance(oracle.words, reference) == oracle.errors)
      #expect(oracle.words.count - oracle.insertions + oracle.deletions == reference.count)
      let path = try clat.pathLattice(withWords: oracle.words)
      #expect(wordSequences(of: path).map(\.words) == [oracle.words])
    }
  }

  func tri3() throws -> (TransitionModel, Fst, [(String, Matrix<Float>)]) {
    let model = try TransitionModelReader.read(Fixture.path("tri3/final.mdl"))
    let fst = try FstReader.read(Fixture.path("tri3/HCLG.fst"))
    let reader = try SequentialTableReader<MatrixHolder<Float>>("ark:" + Fixture.path("tri3/loglikes.ark"))
    var utts: [(String, Matrix<Float>)] = []
    while let (k, m) = try reader.next() { utts.append((k, m)) }
    return (model, fst, utts)
  }

  /// On a real Kaldi tri3 system: the lattice's best path is decode-faster-mapped's (Kaldi's
  /// output) at the search's acoustic scale, and again after the lattice is written without
  /// the scale and rescaled by 1/LMWT as steps/score.sh does.
  @Test func realTri3LatticesGiveKaldisBestPath() throws {
    let (model, fst, utts) = try tri3()
    var options = LatticeDecoderOptions()
    options.beam = 13
    options.maxActive = 7000
    options.latticeBeam = 8
    let decoder = LatticeFasterDecoder(fst: fst, options: options)
    var direct = "", rescored = "", alignments = ""
    for (key, m) in utts {
      decoder.decode(try MappedMatrixDecodable(model: model, loglikes: m, scale: 0.2))
      #expect(decoder.reachedFinal)
      let raw = decoder.rawLattice()
      let best = try #require(try raw.bestPath())
      direct += "\(key) " + best.words.map { "\($0) " }.joined() + "\n"
      alignments += "\(key) " + best.alignment.map { "\($0) " }.joined() + "\n"
      var clat = try LatticeDeterminizer.determinize(try LatticeDeterminizer.connect(raw), beam: 8)
      clat.scale(LatticeScale(acoustic: 1 / Double(Float(0.2))))
      clat.scale(LatticeScale(acoustic: Double(Float(1 / Double(5)))))
      let path = try #require(try clat.bestPath())
      rescored += "\(key) " + path.words.map { "\($0) " }.joined() + "\n"
      #expect(path.alignment == best.alignment)
      #expect(abs(path.weight.cost - best.weight.cost) <= 1e-4 * abs(best.weight.cost))
    }
    #expect(direct == (try Fixture.text("tri3/expected_words.int")))
    #expect(alignments == (try Fixture.text("tri3/expected_ali.txt")))
    #expect(rescored == direct)
  }
}

@Suite struct LatticeFormatTests {
  func sample() -> CompactLattice {
    var c = CompactLattice()
    for _ in 0..<3 { c.addState() }
    c.start = 0
    c.arcs[0] = [CompactLatticeArc(label: 5, weight: CompactLatticeWeight(LatticeWeight(graph: 1.5, acoustic: 20.25), [2, 4, 4]), next: 1)]
    c.arcs[1] = [
      CompactLatticeArc(label: 0, weight: CompactLatticeWeight(LatticeWeight(graph: 0.5, acoustic: 3), [7]), next: 2),
      CompactLatticeArc(label: 6, weight: .one, next: 2),
    ]
    c.finals[2] = CompactLatticeWeight(LatticeWeight(graph: 0.25, acoustic: 0), [])
    return c
  }

  func written<H: TableHolder>(_: H.Type, _ value: H.Value, _ spec: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lat-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let writer = try TableWriter<H>(spec + path)
    try writer.write("utt1", value)
    try writer.close()
    return path
  }

  /// Kaldi's text form: key line with a trailing space, tab-separated arcs, weight One left
  /// out, compact weights ending in a comma even without transition-ids, an empty line last.
  @Test func compactLatticeTextIsKaldis() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lat-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let writer = try TableWriter<CompactLatticeHolder>("ark,t:" + path)
    try writer.write("utt1", sample())
    try writer.close()
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text == "utt1 \n0\t1\t5\t1.5,20.25,2_4_4\n1\t2\t0\t0.5,3,7\n1\t2\t6\n2\t0.25,0,\n\n")
    let back = try SequentialTableReader<CompactLatticeHolder>("ark:" + path)
    #expect(try back.next()?.value == sample())
  }

  @Test(arguments: ["ark:", "ark,t:"])
  func bothTypesRoundTrip(spec: String) throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lat-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let writer = try TableWriter<CompactLatticeHolder>(spec + path)
    try writer.write("a", sample())
    try writer.close()
    // Read as either type: the state-level one expands the strings into chains.
    let compact = try SequentialTableReader<CompactLatticeHolder>("ark:" + path).next()?.value
    #expect(compact == sample())
    let expanded = try #require(try SequentialTableReader<LatticeHolder>("ark:" + path).next()?.value)
    #expect(expanded == sample().expanded())
    #expect(try expanded.bestPath() == (try sample().bestPath()))
    let lpath = path + ".lat"
    defer { try? FileManager.default.removeItem(atPath: lpath) }
    let lwriter = try TableWriter<LatticeHolder>(spec + lpath)
    try lwriter.write("a", expanded)
    try lwriter.close()
    #expect(try SequentialTableReader<LatticeHolder>("ark:" + lpath).next()?.value == expanded)
  }

  /// Binary lattices are OpenFst's vector format without Kaldi's `\0B` marker.
  @Test func binaryLayoutIsOpenFsts() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lat-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let writer = try TableWriter<CompactLatticeHolder>("ark:" + path)
    try writer.write("k", sample())
    try writer.close()
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    #expect(Array(bytes[0..<6]) == [UInt8(ascii: "k"), 0x20, 0xD6, 0xFD, 0xB2, 0x7E])
    let arcType = Array("compactlattice44".utf8)
    #expect(Array(bytes[16..<20]) == [16, 0, 0, 0])
    #expect(Array(bytes[20..<36]) == arcType)
  }

  @Test(arguments: [10, 40, 70])
  func truncatedLatticesAreClearErrors(cut: Int) throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lat-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let writer = try TableWriter<CompactLatticeHolder>("ark:" + path)
    try writer.write("utt7", sample())
    try writer.close()
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    try data.prefix(cut).write(to: URL(fileURLWithPath: path))
    let reader = try SequentialTableReader<CompactLatticeHolder>("ark:" + path)
    let error = #expect(throws: KaldiError.self) { _ = try reader.next() }
    #expect(error?.message.contains("key 'utt7'") == true)
    #expect(error?.message.contains(path) == true)
  }

  @Test func anFstOfAnotherArcTypeIsNotALattice() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lat-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try (Data("utt1 ".utf8) + Data(contentsOf: URL(fileURLWithPath: Fixture.path("tri3/HCLG.fst")))).write(to: URL(fileURLWithPath: path))
    let reader = try SequentialTableReader<CompactLatticeHolder>("ark:" + path)
    let error = #expect(throws: KaldiError.self) { _ = try reader.next() }
    #expect(error?.message.contains("is not a lattice") == true)
  }
}

/// Lattices written by Kaldi's own code (Fixtures/lattices, see its README).
@Suite struct KaldiWrittenLatticeTests {
  func readAll<H: TableHolder>(_: H.Type, _ file: String) throws -> [(String, H.Value)] {
    let reader = try SequentialTableReader<H>("ark:" + Fixture.path("lattices/\(file)"))
    var out: [(String, H.Value)] = []
    while let (k, v) = try reader.next() { out.append((k, v)) }
    return out
  }

  func write<H: TableHolder>(_: H.Type, _ entries: [(String, H.Value)], _ spec: String) throws -> Data {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("lat-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let writer = try TableWriter<H>(spec + path)
    for (k, v) in entries { try writer.write(k, v) }
    try writer.close()
    return try Data(contentsOf: URL(fileURLWithPath: path))
  }

  /// Text and binary state-level lattices read and write back as Kaldi wrote them (binary:
  /// all but the header's property bits, which OpenFst tracks in memory).
  @Test func stateLevelLatticesRoundTripByteForByte() throws {
    let fromBinary = try readAll(LatticeHolder.self, "lat.bin.ark")
    let fromText = try readAll(LatticeHolder.self, "lat.txt.ark")
    #expect(fromBinary.map(\.0) == ["utt1", "utt2"])
    #expect(fromBinary[0].1.stateCount == 4 && fromBinary[1].1.arcCount == 3)
    let text = try write(LatticeHolder.self, fromBinary, "ark,t:")
    #expect(String(decoding: text, as: UTF8.self) == (try Fixture.text("lattices/lat.txt.ark")))
    #expect(try write(LatticeHolder.self, fromText, "ark,t:") == text)
    let binary = [UInt8](try write(LatticeHolder.self, fromBinary, "ark:"))
    let kaldi = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixture.path("lattices/lat.bin.ark"))))
    #expect(binary.count == kaldi.count)
    let properties = Set(39..<47).union(234..<242)  // "utt1 " + 34 header bytes; the second entry likewise
    let differing = zip(binary, kaldi).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
    #expect(differing.allSatisfy { properties.contains($0) }, "bytes \(differing) differ")
  }

  /// lattice-to-nbest on Kaldi's raw lattices of a real tri3 system (--n=5, acoustic scale
  /// 0.1): the same five paths in the same order, with the same words and costs, as Kaldi's
  /// own lattice-to-nbest (kaldifst, Fixtures/lattices/make_nbest.py).
  @Test func nbestOfKaldisLatticesIsKaldis() throws {
    let expected = try Fixture.text("lattices/nbest5.txt").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    var got: [(key: String, graph: Float, acoustic: Float, words: [String])] = []
    for (key, lattice) in try readAll(LatticeHolder.self, "raw_lat.bin.ark") {
      var lat = lattice
      lat.scale(LatticeScale(acoustic: 0.1))
      for (i, path) in try lat.nbestPaths(5).enumerated() {
        var p = path
        p.scale(LatticeScale(acoustic: 1 / Double(Float(0.1))))
        let linear = try #require(p.linearCompacted().expanded().linearSymbols())
        got.append(("\(key)-\(i + 1)", linear.weight.graph, linear.weight.acoustic, linear.words.map(String.init)))
      }
    }
    #expect(got.count == expected.count)
    for (g, e) in zip(got, expected) {
      #expect(g.key == e[0])
      #expect(g.words == Array(e.dropFirst(3)), "\(g.key)")
      #expect(abs(Double(g.graph) - Double(e[1])!) < 1e-3 && abs(Double(g.acoustic) - Double(e[2])!) < 2e-2, "\(g.key)")
    }
  }

  /// Kaldi's raw lattices of a real tri3 system, rescaled by 1/LMWT: the best path is
  /// OpenFst's at every LM weight 1..10.
  @Test(arguments: 1...10)
  func bestPathOfKaldisLatticesAtEveryLmWeight(lmwt: Int) throws {
    let expected = try Fixture.text("lattices/lmwt\(lmwt).words.int").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    var got: [[String]] = []
    for (key, lattice) in try readAll(CompactLatticeHolder.self, "raw_lat.bin.ark") {
      var clat = lattice
      clat.scale(LatticeScale(acoustic: Double(Float(1 / Double(lmwt)))))
      let path = try #require(try clat.bestPath())
      got.append([key] + path.words.map(String.init))
    }
    #expect(got == expected)
  }
}
