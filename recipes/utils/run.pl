#!/usr/bin/env bash
# Kaldi's utils/run.pl interface, for running jobs on this machine:
#   run.pl [--max-jobs-run N] [--num-threads N] [--mem X] [--gpu N] [JOB=1:N] <log-file> <command...>
# With JOB=1:N (any variable name), runs N jobs in parallel (at most --max-jobs-run at a
# time), replacing JOB in the log file name and in the command. Each log starts with the
# command and ends with its exit code and elapsed time, as Kaldi's do. Arguments without
# white space are passed unquoted, so an escaped \| in a recipe becomes a pipe.
set -u
max_jobs=0
while [ $# -gt 0 ]; do
  case "$1" in
    --max-jobs-run) max_jobs=$2; shift 2 ;;
    --num-threads|--mem|--gpu|--config|--max-jobs) shift 2 ;;
    --*=*) shift ;;
    *) break ;;
  esac
done
if [ $# -lt 2 ]; then
  echo "Usage: run.pl [options] [JOB=1:N] <log-file> <command...>" >&2
  echo " e.g.: run.pl JOB=1:4 exp/make_mfcc/log/make_mfcc.JOB.log compute-mfcc-feats scp:split/wav.JOB.scp ark:feats.JOB.ark" >&2
  exit 1
fi
var=; first=1; last=1
if [[ "$1" =~ ^([A-Za-z_][A-Za-z0-9_]*)=([0-9]+):([0-9]+)$ ]]; then
  var=${BASH_REMATCH[1]}; first=${BASH_REMATCH[2]}; last=${BASH_REMATCH[3]}; shift
elif [[ "$1" =~ ^([A-Za-z_][A-Za-z0-9_]*)=([0-9]+)$ ]]; then
  var=${BASH_REMATCH[1]}; first=${BASH_REMATCH[2]}; last=$first; shift
fi
logfile=$1; shift
cmd=
for a in "$@"; do
  if [[ "$a" =~ ^[^[:space:]]+$ ]]; then cmd+="$a "
  elif [[ "$a" == *\"* ]]; then cmd+="'$a' "
  else cmd+="\"$a\" "
  fi
done

run_one() {  # run_one <index>
  local i=$1 log=$logfile c=$cmd
  if [ -n "$var" ]; then log=${logfile//$var/$i}; c=${cmd//$var/$i}; fi
  mkdir -p "$(dirname "$log")"
  local start=$(date +%s)
  {
    echo "# $c"
    echo "# Started at $(date)"
    echo "#"
  } > "$log"
  bash -o pipefail -c "$c" >> "$log" 2>&1
  local code=$?
  local end=$(date +%s)
  echo "# Accounting: time=$((end - start)) threads=1" >> "$log"
  echo "# Ended (code $code) at $(date), elapsed time $((end - start)) seconds" >> "$log"
  return $code
}

declare -a pids=()
declare -A job_of=()
failed=0
for i in $(seq $first $last); do
  if [ "$max_jobs" -gt 0 ] && [ ${#pids[@]} -ge "$max_jobs" ]; then
    wait "${pids[0]}" || failed=$((failed + 1))
    pids=("${pids[@]:1}")
  fi
  run_one $i &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
if [ $failed -gt 0 ]; then
  total=$((last - first + 1))
  if [ -n "$var" ]; then
    echo "run.pl: $failed / $total failed, log is in ${logfile//$var/*}" >&2
  else
    echo "run.pl: job failed, log is in $logfile" >&2
  fi
  exit 1
fi
exit 0
