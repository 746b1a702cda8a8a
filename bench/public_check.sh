#!/usr/bin/env bash
# Public licence check benchmark (issue 4): throughput and p99 of
# GET /api/v1/public/recruiters?q=… at 64 concurrent connections over 10,000 recruiters,
# against the same server's /healthz measured with wrk in the same run.
# Targets: check ≥ 0.5× /healthz requests per second, check p99 ≤ 20 ms.
#
#   bench/public_check.sh                 # both backends
#   bench/public_check.sh sqlite          # one of them
#
# Environment (defaults in brackets):
#   PG_SERVER   PostgreSQL server URL without database [postgres://postgres@127.0.0.1:5432]
#   PG_DB       database created and dropped for the run [safar_bench_check]
#   PORT        port the server listens on, on 127.0.0.1 [18431]
#   RECRUITERS  recruiters seeded [10000]
#   DURATION    each measured wrk run [20s]; WARMUP: the warm-up run [5s]
#   KEEP=1      keep the temporary directory and the PostgreSQL database
# Exit status: 0 when the run completed (PASS or MISS is in the table), 1 on an error,
# including any check response other than 200 (a 429 means the limit was not raised).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
PG_DB=${PG_DB:-safar_bench_check}
PORT=${PORT:-18431}
RECRUITERS=${RECRUITERS:-10000}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
THREADS=2
CONNECTIONS=64
LOOKUP_LIMIT=100000000
LUA="$ROOT/bench/public_check.lua"
BACKENDS=("$@")
[ ${#BACKENDS[@]} -eq 0 ] && BACKENDS=(sqlite postgres)

die() { echo "public_check: $*" >&2; exit 1; }

for backend in "${BACKENDS[@]}"; do
    case $backend in
        sqlite) ;;
        postgres) command -v psql >/dev/null || die "psql is needed for the postgres backend" ;;
        *) die "unknown backend '$backend' (sqlite or postgres)" ;;
    esac
done
command -v wrk >/dev/null || die "wrk is not installed (Debian: apt-get install -y wrk); nothing was installed"
command -v curl >/dev/null || die "curl is not installed"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/safar-public-check.XXXXXX")
SERVER_PID=""
PG_CREATED=""

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}

cleanup() {
    stop_server
    if [ -z "${KEEP:-}" ]; then
        if [ -n "$PG_CREATED" ]; then
            psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
        fi
        rm -rf "$WORK"
    else
        echo "kept $WORK${PG_CREATED:+ and database $PG_DB}"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== building (release)"
(cd "$ROOT" && cargo build --release -q -p safar -p safar-bench)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release"

# to_ms and read_wrk (RPS, P50, P99, ERRORS, LIMITED, TIMEOUTS).
source "$ROOT/bench/wrk_lib.sh"

run_wrk() { # NAME DURATION LATENCY? ARG
    local name=$1 duration=$2 arg=$3
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency -s "$LUA" \
        "http://127.0.0.1:$PORT" -- "$arg" >"$WORK/$name.txt" 2>&1 \
        || { cat "$WORK/$name.txt"; die "wrk failed ($name)"; }
}

ROWS=()
FAILED=""
for backend in "${BACKENDS[@]}"; do
    echo "== $backend"
    dir="$WORK/$backend"
    mkdir -p "$dir"
    if [ "$backend" = sqlite ]; then
        url="sqlite://$dir/safar.db"
    else
        psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
        psql -q "$PG_SERVER/postgres" -c "CREATE DATABASE $PG_DB" >/dev/null
        PG_CREATED=1
        url="$PG_SERVER/$PG_DB"
    fi
    queries="$dir/queries.tsv"
    "$BIN/public_check_seed" --database-url "$url" --recruiters "$RECRUITERS" --queries-out "$queries"

    SAFAR_PUBLIC_LOOKUPS_PER_MINUTE=$LOOKUP_LIMIT "$BIN/safar" serve --database-url "$url" \
        --data-dir "$dir" --listen "127.0.0.1:$PORT" >"$dir/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$dir/server.log"; die "the server stopped"; }
        sleep 0.2
    done
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || die "the server did not answer /healthz"

    # One query of each kind by hand: the answer must be 200 with JSON items.
    while IFS=$'\t' read -r kind path; do
        code=$(curl -s -o "$dir/sample.json" -w '%{http_code}' "http://127.0.0.1:$PORT$path")
        items=$(grep -o '"status":"[a-z]*"' "$dir/sample.json" | sort | uniq -c | tr -s ' ' | tr '\n' ' ' || true)
        printf '  %-14s %s  %s\n' "$kind" "$code" "${items:-no items}"
        [ "$code" = 200 ] || die "$kind query answered $code: $(cat "$dir/sample.json")"
    done < <(awk -F'\t' '!seen[$1]++' "$queries")

    echo "  warming up ($WARMUP each)"
    run_wrk "$backend-warm-healthz" "$WARMUP" healthz
    run_wrk "$backend-warm-check" "$WARMUP" "$queries"
    echo "  /healthz ($DURATION)"
    run_wrk "$backend-healthz" "$DURATION" healthz
    read_wrk "$WORK/$backend-healthz.txt"
    h_rps=$RPS h_p99=$P99 h_err=$ERRORS
    echo "  public check ($DURATION)"
    run_wrk "$backend-check" "$DURATION" "$queries"
    read_wrk "$WORK/$backend-check.txt"
    c_rps=$RPS c_p50=$P50 c_p99=$P99 c_err=$ERRORS c_429=$LIMITED c_timeouts=$TIMEOUTS
    sed 's/^/    /' "$WORK/$backend-check.txt"
    stop_server
    if [ "$backend" = postgres ] && [ -z "${KEEP:-}" ]; then
        psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
        PG_CREATED=""
    fi

    ratio=$(awk -v c="$c_rps" -v h="$h_rps" 'BEGIN {printf "%.2f", c / h}')
    verdict_ratio=$(awk -v r="$ratio" 'BEGIN {print (r >= 0.5) ? "PASS" : "MISS"}')
    verdict_p99=$(awk -v p="$c_p99" 'BEGIN {print (p <= 20) ? "PASS" : "MISS"}')
    if [ "$h_err" != 0 ] || [ "$c_err" != 0 ]; then
        FAILED="$FAILED $backend(healthz errors $h_err, check errors $c_err, 429s $c_429)"
    fi
    ROWS+=("$(printf '| %-8s | %10s | %10s | %5s× %s | %8s ms | %8s ms %s | %s / %s / %s |' \
        "$backend" "$h_rps" "$c_rps" "$ratio" "$verdict_ratio" "$c_p50" "$c_p99" "$verdict_p99" \
        "$c_err" "$c_429" "$c_timeouts")")
done

echo
echo "== public licence check, $RECRUITERS recruiters, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores"
echo "| backend  | healthz r/s | check r/s | check/healthz (≥ 0.5×) | check p50 | check p99 (≤ 20 ms) | errors / 429 / timeouts |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
[ -z "$FAILED" ] || die "responses other than 200 or socket errors:$FAILED"
