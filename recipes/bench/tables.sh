#!/usr/bin/env bash
# Benchmark: reading a 128 MB float-matrix archive, ksnn vs kaldiio, in one run.
# Usage: recipes/bench/tables.sh [--size-mb N]   (run from the repository root after `make build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c "import kaldiio, numpy" 2>/dev/null || python3 -m pip install -q kaldiio numpy
mkdir -p bench
python3 recipes/bench/bench_tables.py "$@" .build/release/ksnn bench
