#!/usr/bin/env bash
# uwsgi-send --bench against a hello-world backend (uwsgi-server, 2
# workers), beside wrk through nginx against the same backend, in the same
# run. Target (the uwsgi-send issue): at least as many requests/s as wrk
# through nginx. Informational: nothing here fails on a missed target.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
bin=${UP_BIN:-$PWD/build/bin}
n=${SEND_BENCH_REQUESTS:-40000}
conns=16
bench_init

read -r up web <<<"$(bench_ports 2)"
bench_start server "$bin/uwsgi-server" --master --processes 2 --disable-logging \
	--socket "127.0.0.1:$up" --wsgi-file tests/bench/apps/hello.py
bench_wait_port "$up" server "$BENCH_PID"
bench_nginx "$web:$up"

# Warm up both paths.
"$bin/uwsgi-send" --bench -n 2000 -c "$conns" "127.0.0.1:$up" / >/dev/null
wrk -t2 -c"$conns" -d2s "http://127.0.0.1:$web/" >/dev/null

"$bin/uwsgi-send" --bench -n "$n" -c "$conns" "127.0.0.1:$up" / >"$BENCH_TMP/send.out"
send_rps=$(awk '$1 == "rate" { printf "%.0f", $2 }' "$BENCH_TMP/send.out")
send_errs=$(awk '$1 == "requests" { print $4 }' "$BENCH_TMP/send.out")
send_p99=$(awk '$1 == "latency" { print $9 }' "$BENCH_TMP/send.out")
bench_wrk wrk "http://127.0.0.1:$web/" "$conns" 10
wrk_rps=$(printf '%.0f' "$WRK_RPS")

echo "hello world on uwsgi-server (master + 2 workers), $conns connections at once"
echo
echo "| load generator | path | requests/s | errors |"
echo "|---|---|---:|---:|"
echo "| uwsgi-send --bench -n $n | uwsgi protocol, direct | $send_rps | $send_errs |"
echo "| wrk -d 10s | HTTP through nginx -> uwsgi | $wrk_rps | $WRK_ERRS |"
echo "| ratio | | $(bench_ratio "$send_rps" "$wrk_rps")× | |"
echo
echo "uwsgi-send p99 latency: $send_p99 ms"
ok=no
bench_cmp "$send_rps" ">=" "$wrk_rps" && ok=yes
echo "target (uwsgi-send --bench >= wrk through nginx): $ok"
