#!/usr/bin/env bash
# Browser tests for Safar: starts `safar demo` on a free port in a fresh temporary directory,
# runs `npm test` (node --test) against it in headless Chromium, stops the server and exits with
# npm's status. Builds nothing: SAFAR_BIN names the binary (default ../target/debug/safar).
#
# Without /usr/bin/chromium the suite is skipped (exit 0), unless SAFAR_REQUIRE_ALL=1 (exit 1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

chromium_bin="${SAFAR_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium_bin" ]]; then
  if [[ "${SAFAR_REQUIRE_ALL:-}" == "1" ]]; then
    echo "FAILED: browser tests need chromium ($chromium_bin not installed) and SAFAR_REQUIRE_ALL=1" >&2
    exit 1
  fi
  echo "SKIPPED: browser tests (chromium not installed)"
  exit 0
fi

bin="${SAFAR_BIN:-$here/../target/debug/safar}"
if [[ ! -x "$bin" ]]; then
  echo "FAILED: no safar binary at $bin (build it with: cargo build -p safar)" >&2
  exit 1
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

if [[ ! -d node_modules/playwright-core || ! -d node_modules/axe-core ]]; then
  npm ci --no-audit --no-fund
fi

# A free port: bind to port 0 and read what the kernel gave.
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')"
url="http://127.0.0.1:$port"

data_dir="$(mktemp -d "${TMPDIR:-/tmp}/safar-e2e.XXXXXX")"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$data_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$bin" demo --data-dir "$data_dir" --listen "127.0.0.1:$port" >"$data_dir/server.log" 2>&1 &
server_pid=$!

ready=""
deadline=$((SECONDS + 60))
while (( SECONDS < deadline )); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "FAILED: safar demo exited before it was ready; its log:" >&2
    cat "$data_dir/server.log" >&2
    exit 1
  fi
  if node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))' "$url/readyz" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.2
done
if [[ -z "$ready" ]]; then
  echo "FAILED: safar demo was not ready at $url/readyz within 60 s; its log:" >&2
  cat "$data_dir/server.log" >&2
  exit 1
fi
accounts="$data_dir/demo-accounts.txt"
if [[ ! -s "$accounts" ]]; then
  echo "FAILED: safar demo wrote no $accounts" >&2
  exit 1
fi
echo "safar demo ready at $url (data in $data_dir)"

status=0
SAFAR_URL="$url" SAFAR_ACCOUNTS="$accounts" SAFAR_CHROMIUM="$chromium_bin" npm test || status=$?
if [[ $status -ne 0 ]]; then
  echo "--- last lines of the server log ---"
  tail -n 40 "$data_dir/server.log" || true
fi
exit $status
