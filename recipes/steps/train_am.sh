#!/usr/bin/env bash
# Trains each listed acoustic model with ksnn-am-train from recipes/conf/<model>.conf (plus
# --train-opts), into <exp>/<model>; a model whose <exp>/<model>/.done exists is skipped
# unless --force true.
#
# Usage: steps/train_am.sh [--models "lstm gru snn v1 v2"] [--train-opts "..."] [--splice 0] [--force false]
#          <num-targets> <train-data> <train-targets-rspecifier> <dev-data> <dev-targets-rspecifier> <exp>
#  e.g.: steps/train_am.sh --models "v2" 144 data/train ark:exp/targets/train.ark data/dev ark:exp/targets/dev.ark exp
set -euo pipefail
models="lstm gru snn v1 v2"
train_opts=
splice=0            # input context (utils/am_feats.sh); decode with the same value
force=false
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 6 ] || { echo "Usage: $0 [--models LIST] [--train-opts OPTS] [--splice N] [--force BOOL] <num-targets> <train-data> <train-targets> <dev-data> <dev-targets> <exp>" >&2; exit 1; }
npdf=$1 train=$2 train_targets=$3 dev=$4 dev_targets=$5 exp=$6
utils=$(dirname "$(readlink -f "$0")")/../utils
train_feats=$($utils/am_feats.sh $train $splice)
dev_feats=$($utils/am_feats.sh $dev $splice)
confs=$(cd "$(dirname "$(readlink -f "$0")")/../conf" && pwd)
for m in $models; do
  [ -f $confs/$m.conf ] || { echo "$0: no config $confs/$m.conf for model '$m'" >&2; exit 1; }
  if [ -f $exp/$m/.done ] && [ $force = false ]; then echo "  $m: already trained ($exp/$m)"; continue; fi
  rm -f $exp/$m/.done
  mkdir -p $exp/$m/log
  echo "  training $m ($confs/$m.conf $train_opts$([ $splice -gt 0 ] && echo ", input spliced +-$splice")); log in $exp/$m/log/train.log"
  # The whole log to train.log; one progress line per epoch here (an epoch on a real corpus
  # takes minutes to hours). pipefail makes a training failure the pipeline's status.
  ksnn-am-train --config=$confs/$m.conf $train_opts --num-targets=$npdf \
    "$train_feats" "$train_targets" "$dev_feats" "$dev_targets" $exp/$m 2>&1 \
    | tee $exp/$m/log/train.log \
    | awk -v m=$m '/Epoch [0-9]+ done:/ { sub(/^LOG .*[)] /, ""); print "    " m ": " $0; fflush() }' \
    || { echo "$0: training $m failed; see $exp/$m/log/train.log" >&2; exit 1; }
  touch $exp/$m/.done
  tail -1 $exp/$m/history.tsv | awk -v m=$m '{ printf "  %s: %d epochs, dev frame accuracy %.1f%%\n", m, $1, 100 * $7 }'
done
