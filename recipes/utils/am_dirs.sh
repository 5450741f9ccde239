#!/usr/bin/env bash
# Prints the experiment folders of an acoustic model, one per line: <exp>/<model>, or with
# seeds one per seed, <exp>/<model>_s<seed> (the paper's runs vary the seed). The one
# naming rule for training (steps/train_am.sh), decoding (run.sh) and RESULTS.
#
# Usage: utils/am_dirs.sh <exp-dir> <model> ["<seed> <seed> ..."]
#  e.g.: utils/am_dirs.sh exp v2 "1234 5678"    # exp/v2_s1234, exp/v2_s5678
set -euo pipefail
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "Usage: $0 <exp-dir> <model> [\"<seed> ...\"]" >&2; exit 1; }
exp=$1 model=$2 seeds=${3:-}
[ -n "$seeds" ] || { echo $exp/$model; exit 0; }
for s in $seeds; do
  case $s in *[!0-9]*) echo "$0: seeds must be non-negative integers, got '$s'" >&2; exit 1 ;; esac
  echo $exp/${model}_s$s
done
