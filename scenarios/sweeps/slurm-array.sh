#!/usr/bin/env bash
# Submit a hashshift sweep to Slurm: a job array of N shards plus a finalize job that runs
# when every shard has succeeded.
#
#   scenarios/sweeps/slurm-array.sh SWEEP_FILE N [OUT] [-- SBATCH_ARGS...]
#
#   array task K (K = 0..N-1, sbatch --array=0-(N-1)) runs
#       hashshift sweep SWEEP_FILE --out OUT --shard K/N --resume --jobs $SLURM_CPUS_PER_TASK
#   then, with --dependency=afterok:<array>,
#       hashshift sweep SWEEP_FILE --out OUT --finalize      (writes OUT/<name>/runs.parquet)
#
# Every shard writes its runs (the ids with id % N == K) into the same dataset, OUT/<name>/, so
# OUT must be on a file system all nodes share. --resume makes a requeued or resubmitted task
# skip its finished runs; the sweep's _sweep.json (hash of the resolved sweep) keeps shards of
# a changed sweep file out. The result is byte-identical to `hashshift sweep SWEEP_FILE` on one
# machine. Relative paths are taken from the submit directory (sbatch's default working dir).
#
# Environment: HASHSHIFT = the hashshift binary (default: `hashshift` on PATH, else
# target/release/hashshift); SBATCH_ARGS after `--` go to both sbatch calls (e.g.
# --cpus-per-task=4 --time=02:00:00 --partition=... -o logs/%x_%A_%a.out).
# Prints "<array job id> <finalize job id>" on stdout.
set -euo pipefail

usage() { echo "usage: $0 SWEEP_FILE N [OUT] [-- SBATCH_ARGS...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
file=$1 n=$2
shift 2
out=outputs
if [ $# -gt 0 ] && [ "$1" != "--" ]; then out=$1; shift; fi
if [ $# -gt 0 ]; then [ "$1" = "--" ] || usage; shift; fi
[[ $n =~ ^[1-9][0-9]*$ ]] || { echo "$0: N must be a positive integer, got '$n'" >&2; exit 2; }

bin=${HASHSHIFT:-}
if [ -z "$bin" ]; then
    bin=$(command -v hashshift || true)
    [ -n "$bin" ] || bin=$(cd "$(dirname "$0")/../.." && pwd)/target/release/hashshift
fi
[ -x "$bin" ] || { echo "$0: no hashshift binary at '$bin' (build it or set HASHSHIFT)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# Bad input fails here (exit 2), before anything is submitted.
"$bin" sweep "$file" --dry-run >/dev/null

q() { printf '%q' "$1"; }
task="$(q "$bin") sweep $(q "$file") --out $(q "$out") --shard \$SLURM_ARRAY_TASK_ID/$n --resume --quiet --jobs \${SLURM_CPUS_PER_TASK:-1}"
final="$(q "$bin") sweep $(q "$file") --out $(q "$out") --finalize --quiet"

array=$(sbatch --parsable --array="0-$((n - 1))" --job-name=hashshift-sweep "$@" --wrap "$task")
array=${array%%;*}
fin=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
      --job-name=hashshift-finalize "$@" --wrap "$final")
fin=${fin%%;*}
echo "$array $fin"
