#!/usr/bin/env bash
# One job of run.pl or slurm.pl, with Kaldi's log contract: the log starts with the command,
# ends with "# Accounting: ..." and "# Ended (code N) at ...", and the job's exit status is
# the command's (a pipeline fails when any part does).
# Usage: utils/run_job.sh <job-var or ""> <index> <threads> <log-template> <command>
#   (the job variable, e.g. JOB, is replaced by <index> in the log name and the command)
var=$1 i=$2 threads=$3 log=$4 cmd=$5
if [ -n "$var" ]; then log=${log//$var/$i}; cmd=${cmd//$var/$i}; fi
mkdir -p "$(dirname "$log")"
{
  echo "# $cmd"
  echo "# Started at $(date)"
  echo "#"
} > "$log"
start=$(date +%s)
bash -o pipefail -c "$cmd" >> "$log" 2>&1
code=$?
end=$(date +%s)
echo "# Accounting: time=$((end - start)) threads=$threads" >> "$log"
echo "# Ended (code $code) at $(date), elapsed time $((end - start)) seconds" >> "$log"
exit $code
