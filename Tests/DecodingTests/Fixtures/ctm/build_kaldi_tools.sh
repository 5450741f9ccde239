#!/usr/bin/env bash
# Builds the REAL Kaldi lattice-to-ctm-conf and nbest-to-ctm binaries on this machine
# by compiling Kaldi's own main() files (Kaldi commit b0cfadf64, 2021-04-22) against
# the prebuilt Kaldi shared libraries shipped inside the PyPI wheel
# kaldi-active-grammar==3.2.0 (Kaldi fork "5.5.0~1-e48ae", OpenFst 1.6.7, old C++ ABI).
# Headers (Kaldi src subset + OpenFst 1.6.7 include/) are in headers.tar.gz (Apache-2.0).
# Usage: bash build.sh [OUTDIR]   (default OUTDIR=/tmp/kaldi_harness)
# Then:  OUTDIR/bin/lattice-to-ctm-conf ark:lats.txt -   (rpath is baked in)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/tmp/kaldi_harness}
mkdir -p "$OUT/lib" "$OUT/bin" "$OUT/whl" "$OUT/src"
if ! ls "$OUT"/whl/kaldi_active_grammar-3.2.0-*.whl >/dev/null 2>&1; then
  python3 -m pip download --no-deps -d "$OUT/whl" kaldi-active-grammar==3.2.0
fi
python3 - "$OUT" <<'PY'
import sys, zipfile, glob, os
out = sys.argv[1]
w = glob.glob(os.path.join(out, 'whl', 'kaldi_active_grammar-3.2.0-*.whl'))[0]
z = zipfile.ZipFile(w)
for n in z.namelist():
    if n.startswith('kaldi_active_grammar.libs/'):
        with open(os.path.join(out, 'lib', os.path.basename(n)), 'wb') as f:
            f.write(z.read(n))
PY
tar xzf "$HERE/headers.tar.gz" -C "$OUT/src"
cd "$OUT"
LIBS=$(ls lib/libkaldi-lat-*.so lib/libkaldi-hmm-*.so lib/libkaldi-util-*.so lib/libkaldi-matrix-*.so \
          lib/libkaldi-base-*.so lib/libkaldi-fstext-*.so lib/libfst-*.so.10.0.0)
for p in lattice-to-ctm-conf nbest-to-ctm; do
  g++ -std=c++11 -O1 -w -D_GLIBCXX_USE_CXX11_ABI=0 -DKALDI_DOUBLEPRECISION=0 -DHAVE_OPENBLAS \
      -I src/src -I src/ofst/include src/src/latbin/$p.cc -o bin/$p $LIBS -Wl,--disable-new-dtags -Wl,-rpath,"$OUT/lib" -lpthread -lm
done
echo "built: $OUT/bin/lattice-to-ctm-conf $OUT/bin/nbest-to-ctm"
