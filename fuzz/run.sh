#!/usr/bin/env bash
# Fuzzes one or all targets with cargo fuzz (libFuzzer), starting from seed corpora made from
# the shipped files. Needs a nightly toolchain and `cargo install cargo-fuzz`.
#
#   fuzz/run.sh                         # every target, 600 s each
#   fuzz/run.sh data_csv 60             # one target, 60 s
#
# The working corpus (fuzz/corpus/<target>/, not committed) keeps growing between runs. A crash
# is saved under fuzz/artifacts/<target>/; copy it into fuzz/regressions/<target>/ once fixed so
# `cargo test` (tests/fuzz_corpus.rs) replays it forever.
set -euo pipefail
cd "$(dirname "$0")"
targets=(scenario_file sweep_file data_csv)
[ $# -ge 1 ] && [ "$1" != all ] && targets=("$1")
seconds=${2:-600}

seed() {
    local t=$1 dir=corpus/$1
    mkdir -p "$dir"
    cp -f seeds/"$t"/* "$dir"/ 2>/dev/null || true
    cp -f regressions/"$t"/* "$dir"/ 2>/dev/null || true
    case $t in
        scenario_file) for f in ../scenarios/*.toml; do cp -f "$f" "$dir/shipped-$(basename "$f")"; done ;;
        sweep_file) for f in ../scenarios/sweeps/*.toml; do cp -f "$f" "$dir/shipped-$(basename "$f")"; done ;;
        # The shipped ASIC catalog, behind the byte that picks the catalog reader (4).
        data_csv) { printf '\004'; cat ../models/data/asic_catalog.csv; } > "$dir/shipped-asic-catalog" ;;
    esac
}

for t in "${targets[@]}"; do
    seed "$t"
    echo "=== $t: ${seconds} s ==="
    cargo +nightly fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1
done
