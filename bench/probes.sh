#!/usr/bin/env bash
# The hardening probes, re-run on loopback against a fresh city demo: RSS during XLSX bomb uploads,
# /healthz latency while 40 clients read the city-wide registration report and 150 parallel wrong passwords
# hit one account (how many reached a password check; whether the right password works during and after),
# slow-header and idle-connection clients. Prints a table. A benchmark, not a CI test (about 3 minutes).
# Usage: bench/probes.sh                     (release build, fresh SQLite city demo)
#        LAMTHEO_BIN=target/debug/lamtheo bench/probes.sh
#        PROBE_URL=http://127.0.0.1:8080 PROBE_PID=1234 PROBE_ACCOUNTS=serve.log bench/probes.sh
#          (an already running `lamtheo serve --demo`: its address, process id and the file with the
#           accounts it printed)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${LAMTHEO_BIN:-}" ] && [ -z "${PROBE_URL:-}" ]; then
  cargo build -q --release -p lamtheo
  export LAMTHEO_BIN=target/release/lamtheo
fi
exec timeout 900 python3 bench/probes.py
