#!/usr/bin/env bash
# Kaldi's utils/slurm.pl interface: the jobs of run.pl, run on a Slurm cluster.
#   slurm.pl [--max-jobs-run N] [--num-threads N] [--mem 4G] [--gpu N] [--time T] [--partition P]
#            [JOB=1:N] <log-file> <command...>
# JOB=1:N becomes one job array (sbatch --array=1-N%<max-jobs-run>, --cpus-per-task=<num-threads>);
# each task writes its log as run.pl's jobs do (the command, its output, "# Ended (code N)"),
# and slurm.pl waits for all of them and exits as run.pl does: 0, or 1 with
# "slurm.pl: K / N failed, log is in ...". The job script, Slurm's own output and one status
# file per task go to q/ beside the logs. Interrupted, it cancels the array. The cluster is the
# one sbatch finds (SLURM_CONF or /etc/slurm/slurm.conf).
#  e.g.: slurm.pl --mem 2G JOB=1:4 exp/make_mfcc/log/make_mfcc.JOB.log compute-mfcc-feats scp:split/wav.JOB.scp ark:feats.JOB.ark
set -u
max_jobs=0 threads=1 mem= gpu= time_limit= partition=
while [ $# -gt 0 ]; do
  case "$1" in
    --max-jobs-run|--num-threads|--mem|--gpu|--time|--partition|--config)
      [ $# -ge 2 ] || { echo "slurm.pl: $1 needs a value" >&2; exit 1; }
      opt=${1#--} value=$2; shift 2 ;;
    --*=*) opt=${1%%=*}; opt=${opt#--} value=${1#*=}; shift ;;
    *) break ;;
  esac
  case $opt in
    max-jobs-run) max_jobs=$value ;;
    num-threads) threads=$value ;;
    mem) mem=$value ;;
    gpu) gpu=$value ;;
    time) time_limit=$value ;;
    partition) partition=$value ;;
    config) echo "slurm.pl: --config $value ignored: the options above map to sbatch flags here" >&2 ;;
    *) echo "slurm.pl: unknown option --$opt" >&2; exit 1 ;;
  esac
done
case $max_jobs$threads in *[!0-9]*) echo "slurm.pl: --max-jobs-run and --num-threads take integers" >&2; exit 1 ;; esac
if [ $# -lt 2 ]; then
  echo "Usage: slurm.pl [options] [JOB=1:N] <log-file> <command...>" >&2
  echo " e.g.: slurm.pl JOB=1:4 exp/make_mfcc/log/make_mfcc.JOB.log compute-mfcc-feats scp:split/wav.JOB.scp ark:feats.JOB.ark" >&2
  exit 1
fi
command -v sbatch > /dev/null || { echo "slurm.pl: sbatch not found (Debian: slurm-client; a local cluster: utils/slurm/local_cluster.sh start)" >&2; exit 1; }
utils=$(dirname "$(readlink -f "$0")")
. $utils/job_spec.sh

logdir=$(dirname "$logfile")
qdir=$logdir/q
mkdir -p "$qdir" || exit 1
base=$(basename "$logfile" .log); base=${base//$var/}; base=${base//../.}; base=${base%.}
script=$qdir/$base.sh
rm -f "$qdir/$base".*.status
# The task runs in this directory with this PATH (Kaldi's slurm.pl exports PATH too); its index
# is the array index, or the single job's number.
{
  echo "#!/usr/bin/env bash"
  printf 'cd %q\n' "$PWD"
  printf 'export PATH=%q\n' "$PATH"
  printf 'i=${SLURM_ARRAY_TASK_ID:-%d}\n' "$first"
  printf '%q %q "$i" %q %q %q\n' "$utils/run_job.sh" "$var" "$threads" "$logfile" "$cmd"
  printf 'code=$?\necho $code > %q.$i.status\nexit $code\n' "$qdir/$base"
} > "$script"
chmod +x "$script"

array="$first-$last"
[ "$max_jobs" -gt 0 ] && array+="%$max_jobs"
opts=(--parsable --job-name="$base" --array="$array" --cpus-per-task="$threads" --output="$qdir/$base.%a.out")
[ -n "$mem" ] && opts+=(--mem="$mem")
[ -n "$gpu" ] && [ "$gpu" != 0 ] && opts+=(--gres="gpu:$gpu")
[ -n "$time_limit" ] && opts+=(--time="$time_limit")
[ -n "$partition" ] && opts+=(--partition="$partition")
job=$(sbatch "${opts[@]}" "$script") || { echo "slurm.pl: sbatch failed for $logfile" >&2; exit 1; }
job=${job%%;*}
trap 'scancel "$job" 2> /dev/null; echo "slurm.pl: interrupted; cancelled job $job" >&2; exit 130' INT TERM HUP

# Wait until every task left a status, or the array left the queue (a task that died before
# writing one, e.g. cancelled or its node lost, counts as failed).
total=$((last - first + 1)) delay=0.2
while :; do
  done_count=$(ls "$qdir/$base".*.status 2> /dev/null | wc -l)
  [ "$done_count" -ge "$total" ] && break
  if [ -z "$(squeue -h -j "$job" -o %i 2> /dev/null)" ]; then
    sleep 1   # a status written as the task ended may trail its leaving the queue
    break
  fi
  sleep $delay
  delay=$(awk -v d=$delay 'BEGIN { d *= 1.5; print (d > 5 ? 5 : d) }')
done
failed=0
for i in $(seq $first $last); do
  status=$(cat "$qdir/$base.$i.status" 2> /dev/null)
  if [ "$status" != 0 ]; then
    failed=$((failed + 1))
    if [ -z "$status" ]; then
      log=$logfile; [ -n "$var" ] && log=${logfile//$var/$i}
      echo "# slurm.pl: task $i of job $job ended without a status (see $qdir/$base.$i.out)" >> "$log"
    fi
  fi
done
if [ $failed -gt 0 ]; then
  report_failures slurm.pl $failed
  exit 1
fi
exit 0
