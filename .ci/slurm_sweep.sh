#!/usr/bin/env bash
# CI: a sweep on a real single-node Slurm (../shared/tools/single-node-slurm.sh) as a job
# array of shards plus a dependent finalize job (scenarios/sweeps/slurm-array.sh), compared
# byte for byte with the same sweep run on one machine: runs.parquet, every per-run file,
# _sweep.json and the completion markers.
#
#   bash .ci/slurm_sweep.sh            (after `cargo build --release`; needs root or sudo)
#
# Slurm needs root (or passwordless sudo) and, the first time, apt. Where it cannot be set up,
# this fails when CI=true and otherwise says loudly that the check DID NOT RUN.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
sweep_file=.ci/sweep_smoke.toml
shards=3
bin=${CARGO_TARGET_DIR:-$repo/target}/release/hashshift
slurm_tool=$repo/../shared/tools/single-node-slurm.sh
export SLURM_TEST_DIR=${SLURM_TEST_DIR:-/tmp/hashshift-slurm}
export SLURM_CONF=$SLURM_TEST_DIR/slurm.conf

cannot() {
    if [ "${CI:-}" = "true" ]; then
        echo "FAIL: Slurm sweep check cannot run: $*" >&2
        exit 1
    fi
    echo "NOTE: Slurm sweep check DID NOT RUN: $*" >&2
    exit 0
}

[ -x "$bin" ] || { echo "FAIL: $bin missing: run cargo build --release first" >&2; exit 1; }
[ -f "$slurm_tool" ] || cannot "$slurm_tool not found (../shared is missing)"
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif sudo -n true 2>/dev/null; then
    sudo=(sudo -n --preserve-env=SLURM_TEST_DIR,SLURM_CONF)
else
    cannot "single-node Slurm needs root or passwordless sudo (uid $(id -u))"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hashshift-slurm-sweep.XXXXXX")
chmod 0755 "$work"
stop() { "${sudo[@]}" bash "$slurm_tool" stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap stop EXIT

echo "--- starting a single-node Slurm ($slurm_tool start)"
if ! "${sudo[@]}" bash "$slurm_tool" start >"$work/slurm-start.log" 2>&1; then
    tail -n 30 "$work/slurm-start.log" >&2
    if grep -qiE 'apt-get (update|install) failed' "$work/slurm-start.log"; then
        cannot "slurm-wlm/munge could not be installed (no apt access)"
    fi
    echo "FAIL: single-node Slurm did not start" >&2
    exit 1
fi
sinfo

echo "--- the sweep on one machine"
"$bin" sweep "$sweep_file" --out "$work/single" --jobs 2 --quiet

echo "--- the sweep as a Slurm job array of $shards shards + finalize"
mkdir -p "$work/logs"
ids=$("${sudo[@]}" env HASHSHIFT="$bin" SLURM_CONF="$SLURM_CONF" \
    bash scenarios/sweeps/slurm-array.sh "$sweep_file" "$shards" "$work/slurm" -- \
    -o "$work/logs/%x_%A_%a.out" -e "$work/logs/%x_%A_%a.err")
read -r array fin <<<"$ids"
echo "array job $array, finalize job $fin"
deadline=$((SECONDS + 600))
while [ -n "$(squeue -h -j "$array,$fin" 2>/dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || { squeue >&2; echo "FAIL: Slurm jobs not done after 600 s" >&2; exit 1; }
    sleep 1
done
# Job records stay in slurmctld for MinJobAge (300 s): every task must be COMPLETED 0:0.
jobs=$( { scontrol -o show job "$array"; scontrol -o show job "$fin"; } 2>/dev/null || true)
grep -oE '(JobId|ArrayTaskId|JobName|JobState|ExitCode)=[^ ]+' <<<"$jobs" | paste -sd' ' - || true
for f in "$work"/logs/*; do
    if [ -s "$f" ]; then echo "== $f"; cat "$f"; fi
done
n_ok=$(grep -c 'JobState=COMPLETED .*ExitCode=0:0' <<<"$jobs" || true)
[ "$n_ok" -eq $((shards + 1)) ] || { echo "FAIL: $n_ok of $((shards + 1)) Slurm jobs COMPLETED 0:0" >&2; exit 1; }

echo "--- union of the shards vs the single-machine sweep (byte for byte)"
name=ci-sweep
[ -f "$work/slurm/$name/runs.parquet" ] || { echo "FAIL: the finalize job wrote no runs.parquet" >&2; exit 1; }
diff -r "$work/single/$name" "$work/slurm/$name"
cmp "$work/single/$name/runs.parquet" "$work/slurm/$name/runs.parquet"
n_files=$(find "$work/slurm/$name" -type f | wc -l)
python3 .ci/check_sweep.py "$work/slurm/$name"
echo "Slurm sweep check passed: $shards array tasks + finalize, $n_files files identical to the single-machine sweep"
