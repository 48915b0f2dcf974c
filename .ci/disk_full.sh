#!/usr/bin/env bash
# A real full disk (ENOSPC): a run and the CI smoke sweep written into a 4 MiB tmpfs.
# Checks: exit code 1 with a message naming the cause, nothing partial left (no hidden staging
# folder or lock file, every run folder that exists passes `sha256sum -c _SUCCESS`), and after the disk
# grows, `--resume` finishes the sweep with the same bytes as a sweep that had space.
# sim/tests/faults.rs covers the same cases everywhere with a file-size limit; this needs
# permission to mount (root with CAP_SYS_ADMIN) and says clearly when it did not run.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./target/release/hashshift
work=target/ci-disk-full
rm -rf "$work"
mkdir -p "$work/disk"
disk=$work/disk
if ! mount -t tmpfs -o size=4m tmpfs "$disk" 2>/dev/null; then
    echo "NOTE: cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): the real disk-full check DID NOT RUN (sim/tests/faults.rs covers it with a file-size limit)"
    exit 0
fi
trap 'umount "$disk" 2>/dev/null || true' EXIT

fail() { echo "disk_full.sh: $*" >&2; exit 1; }
no_hidden() { [ -z "$(find "$1" -name '.*' -print -quit)" ] || fail "hidden leftovers in $1: $(find "$1" -name '.*')"; }

# A run larger than the disk.
set +e
"$bin" run scenarios/baseline.toml --out "$disk/o" --quiet --set horizon_years=2 2>"$work/run.err"
rc=$?
set -e
cat "$work/run.err"
[ $rc -eq 1 ] || fail "run: exit code $rc, expected 1"
grep -q "out of disk space" "$work/run.err" || fail "run: no 'out of disk space' in the message"
grep -q "No space left on device" "$work/run.err" || fail "run: the OS cause is not in the message"
[ -z "$(ls -A "$disk/o")" ] || fail "run: $disk/o is not empty: $(ls -A "$disk/o")"

# The smoke sweep (32 runs of ~270 KB): the disk fills midway.
set +e
"$bin" sweep .ci/sweep_smoke.toml --out "$disk" --jobs 2 --quiet 2>"$work/sweep.err"
rc=$?
set -e
cat "$work/sweep.err"
[ $rc -eq 1 ] || fail "sweep: exit code $rc, expected 1"
grep -q "no further run was started" "$work/sweep.err" || fail "sweep: unexpected message"
root=$disk/ci-sweep
no_hidden "$root"
[ ! -e "$disk/.ci-sweep.lock" ] || fail "sweep: its lock file was left behind"
[ ! -e "$root/_SUCCESS" ] || fail "sweep: marked complete"
done_runs=0
for run in "$root"/run=*; do
    [ -d "$run" ] || continue
    (cd "$run" && sha256sum --quiet --strict -c _SUCCESS) || fail "$run does not check"
    done_runs=$((done_runs + 1))
done
[ $done_runs -ge 1 ] && [ $done_runs -lt 32 ] || fail "sweep: $done_runs runs complete, expected some"
echo "disk full after $done_runs of 32 runs: they check, nothing partial is left"

# More space, --resume: the same bytes as an uninterrupted sweep.
mount -o remount,size=64m "$disk"
"$bin" sweep .ci/sweep_smoke.toml --out "$disk" --jobs 2 --quiet --resume
"$bin" sweep .ci/sweep_smoke.toml --out "$work/clean" --jobs 2 --quiet
diff -r "$work/clean/ci-sweep" "$root" || fail "resume after disk full differs from a clean sweep"
echo "disk full: run and sweep fail cleanly; --resume gives the same bytes as a clean sweep"
