# Shared helpers for the bats suites: free ports, peers started in the
# background and stopped by PID, waiting for sockets, real uWSGI.
# Load with:  load helpers/common

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load

: "${UP_ROOT:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${UP_BUILD:=build}"
: "${UP_BIN:=$UP_ROOT/$UP_BUILD/bin}"
export UP_ROOT UP_BUILD UP_BIN
# Debian's interpreter, with Debian's Python packages.
PY=/usr/bin/python3

# Fail in CI, skip elsewhere, when a peer program is missing.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 && continue
		if [ -n "${CI:-}" ]; then
			echo "required program '$c' is missing (make deps installs it)" >&2
			return 1
		fi
		skip "$c is not installed (make deps)"
	done
}

# A TCP port on 127.0.0.1 (or on the loopback address given, e.g. ::1)
# that nothing listens on right now.
free_port() {
	$PY - "${1:-127.0.0.1}" <<'PY'
import socket, sys
host = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
s.bind((host, 0))
print(s.getsockname()[1])
s.close()
PY
}

# start_bg NAME CMD...: run CMD in the background, output to
# $BATS_TEST_TMPDIR/NAME.log; its PID is remembered for stop_all and
# stored in the variable NAME_pid (dashes become underscores).
start_bg() {
	local name=$1
	shift
	"$@" >"$BATS_TEST_TMPDIR/$name.log" 2>&1 &
	local pid=$!
	echo "$pid" >>"$BATS_TEST_TMPDIR/.pids"
	printf -v "${name//-/_}_pid" '%s' "$pid"
}

