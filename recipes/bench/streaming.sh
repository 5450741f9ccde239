#!/usr/bin/env bash
# Benchmark: on-line (batch 1, one frame per call, 1 thread) speed of a recipe run's trained
# models over its real test features, beside a dense GRU of the same sizes in ksnn and the
# PyTorch reference's batch-1 GRU step (shared/reference/bench.py) at the same sizes, in one
# run; prints frames/s, zero outputs per layer and the ratios.
# Usage: recipes/bench/streaming.sh [--splice N] [--set test] [--ref <reference folder>] <recipe dir> [<model> ...]
#   e.g. recipes/bench/streaming.sh --splice 3 egs/mini_timit/s5          (after make run)
#        recipes/bench/streaming.sh --splice 3 egs/timit/s5 v2 lstm       (a TIMIT run at 2x550)
#        recipes/bench/streaming.sh --set test_clean egs/librispeech/s5
# Models are <recipe dir>/exp/<model>/final.mdl (default: every one there), the features
# <recipe dir>/data/<set>/feats_cmvn.scp spliced by +-N frames as the recipe trained them.
set -euo pipefail
cd "$(dirname "$0")/../.."
splice=3
set=test
ref=../shared/reference
while [ $# -gt 0 ]; do
  case $1 in
    --splice) splice=$2; shift 2 ;;
    --set) set=$2; shift 2 ;;
    --ref) ref=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { sed -n '2,11p' "$0" >&2; exit 1; }
dir=$1; shift
models="$*"
[ -n "$models" ] || models=$(cd $dir/exp && for m in lstm gru snn v1 v2; do [ -f $m/final.mdl ] && echo $m; done | xargs)
[ -n "$models" ] || { echo "$0: no exp/<model>/final.mdl under $dir (run its recipe first)" >&2; exit 1; }
feats=$dir/data/$set/feats_cmvn.scp
[ -f $feats ] || { echo "$0: no $feats (run the recipe's stage 2)" >&2; exit 1; }
ksnn=$PWD/.build/release/ksnn
out=bench/streaming/$(echo $dir | tr / _)
mkdir -p $out
files=$(for m in $models; do printf '%s,' $dir/exp/$m/final.mdl; done)
echo "== ksnn-am-bench over $feats" >&2
$ksnn ksnn-am-bench --stream-threads=1 --repeats=5 --models=${files%,} \
  --feats="ark:$ksnn splice-feats --left-context=$splice --right-context=$splice scp:$feats ark:- |" > $out/ksnn.json 2> $out/ksnn.log
# The PyTorch reference's batch-1 step at the sizes of the first model (all of a run share them).
read -r d h k < <(python3 -c "import json,sys; m=next(iter(json.load(open(sys.argv[1])).values())); print(m['input_dim'], m['hidden'], m['outputs'])" $out/ksnn.json)
if [ -f "$ref/bench.py" ]; then
  . recipes/bench/torch_venv.sh
  echo "== PyTorch reference bench.py step mode, D=$d H=$h K=$k" >&2
  (cd $out && "$OLDPWD/$venv/bin/python" "$(cd "$OLDPWD/$ref" && pwd)/bench.py" --skip_checks --skip_train --kinds gru,v2 \
     --D $d --H $h --K $k --threads 1 --stream_threads 1 --T_stream 1000 --out torch.json > torch.log)
else
  echo "$0: no bench.py in $ref; the PyTorch column stays empty (--ref <reference folder>)" >&2
fi
python3 recipes/bench/streaming_table.py $out/ksnn.json $out/torch.json
