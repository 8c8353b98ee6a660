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
    # The file scan reads on threads it spawns per scan; LeakSanitizer checks right after an
    # input, while those threads may still be exiting, and reports glibc's per-thread record
    # of their thread-local destructors (32 bytes from __cxa_thread_atexit_impl) as a leak.
    # Leak checks stay on for the single-threaded targets.
    leaks=1
    [ "$target" = readers ] && leaks=0
    cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -max_len=8192 \
        -detect_leaks="$leaks"
done
