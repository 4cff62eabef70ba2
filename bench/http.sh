#!/usr/bin/env bash
# HTTP throughput of lamtheo on loopback with wrk: GET /api/v1/members/{id}, the member list page and the
# public portal's unit page (cached; no login).
# Usage: bench/http.sh [DATABASE_URL]   (default: a fresh SQLite city demo). Needs wrk and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/lamtheo
PORT=18555
DATA=$(mktemp -d)
URL="${1:-}"
export LAMTHEO_ADMIN_PASSWORD=bench-matkhau-2026 LAMTHEO_LOG=warn
if [ -n "$URL" ]; then
  DBARGS=(--database-url "$URL")
else
  DBARGS=(--data-dir "$DATA")
fi
"$BIN" "${DBARGS[@]}" serve --demo --listen 127.0.0.1:$PORT > "$DATA/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.5; done
curl -s http://127.0.0.1:$PORT/healthz; echo
TOKEN=$(curl -s http://127.0.0.1:$PORT/api/v1/auth/token -H "content-type: application/json" \
  -d "{\"username\":\"admin\",\"password\":\"$LAMTHEO_ADMIN_PASSWORD\"}" | sed -E 's/.*"token":"([0-9a-f]+)".*/\1/')
ID=$(curl -s "http://127.0.0.1:$PORT/api/v1/members?unit=P7&per_page=1" -H "Authorization: Bearer $TOKEN" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"items\"][0][\"id\"])")
# Browser session for the page.
JAR="$DATA/jar"
CSRF=$(curl -s -c "$JAR" http://127.0.0.1:$PORT/dang-nhap | sed -nE 's/.*name="csrf" value="([0-9a-f]+)".*/\1/p')
curl -s -b "$JAR" -c "$JAR" -o /dev/null http://127.0.0.1:$PORT/dang-nhap \
  --data-urlencode username=admin --data-urlencode "password=$LAMTHEO_ADMIN_PASSWORD" --data-urlencode "csrf=$CSRF" --data-urlencode next=/
SESSION=$(awk '$6=="lamtheo_session"{print $7}' "$JAR")
echo "== GET /api/v1/members/$ID"
wrk -t2 -c32 -d15s --latency -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/members/$ID" | grep -E "Requests/sec|99%|50%"
echo "== GET /dang-vien (member list page, 50 rows, whole city)"
wrk -t2 -c32 -d15s --latency -H "Cookie: lamtheo_session=$SESSION" "http://127.0.0.1:$PORT/dang-vien" | grep -E "Requests/sec|99%|50%"
echo "== GET /dang-vien?q=nguyen+van (search page)"
wrk -t2 -c32 -d15s --latency -H "Cookie: lamtheo_session=$SESSION" "http://127.0.0.1:$PORT/dang-vien?q=nguyen+van" | grep -E "Requests/sec|99%|50%"
P7="http://127.0.0.1:$PORT/cong-khai/don-vi/P7"
echo "== GET /cong-khai/don-vi/P7 (public portal, cached unit page: 39 published registrations), gzip"
curl -s -o /dev/null "$P7"
curl -s -o /dev/null -w "page: %{size_download} bytes gzipped, " -H "Accept-Encoding: gzip" "$P7"
curl -s -o /dev/null -w "%{size_download} bytes plain\n" "$P7"
wrk -t2 -c32 -d15s --latency -H "Accept-Encoding: gzip" "$P7" | grep -E "Requests/sec|99%|50%|Transfer"
echo "== GET /cong-khai/don-vi/P7 without compression"
wrk -t2 -c32 -d15s --latency "$P7" | grep -E "Requests/sec|99%|50%|Transfer"
echo "== GET /cong-khai/don-vi/P7 with If-None-Match (revalidation, 304)"
ETAG=$(curl -s -D - -o /dev/null -H "Accept-Encoding: gzip" "$P7" | tr -d '\r' | sed -n 's/^etag: //Ip')
wrk -t2 -c32 -d15s --latency -H "Accept-Encoding: gzip" -H "If-None-Match: $ETAG" "$P7" | grep -E "Requests/sec|99%|50%"
