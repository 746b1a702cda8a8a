#!/usr/bin/env bash
# RSS of `safar serve` under a dashboard load: serves DATABASE_URL (e.g. the database the
# `dashboards` benchmark filled), sends CONCURRENCY parallel streams of public dashboard
# requests (JSON tables, CSV, the open-data page with its charts) for ROUNDS rounds, and
# prints the server's resident memory before, at its peak (VmHWM) and after, with the
# requests per second. Usage:
#   bench/dashboards_rss.sh sqlite:///work/bench-data/d1m.db [CONCURRENCY] [ROUNDS]
set -euo pipefail
url="${1:?database url}"
concurrency="${2:-8}"
rounds="${3:-100}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${SAFAR_BIN:-$here/target/release/safar}"
data="$(mktemp -d)"
port=8097
"$bin" serve --database-url "$url" --data-dir "$data" --listen "127.0.0.1:$port" >"$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.3; done
rss() { awk -v k="$1" '$1 == k":" {print $2 / 1024 " MB"}' "/proc/$pid/status"; }
echo "after start: $(rss VmRSS)"
paths=(
  "/api/v1/public/indicators/departures?by=region,gender"
  "/api/v1/public/indicators/departures?by=month"
  "/api/v1/public/indicators/departures?by=destination,gender"
  "/api/v1/public/indicators/departures?by=district"
  "/api/v1/public/indicators/official_share?by=region"
  "/api/v1/public/indicators/returns?by=month,region"
  "/api/v1/public/open-data/departures.csv?by=district,gender"
  "/open-data?indicator=departures&by=region"
  "/open-data?indicator=departures&by=month&lang=ru"
  "/open-data?indicator=departures&by=region,gender&lang=en"
)
started=$(date +%s.%N)
for c in $(seq 1 "$concurrency"); do
  (for r in $(seq 1 "$rounds"); do
     for p in "${paths[@]}"; do curl -fs -o /dev/null "http://127.0.0.1:$port$p"; done
   done) &
done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
requests=$((concurrency * rounds * ${#paths[@]}))
echo "requests: $requests in ${elapsed}s ($(echo "$requests / $elapsed" | bc) per second)"
echo "peak (VmHWM): $(rss VmHWM)"
echo "after the load: $(rss VmRSS)"
