import KaldiBase
import KaldiIO

/// ksnn's versioned binary model file: config, weights, batch-norm and EMA statistics, and
/// (in checkpoints) the optimiser and schedule state needed to resume training exactly.
///
/// Layout (little-endian): magic `KSNNAM\0\n`, UInt32 version, UInt32 length + UTF-8
/// `key=value` lines (model config, then any `train.*` state), UInt32 tensor count, then per
/// tensor UInt32 name length + name, UInt32 count, count Float32 values; finally the 64-bit
/// FNV-1a hash of everything before it, so truncation and corruption are detected.
public struct ModelFile: Sendable {
  public static let magic: [UInt8] = Array("KSNNAM\0\n".utf8)
  public static let version: UInt32 = 1

  public var metadata: [(String, String)]
  public var tensors: [(String, [Float])]

  public init(metadata: [(String, String)], tensors: [(String, [Float])]) {
    self.metadata = metadata
    self.tensors = tensors
  }

  /// A model's config, parameters and buffers.
  public init(model: AcousticModel) {
    var tensors = [(String, [Float])]()
    model.visitParameters { tensors.append(($0.name, $0.value)) }
    model.visitBuffers { name, b in tensors.append((name, b)) }
    self.init(metadata: model.config.keyValues, tensors: tensors)
  }

  public func value(_ key: String) -> String? { metadata.first { $0.0 == key }?.1 }
  public func tensor(_ name: String) -> [Float]? { tensors.first { $0.0 == name }?.1 }

  /// Rebuilds the model; every parameter and buffer must be present with the right size.
  public func makeModel(path: String) throws(KaldiError) -> AcousticModel {
    let config: ModelConfig
    do {
      config = try ModelConfig(keyValues: Dictionary(metadata, uniquingKeysWith: { $1 }))
    } catch {
      throw KaldiError("\(path): \(error.message)")
    }
    let stored = tensors.reduce(0) { $0 + $1.1.count }
    guard let needed = config.minimumParameterCount, needed <= stored else {
      throw KaldiError(
        "\(path): model file does not fit its own configuration: \(config.layers)×\(config.hiddenDim) units over \(config.inputDim) inputs and \(config.outputDim) outputs need more parameters than the \(stored) it holds")
    }
    let model = AcousticModel(config: config, seed: 0)
    let byName = Dictionary(tensors, uniquingKeysWith: { $1 })
    var problem: String?
    model.visitParameters { p in
      guard let v = byName[p.name], v.count == p.count else {
        problem = problem ?? "parameter \(p.name) missing or of the wrong size"
        return
      }
      p.value = v
    }
    model.visitBuffers { name, b in
      guard let v = byName[name], v.count == b.count else {
        problem = problem ?? "statistics \(name) missing or of the wrong size"
        return
      }
      b = v
    }
    if let problem { throw KaldiError("\(path): model file does not fit its own configuration: \(problem)") }
    return model
  }

  public func encoded() -> [UInt8] {
    var out = ModelFile.magic
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    u32(ModelFile.version)
    let text = Array(metadata.map { "\($0.0)=\($0.1)\n" }.joined().utf8)
    u32(UInt32(text.count))
    out += text
    u32(UInt32(tensors.count))
    for (name, values) in tensors {
      let n = Array(name.utf8)
      u32(UInt32(n.count))
      out += n
      u32(UInt32(values.count))
      values.withUnsafeBytes { out.append(contentsOf: $0) }
    }
    let hash = fnv1a(out)
    withUnsafeBytes(of: hash.littleEndian) { out.append(contentsOf: $0) }
    return out
  }

  public init(decoding bytes: [UInt8], path: String) throws(KaldiError) {
    var pos = 0
    func fail(_ what: String) -> KaldiError { KaldiError("\(path): not a valid ksnn model file: \(what) (byte offset \(pos))") }
    func u32() throws(KaldiError) -> UInt32 {
      guard pos + 4 <= bytes.count else { throw fail("truncated") }
      let v = UInt32(bytes[pos]) | UInt32(bytes[pos + 1]) << 8 | UInt32(bytes[pos + 2]) << 16 | UInt32(bytes[pos + 3]) << 24
      pos += 4
      return v
    }
    func take(_ n: Int) throws(KaldiError) -> ArraySlice<UInt8> {
      guard n >= 0, pos + n <= bytes.count - 8 else { throw fail("truncated") }
      defer { pos += n }
      return bytes[pos..<(pos + n)]
    }
    guard bytes.count >= ModelFile.magic.count + 12, Array(bytes[0..<8]) == ModelFile.magic else {
      throw fail("wrong magic (expected a file written by ksnn-am-train)")
    }
    pos = 8
    let stored = bytes[(bytes.count - 8)...].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    guard fnv1a(bytes[..<(bytes.count - 8)]) == stored else {
      throw KaldiError("\(path): model file is corrupt or truncated (checksum mismatch over \(bytes.count - 8) bytes)")
    }
    let version = try u32()
    guard version == ModelFile.version else {
      throw KaldiError("\(path): model file version \(version) is not supported (this ksnn reads version \(ModelFile.version))")
    }
    let textLength = Int(try u32())
    let text = String(decoding: try take(textLength), as: UTF8.self)
    var metadata = [(String, String)]()
    for line in text.split(separator: "\n") {
      guard let eq = line.firstIndex(of: "=") else { throw fail("bad metadata line '\(line)'") }
      metadata.append((String(line[..<eq]), String(line[line.index(after: eq)...])))
    }
    let count = Int(try u32())
    var tensors = [(String, [Float])]()
    for _ in 0..<count {
      let nameLength = Int(try u32())
      let name = String(decoding: try take(nameLength), as: UTF8.self)
      let n = Int(try u32())
      let raw = try take(4 * n)
      let values = [Float](unsafeUninitializedCapacity: n) { buf, initialized in
        raw.withUnsafeBytes { src in
          UnsafeMutableRawBufferPointer(buf).copyMemory(from: src)
        }
        initialized = n
      }
      tensors.append((name, values))
    }
    guard pos == bytes.count - 8 else { throw fail("\(bytes.count - 8 - pos) unexpected bytes after the last tensor") }
    self.init(metadata: metadata, tensors: tensors)
  }

  public static func read(_ path: String) throws(KaldiError) -> ModelFile {
    let bytes: [UInt8]
    do {
      bytes = try InputStream.readWhole(path)
    } catch {
      throw KaldiError("cannot read model file \(path): \(error)")
    }
    return try ModelFile(decoding: bytes, path: path)
  }

  /// Writes through `OutputStream`: an interrupted write never leaves a half-written model
  /// under the final name.
  public func write(_ path: String) throws {
    try OutputStream.writeWhole(encoded(), to: path)
  }
}

func fnv1a<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  for b in bytes {
    h ^= UInt64(b)
    h &*= 0x100_0000_01b3
  }
  return h
}

extension AcousticModel {
  /// Loads a model file written by `ksnn-am-train`.
  public static func load(_ path: String) throws(KaldiError) -> AcousticModel {
    try ModelFile.read(path).makeModel(path: path)
  }

  public func save(_ path: String) throws { try ModelFile(model: self).write(path) }
}
