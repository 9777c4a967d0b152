#!/bin/sh
# parallel_ssh_test.sh ACCELSIM SOURCE_DIR: tools/sweep_parallel.sh with GNU parallel
# --sshlogin to a real sshd. The test starts its own sshd on 127.0.0.1 (own host key,
# client key, port and config in a temporary folder), runs the shards through it, merges
# them, compares with a single-machine sweep, and stops the sshd it started.
# Exit 77 (ctest: skipped, with the reason printed) when this machine cannot run sshd.
set -eu
accelsim=$1 src=$2
work=$(mktemp -d /tmp/asim_pssh_XXXXXX)
chmod 700 "$work"
sshd_pid=""
cleanup() {
    [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() { echo "FAIL: $*"; [ -f "$work/sshd.log" ] && tail -15 "$work/sshd.log"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

sshd=$(command -v sshd || echo /usr/sbin/sshd)
for prog in "$sshd" ssh ssh-keygen parallel rsync ss; do
    command -v "$prog" >/dev/null || skip "$prog not found (tools/bootstrap.sh installs openssh-server, openssh-client, rsync and parallel)"
done
# sshd needs its privilege-separation folder; only root may create it.
if [ ! -d /run/sshd ]; then
    [ "$(id -u)" -eq 0 ] || skip "/run/sshd is missing and only root can create it"
    mkdir -p /run/sshd && chmod 755 /run/sshd
fi
[ "$(id -u)" -eq 0 ] || [ -r /etc/passwd ] || skip "cannot tell the login user"

port=$((40000 + ($$ % 10000)))
while ss -Hltn 2>/dev/null | awk '{print $4}' | grep -q ":$port\$"; do port=$((port + 1)); done
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
cat >"$work/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
LogLevel INFO
CONF
"$sshd" -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd_pid=$!
ssh_cmd="ssh -p $port -i $work/client_key -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=$work/known_hosts -o LogLevel=ERROR"
i=0
until $ssh_cmd 127.0.0.1 true 2>/dev/null; do
    i=$((i + 1)); [ $i -le 50 ] || fail "cannot log in to the test sshd on port $port"; sleep 0.1
done

cd "$work"
set -- --config "$src/configs/systolic_32x32.yaml" --model vit_tiny,bert_base:seq_len=64,layers=2 \
    --set array.rows=8:32:x2 --set array.dataflow=os,ws --set array.tile_overlap=true,false
"$accelsim" sweep "$@" --out single.csv -j 2 >/dev/null
# Every shard goes over ssh (the only login is the sshd; ':' would run it here).
PARALLEL_SSH=$ssh_cmd ACCELSIM=$accelsim sh "$src/tools/sweep_parallel.sh" -n 4 -S 2/127.0.0.1 \
    --out "$work/par.csv" -- "$@" >"$work/parallel.log" 2>&1 || { cat "$work/parallel.log"; fail "sweep_parallel.sh -S failed"; }
cmp single.csv par.csv || fail "the shards run over ssh differ from the single-machine run"
logins=$(grep -c 'Accepted publickey' "$work/sshd.log" || true)
[ "$logins" -ge 5 ] || fail "sshd saw $logins logins; the 4 shards did not all go over ssh"
echo "ok: 4 shards over GNU parallel --sshlogin to a local sshd (port $port, $logins logins), merged: $(($(wc -l <par.csv) - 2)) rows, identical to the single-machine sweep"
