#!/usr/bin/env bash
# The API checked with the tools its users would reach for: `openapi-spec-validator` validates the document
# that a real `lamtheo serve --demo` serves at /api/openapi.json, then a bounded Schemathesis run calls every
# operation with generated data (a Bearer token of the demo `admin`) and checks that no answer is a server
# error and that every answer matches the document (status, content type, schema).
# Usage: .ci/api_tools.sh [MAX_EXAMPLES [SCHEMATHESIS_OPTION...]]
#   (default 10 examples per operation and phase; about a minute once lamtheo is built; further options go to
#   `schemathesis run`, e.g. `.ci/api_tools.sh 20 --checks all` to explore)
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_EXAMPLES="${1:-10}"
shift || true
VENV=target/api-tools-venv
ADMIN_PASSWORD='api-tools-matkhau-2026'

# The tools, from PyPI, in a virtual environment under target/ (kept between runs).
if ! "$VENV/bin/schemathesis" --version >/dev/null 2>&1 \
  || ! "$VENV/bin/python" -c 'import openapi_spec_validator' >/dev/null 2>&1; then
  echo "Installing openapi-spec-validator and schemathesis into $VENV"
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    # Debian ships venv (ensurepip) separately.
    rm -rf "$VENV"
    (apt-get install -y python3-venv >/dev/null 2>&1 \
      || (apt-get update >/dev/null 2>&1 && apt-get install -y python3-venv >/dev/null 2>&1))
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "openapi-spec-validator==0.9.0" "schemathesis==4.32.5"
fi

command -v curl >/dev/null 2>&1 || apt-get install -y curl >/dev/null 2>&1 \
  || (apt-get update >/dev/null 2>&1 && apt-get install -y curl >/dev/null 2>&1)
cargo build --quiet --bin lamtheo

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
LAMTHEO_ADMIN_PASSWORD="$ADMIN_PASSWORD" LAMTHEO_LOG=warn \
  target/debug/lamtheo --data-dir "$work/data" serve --demo --listen "127.0.0.1:$port" \
  >"$work/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 1200); do  # up to 10 minutes: the city demo loads first
  if curl -fsS "$base/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "lamtheo serve --demo stopped:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS "$base/healthz" >/dev/null

echo "--- openapi-spec-validator"
curl -fsS "$base/api/openapi.json" -o "$work/openapi.json"
"$VENV/bin/openapi-spec-validator" "$work/openapi.json"

echo "--- schemathesis (at most $MAX_EXAMPLES examples per operation)"
token="$(curl -fsS -X POST "$base/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d "{\"username\": \"admin\", \"password\": \"$ADMIN_PASSWORD\"}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')"
# Revoking the token would end the run's own session: that one operation is left out.
"$VENV/bin/schemathesis" run "$base/api/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$MAX_EXAMPLES" \
  --seed 20261127 \
  --workers 2 \
  --request-timeout 30 \
  --suppress-health-check all \
  --generation-database none \
  --exclude-operation-id delete_auth_token \
  --report-dir "$work/report" \
  "$@"
