#!/usr/bin/env bash
# Crash test (kill -9 during write bursts and imports): builds lamtheo, then runs bench/chaos.py, which
# starts `lamtheo serve` on a temporary data directory (SQLite; PostgreSQL when LAMTHEO_DATABASE_URL is
# set), writes members, units, attendance marks, citizens' feedback and member imports from six clients,
# SIGKILLs the server at a random moment of each round, restarts it and checks that every acknowledged
# write is there and every import is all-or-nothing. Exits non-zero on a loss.
# Usage: bench/chaos.sh            (debug build; LAMTHEO_BIN=path skips the build)
#        CHAOS_ROUNDS=5 CHAOS_SEED=42 LAMTHEO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lamtheo_chaos bench/chaos.sh
# With PostgreSQL, give it an empty database of its own (the script does not drop anything).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${LAMTHEO_BIN:-}" ]; then
  cargo build -q -p lamtheo
  export LAMTHEO_BIN=target/debug/lamtheo
fi
exec timeout 600 python3 bench/chaos.py
