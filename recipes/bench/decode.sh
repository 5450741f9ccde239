#!/usr/bin/env bash
# Benchmark: decode-faster-mapped on the real tri3 graph, ksnn vs kaldi-decoder, in one run.
# Usage: recipes/bench/decode.sh [--copies N]   (from the repository root after `make build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c "import kaldifst, kaldi_decoder, kaldiio, numpy" 2>/dev/null || python3 -m pip install -q kaldifst kaldi-decoder kaldiio numpy
mkdir -p bench/decode
python3 recipes/bench/bench_decode.py "$@" .build/release/ksnn bench/decode
