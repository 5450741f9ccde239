# Sourced by run.pl and slurm.pl: what follows the options, [JOB=1:N] <log-file> <command...>.
# Sets var (the job variable, empty without a range), first, last, logfile and cmd (the
# command as one shell string: arguments without white space unquoted, so that an escaped \|
# in a recipe becomes a pipe, as with Kaldi's run.pl).
var=; first=1; last=1
if [[ "${1:-}" =~ ^([A-Za-z_][A-Za-z0-9_]*)=([0-9]+):([0-9]+)$ ]]; then
  var=${BASH_REMATCH[1]}; first=${BASH_REMATCH[2]}; last=${BASH_REMATCH[3]}; shift
elif [[ "${1:-}" =~ ^([A-Za-z_][A-Za-z0-9_]*)=([0-9]+)$ ]]; then
  var=${BASH_REMATCH[1]}; first=${BASH_REMATCH[2]}; last=$first; shift
fi
logfile=${1:-}; shift
cmd=
for a in "$@"; do
  if [[ "$a" =~ ^[^[:space:]]+$ ]]; then cmd+="$a "
  elif [[ "$a" == *\"* ]]; then cmd+="'$a' "
  else cmd+="\"$a\" "
  fi
done

# The failure summary both print: "<tool>: K / N failed, log is in <log with * for JOB>".
report_failures() {  # report_failures <tool> <failed>
  if [ -n "$var" ]; then
    echo "$1: $2 / $((last - first + 1)) failed, log is in ${logfile//$var/*}" >&2
  else
    echo "$1: job failed, log is in $logfile" >&2
  fi
}
