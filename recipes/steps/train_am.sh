#!/usr/bin/env bash
# Trains each listed acoustic model with ksnn-am-train from recipes/conf/<model>.conf (plus
# --train-opts), into <exp>/<model>, or with --seeds "1234 5678 ..." once per seed into
# <exp>/<model>_s<seed>; a model whose .done exists is skipped unless --force true. --nj N
# trains N models at a time (their epoch lines interleave, each named by its model). Each model
# uses --num-threads BLAS threads, or with --mpi-ranks N trains data-parallel over N MPI ranks
# (mpirun -np N $mpirun_opts ksnn-am-train ...; the same model as one process). Each model is
# one $cmd job (run.pl here, utils/slurm.pl on a cluster) logging to <dir>/log/train.log; its
# epoch lines are shown as they come.
#
# Usage: steps/train_am.sh [--models "lstm gru snn v1 v2"] [--train-opts "..."] [--splice 0] [--seeds ""] [--force false] [--nj 1]
#          [--cmd run.pl] [--num-threads 1] [--mpi-ranks 0] [--mpirun-opts ""]
#          <num-targets> <train-data> <train-targets-rspecifier> <dev-data> <dev-targets-rspecifier> <exp>
#  e.g.: steps/train_am.sh --models "v2" 144 data/train ark:exp/targets/train.ark data/dev ark:exp/targets/dev.ark exp
set -euo pipefail
models="lstm gru snn v1 v2"
train_opts=
splice=0            # input context (utils/am_feats.sh); decode with the same value
seeds=
force=false
nj=1
cmd=run.pl          # how each model's training runs (utils/run.pl, utils/slurm.pl [options])
num_threads=1       # BLAS threads of each ksnn-am-train process
mpi_ranks=0         # N > 0: each model trains over N MPI ranks (mpirun -np N)
mpirun_opts=        # e.g. "--oversubscribe" or "--hostfile hosts"
. "$(dirname "$0")/../utils/parse_options.sh"
[ $# -eq 6 ] || { echo "Usage: $0 [--models LIST] [--train-opts OPTS] [--splice N] [--seeds LIST] [--force BOOL] [--nj N] <num-targets> <train-data> <train-targets> <dev-data> <dev-targets> <exp>" >&2; exit 1; }
case $nj in ''|*[!0-9]*|0) echo "$0: --nj must be a positive integer, got '$nj'" >&2; exit 1 ;; esac
case $mpi_ranks in ''|*[!0-9]*) echo "$0: --mpi-ranks must be a non-negative integer, got '$mpi_ranks'" >&2; exit 1 ;; esac
launcher=
if [ $mpi_ranks -gt 0 ]; then
  command -v mpirun > /dev/null || { echo "$0: --mpi-ranks $mpi_ranks needs mpirun (Debian: openmpi-bin)" >&2; exit 1; }
  launcher="mpirun -np $mpi_ranks $mpirun_opts"
fi
npdf=$1 train=$2 train_targets=$3 dev=$4 dev_targets=$5 exp=$6
utils=$(dirname "$(readlink -f "$0")")/../utils
export PATH=$PATH:$utils   # run.pl and friends, as a recipe's path.sh provides them
train_feats=$($utils/am_feats.sh $train $splice)
dev_feats=$($utils/am_feats.sh $dev $splice)
confs=$(cd "$(dirname "$(readlink -f "$0")")/../conf" && pwd)
# One model: one job whose whole log is train.log, and one progress line per epoch here (an
# epoch on a real corpus takes minutes to hours), read from the log while the job runs.
train_one() {  # train_one <name> <config> <dir> <opts>
  local name=$1 conf=$2 dir=$3 opts=$4 job
  rm -f $dir/log/train.log
  # Word splitting on purpose: cmd, launcher and opts are lists of words. The options are
  # escaped because $cmd runs its command through a shell (e.g. --seq-length-schedule=100*2|200*2).
  # shellcheck disable=SC2086
  $cmd --num-threads $num_threads $dir/log/train.log \
    $launcher ksnn-am-train --config=$conf ${opts:+$(printf '%q ' $opts)} --num-threads=$num_threads --num-targets=$npdf \
      "$train_feats" "$train_targets" "$dev_feats" "$dev_targets" $dir &
  job=$!
  # tail -F exits non-zero when the log was not there as it started; the job's status counts.
  tail -n +1 -F --pid=$job $dir/log/train.log 2> /dev/null \
    | awk -v m=$name '/Epoch [0-9]+ done:/ { sub(/^LOG .*[)] /, ""); print "    " m ": " $0; fflush() }' || true
  wait $job || { echo "$0: training $name failed; see $dir/log/train.log" >&2; return 1; }
  touch $dir/.done
  tail -1 $dir/history.tsv | awk -v m=$name '{ printf "  %s: %d epochs, dev frame accuracy %.1f%%\n", m, $1, 100 * $7 }'
}

failed=0 running=0
for m in $models; do
  [ -f $confs/$m.conf ] || { echo "$0: no config $confs/$m.conf for model '$m'" >&2; exit 1; }
  dirs=$($utils/am_dirs.sh $exp $m "$seeds")   # an assignment, so that a bad seed stops here
  for dir in $dirs; do
    name=$(basename $dir) opts=$train_opts
    [ -n "$seeds" ] && opts="$train_opts --seed=${name##*_s}"
    if [ -f $dir/.done ] && [ $force = false ]; then echo "  $name: already trained ($dir)"; continue; fi
    rm -f $dir/.done
    mkdir -p $dir/log
    if [ $running -ge $nj ]; then wait -n || failed=$((failed + 1)); running=$((running - 1)); fi
    echo "  training $name ($confs/$m.conf $opts$([ $splice -gt 0 ] && echo ", input spliced +-$splice")); log in $dir/log/train.log"
    train_one $name $confs/$m.conf $dir "$opts" &
    running=$((running + 1))
  done
done
while [ $running -gt 0 ]; do wait -n || failed=$((failed + 1)); running=$((running - 1)); done
[ $failed -eq 0 ] || { echo "$0: $failed model(s) failed to train" >&2; exit 1; }
