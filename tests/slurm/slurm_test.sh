#!/bin/sh
# slurm_test.sh ACCELSIM SOURCE_DIR: a real single-node Slurm cluster for the length of the
# test. It configures munge, slurmctld and slurmd in a temporary folder (own key, socket,
# ports, state and logs), starts them, submits a sharded sweep with
# `sbatch --array tools/sweep_slurm.sh`, merges the shards in a dependent job, compares the
# result with a single-machine sweep, and stops every daemon it started.
# Exit 77 (ctest: skipped, with the reason printed) when this machine cannot run Slurm.
set -eu
accelsim=$1 src=$2
work=$(mktemp -d /tmp/asim_slurm_XXXXXX)
chmod 700 "$work"
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    for p in $pids; do
        i=0
        while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -9 "$p" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
    echo "FAIL: $*"
    for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -15 "$f"; }; done
    exit 1
}
skip() { echo "SKIP: $*"; exit 77; }

for prog in munged slurmctld slurmd sbatch squeue scontrol; do
    command -v "$prog" >/dev/null || skip "$prog not found (tools/bootstrap.sh installs slurm-wlm and munge)"
done
[ "$(id -u)" -eq 0 ] || skip "slurmd must run as root to start jobs; run ctest as root"
# Two free TCP ports for slurmctld and slurmd, from 20000 + a number of this process.
in_use() { ss -Hltn 2>/dev/null | awk '{print $4}' | grep -q ":$1\$"; }
ctld_port=$((20000 + ($$ % 10000) * 2))
while in_use $ctld_port || in_use $((ctld_port + 1)); do ctld_port=$((ctld_port + 2)); done
slurmd_port=$((ctld_port + 1))
host=$(hostname -s)

# munge: its own key and socket.
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$work/munge.key"
munged --force --key-file="$work/munge.key" --socket="$work/munge.socket" \
    --pid-file="$work/munged.pid" --log-file="$work/munged.log" --seed-file="$work/munge.seed" \
    --foreground >/dev/null 2>&1 &
pids="$pids $!"
i=0
while [ ! -S "$work/munge.socket" ]; do
    i=$((i + 1)); [ $i -le 50 ] || fail "munged did not start"; sleep 0.1
done

# Slurm: one node (this machine, as slurmd -C sees it), one partition, no cgroups.
node=$(slurmd -C | head -n 1 | sed -e "s/^NodeName=[^ ]*/NodeName=$host NodeAddr=127.0.0.1/" \
    -e 's/ UpTime=.*//')
mkdir -p "$work/state" "$work/spool"
cat >"$work/slurm.conf" <<CONF
ClusterName=asimtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
$node State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D -f "$SLURM_CONF" -N "$host" >"$work/slurmd.out" 2>&1 &
pids="$pids $!"
i=0
until scontrol show node "$host" 2>/dev/null | grep -q 'State=IDLE'; do
    i=$((i + 1))
    if [ $i -gt 300 ]; then
        cat "$work/slurmctld.out" "$work/slurmd.out" >"$work/daemons.log" 2>/dev/null || true
        grep -qi 'cgroup\|permission\|cannot' "$work/slurmd.log" 2>/dev/null &&
            skip "slurmd cannot run here: $(grep -i 'error' "$work/slurmd.log" | tail -1)"
        fail "the node did not become idle in 30 s: $(scontrol show node "$host" 2>&1 | head -3)"
    fi
    sleep 0.1
done

# The sweep: 4 array tasks of tools/sweep_slurm.sh, then a merge job after them.
cd "$work"
set -- --config "$src/configs/systolic_32x32.yaml" --model vit_tiny,bert_base:seq_len=64,layers=2 \
    --set array.rows=8:32:x2 --set array.dataflow=os,ws --set array.tile_overlap=true,false
job=$(ACCELSIM=$accelsim sbatch --parsable --array=0-3 --chdir="$work" \
    --output="$work/task-%a.log" "$src/tools/sweep_slurm.sh" --out "$work/sl.csv" -- "$@") ||
    fail "sbatch --array refused the job"
merge=$(sbatch --parsable --dependency=afterok:"$job" --chdir="$work" --output="$work/merge.log" \
    --wrap "'$accelsim' sweep --merge '$work/sl.csv' '$work/sl.shard0.csv' '$work/sl.shard1.csv' '$work/sl.shard2.csv' '$work/sl.shard3.csv'") ||
    fail "sbatch refused the merge job"
"$accelsim" sweep "$@" --out single.csv -j 2 >/dev/null
i=0
while [ -n "$(squeue -h -j "$job,$merge" 2>/dev/null)" ]; do
    i=$((i + 1)); [ $i -le 1200 ] || fail "jobs $job and $merge did not finish in 120 s"; sleep 0.1
done
for t in 0 1 2 3; do
    [ -s "sl.shard$t.csv" ] || fail "array task $t wrote no shard: $(cat "task-$t.log" 2>/dev/null)"
done
[ -s sl.csv ] || fail "the merge job wrote nothing: $(cat merge.log 2>/dev/null)"
cmp single.csv sl.csv || fail "the merged Slurm sweep differs from the single-machine run"
rows=$(($(wc -l <sl.csv) - 2))
echo "ok: Slurm $(sbatch --version | cut -d' ' -f2) job array $job (4 tasks) and merge job $merge: $rows rows, identical to the single-machine sweep"
