#!/usr/bin/env bash
# Kaldi's utils/run.pl interface, for running jobs on this machine:
#   run.pl [--max-jobs-run N] [--num-threads N] [--mem X] [--gpu N] [--time T] [JOB=1:N] <log-file> <command...>
# With JOB=1:N (any variable name), runs N jobs in parallel (at most --max-jobs-run at a
# time), replacing JOB in the log file name and in the command. Each log starts with the
# command and ends with its exit code and elapsed time, as Kaldi's do. Arguments without
# white space are passed unquoted, so an escaped \| in a recipe becomes a pipe.
set -u
max_jobs=0 threads=1
while [ $# -gt 0 ]; do
  case "$1" in
    --max-jobs-run) max_jobs=$2; shift 2 ;;
    --max-jobs-run=*) max_jobs=${1#*=}; shift ;;
    --num-threads) threads=$2; shift 2 ;;
    --num-threads=*) threads=${1#*=}; shift ;;
    --mem|--gpu|--config|--max-jobs|--time|--partition) shift 2 ;;
    --*=*) shift ;;
    *) break ;;
  esac
done
case $max_jobs in ''|*[!0-9]*) echo "run.pl: --max-jobs-run must be a non-negative integer, got '$max_jobs'" >&2; exit 1 ;; esac
if [ $# -lt 2 ]; then
  echo "Usage: run.pl [options] [JOB=1:N] <log-file> <command...>" >&2
  echo " e.g.: run.pl JOB=1:4 exp/make_mfcc/log/make_mfcc.JOB.log compute-mfcc-feats scp:split/wav.JOB.scp ark:feats.JOB.ark" >&2
  exit 1
fi
utils=$(dirname "$(readlink -f "$0")")
. $utils/job_spec.sh

run_one() { $utils/run_job.sh "$var" "$1" "$threads" "$logfile" "$cmd"; }

declare -a pids=()
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
  report_failures run.pl $failed
  exit 1
fi
exit 0
