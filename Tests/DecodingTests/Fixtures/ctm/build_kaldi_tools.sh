#!/usr/bin/env bash
# Builds Kaldi's own lattice tools on a machine without Kaldi, to make the expected outputs of
# Fixtures/{ctm,align,lexicon}: Kaldi's latbin/bin main() files compiled against the prebuilt
# Kaldi shared libraries of the PyPI wheel kaldi-active-grammar==3.2.0 (Kaldi fork
# daanzu/kaldi-fork-active-grammar e48aeed7c, OpenFst 1.6.7, old C++ ABI).
#
# Needs g++, pip, and the sources under <out-dir>/src: Kaldi's src/ tree of that fork (its
# headers and the .cc files below) as src/src, OpenFst 1.6.7's src/include as src/ofst/include.
# Each program is compiled from inside its source folder, so its log lines read
# "main():lattice-align-words.cc:125" as a Kaldi build's do.
#
# Usage: build_kaldi_tools.sh <out-dir>     then <out-dir>/bin/lattice-to-ctm-conf ... (rpath set)
set -euo pipefail
[ $# -eq 1 ] || { echo "Usage: $0 <out-dir>" >&2; exit 1; }
mkdir -p "$1"; OUT=$(cd "$1" && pwd)
[ -d "$OUT/src/src/latbin" ] && [ -d "$OUT/src/ofst/include" ] || { echo "$0: put Kaldi's src/ in $OUT/src/src and OpenFst 1.6.7's include/ in $OUT/src/ofst/include" >&2; exit 1; }
mkdir -p "$OUT/lib" "$OUT/bin" "$OUT/whl"
ls "$OUT"/whl/kaldi_active_grammar-3.2.0-*.whl > /dev/null 2>&1 || python3 -m pip download --no-deps -d "$OUT/whl" kaldi-active-grammar==3.2.0
python3 - "$OUT" <<'PY'
import glob, os, sys, zipfile
out = sys.argv[1]
wheel = zipfile.ZipFile(glob.glob(os.path.join(out, "whl", "kaldi_active_grammar-3.2.0-*.whl"))[0])
for name in wheel.namelist():
    if name.startswith("kaldi_active_grammar.libs/"):
        with open(os.path.join(out, "lib", os.path.basename(name)), "wb") as f:
            f.write(wheel.read(name))
PY
libs=$(cd "$OUT" && ls lib/libkaldi-decoder-*.so lib/libkaldi-lat-*.so lib/libkaldi-hmm-*.so lib/libkaldi-tree-*.so \
  lib/libkaldi-util-*.so lib/libkaldi-matrix-*.so lib/libkaldi-base-*.so lib/libkaldi-fstext-*.so lib/libfst-*.so.10.0.0)
for p in latbin/lattice-to-ctm-conf latbin/nbest-to-ctm latbin/lattice-align-words latbin/lattice-align-phones \
    latbin/lattice-align-words-lexicon latbin/lattice-copy latbin/lattice-1best latbin/lattice-scale bin/latgen-faster-mapped; do
  name=$(basename $p)
  echo "compiling $name"
  ( cd "$OUT/src/src/$(dirname $p)" &&
    g++ -std=c++11 -O1 -w -D_GLIBCXX_USE_CXX11_ABI=0 -DKALDI_DOUBLEPRECISION=0 -DHAVE_OPENBLAS \
      -I "$OUT/src/src" -I "$OUT/src/ofst/include" $name.cc -o "$OUT/bin/$name" \
      $(for l in $libs; do echo "$OUT/$l"; done) -Wl,--disable-new-dtags -Wl,-rpath,"$OUT/lib" -lpthread -lm )
done
