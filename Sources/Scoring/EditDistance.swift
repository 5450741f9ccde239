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
      previousCost.withUnsafeMutableBufferPointer { pc in
        previousCounts.withUnsafeMutableBufferPointer { pn in
          currentCost.withUnsafeMutableBufferPointer { cc in
            currentCounts.withUnsafeMutableBufferPointer { cn in
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
          }
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
public func levenshteinAlignment<T: Equatable>(reference a: [T], hypothesis b: [T]) -> [AlignedPair<T>] {
  let (m, n) = (a.count, b.count)
  var e = [Int32](repeating: 0, count: (m + 1) * (n + 1))
  let w = n + 1
  for j in 0...n { e[j] = Int32(j) }
  if m > 0 {
    for i in 1...m {
      e[i * w] = e[(i - 1) * w] + 1
      if n > 0 {
        for j in 1...n {
          let subOrOk = e[(i - 1) * w + j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
          let del = e[(i - 1) * w + j] + 1
          let ins = e[i * w + j - 1] + 1
          e[i * w + j] = min(subOrOk, min(del, ins))
        }
      }
    }
  }
  var out: [AlignedPair<T>] = []
  var (i, j) = (m, n)
  while i != 0 || j != 0 {
    if i == 0 {
      j -= 1
      out.append(AlignedPair(nil, b[j]))
    } else if j == 0 {
      i -= 1
      out.append(AlignedPair(a[i], nil))
    } else {
      let subOrOk = e[(i - 1) * w + j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
      let del = e[(i - 1) * w + j] + 1
      let ins = e[i * w + j - 1] + 1
      if subOrOk <= min(del, ins) {
        i -= 1
        j -= 1
        out.append(AlignedPair(a[i], b[j]))
      } else if del <= ins {
        i -= 1
        out.append(AlignedPair(a[i], nil))
      } else {
        j -= 1
        out.append(AlignedPair(nil, b[j]))
      }
    }
  }
  return out.reversed()
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
