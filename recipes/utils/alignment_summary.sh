#!/usr/bin/env bash
# One line from the logs of an alignment's jobs: the utterances aligned, retried and failed,
# summed over the jobs (align-phones-mapped's "Retried R out of N utterances." and
# "Done D, errors on E" lines).
# Usage: utils/alignment_summary.sh <data-dir> <align-log>...
#  e.g.: utils/alignment_summary.sh data/train exp/mono_ali/log/align.*.log
set -euo pipefail
[ $# -ge 2 ] || { echo "Usage: $0 <data-dir> <align-log>..." >&2; exit 1; }
data=$1; shift
awk -v d=$data '
  /^LOG .*Retried [0-9]+ out of [0-9]+ utterances/ { for (i = 1; i <= NF; i++) if ($i == "Retried") { retried += $(i + 1); total += $(i + 4) } }
  /^LOG .*Done [0-9]+, errors on [0-9]+/ { for (i = 1; i <= NF; i++) { if ($i == "Done") done += $(i + 1); if ($i == "on") errors += $(i + 1) } }
  END { printf "  aligned %s: Retried %d out of %d utterances; Done %d, errors on %d\n", d, retried, total, done, errors }' "$@"
