#!/usr/bin/env bash
# Prints the rspecifier of a data directory's acoustic-model input: its CMVN-normalized
# features (<data-dir>/feats_cmvn.scp), spliced over +-N frames when N > 0. Context stands in
# for what the paper's fMLLR input carries (LDA over +-3 spliced frames) when the input is plain
# fbank; it must be the same for training and forward. A split data directory's JOB stays in
# the rspecifier for $cmd JOB=1:N to fill in (its part 1 must exist).
#
# Usage: utils/am_feats.sh <data-dir> [<splice N>]
#  e.g.: ksnn-am-forward exp/v2/final.mdl "$(utils/am_feats.sh data/test 3)" ark:loglikes.ark
#        $cmd JOB=1:2 log/forward.JOB.log ksnn-am-forward ... "$(utils/am_feats.sh data/test/split2/JOB 3)" ...
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "Usage: $0 <data-dir> [<splice N>]" >&2; exit 1; }
data=$1 splice=${2:-0}
[ -f ${data//JOB/1}/feats_cmvn.scp ] || { echo "$0: no ${data//JOB/1}/feats_cmvn.scp (run steps/make_fbank_cmvn.sh first)" >&2; exit 1; }
case $splice in ''|*[!0-9]*) echo "$0: splice must be a non-negative integer, got '$splice'" >&2; exit 1 ;; esac
if [ $splice -eq 0 ]; then
  echo "scp:$data/feats_cmvn.scp"
else
  echo "ark:splice-feats --left-context=$splice --right-context=$splice scp:$data/feats_cmvn.scp ark:- |"
fi
