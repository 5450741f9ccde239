#!/usr/bin/env bash
# Benchmark: data-parallel training over MPI. One epoch of the paper's 2x550 LSTM (D=40,
# K=1936, minibatches of 8 sequences of 400 frames) on synthetic data, in one run: 1 rank with
# 1 BLAS thread (the anchor), 2 ranks with 1 thread each (scaling efficiency = frames/s of N
# ranks over N x one rank's), and 1 rank with 2 threads (the other way to use 2 cores). The
# speed is the training loop's, as ksnn-am-train logs it for the epoch (without start-up and
# the dev pass). Also prints what one step sends through MPI_Allreduce.
# Usage: recipes/bench/data_parallel.sh [--utterances 48]   (from the repository root after `make build`)
set -euo pipefail
cd "$(dirname "$0")/../.."
utterances=48
[ "${1:-}" = --utterances ] && utterances=$2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1   # containers run as root
ksnn=$PWD/.build/release/ksnn
dir=bench/data_parallel
rm -rf $dir && mkdir -p $dir
python3 recipes/bench/synthetic_data.py $utterances 400 40 1936 $dir/train
python3 recipes/bench/synthetic_data.py 2 400 40 1936 $dir/dev
opts="--architecture=lstm --num-targets=1936 --epochs=1 --batch-size=8 --seq-length-schedule=400*1"
data="scp:$dir/train.feats.scp ark:$dir/train.ali.ark scp:$dir/dev.feats.scp ark:$dir/dev.ali.ark"

run() {  # run <name> <launcher...>: prints the epoch's training frames/s from the log
  local name=$1; shift
  "$@" $ksnn ksnn-am-train $opts $data $dir/$name 2> $dir/$name.log || { echo "$0: $name failed, see $dir/$name.log" >&2; exit 1; }
  grep -o '[0-9.e+]* frames/s' $dir/$name.log | tail -1 | cut -d' ' -f1
}
f1=$(run one_rank env)
f2=$(run two_ranks mpirun --oversubscribe -np 2)
ft=$(opts="$opts --num-threads=2" run two_threads env)
params=$($ksnn ksnn-am-info --print-args=false $dir/one_rank/final.mdl | awk '$1 == "num-parameters" { print $2 }')
python3 - "$f1" "$f2" "$ft" "$params" <<'PY'
import sys
f1, f2, ft, params = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"| setup | training frames/s | vs 1 rank |")
print(f"|---|---|---|")
print(f"| 1 rank, 1 thread | {f1:.0f} | 1.00x |")
print(f"| 2 ranks (mpirun -np 2), 1 thread each | {f2:.0f} | {f2 / f1:.2f}x (efficiency {f2 / (2 * f1):.0%}) |")
print(f"| 1 rank, 2 BLAS threads | {ft:.0f} | {ft / f1:.2f}x |")
print(f"Allreduce per minibatch: gradients of {params} parameters = {4 * params / 1e6:.2f} MB (float32), "
      f"plus batch-norm sums and counts (a few kB); at 10 GB/s a ring allreduce over N ranks moves "
      f"2(N-1)/N x that per rank: {2 * 4 * params / 10e9 * 1e3:.2f} ms per step at most.")
PY
