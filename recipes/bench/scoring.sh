#!/usr/bin/env bash
# Benchmark: compute-wer on 10k random utterance pairs, ksnn vs kaldialign, in one run.
# Usage: recipes/bench/scoring.sh [--n N]   (from the repository root after `make build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c "import kaldialign" 2>/dev/null || python3 -m pip install -q kaldialign
mkdir -p bench/scoring
python3 recipes/bench/bench_scoring.py "$@" .build/release/ksnn bench/scoring