# Wait until something accepts on 127.0.0.1:PORT (default 10 s); HOST
# (third argument) picks another loopback address, e.g. ::1.
wait_port() {
	local port=$1 tries=$(( ${2:-10} * 20 )) host=${3:-127.0.0.1}
	while [ $tries -gt 0 ]; do
		(exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	echo "nothing listens on $host:$port" >&2
	return 1
}

# Wait until a file (e.g. a UNIX socket) exists (default 10 s).
wait_file() {
	local f=$1 tries=$(( ${2:-10} * 20 ))
	while [ $tries -gt 0 ]; do
		[ -e "$f" ] && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	echo "$f did not appear" >&2
	return 1
}

# Stop one PID we started (and the children it forked): TERM, then KILL
# after 5 s.
stop_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	local kids
	kids=$(pgrep -P "$pid" 2>/dev/null || true)
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" $kids 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# Stop everything start_bg started in this test. Call from teardown.
stop_all() {
	local f=$BATS_TEST_TMPDIR/.pids pid
	[ -f "$f" ] || return 0
	tac "$f" | while read -r pid; do stop_pid "$pid"; done
	rm -f "$f"
}

# Teardown for suites of servers: stop everything, then fail the test on a
# sanitizer report in any of its logs (build/san).
stop_all_checked() {
	stop_all
	if grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$BATS_TEST_TMPDIR"/*.log 2>/dev/null; then
		echo "sanitizer report in the logs above" >&2
		return 1
	fi
}

# Print a log file of this test (for failure diagnostics).
show_log() {
	echo "--- $1.log" >&2
	cat "$BATS_TEST_TMPDIR/$1.log" >&2 || true
}

# start_uwsgi NAME PORT APP [uwsgi options...]: Debian's real uWSGI 2.0 with
# the python3 plugin, serving the WSGI file APP on 127.0.0.1:PORT.
start_uwsgi() {
	local name=$1 port=$2 app=$3
	shift 3
	require_cmd uwsgi
	start_bg "$name" uwsgi --plugin python3 --master --processes 1 \
		--die-on-term --socket "127.0.0.1:$port" --wsgi-file "$app" \
		--pidfile "$BATS_TEST_TMPDIR/$name.pid" "$@"
	wait_port "$port" || { show_log "$name"; return 1; }
}

# Compiler flags a test program needs to link with this build's library
# (the sanitized build's library needs the sanitizer runtimes).
san_cflags() {
	[ "$UP_BUILD" = build/san ] && echo "-fsanitize=address,undefined"
	return 0
}

free_port6() { free_port ::1; }
wait_port6() { wait_port "$1" "${2:-10}" ::1; }

# Milliseconds since the epoch, for measuring how long a command took.
now_ms() {
	date +%s%3N
}

# free_ports VAR...: a distinct free TCP port on 127.0.0.1 for each
# variable named (free_port alone may hand out the same port twice).
free_ports() {
	local v p taken=" "
	for v in "$@"; do
		p=$(free_port)
		while [[ "$taken" == *" $p "* ]]; do p=$(free_port); done
		taken+="$p "
		printf -v "$v" '%s' "$p"
	done
}

# up_server NAME OPTIONS...: this build's uwsgi-server in the background,
# as start_bg NAME does (log in $BATS_TEST_TMPDIR/NAME.log, pid in
# NAME_pid). Python writes no .pyc files into the test apps' folders.
# LeakSanitizer: the embedded interpreter (and the libcrypto that hashlib
# loads) keeps hundreds of allocations alive at exit on purpose; those are
# suppressed by module so the server's own leaks are still reported.
up_server() {
	local name=$1 supp=${BATS_RUN_TMPDIR:-$BATS_TEST_TMPDIR}/lsan-python.supp
	shift
	[ -f "$supp" ] || printf 'leak:libpython3\nleak:libcrypto.so\n' >"$supp"
	start_bg "$name" env PYTHONDONTWRITEBYTECODE=1 \
		LSAN_OPTIONS="suppressions=$supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
		"$UP_BIN/uwsgi-server" "$@"
}

# worker_pids MASTER_PID: the master's children (its workers), sorted, one
# a line.
worker_pids() {
	pgrep -P "$1" | sort -n
}

# wait_grep FILE ERE [SECONDS]: wait (default 10 s) until a line of FILE
# matches the extended regular expression ERE.
wait_grep() {
	local f=$1 re=$2 tries=$(( ${3:-10} * 20 ))
	while [ $tries -gt 0 ]; do
		grep -Eq -- "$re" "$f" 2>/dev/null && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	echo "no line matching '$re' in $f" >&2
	return 1
}

# require_py MODULE...: Debian's Python can import each MODULE; fail in CI,
# skip elsewhere (like require_cmd).
require_py() {
	local m
	for m in "$@"; do
		"$PY" -c "import $m" 2>/dev/null && continue
		if [ -n "${CI:-}" ]; then
			echo "Python module '$m' is missing (make deps installs it)" >&2
			return 1
		fi
		skip "Python module $m is not installed (make deps)"
	done
}

# start_nginx NAME PORT UPSTREAM [SERVER_LINES]: nginx on 127.0.0.1:PORT
# passing every request to the uwsgi socket UPSTREAM (host:port or
# unix:/path) with Debian's uwsgi_params, from a throwaway prefix in
# $BATS_TEST_TMPDIR; its PID is recorded like start_bg's. SERVER_LINES
# (more locations, say) go into the server block before `location /`.
start_nginx() {
	local name=$1 port=$2 upstream=$3 extra=${4:-} d=$BATS_TEST_TMPDIR/$1
	require_cmd nginx
	mkdir -p "$d"
	cat >"$d/nginx.conf" <<CONF
master_process off;
worker_processes 1;
error_log $d/error.log;
pid $d/nginx.pid;
events { worker_connections 256; }
http {
	access_log $d/access.log;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	client_max_body_size 0;
	server {
		listen 127.0.0.1:$port;
		$extra
		location / {
			include /etc/nginx/uwsgi_params;
			uwsgi_pass $upstream;
		}
	}
}
CONF
	start_bg "$name" nginx -p "$d" -c "$d/nginx.conf" -g 'daemon off;'
	wait_port "$port" || { show_log "$name"; cat "$d/error.log" >&2; return 1; }
}

# check_environ FILE K=V...: FILE holds the JSON of a WSGI environ (as
# tests/apps/server/pep3333.py's /env answers it; a whole HTTP answer ending
# in it will do). Every key PEP 3333 requires must be there, and each K
# must have the value V (JSON for true/false/lists, else the string); !K
# says K is absent, K? that it is there and not empty.
check_environ() {
	"$PY" - "$@" <<'PY'
import json, sys
raw = open(sys.argv[1], "rb").read()
if raw.startswith(b"HTTP/"):
    raw = raw.split(b"\r\n\r\n", 1)[1]
env = json.loads(raw)
bad = []
for k in ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME",
          "SERVER_PORT", "SERVER_PROTOCOL", "wsgi.version", "wsgi.url_scheme",
          "wsgi.input", "wsgi.errors", "wsgi.multithread", "wsgi.multiprocess",
          "wsgi.run_once"):
    if k not in env:
        bad.append("missing %s" % k)
for kv in sys.argv[2:]:
    k, _, v = kv.partition("=")
    want = json.loads(v) if v[:1] == "[" or v in ("true", "false") else v
    if k.endswith("?") and not v:
        if not env.get(k[:-1]):
            bad.append("%s: %r, expected a non-empty value" % (k[:-1], env.get(k[:-1])))
    elif k.startswith("!"):
        if k[1:] in env:
            bad.append("%s should be absent, is %r" % (k[1:], env[k[1:]]))
    elif env.get(k, "<absent>") != want:
        bad.append("%s: %r, expected %r" % (k, env.get(k, "<absent>"), want))
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

# request_loop PORT SECONDS: GET http://127.0.0.1:PORT/pid without pause, a
# new connection each time, for SECONDS; prints "ok N failed M" and the
# first failures. For checking that no request fails across a reload, a
# respawn or a kill (run it in the background).
request_loop() {
	"$PY" - "$1" "$2" <<'PY'
import sys, time, urllib.request
port, ok, bad, end = sys.argv[1], 0, [], time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        with urllib.request.urlopen("http://127.0.0.1:%s/pid" % port, timeout=5) as r:
            r.read()
            ok += 1
    except Exception as e:
        bad.append(repr(e))
print("ok", ok, "failed", len(bad), *bad[:3])
PY
}

# stats_eval PORT EXPR: the Python expression EXPR evaluated over d, the
# stats JSON document a server serves on 127.0.0.1:PORT (its --stats
# socket), printed as JSON (a string as itself).
stats_eval() {
	"$PY" - "$1" "$2" <<'PY'
import json, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
raw = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    raw += b
d = json.loads(raw)
r = eval(sys.argv[2])
print(r if isinstance(r, str) else json.dumps(r))
PY
}
