#!/usr/bin/env bash
# API robustness: Schemathesis (PyPI) generates requests from /api/v1/openapi.json against a running govit with
# the demo city, logged in as the bureau. Passes when at least 5,000 requests were generated, none answered
# 5xx, and every documented response matched its schema. Logging in and out is left out (a generated DELETE
# /api/v1/session would end the session the run uses). Requests are paced under the API's rate limit.
set -euo pipefail
cd "$(dirname "$0")/.."
govit="${CARGO_TARGET_DIR:-target}/debug/govit"
st="$(command -v st || true)"
if [ -z "$st" ]; then
  python3 -m pip install -q "schemathesis==4.32.5"
  hash -r
  st="$(command -v st)"
fi

work="$(mktemp -d)"
"$govit" serve --demo --addr 127.0.0.1:0 --data "$work/data" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
base=""
for _ in $(seq 1 120); do
  base="$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -n 1 || true)"
  [ -n "$base" ] && break
  sleep 1
done
[ -n "$base" ] || { echo "schemathesis: govit did not start"; cat "$work/serve.log"; exit 1; }

csrf="$(curl -sf -c "$work/cookies" -H 'content-type: application/json' \
  -d '{"username":"bureau","password":"Wuhan@2021demo"}' "$base/api/v1/session" | grep -oE '[0-9a-f]{64}')"
token="$(awk '$6 == "govit_session" { print $7 }' "$work/cookies")"

"$st" run "$base/api/v1/openapi.json" \
  -H "Cookie: govit_session=$token" \
  -H "X-CSRF-Token: $csrf" \
  --exclude-path /api/v1/session \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples 100 --rate-limit 40/s \
  --generation-deterministic \
  | tee "$work/st.log"

generated="$(grep -oE '[0-9]+ generated' "$work/st.log" | grep -oE '[0-9]+' | tail -n 1)"
echo "schemathesis: ${generated:-0} requests generated"
[ "${generated:-0}" -ge 5000 ] || { echo "schemathesis: fewer than 5,000 requests"; exit 1; }
