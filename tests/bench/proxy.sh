#!/usr/bin/env bash
# uwsgi-proxy beside uWSGI 2.0's routers (Debian's uwsgi-core: the HTTP
# router and the fastrouter) and HAProxy 2.6 in HTTP mode, all measured in
# this run in front of the same two hello-world backends (this build's
# uwsgi-server, one worker each, tests/bench/apps/hello.py):
#   HTTP   wrk (keep-alive) -> the proxy's HTTP socket -> backends.
#          uwsgi-proxy and uWSGI's --http speak the uwsgi protocol to the
#          backends, which has one connection per request. HAProxy speaks
#          HTTP to their --http-socket, measured twice: with a connection
#          per request too (http-server-close, http-reuse never: the same
#          work, the target's comparison) and with its default reuse of
#          backend connections (a saving the uwsgi protocol cannot have).
#   nginx  wrk -> nginx (uwsgi_pass, 1 worker, not counted) -> the proxy's
#          uwsgi socket -> backends: uwsgi-proxy against the fastrouter.
# Reports requests/s and the proxy's CPU per request (utime+stime from
# /proc: uWSGI's master and router processes, HAProxy with one thread, our
# one process), its RSS, and whether the targets are met (informational:
# a benchmark never fails on timings).
# Targets: CPU per request below uWSGI's routers', within 1.2x of HAProxy's.
#
# PROXY_BENCH_SECONDS (default 10) per measured run after a 2 s warm-up;
# PROXY_BENCH_CONNS (default 16) wrk connections.
# Exits non-zero only when a peer or wrk fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=${UP_BIN:-$root/build/bin}
app=$root/tests/bench/apps/hello.py
secs=${PROXY_BENCH_SECONDS:-10}
conns=${PROXY_BENCH_CONNS:-16}

# shellcheck source=tests/bench/lib.sh
. "$root/tests/bench/lib.sh"
bench_init
for c in wrk uwsgi nginx haproxy; do
	command -v "$c" >/dev/null || PATH=$PATH:/usr/sbin
	command -v "$c" >/dev/null || { echo "$c is not installed (make deps)" >&2; exit 1; }
done
for t in uwsgi-server uwsgi-proxy; do
	[ -x "$bin/$t" ] || { echo "$bin/$t is not built (make)" >&2; exit 1; }
done

read -r b1u b1h b2u b2h ours_http ours_uw uw_http uw_fr ha ha_close ng_ours ng_fr \
	<<<"$(bench_ports 12)"

# Two backends, each with a uwsgi socket and an HTTP socket (for HAProxy).
be_uw=() be_http=()
for i in 1 2; do
	u=b${i}u h=b${i}h
	u=${!u} h=${!h}
	bench_start "backend$i" "$bin/uwsgi-server" --master --processes 1 \
		--socket "127.0.0.1:$u" --http-socket "127.0.0.1:$h" \
		--wsgi-file "$app" --disable-logging
	bench_wait_port "$u" "backend$i"
	bench_wait_port "$h" "backend$i"
	be_uw+=("127.0.0.1:$u") be_http+=("127.0.0.1:$h")
done

bench_start ours "$bin/uwsgi-proxy" --http-socket "127.0.0.1:$ours_http" \
	--uwsgi-socket "127.0.0.1:$ours_uw" --to "${be_uw[0]}" --to "${be_uw[1]}" \
	--check-interval 0
ours_pid=$BENCH_PID

bench_start uwsgi-http uwsgi --plugin http --master --http "127.0.0.1:$uw_http" \
	--http-to "${be_uw[0]}" --http-to "${be_uw[1]}" --http-keepalive --die-on-term
uw_http_pid=$BENCH_PID

bench_start uwsgi-fastrouter uwsgi --plugin fastrouter --master \
	--fastrouter "127.0.0.1:$uw_fr" --fastrouter-to "${be_uw[0]}" \
	--fastrouter-to "${be_uw[1]}" --die-on-term
uw_fr_pid=$BENCH_PID

cat >"$BENCH_TMP/haproxy.cfg" <<CONF
global
	nbthread 1
	maxconn 4096
defaults
	mode http
	timeout connect 3s
	timeout client 60s
	timeout server 60s
frontend bench
	bind 127.0.0.1:$ha
	default_backend nodes
backend nodes
	balance roundrobin
	server a ${be_http[0]}
	server b ${be_http[1]}
frontend bench_close
	bind 127.0.0.1:$ha_close
	option http-server-close
	default_backend nodes_close
backend nodes_close
	balance roundrobin
	option http-server-close
	http-reuse never
	server a ${be_http[0]}
	server b ${be_http[1]}
CONF
bench_start haproxy haproxy -db -f "$BENCH_TMP/haproxy.cfg"
ha_pid=$BENCH_PID

for p in "$ours_http" "$ours_uw" "$uw_http" "$uw_fr" "$ha" "$ha_close"; do
	bench_wait_port "$p" proxy
