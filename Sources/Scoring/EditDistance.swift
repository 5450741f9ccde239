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
public func editDistance<T: Equatable>(reference: [T], hypothesis: [T]) -> ErrorCounts {
  let n = reference.count
  // Per cell: cost, insertions, deletions, substitutions.
  var previous = [Int32](repeating: 0, count: 4 * (n + 1))
  var current = previous
  for r in 0...n {
    previous[4 * r] = Int32(r)
    previous[4 * r + 2] = Int32(r)
  }
  reference.withUnsafeBufferPointer { ref in
    for word in hypothesis {
      previous.withUnsafeMutableBufferPointer { e in
        current.withUnsafeMutableBufferPointer { c in
          c[0] = e[0] + 1
          c[1] = e[1] + 1
          c[2] = e[2]
          c[3] = e[3]
          for r in stride(from: 1, through: n, by: 1) {
            let insertion = e[4 * r] + 1
            let deletion = c[4 * (r - 1)] + 1
            let mismatch: Int32 = word == ref[r - 1] ? 0 : 1
            let substitution = e[4 * (r - 1)] + mismatch
            if substitution < insertion && substitution < deletion {
              c[4 * r] = substitution
              c[4 * r + 1] = e[4 * (r - 1) + 1]
              c[4 * r + 2] = e[4 * (r - 1) + 2]
              c[4 * r + 3] = e[4 * (r - 1) + 3] + mismatch
            } else if deletion < insertion {
              c[4 * r] = deletion
              c[4 * r + 1] = c[4 * (r - 1) + 1]
              c[4 * r + 2] = c[4 * (r - 1) + 2] + 1
              c[4 * r + 3] = c[4 * (r - 1) + 3]
            } else {
              c[4 * r] = insertion
              c[4 * r + 1] = e[4 * r + 1] + 1
              c[4 * r + 2] = e[4 * r + 2]
              c[4 * r + 3] = e[4 * r + 3]
            }
          }
        }
      }
      swap(&previous, &current)
    }
  }
  return ErrorCounts(insertions: Int(previous[4 * n + 1]), deletions: Int(previous[4 * n + 2]), substitutions: Int(previous[4 * n + 3]))
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
