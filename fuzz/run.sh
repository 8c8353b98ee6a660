#!/bin/sh
# Run each fuzz target for SECONDS (default 60) on nightly with cargo-fuzz
# (`rustup toolchain install nightly`, `cargo install cargo-fuzz`), one job each, so the
# machine stays usable. Inputs that crash land in fuzz/artifacts/<target>/; copy them to
# tests/regressions/ (query/ or logs/) so `cargo test` replays them on stable.
set -eu
seconds="${1:-60}"
cd "$(dirname "$0")"
# Fuzz the dependency versions that ship: start from the project's lock (cargo then adds
# only what the fuzz harness itself needs).
cp ../Cargo.lock Cargo.lock
for target in query readers chart; do
    mkdir -p "corpus/$target"
    cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=8192
done
