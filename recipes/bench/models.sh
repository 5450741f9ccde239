#!/usr/bin/env bash
# Benchmark: the five acoustic models, ksnn vs the PyTorch reference (shared/reference/bench.py)
# at the same sizes (D=40, H=550, K=1936, B=8, T=500; 2 threads training, 1 thread streaming),
# one after the other in one run, printing frames/s and ratios.
# Usage: recipes/bench/models.sh [path to the reference folder, default ../shared/reference]
set -euo pipefail
cd "$(dirname "$0")/../.."
ref=${1:-../shared/reference}
[ -f "$ref/bench.py" ] || { echo "$0: no bench.py in $ref (pass the reference folder)" >&2; exit 1; }
. recipes/bench/torch_venv.sh
mkdir -p bench/models
echo "== ksnn-am-bench" >&2
.build/release/ksnn ksnn-am-bench --num-threads=2 --stream-threads=1 --iters=3 > bench/models/ksnn.json
echo "== PyTorch reference bench.py" >&2
(cd bench/models && ../../$venv/bin/python "$(cd "$OLDPWD" && cd "$ref" && pwd)/bench.py" --skip_checks \
   --B 8 --T 500 --iters 3 --stream_threads 1 --out torch.json > torch.log)
python3 recipes/bench/models_table.py bench/models/ksnn.json bench/models/torch.json
