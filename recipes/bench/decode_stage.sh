#!/usr/bin/env bash
# Benchmark: the recipes' decode stage before (a decode per LM weight and penalty) and after
# lattices (one decode, then best paths over the lattices), in one run.
# Usage: recipes/bench/decode_stage.sh [--copies N]   (from the repository root after `make build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c "import kaldiio" 2>/dev/null || python3 -m pip install -q kaldiio numpy
mkdir -p bench/decode_stage
python3 recipes/bench/bench_decode_stage.py "$@" .build/release/ksnn bench/decode_stage
