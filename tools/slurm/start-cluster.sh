#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (munged, slurmctld, slurmd) from the distribution's
# packages (Debian: slurm-wlm, munge), for CI and for trying `sugar run --emit slurm` locally. Idempotent:
# running it again with the daemons up only waits for the node to be usable.
#
# The node is this host, with the CPUs and memory `slurmd -C` detects. Process tracking and task plugins
# need no cgroups (proctrack/linuxproc, task/none), so it also runs inside a container. Run as root.
#
#   tools/slurm/start-cluster.sh        then: sinfo; sbatch DIR/sweep.sbatch; squeue
#
# Environment: SLURM_CONF_DIR (default /etc/slurm), SLURM_START_TIMEOUT (seconds, default 60),
# SLURM_PARTITION (default debug).
set -euo pipefail

CONF_DIR=${SLURM_CONF_DIR:-/etc/slurm}
TIMEOUT=${SLURM_START_TIMEOUT:-60}
PARTITION=${SLURM_PARTITION:-debug}
HOST=$(hostname -s)

die() { echo "start-cluster: $*" >&2; exit 1; }
log() { echo "start-cluster: $*"; }

[ "$(id -u)" = 0 ] || die "run as root (the daemons need it)"
for b in munged munge unmunge mungekey slurmctld slurmd sinfo scontrol; do
  command -v "$b" >/dev/null || die "'$b' not found: install the packages slurm-wlm and munge (apt-get install slurm-wlm munge)"
done

# A daemon runs if the pid in its pid file is alive (the daemons write them; see the paths in slurm.conf).
pidfile() { case "$1" in munged) echo /run/munge/munged.pid ;; *) echo "/run/$1.pid" ;; esac; }
running() { local f; f=$(pidfile "$1"); [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }
stop() { running "$1" && kill "$(cat "$(pidfile "$1")")" 2>/dev/null || true; }

start_munge() {
  install -d -o munge -g munge -m 0700 /etc/munge /var/log/munge
  install -d -o munge -g munge -m 0711 /var/lib/munge
  install -d -o munge -g munge -m 0755 /run/munge
  if [ ! -s /etc/munge/munge.key ]; then
    log "creating /etc/munge/munge.key"
    mungekey --create --keyfile=/etc/munge/munge.key
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  if ! running munged; then
    log "starting munged"
    runuser -u munge -- munged
  fi
  munge -n | unmunge >/dev/null || die "munge does not work (see /var/log/munge/munged.log)"
}

write_conf() {
  # The node line as slurmd detects it (CPUs, sockets, cores, threads, RealMemory), minus the uptime.
  local node
  node=$(slurmd -C | grep '^NodeName=' | sed "s/^NodeName=[^ ]*/NodeName=$HOST NodeAddr=127.0.0.1/")
  [ -n "$node" ] || die "slurmd -C did not describe this node"
  install -d "$CONF_DIR" /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
  local conf="$CONF_DIR/slurm.conf" tmp
  tmp=$(mktemp "$CONF_DIR/.slurm.conf.XXXXXX")
  cat >"$tmp" <<EOF
# Written by sugar-lab tools/slurm/start-cluster.sh: a one-node cluster on $HOST.
ClusterName=sugar
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# scancel / time limit: SIGTERM, then SIGKILL after KillWait seconds (runs checkpoint within an epoch).
KillWait=30
MinJobAge=300
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
$node State=UNKNOWN
PartitionName=$PARTITION Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
  if [ -f "$conf" ] && cmp -s "$tmp" "$conf"; then
    rm -f "$tmp"
    return 1 # unchanged
  fi
  mv "$tmp" "$conf"
  chmod 0644 "$conf"
  log "wrote $conf ($node)"
  return 0
}

start_slurm() {
  local changed=$1
  if [ "$changed" = 1 ] && { running slurmctld || running slurmd; }; then
    log "configuration changed: restarting the Slurm daemons"
    stop slurmd
    stop slurmctld
    for _ in $(seq 50); do running slurmctld || running slurmd || break; sleep 0.2; done
  fi
  if ! running slurmctld; then
    log "starting slurmctld"
    slurmctld
  fi
  if ! running slurmd; then
    log "starting slurmd"
    slurmd
  fi
}

wait_idle() {
  local state="" deadline=$((SECONDS + TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    state=$(sinfo -h -n "$HOST" -o '%T' 2>/dev/null | head -n1 || true)
    case "$state" in
      idle | mixed | allocated | completing)
        log "node $HOST is $state (partition $PARTITION)"
        return 0
        ;;
      down* | drain* | drained*)
        scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true
        ;;
    esac
    sleep 1
  done
  echo "--- slurmctld.log" >&2; tail -n 20 /var/log/slurm/slurmctld.log >&2 || true
  echo "--- slurmd.log" >&2; tail -n 20 /var/log/slurm/slurmd.log >&2 || true
  die "node $HOST not usable after ${TIMEOUT}s (state '${state:-unknown}')"
}

start_munge
if write_conf; then changed=1; else changed=0; fi
start_slurm "$changed"
wait_idle
