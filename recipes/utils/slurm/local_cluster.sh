#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for running recipes with
# --cmd utils/slurm.pl and for testing slurm.pl: installs Debian's slurm-wlm and munge when
# missing (as root), writes a slurm.conf for this machine (its host name, cores and 90 % of its
# memory) into <dir>, and starts munged, slurmctld and slurmd. Jobs see the cluster through
# SLURM_CONF=<dir>/slurm.conf, which `start` prints.
# Usage: utils/slurm/local_cluster.sh [--dir /tmp/ksnn-slurm] start|stop|status
#  e.g.: eval "$(utils/slurm/local_cluster.sh start)"; steps/make_mfcc.sh --cmd utils/slurm.pl ...
set -euo pipefail
dir=/tmp/ksnn-slurm
[ "${1:-}" = --dir ] && { dir=$2; shift 2; }
action=${1:-}
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

running() { [ -f $dir/$1.pid ] && kill -0 "$(cat $dir/$1.pid)" 2> /dev/null; }

start() {
  mkdir -p $dir
  install_packages
  if ! munge -n > /dev/null 2>&1; then
    mkdir -p /run/munge && chown munge:munge /run/munge 2> /dev/null || true
    [ -f /etc/munge/munge.key ] || die "no /etc/munge/munge.key (Debian's munge package makes one)"
    if [ "$(id -u)" = 0 ]; then runuser -u munge -- /usr/sbin/munged; else /usr/sbin/munged; fi \
      || die "munged did not start"
  fi
  # A running cluster keeps its configuration; a new one gets this machine's.
  running slurmctld || { write_config && slurmctld; } || die "slurmctld did not start; see $dir/slurmctld.log"
  running slurmd || slurmd || die "slurmd did not start; see $dir/slurmd.log"
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
}

case $action in
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  *) echo "Usage: $0 [--dir DIR] start|stop|status" >&2; exit 1 ;;
esac
