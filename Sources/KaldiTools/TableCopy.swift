import KaldiIO

/// Copies every `(key, object)` of an rspecifier to a wspecifier through `transform`, the loop
/// of Kaldi's copy-* tools; returns how many objects were copied.
func copyTable<In: TableHolder, Out: TableHolder>(
  _ rspecifier: String, _: In.Type, to wspecifier: String, _: Out.Type,
  transform: (String, In.Value) throws -> Out.Value
) throws -> Int {
  let reader = try SequentialTableReader<In>(rspecifier)
  let writer = try TableWriter<Out>(wspecifier)
  var copied = 0
  while let (key, value) = try reader.next() {
    try writer.write(key, transform(key, value))
    copied += 1
  }
  try writer.close()
  return copied
}
