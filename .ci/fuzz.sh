#!/usr/bin/env bash
# Fuzzes every parser of outside input for a bounded time: .ci/fuzz.sh [SECONDS_PER_TARGET]
#
# Targets are the [[bin]]s of crates/office/fuzz (a separate cargo workspace): CSV/XLSX reading, the
# ZIP pre-check, member/unit/marks/criteria imports, photo checks and the domain's parsers of typed text.
#
# * Stable toolchain: `-s none` turns off the sanitizer (AddressSanitizer needs nightly's -Zsanitizer);
#   coverage instrumentation and libFuzzer work on stable. Should a cargo-fuzz release ever pass a
#   nightly-only flag anyway, the build is retried once with RUSTC_BOOTSTRAP=1 (it unlocks -Z flags on
#   the same stable compiler; no toolchain is downloaded — CI machines cannot reach rustup).
# * Corpus: seeds are committed in crates/office/fuzz/corpus/<target>/ (small, < 1 MB in all); inputs
#   found while fuzzing go to crates/office/fuzz/target/fuzz-corpus/<target>/ (not committed).
# * Crashes are written to crates/office/fuzz/artifacts/<target>/ and fail the step with the path of
#   the reproducer (`cargo fuzz run -s none <target> <file>` from crates/office/fuzz). Crash files kept
#   there (commit them once fixed) are replayed first, as regression tests.
# * Limits: any single allocation above 512 MB or 1 GB of memory in all is a crash too (the parsers
#   promise far less), as is one input taking more than 10 s.
#
# Default 20 s per target: with the build (≈ 3–4 min on 2 cores from scratch) the step stays under
# about 6 minutes.
set -euo pipefail

SECONDS_PER_TARGET="${1:-20}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ="$ROOT/crates/office/fuzz"
export CARGO_TARGET_DIR="$FUZZ/target"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

cd "$FUZZ"
echo "== building fuzz targets (stable, no sanitizer)"
if ! cargo fuzz build -s none 2>"$FUZZ/target-build.log"; then
    if grep -qE -- '-Z|nightly' "$FUZZ/target-build.log"; then
        echo "   stable refused a nightly flag; retrying with RUSTC_BOOTSTRAP=1"
        export RUSTC_BOOTSTRAP=1
        cargo fuzz build -s none
    else
        cat "$FUZZ/target-build.log" >&2
        exit 1
    fi
fi
rm -f "$FUZZ/target-build.log"

mapfile -t TARGETS < <(cargo fuzz list)
FLAGS=(-rss_limit_mb=1024 -malloc_limit_mb=512 -timeout=10)
failed=()
for t in "${TARGETS[@]}"; do
    mkdir -p "target/fuzz-corpus/$t" "artifacts/$t" "corpus/$t"
    # Kept crash inputs first: they must not crash any more.
    mapfile -t kept < <(find "artifacts/$t" -type f | sort)
    if ((${#kept[@]})); then
        echo "== $t: replaying ${#kept[@]} kept crash input(s)"
        if ! cargo fuzz run -s none "$t" "${kept[@]}" -- "${FLAGS[@]}" >"target/$t-replay.log" 2>&1; then
            tail -30 "target/$t-replay.log" >&2
            failed+=("$t (kept crash input fails again; see artifacts/$t)")
            continue
        fi
    fi
    echo "== $t: ${SECONDS_PER_TARGET} s"
    before="$(find "artifacts/$t" -type f | sort)"
    if ! cargo fuzz run -s none "$t" "target/fuzz-corpus/$t" "corpus/$t" -- \
        "${FLAGS[@]}" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 \
        >"target/$t.log" 2>&1; then
        tail -40 "target/$t.log" >&2
        new="$(comm -13 <(echo "$before") <(find "artifacts/$t" -type f | sort) || true)"
        echo "!! $t crashed; reproducer(s):" >&2
        for f in $new; do echo "   crates/office/fuzz/$f  (cargo fuzz run -s none $t $f)" >&2; done
        failed+=("$t")
    else
        grep -E '^stat::number_of_executed_units|^Done' "target/$t.log" | tail -1 | sed "s/^/   /"
    fi
done

if ((${#failed[@]})); then
    echo "FUZZING FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "== fuzzing: ${#TARGETS[@]} targets clean"