done

bench_nginx "$ng_ours:$ours_uw" "$ng_fr:$uw_fr"

# Every front answers the hello world before anything is measured.
for url in "http://127.0.0.1:$ours_http/" "http://127.0.0.1:$uw_http/" \
	"http://127.0.0.1:$ha/" "http://127.0.0.1:$ha_close/" "http://127.0.0.1:$ng_ours/" \
	"http://127.0.0.1:$ng_fr/"; do
	out=$(curl -s "$url") || true
	[ "$out" = "Hello, World!" ] || { echo "$url answered '$out'" >&2; exit 1; }
done

# run NAME URL PID: warm up, measure; sets R_NAME_{rps,cpu,rss,errs}.
run() {
	local name=$1 url=$2 pid=$3
	bench_wrk "$name-warmup" "$url" "$conns" 2 || exit 1
	bench_measure "$name" "$url" "$conns" "$secs" "$pid" || exit 1
	local rss=0 p
	for p in $(bench_procs "$pid"); do
		rss=$((rss + $(bench_rss_kib "$p")))
	done
	printf -v "R_${name}_rps" '%s' "$M_RPS"
	printf -v "R_${name}_cpu" '%s' "$M_CPU_US"
	printf -v "R_${name}_rss" '%s' "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
	printf -v "R_${name}_errs" '%s' "$M_ERRS"
}

run ours_http "http://127.0.0.1:$ours_http/" "$ours_pid"
run uw_http "http://127.0.0.1:$uw_http/" "$uw_http_pid"
run haproxy "http://127.0.0.1:$ha/" "$ha_pid"
run ha_close "http://127.0.0.1:$ha_close/" "$ha_pid"
run ours_ng "http://127.0.0.1:$ng_ours/" "$ours_pid"
run uw_fr "http://127.0.0.1:$ng_fr/" "$uw_fr_pid"

# row LABEL METRIC NAME...: one table row, a column per run.
row() {
	local label=$1 m=$2 n v line
	shift 2
	line="| $label |"
	for n in "$@"; do
		v=R_${n}_$m
		line+=" ${!v} |"
	done
	echo "$line"
}

verdict() { if "$@"; then echo met; else echo "NOT met"; fi; }

echo "2 uwsgi-server backends (1 worker each), hello world; wrk -c$conns, ${secs} s per run" \
	"after a 2 s warm-up; $(nproc) CPUs shared by wrk, the proxies and the backends"
echo
echo "### HTTP front (wrk keep-alive)"
echo
echo "| metric | uwsgi-proxy | uWSGI --http router | HAProxy, a backend connection per request | HAProxy, backend connections reused |"
echo "|---|---:|---:|---:|---:|"
row "requests/s" rps ours_http uw_http ha_close haproxy
row "proxy CPU µs/request" cpu ours_http uw_http ha_close haproxy
row "proxy RSS (MiB, all its processes)" rss ours_http uw_http ha_close haproxy
row "failed requests (socket errors + non-2xx)" errs ours_http uw_http ha_close haproxy
echo
echo "CPU ratio uwsgi-proxy / uWSGI router: $(bench_ratio "$R_ours_http_cpu" "$R_uw_http_cpu")×;" \
	"/ HAProxy with a connection per request: $(bench_ratio "$R_ours_http_cpu" "$R_ha_close_cpu")×;" \
	"/ HAProxy reusing connections: $(bench_ratio "$R_ours_http_cpu" "$R_haproxy_cpu")×"
echo
echo "### nginx → uwsgi protocol → proxy (nginx: 1 worker, not counted)"
echo
echo "| metric | uwsgi-proxy | uWSGI fastrouter |"
echo "|---|---:|---:|"
row "requests/s" rps ours_ng uw_fr
row "proxy CPU µs/request" cpu ours_ng uw_fr
row "proxy RSS (MiB, all its processes)" rss ours_ng uw_fr
row "failed requests (socket errors + non-2xx)" errs ours_ng uw_fr
echo
lower_http=$(verdict bench_cmp "$R_ours_http_cpu" "<" "$R_uw_http_cpu")
lower_fr=$(verdict bench_cmp "$R_ours_ng_cpu" "<" "$R_uw_fr_cpu")
near_ha=$(verdict bench_cmp "$R_ours_http_cpu" "<=" "$R_ha_close_cpu" 1.2)
near_reuse=$(verdict bench_cmp "$R_ours_http_cpu" "<=" "$R_haproxy_cpu" 1.2)
echo "Targets: CPU per request below uWSGI's HTTP router: $lower_http; below its fastrouter:" \
	"$lower_fr; within 1.2× of HAProxy's (a connection per request, as the uwsgi" \
	"protocol needs): $near_ha; (HAProxy reusing backend connections: $near_reuse)."
echo "Most of a proxied request's CPU is the kernel's (TCP connect and teardown on" \
	"loopback, waking the peers); the proxies' own code is a small share of it."
