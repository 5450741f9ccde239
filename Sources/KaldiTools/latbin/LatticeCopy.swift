import Decoding
import KaldiBase
import KaldiIO

/// What the lattice-to-lattice tools do to either lattice type.
protocol EditableLattice {
  mutating func scale(_ s: LatticeScale)
  mutating func addWordInsertionPenalty(_ penalty: Float)
}

extension Lattice: EditableLattice {}
extension CompactLattice: EditableLattice {}

/// Reads every lattice of `rspecifier`, edits it, writes it to `wspecifier` as a compact
/// lattice or (`compact` false) a state-level one; returns how many were done.
func editLattices(_ rspecifier: String, _ wspecifier: String, compact: Bool, keep: (String) -> Bool = { _ in true },
                  _ edit: (inout any EditableLattice) throws -> Void) throws -> Int {
  if compact {
    return try editLattices(CompactLatticeHolder.self, rspecifier, wspecifier, keep: keep, edit)
  }
  return try editLattices(LatticeHolder.self, rspecifier, wspecifier, keep: keep, edit)
}

private func editLattices<H: TableHolder>(_: H.Type, _ rspecifier: String, _ wspecifier: String, keep: (String) -> Bool,
                                          _ edit: (inout any EditableLattice) throws -> Void) throws -> Int where H.Value: EditableLattice {
  let reader = try SequentialTableReader<H>(rspecifier)
  let writer = try TableWriter<H>(wspecifier)
  var done = 0
  while let (key, lattice) = try reader.next() {
    guard keep(key) else { continue }
    var editable: any EditableLattice = lattice
    try edit(&editable)
    try writer.write(key, editable as! H.Value)
    done += 1
  }
  try writer.close()
  return done
}
