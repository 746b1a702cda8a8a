#!/usr/bin/env bash
# Mixed load benchmark (issue 9): public checks, searches, case intake, attendance and
# dashboards, logged-in and anonymous, with wrk at 200 connections against one server,
# on SQLite and PostgreSQL, beside the same server's /healthz measured in the same run.
# Targets: no errors, mix p99 ≤ 250 ms. Reports throughput, p50/p99, the server's resident
# memory and the ratio of the mix's requests per second to /healthz's.
#
#   bench/load.sh                 # both backends
#   bench/load.sh sqlite          # one of them
#
# Data: `safar demo --scale $PERSONS` writes one SQLite demo database (every module's demo
# records, one account per role) once per run. SQLite runs on a copy of that file and
# PostgreSQL on `safar migrate-data` of it, both made before any run writes, so each
# backend starts from the same data; the server uses the demo's data directory on both
# (its data.key and signing.key encrypted and signed the data). PostgreSQL then gets
# `VACUUM ANALYZE`, the statistics autovacuum would soon have after a bulk load; SQLite is
# left as the product leaves it (nothing in the product runs ANALYZE).
# Requests: bench/load_requests.py finds real ids and names through the JSON API with the
# tokens of the demo's operator, trainer, analyst, regional officer and licensing officer,
# writes the mix (its header gives the shares), and sends every distinct request once: any
# answer other than 2xx stops the run. The list found on the first backend is reused on the
# second, with that database's tokens. bench/load.lua sends it.
#
# Environment (defaults in brackets):
#   PG_SERVER    PostgreSQL server URL without database [postgres://postgres@127.0.0.1:5432]
#   PG_DB        database created and dropped for the run [safar_bench_load]
#   PORT         port the server listens on, on 127.0.0.1 [18441]
#   PERSONS      persons in the demo database (`safar demo --scale`) [100000]
#   DURATION     each measured wrk run [60s]; WARMUP: each warm-up run [5s]
#   CONNECTIONS  wrk connections [200] (2 threads, --timeout 10s)
#   SAFAR_BIN    a safar binary to use instead of building release (figures from a debug
#                build are not the benchmark)
#   PER_KIND=1   after the mix, run each kind of request alone (50 connections, KIND_DURATION
#                [10s]) and print its throughput and server time per request
#   KEEP=1       keep the temporary directory and the PostgreSQL database
# Exit status: 0 when the run completed (PASS or MISS is in the table), 1 on an error,
# including any response other than 2xx, any socket error and any request wrk gave up on
# after 10 s.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
PG_DB=${PG_DB:-safar_bench_load}
PORT=${PORT:-18441}
PERSONS=${PERSONS:-100000}
DURATION=${DURATION:-60s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-200}
KIND_DURATION=${KIND_DURATION:-10s}
THREADS=2
TIMEOUT=10s
P99_TARGET_MS=250
LOOKUP_LIMIT=100000000
LUA="$ROOT/bench/load.lua"
REQUESTS_PY="$ROOT/bench/load_requests.py"
ROLES=(operator trainer analyst regional_officer licensing_officer)
BACKENDS=("$@")
[ ${#BACKENDS[@]} -eq 0 ] && BACKENDS=(sqlite postgres)

die() { echo "load: $*" >&2; exit 1; }
# psql without its notices ("does not exist, skipping").
pg() { PGOPTIONS=--client-min-messages=warning psql -q "$@"; }

for backend in "${BACKENDS[@]}"; do
    case $backend in
        sqlite) ;;
        postgres) command -v psql >/dev/null || die "psql is needed for the postgres backend" ;;
        *) die "unknown backend '$backend' (sqlite or postgres)" ;;
    esac
done
command -v wrk >/dev/null || die "wrk is not installed (Debian: apt-get install -y wrk); nothing was installed"
command -v curl >/dev/null || die "curl is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
if curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
    die "something already answers on port $PORT (set PORT)"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/safar-load.XXXXXX")
SERVER_PID=""
SAMPLER_PID=""
PG_CREATED=""

stop_sampler() {
    if [ -n "$SAMPLER_PID" ]; then
        kill "$SAMPLER_PID" 2>/dev/null || true
        wait "$SAMPLER_PID" 2>/dev/null || true
        SAMPLER_PID=""
    fi
}

