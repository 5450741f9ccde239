import KaldiMatrix

/// Word error counts of one reference/hypothesis pair, or of many added together.
public struct ErrorCounts: Equatable, Sendable {
  public var insertions = 0
  public var deletions = 0
  public var substitutions = 0
  public init(insertions: Int = 0, deletions: Int = 0, substitutions: Int = 0) {
    self.insertions = insertions
    self.deletions = deletions
    self.substitutions = substitutions
  }
  public var errors: Int { insertions + deletions + substitutions }
  public static func + (a: ErrorCounts, b: ErrorCounts) -> ErrorCounts {
    ErrorCounts(insertions: a.insertions + b.insertions, deletions: a.deletions + b.deletions, substitutions: a.substitutions + b.substitutions)
  }
  public static func += (a: inout ErrorCounts, b: ErrorCounts) { a = a + b }
}

/// Kaldi's `LevenshteinEditDistance` (util/edit-distance-inl.h), as compute-wer counts errors.
///
/// The total is the minimum edit distance; the split into insertions, deletions and
/// substitutions follows Kaldi's tie rule cell by cell: substitution/match only when strictly
/// cheaper than both alternatives, else deletion when strictly cheaper than insertion, else
/// insertion. Two rows of the table, hypothesis outer, reference inner, as Kaldi does.
/// Counts are kept in 21 bits each: up to 2,097,151 errors of each kind per utterance.
public func editDistance<T: Equatable>(reference: [T], hypothesis: [T]) -> ErrorCounts {
  let n = reference.count
  // Each cell holds its cost and its (insertions, deletions, substitutions) packed into one
  // word, 21 bits each, so taking a neighbour's counts is a single copy.
  let ins: UInt64 = 1 << 42, del: UInt64 = 1 << 21, sub: UInt64 = 1
  var previousCost = (0...n).map { Int32($0) }
  var previousCounts = (0...n).map { UInt64($0) * del }
  var currentCost = previousCost
  var currentCounts = previousCounts
  reference.withUnsafeBufferPointer { ref in
    for word in hypothesis {
      withMutableBuffers(&previousCost, &previousCounts, &currentCost, &currentCounts) { pc, pn, cc, cn in
        cc[0] = pc[0] + 1
        cn[0] = pn[0] + ins
        var r = 1
        while r <= n {
          let insertion = pc[r] + 1
          let deletion = cc[r - 1] + 1
          let mismatch: Int32 = word == ref[r - 1] ? 0 : 1
          let substitution = pc[r - 1] + mismatch
          if substitution < insertion && substitution < deletion {
            cc[r] = substitution
            cn[r] = pn[r - 1] + UInt64(mismatch) * sub
          } else if deletion < insertion {
            cc[r] = deletion
            cn[r] = cn[r - 1] + del
          } else {
            cc[r] = insertion
            cn[r] = pn[r] + ins
          }
          r += 1
        }
      }
      swap(&previousCost, &currentCost)
      swap(&previousCounts, &currentCounts)
    }
  }
  let packed = previousCounts[n]
  let mask: UInt64 = (1 << 21) - 1
  return ErrorCounts(insertions: Int(packed >> 42), deletions: Int((packed >> 21) & mask), substitutions: Int(packed & mask))
}

/// One column of an alignment: a reference and a hypothesis token, nil for the empty side.
public struct AlignedPair<T: Equatable>: Equatable {
  public var reference: T?
  public var hypothesis: T?
  public init(_ reference: T?, _ hypothesis: T?) {
    self.reference = reference
    self.hypothesis = hypothesis
  }
}

/// Kaldi's `LevenshteinAlignment` (align-text): full table, traceback from the end preferring
/// substitution/match, then deletion, then insertion. Its split can differ from compute-wer's.
/// The table keeps only each cell's choice, two bits, with two rows of costs: a pair of
/// 20,000-word texts takes 100 MB, not gigabytes.
public func levenshteinAlignment<T: Equatable>(reference a: [T], hypothesis b: [T]) -> [AlignedPair<T>] {
  let (m, n) = (a.count, b.count)
  var moves = TwoBitTable(rows: m, cols: n)
  var previous = (0...n).map { Int32($0) }
  var current = previous
  for i in stride(from: 1, through: m, by: 1) {
    current[0] = Int32(i)
    for j in stride(from: 1, through: n, by: 1) {
      let subOrOk = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
      let del = previous[j] + 1
      let ins = current[j - 1] + 1
      // The traceback's preference, decided once here: substitution or match, deletion, insertion.
      if subOrOk <= min(del, ins) {
        current[j] = subOrOk
      } else if del <= ins {
        current[j] = del
        moves[i - 1, j - 1] = 1
      } else {
        current[j] = ins
        moves[i - 1, j - 1] = 2
      }
    }
    swap(&previous, &current)
  }
  var out: [AlignedPair<T>] = []
  var (i, j) = (m, n)
  while i != 0 || j != 0 {
    let move = i == 0 ? 2 : j == 0 ? 1 : moves[i - 1, j - 1]
    switch move {
    case 0:
      i -= 1
      j -= 1
      out.append(AlignedPair(a[i], b[j]))
    case 1:
      i -= 1
      out.append(AlignedPair(a[i], nil))
    default:
      j -= 1
      out.append(AlignedPair(nil, b[j]))
    }
  }
  return out.reversed()
}

/// A rows × cols table of values 0-3, four to a byte.
struct TwoBitTable {
  private var bytes: [UInt8]
  private let cols: Int
  init(rows: Int, cols: Int) {
    self.cols = cols
    bytes = [UInt8](repeating: 0, count: (rows * cols + 3) / 4)
  }
  subscript(row: Int, col: Int) -> Int {
    get {
      let k = row * cols + col
      return Int(bytes[k >> 2] >> UInt8((k & 3) * 2)) & 3
    }
    set {
      let k = row * cols + col, shift = UInt8((k & 3) * 2)
      bytes[k >> 2] = bytes[k >> 2] & ~(3 << shift) | UInt8(newValue) << shift
    }
  }
}

/// Maps words to small integers so alignments compare integers, not strings.
public struct Vocabulary {
  private var ids: [String: Int32] = [:]
  public init() {}
  public mutating func ids(for words: [String]) -> [Int32] {
    words.map { word in
      if let id = ids[word] { return id }
      let id = Int32(ids.count)
      ids[word] = id
      return id
    }
  }
}
