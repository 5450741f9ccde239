#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for running recipes with
# --cmd utils/slurm.pl and for testing slurm.pl: installs Debian's slurm-wlm and munge when
# missing (as root), writes a slurm.conf for this machine (its host name, cores and 90 % of its
# memory) into <dir>, and starts munged, slurmctld and slurmd. Jobs see the cluster through
# SLURM_CONF=<dir>/slurm.conf, which `start` prints.
# `run CMD...` runs a command with the cluster up (started for it and stopped afterwards when it
# was not running; CMD runs all the same, with its exit status, when Slurm cannot start here):
# `make test` runs the test suite so, as the daemons must not be children of the test process.
# Usage: utils/slurm/local_cluster.sh [--dir /tmp/ksnn-slurm] start|stop|status|run CMD...
#  e.g.: eval "$(utils/slurm/local_cluster.sh start)"; steps/make_mfcc.sh --cmd utils/slurm.pl ...
#        utils/slurm/local_cluster.sh run swift test --skip-build
set -euo pipefail
dir=/tmp/ksnn-slurm
[ "${1:-}" = --dir ] && { dir=$2; shift 2; }
action=${1:-}
[ $# -gt 0 ] && shift
conf=$dir/slurm.conf
export SLURM_CONF=$conf

die() { echo "$0: $*" >&2; exit 1; }

install_packages() {
  local missing=
  for p in slurm-wlm munge; do
    dpkg-query -W -f='${Status}' $p 2> /dev/null | grep -q "ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  [ "$(id -u)" = 0 ] || die "needs Debian packages$missing (run as root, or: sudo apt-get install$missing)"
  echo "$0: installing$missing" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing > $dir/apt.log 2>&1 \
    || { apt-get update -q > /dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing > $dir/apt.log 2>&1; } \
    || die "could not install$missing; see $dir/apt.log"
}

write_config() {
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
  mkdir -p $dir/state $dir/spool
  cat > $conf <<CONF
# Written by $0 for $host.
ClusterName=ksnn
SlurmctldHost=$host
AuthType=auth/munge
CryptoType=crypto/munge
SlurmUser=$(id -un)
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
# No cgroups: processes are tracked through /proc, tasks are not bound (containers allow this).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
}

# A daemon runs when its pid file names a live process (not one that exited unreaped).
running() {
  [ -f $dir/$1.pid ] || return 1
  case $(ps -o stat= -p "$(cat $dir/$1.pid)" 2> /dev/null) in ''|Z*) return 1 ;; esac
}

start() {
  mkdir -p $dir
  install_packages
  if ! munge -n > /dev/null 2>&1; then
    mkdir -p /run/munge && chown munge:munge /run/munge 2> /dev/null || true
    [ -f /etc/munge/munge.key ] || die "no /etc/munge/munge.key (Debian's munge package makes one)"
    if [ "$(id -u)" = 0 ]; then runuser -u munge -- /usr/sbin/munged; else /usr/sbin/munged; fi < /dev/null > /dev/null 2>&1 \
      || die "munged did not start"
  fi
  # A running cluster keeps its configuration; a new one gets this machine's.
  running slurmctld || { write_config && slurmctld < /dev/null > /dev/null 2>&1; } || die "slurmctld did not start; see $dir/slurmctld.log"
  running slurmd || slurmd < /dev/null > /dev/null 2>&1 || die "slurmd did not start; see $dir/slurmd.log"
  # Ready when the node takes jobs.
  for _ in $(seq 60); do
    state=$(sinfo -h -o %T 2> /dev/null | head -1)
    case $state in idle|mixed|allocated) echo "export SLURM_CONF=$conf"; return 0 ;; esac
    scontrol update nodename="$(hostname -s)" state=resume > /dev/null 2>&1 || true
    sleep 0.5
  done
  echo "$0: the node did not become ready (state '${state:-none}'):" >&2
  tail -5 $dir/slurmctld.log $dir/slurmd.log >&2 || true
  exit 1
}

stop() {
  scancel --user="$(id -un)" 2> /dev/null || true
  for d in slurmd slurmctld; do
    if running $d; then kill "$(cat $dir/$d.pid)"; fi
  done
  # Gone before a new start looks for them.
  for _ in $(seq 30); do
    running slurmd || running slurmctld || return 0
    sleep 0.5
  done
}

# Runs "$@" with the cluster up; stops what it started. The start's output goes to stderr.
run_with_cluster() {
  [ $# -gt 0 ] || die "run needs a command"
  local was_running=false munge_was_running=false status=0
  running slurmctld && running slurmd && was_running=true
  munge -n > /dev/null 2>&1 && munge_was_running=true
  mkdir -p $dir
  if ( start ) > $dir/start.out 2>&1; then
    export SLURM_CONF=$conf
  else
    echo "$0: no Slurm cluster (what needs one is skipped):" >&2
    cat $dir/start.out >&2
  fi
  "$@" || status=$?
  $was_running || stop
  if ! $munge_was_running && [ -f /run/munge/munged.pid ]; then
    kill "$(cat /run/munge/munged.pid)" 2> /dev/null || true
  fi
  return $status
}

case $action in
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  run) run_with_cluster "$@" ;;
  *) echo "Usage: $0 [--dir DIR] start|stop|status|run CMD..." >&2; exit 1 ;;
esac