stop_server() {
    stop_sampler
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
            pg "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
        fi
        rm -rf "$WORK"
    else
        echo "kept $WORK${PG_CREATED:+ and database $PG_DB}"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${SAFAR_BIN:-}" ]; then
    SAFAR=$SAFAR_BIN
    [ -x "$SAFAR" ] || die "SAFAR_BIN=$SAFAR is not an executable"
    echo "== using $SAFAR (not built here)"
else
    echo "== building (release)"
    (cd "$ROOT" && cargo build --release -q -p safar)
    SAFAR="${CARGO_TARGET_DIR:-$ROOT/target}/release/safar"
fi

# to_ms and read_wrk (RPS, P50, P99, ERRORS, LIMITED, TIMEOUTS).
source "$ROOT/bench/wrk_lib.sh"

run_wrk() { # NAME DURATION healthz|REQUESTS.tsv
    local name=$1 duration=$2 arg=$3
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency --timeout "$TIMEOUT" -s "$LUA" \
        "http://127.0.0.1:$PORT" -- "$arg" >"$WORK/$name.txt" 2>&1 \
        || { cat "$WORK/$name.txt"; die "wrk failed ($name)"; }
}

rss_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || true; }

# Writes the server's VmRSS (kB) to FILE every second until killed.
sample_rss() { # PID FILE
    while kill -0 "$1" 2>/dev/null; do
        rss_kb "$1" VmRSS >>"$2"
        sleep 1
    done
}

mb() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }

echo "== demo data: $PERSONS persons"
started=$(date +%s)
"$SAFAR" demo --no-serve --scale "$PERSONS" --data-dir "$WORK/demo" >"$WORK/demo.log" 2>&1 \
    || { cat "$WORK/demo.log"; die "safar demo failed"; }
echo "  written in $(( $(date +%s) - started )) s: $(grep -E '^(people|total)' "$WORK/demo.log" | tr '\n' ' ')"
DEMO_DB="$WORK/demo/safar.db"
[ -f "$DEMO_DB" ] || die "no $DEMO_DB after safar demo"
TEMPLATE="$WORK/requests-template.tsv"

