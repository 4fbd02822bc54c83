#!/usr/bin/env bash
# uwsgi-cgi beside the classic "lazy" CGI hosting: one hello-world request
# through lighttpd mod_cgi, either
#   uwsgi-cgi   lighttpd -> uwsgi-cgi -> a warm uwsgi backend
#   wsgiref     lighttpd -> python3 running the same app under
#               wsgiref.handlers.CGIHandler (a fresh interpreter per request)
# Reports the median latency of each (sequential requests over one
# keep-alive connection, curl's time_total) and the CPU time (user+sys) of
# the CGI process itself per request: spawned directly N times with a CGI
# environment, best of three batches, so lighttpd's share is not in it.
# /bin/true spawned the same way shows what any CGI program costs at least.
# Targets (the uwsgi-cgi issue): >= 10x faster, < 1 ms CPU per request.
#
# CGI_BENCH_BACKEND=uwsgi-server (default, as the issue measures) or uwsgi (Debian's uWSGI 2.0)
# CGI_BENCH_REQUESTS (default 200).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
bin=${UP_BIN:-$root/build/bin}
backend=${CGI_BENCH_BACKEND:-uwsgi-server}
n=${CGI_BENCH_REQUESTS:-200}
py=/usr/bin/python3
app=$root/examples/hello.py

tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
	local i
	for i in $(seq 200); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.05
	done
	echo "nothing listens on 127.0.0.1:$1" >&2
	return 1
}

up=$(port)
case $backend in
uwsgi)
	uwsgi --plugin python3 --master --processes 2 --die-on-term \
		--socket "127.0.0.1:$up" --wsgi-file "$app" >"$tmp/backend.log" 2>&1 & ;;
uwsgi-server)
	"$bin/uwsgi-server" --master --processes 2 --socket "127.0.0.1:$up" \
		--wsgi-file "$app" >"$tmp/backend.log" 2>&1 & ;;
*)
	echo "CGI_BENCH_BACKEND: uwsgi or uwsgi-server, not '$backend'" >&2
	exit 1 ;;
esac
pids+=($!)
wait_port "$up" || { cat "$tmp/backend.log" >&2; exit 1; }

mkdir "$tmp/www"
printf '#!%s\nsocket = 127.0.0.1:%s\n' "$bin/uwsgi-cgi" "$up" >"$tmp/www/hello.cgi"
cat >"$tmp/www/wsgiref.cgi" <<PY
#!$py
import sys
sys.path.insert(0, "$root/examples")
from wsgiref.handlers import CGIHandler
from hello import application
CGIHandler().run(application)
PY
chmod 755 "$tmp/www/hello.cgi" "$tmp/www/wsgiref.cgi"

web=$(port)
cat >"$tmp/lighttpd.conf" <<CONF
server.document-root = "$tmp/www"
server.port = $web
server.bind = "127.0.0.1"
server.modules += ("mod_cgi")
server.errorlog = "$tmp/lighttpd.log"
cgi.assign = (".cgi" => "")
CONF
lighttpd -D -f "$tmp/lighttpd.conf" >"$tmp/lighttpd.out" 2>&1 &
pids+=($!)
wait_port "$web" || { cat "$tmp/lighttpd.out" >&2; exit 1; }

# median_ms SCRIPT: N sequential requests, the median time_total in ms.
median_ms() {
	local url=http://127.0.0.1:$web/$1 args=() i
	for i in $(seq "$n"); do args+=("$url"); done
	curl -s "$url" | grep -q '^Hello' || { echo "$1: no hello" >&2; return 1; }
	curl -s -w 'TIME %{time_total}\n' "${args[@]}" >"$tmp/times"
	[ "$(grep -c '^Hello' "$tmp/times")" -eq "$n" ] || { echo "$1: failed requests" >&2; return 1; }
	grep '^TIME ' "$tmp/times" | cut -d' ' -f2 | sort -g |
		awk '{ v[NR] = $1 } END { printf "%.3f\n", 1000 * (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# cpu_ms PROGRAM...: user+sys CPU ms per run of the program itself,
# started N times with posix_spawn (no shell work before exec is charged
# to it) and timed with getrusage(RUSAGE_CHILDREN).
spawn_py='
import os, resource, sys
n, argv = int(sys.argv[1]), sys.argv[2:]
null = os.open(os.devnull, os.O_RDWR)
acts = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1)]
t0 = resource.getrusage(resource.RUSAGE_CHILDREN)
for _ in range(n):
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=acts)
    _, status = os.waitpid(pid, 0)
    if status:
        sys.exit("%s exited with %d" % (argv[0], status))
t1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = t1.ru_utime - t0.ru_utime + t1.ru_stime - t0.ru_stime
print("%.3f" % (1000 * cpu / n))
'
# The best of three batches: other load on the machine only ever adds.
cpu_ms() {
	local i
	for i in 1 2 3; do
		env GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET SCRIPT_NAME=/x \
			PATH_INFO=/ QUERY_STRING= SERVER_NAME=127.0.0.1 SERVER_PORT="$web" \
			SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 \
			"$py" -c "$spawn_py" "$n" "$@"
	done | sort -g | head -1
}

ours=$(median_ms hello.cgi)
anchor=$(median_ms wsgiref.cgi)
ours_cpu=$(cpu_ms "$tmp/www/hello.cgi")
anchor_cpu=$(cpu_ms "$tmp/www/wsgiref.cgi")
floor_cpu=$(cpu_ms /bin/true)
ratio=$(awk -v a="$anchor" -v o="$ours" 'BEGIN { printf "%.1f", a / o }')

echo "hello world through lighttpd mod_cgi, $n sequential requests each; backend: $backend"
echo
echo "| CGI program | median latency | CPU per request (the CGI process) |"
echo "|---|---:|---:|"
echo "| uwsgi-cgi -> $backend | $ours ms | $ours_cpu ms |"
echo "| python3 wsgiref CGIHandler | $anchor ms | $anchor_cpu ms |"
echo "| ratio | ${ratio}x faster | |"
echo "| (floor: spawning /bin/true) | | $floor_cpu ms |"
echo
ok=$(awk -v r="$ratio" -v c="$ours_cpu" 'BEGIN { print (r >= 10 && c < 1) ? "yes" : "no" }')
echo "targets (>= 10x faster, < 1 ms CPU per request): $ok"
