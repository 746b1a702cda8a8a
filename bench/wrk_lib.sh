# Shared by the wrk benchmarks (bench/public_check.sh, bench/load.sh): reading wrk's output.
# Source it after defining `die`. Their Lua scripts print, at the end,
# `statuses: total N <not-ok> N 429 N` (fields 5 and 7 are what read_wrk takes).

# Milliseconds from a wrk duration (123.45us, 1.23ms, 1.02s, 1.00m).
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        printf "%.2f", n }'
}

# Reads a wrk --latency output: sets RPS, P50, P99 (ms), ERRORS (responses other than 2xx
# as the Lua script counted them, or wrk's own non-2xx/3xx count if larger, plus
# connect/read/write errors), LIMITED (429s, also among ERRORS) and TIMEOUTS (requests wrk
# gave up on after its --timeout; wrk leaves them out of its latency figures, so each script
# says whether they fail the run).
read_wrk() {
    local out=$1
    RPS=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    P50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
    P99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
    local non2xx socket lua_bad
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
    socket=$(awk '/Socket errors:/ {gsub(/,/, ""); print $4 + $6 + $8}' "$out")
    TIMEOUTS=$(awk '/Socket errors:/ {print $NF}' "$out")
    TIMEOUTS=${TIMEOUTS:-0}
    lua_bad=$(awk '/^statuses:/ {print $5}' "$out")
    LIMITED=$(awk '/^statuses:/ {print $7}' "$out")
    LIMITED=${LIMITED:-0}
    [ -n "$lua_bad" ] || die "no statuses line from the Lua script in $out"
    non2xx=${non2xx:-0}
    if [ "$non2xx" -gt "$lua_bad" ]; then lua_bad=$non2xx; fi
    ERRORS=$(( lua_bad + ${socket:-0} ))
    [ -n "$RPS" ] && [ -n "$P99" ] || die "could not read wrk's output in $out"
}