ROWS=()
DETAILS=()
FAILED=""
for backend in "${BACKENDS[@]}"; do
    echo "== $backend"
    dir="$WORK/$backend"
    mkdir -p "$dir"
    if [ "$backend" = sqlite ]; then
        # A copy, so that the demo file stays as written for the other backend.
        for f in safar.db safar.db-wal; do
            if [ -e "$WORK/demo/$f" ]; then cp "$WORK/demo/$f" "$dir/$f"; fi
        done
        url="sqlite://$dir/safar.db"
    else
        pg "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
        pg "$PG_SERVER/postgres" -c "CREATE DATABASE $PG_DB" >/dev/null
        PG_CREATED=1
        url="$PG_SERVER/$PG_DB"
        started=$(date +%s)
        "$SAFAR" migrate-data --from "sqlite://$DEMO_DB" --to "$url" >"$dir/migrate.log" 2>&1 \
            || { cat "$dir/migrate.log"; die "migrate-data to $url failed"; }
        pg "$url" -c "VACUUM ANALYZE" >/dev/null
        echo "  copied with migrate-data and analysed in $(( $(date +%s) - started )) s"
    fi
    : >"$dir/tokens.tsv"
    for role in "${ROLES[@]}"; do
        token=$("$SAFAR" token create --database-url "$url" --email "$role@demo.example.org" \
            --name load 2>"$dir/token.log") || { cat "$dir/token.log"; die "no token for $role"; }
        printf '%s\t%s\n' "$role" "$token" >>"$dir/tokens.tsv"
    done

    SAFAR_PUBLIC_LOOKUPS_PER_MINUTE=$LOOKUP_LIMIT "$SAFAR" serve --database-url "$url" \
        --data-dir "$WORK/demo" --listen "127.0.0.1:$PORT" >"$dir/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$dir/server.log"; die "the server stopped"; }
        sleep 0.2
    done
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || die "the server did not answer /healthz"
    rss_start=$(rss_kb "$SERVER_PID" VmRSS)

    # Every distinct request once by hand (attendance twice): each must answer 2xx.
    python3 "$REQUESTS_PY" "http://127.0.0.1:$PORT" --tokens "$dir/tokens.tsv" \
        --template "$TEMPLATE" --out "$dir/requests.tsv" \
        || { tail -n 20 "$dir/server.log"; die "the request list is not valid on $backend"; }

    echo "  warming up ($WARMUP each)"
    run_wrk "$backend-warm-healthz" "$WARMUP" healthz
    run_wrk "$backend-warm-mix" "$WARMUP" "$dir/requests.tsv"
    echo "  /healthz ($DURATION)"
    run_wrk "$backend-healthz" "$DURATION" healthz
    read_wrk "$WORK/$backend-healthz.txt"
    h_rps=$RPS h_err=$ERRORS h_timeouts=$TIMEOUTS
    echo "  mix ($DURATION)"
    sample_rss "$SERVER_PID" "$dir/rss.txt" &
    SAMPLER_PID=$!
    run_wrk "$backend-mix" "$DURATION" "$dir/requests.tsv"
    stop_sampler
    read_wrk "$WORK/$backend-mix.txt"
    m_rps=$RPS m_p50=$P50 m_p99=$P99 m_err=$ERRORS m_429=$LIMITED m_timeouts=$TIMEOUTS
    sed 's/^/    /' "$WORK/$backend-mix.txt"
    rss_peak=$(awk 'BEGIN {m = 0} $1 + 0 > m {m = $1 + 0} END {print m}' "$dir/rss.txt")
    rss_hwm=$(rss_kb "$SERVER_PID" VmHWM)
    errors_logged=$(sed 's/\x1b\[[0-9;]*m//g' "$dir/server.log" | grep -c -E '^[^ ]+ +(WARN|ERROR) ' || true)
    if [ "$errors_logged" != 0 ]; then
        echo "  server log: $errors_logged WARN/ERROR lines; the most frequent:"
        sed 's/\x1b\[[0-9;]*m//g' "$dir/server.log" | grep -E '^[^ ]+ +(WARN|ERROR) ' \
            | sed -E 's/^[^ ]+ +//; s/ request_id="[^"]*"//; s/latency=[0-9]+ ms//;
                s/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/{id}/g' \
            | sort | uniq -c | sort -rn | awk 'NR <= 6' | cut -c1-320 | sed 's/^/    /'
    fi
    if [ -n "${PER_KIND:-}" ]; then
        # Each kind alone at 50 connections: which requests cost the mix its throughput.
        echo "  each kind alone (wrk -c50 -d$KIND_DURATION): r/s, p99, ms of server time per request on $(nproc) cores"
        for kind in $(cut -f1 "$dir/requests.tsv" | sort -u); do
            awk -F'\t' -v k="$kind" '$1 == k' "$dir/requests.tsv" >"$dir/kind-$kind.tsv"
            wrk -t"$THREADS" -c50 -d"$KIND_DURATION" --latency --timeout "$TIMEOUT" -s "$LUA" \
                "http://127.0.0.1:$PORT" -- "$dir/kind-$kind.tsv" >"$WORK/$backend-kind-$kind.txt" 2>&1 \
                || die "wrk failed ($kind alone)"
            read_wrk "$WORK/$backend-kind-$kind.txt"
            printf '    %-11s %9s r/s  p99 %9s ms  %6.2f ms/request  errors %s\n' "$kind" "$RPS" "$P99" \
                "$(awk -v r="$RPS" -v c="$(nproc)" 'BEGIN {print 1000 * c / r}')" "$ERRORS"
            [ "$ERRORS" = 0 ] || FAILED="$FAILED $backend($kind alone: $ERRORS errors)"
        done
    fi
    stop_server
    if [ "$backend" = postgres ] && [ -z "${KEEP:-}" ]; then
        pg "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
        PG_CREATED=""
    fi

    ratio=$(awk -v m="$m_rps" -v h="$h_rps" 'BEGIN {printf "%.3f", m / h}')
    verdict_p99=$(awk -v p="$m_p99" -v t="$P99_TARGET_MS" 'BEGIN {print (p <= t) ? "PASS" : "MISS"}')
    if [ "$h_err" != 0 ] || [ "$h_timeouts" != 0 ] || [ "$m_err" != 0 ] || [ "$m_timeouts" != 0 ]; then
        FAILED="$FAILED $backend(healthz errors $h_err timeouts $h_timeouts, mix errors $m_err, 429s $m_429, timeouts $m_timeouts)"
    fi
    ROWS+=("$(printf '| %-8s | %10s | %9s | %6s× | %8s ms | %8s ms %s | %s / %s / %s | %s / %s |' \
        "$backend" "$h_rps" "$m_rps" "$ratio" "$m_p50" "$m_p99" "$verdict_p99" \
        "$m_err" "$m_429" "$m_timeouts" "$(mb "${rss_peak:-0}")" "$(mb "${rss_hwm:-0}")")")
    DETAILS+=("$backend: RSS $(mb "${rss_start:-0}") MB after start, $(mb "${rss_peak:-0}") MB peak during the mix (sampled each second), VmHWM $(mb "${rss_hwm:-0}") MB; $errors_logged WARN/ERROR lines in the server log")
done

echo
echo "== mixed load, $PERSONS persons (safar demo), wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $TIMEOUT, $(nproc) cores, $SAFAR"
echo "| backend  | healthz r/s | mix r/s | mix / healthz | mix p50 | mix p99 (≤ $P99_TARGET_MS ms) | errors / 429 / timeouts | RSS MB (mix peak / VmHWM) |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
printf '%s\n' "${DETAILS[@]}"
echo "mix (lines of the request list, each kind's distinct requests repeated evenly):"
awk -F'\t' '{n[$1]++; t++} END {for (k in n) printf "  %-11s %5d  %5.1f %%\n", k, n[k], 100 * n[k] / t}' \
    "$WORK/${BACKENDS[-1]}/requests.tsv" | sort -k2 -n -r
[ -z "$FAILED" ] || die "responses other than 2xx, socket errors or timeouts:$FAILED"
