# shellcheck shell=bash disable=SC2034 # M_* and WRK_* are its results
# Shared helpers for the benchmarks under tests/bench/ (bash; source it).
# Everything they start is recorded by PID and stopped by bench_cleanup,
# which bench_init installs as the EXIT trap. Nothing here asserts timings:
# the benchmarks report, `make bench` runs them, `make check` never does.
#
#   bench_init                 temp dir in $BENCH_TMP, EXIT trap
#   bench_ports N              N distinct free TCP ports on 127.0.0.1
#   bench_start NAME CMD...    run CMD in the background, log to
#                              $BENCH_TMP/NAME.log, PID in BENCH_PID
#   bench_wait_port PORT NAME [PID]
#                              wait (10 s, or until PID exits) for a
#                              listener; on failure show NAME's log
#   bench_procs PID            PID and its direct children (the workers)
#   bench_cpu_ticks PID...     utime+stime of those processes, clock ticks
#   bench_rss_kib PID          VmRSS of one process in KiB
#   bench_time_wait PORT       TCP connections to or from PORT in TIME-WAIT
#                              (closed in the last minute, e.g. to see
#                              whether keep-alive held)
#   bench_wrk NAME URL CONNS SECONDS
#                              run wrk; sets WRK_REQS WRK_RPS WRK_ERRS
#   bench_measure NAME URL CONNS SECONDS MASTERPID
#                              bench_wrk plus the CPU of MASTERPID and its
#                              children: sets M_RPS M_CPU_US M_RSS_MIB
#                              M_ERRS, and M_BUSIEST (the busiest worker's
#                              share of the workers' CPU: are they balanced?)
#   bench_ratio A B [FMT]      A / B (or "n/a")
#   bench_cmp X OP Y [K]       exit status of X OP K*Y (OP: <= >= < >)

BENCH_PY=/usr/bin/python3
BENCH_PIDS=()

bench_init() {
	BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
	BENCH_CLK_TCK=$(getconf CLK_TCK)
	trap bench_cleanup EXIT
}

# Stop what we started, newest first: TERM (children too, so a master that
# ignores TERM cannot leave workers behind), then KILL after 5 s.
bench_cleanup() {
	local i pid kids
	for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
		pid=${BENCH_PIDS[i]}
		kill -0 "$pid" 2>/dev/null || continue
		kids=$(pgrep -P "$pid" 2>/dev/null || true)
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		# shellcheck disable=SC2086 # kids is a list of PIDs
		kill -KILL "$pid" $kids 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	[ -n "${BENCH_TMP:-}" ] && rm -rf "$BENCH_TMP"
	return 0
}

# All bound at once, so no two are the same.
bench_ports() {
	"$BENCH_PY" - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

bench_start() {
	local name=$1
	shift
	"$@" >"$BENCH_TMP/$name.log" 2>&1 &
	BENCH_PID=$!
	BENCH_PIDS+=("$BENCH_PID")
}

bench_wait_port() {
	local port=$1 name=$2 pid=${3:-} i
	for i in $(seq 200); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		[ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && break
		sleep 0.05
	done
	echo "$name: nothing listens on 127.0.0.1:$port; its log:" >&2
	cat "$BENCH_TMP/$name.log" >&2 2>/dev/null
	return 1
}

bench_procs() {
	echo "$1"
	pgrep -P "$1" || true
}

# Fields 14 and 15 of /proc/PID/stat; the command name (field 2) may hold
# spaces and parentheses, so count from after its closing parenthesis.
bench_cpu_ticks() {
	local pid stat sum=0 f
	for pid in "$@"; do
		stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		read -r -a f <<<"${stat##*) }"
		sum=$((sum + f[11] + f[12]))
	done
	echo "$sum"
}

bench_rss_kib() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

bench_time_wait() {
	ss -Htan state time-wait "( sport = :$1 or dport = :$1 )" | wc -l
}

# wrk's summary: "N requests in ...", "Requests/sec: R", and, when there
# were any, "Socket errors: connect a, read b, write c, timeout d" and
# "Non-2xx or 3xx responses: n". wrk -t cannot exceed -c.
bench_wrk() {
	local name=$1 url=$2 conns=$3 secs=$4 out=$BENCH_TMP/$1.wrk
	local threads=$((conns < 2 ? conns : 2))
	if ! wrk -t"$threads" -c"$conns" -d"${secs}s" "$url" >"$out" 2>&1; then
		echo "wrk failed against $url:" >&2
		cat "$out" >&2
		return 1
	fi
	WRK_REQS=$(awk '$2 == "requests" && $3 == "in" { print $1 }' "$out")
	WRK_RPS=$(awk '$1 == "Requests/sec:" { print $2 }' "$out")
	WRK_ERRS=$(awk '
		/Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 }
		/Non-2xx or 3xx responses:/ { n += $5 }
		END { print n + 0 }' "$out")
	if [ -z "$WRK_REQS" ] || [ "$WRK_REQS" -eq 0 ]; then
		echo "wrk completed no request against $url:" >&2
		cat "$out" >&2
		return 1
	fi
}

bench_measure() {
	local name=$1 url=$2 conns=$3 secs=$4 master=$5 procs pid i
	local -a before after
	mapfile -t procs < <(bench_procs "$master")
	for pid in "${procs[@]}"; do before+=("$(bench_cpu_ticks "$pid")"); done
	bench_wrk "$name" "$url" "$conns" "$secs" || return 1
	for pid in "${procs[@]}"; do after+=("$(bench_cpu_ticks "$pid")"); done
	# A worker that died mid-run took its CPU time with it: say so.
	if [ "$(bench_procs "$master" | sort | tr '\n' ' ')" != \
	     "$(printf '%s\n' "${procs[@]}" | sort | tr '\n' ' ')" ]; then
		echo "warning: $name: the process set changed during the run" >&2
	fi
	local total=0 wtotal=0 wmax=0 d rss max=0
	for i in "${!procs[@]}"; do
		d=$((after[i] - before[i]))
		total=$((total + d))
		[ "$i" -eq 0 ] && continue  # the master
		wtotal=$((wtotal + d))
		[ "$d" -gt "$wmax" ] && wmax=$d
		rss=$(bench_rss_kib "${procs[i]}")
		[ "$rss" -gt "$max" ] && max=$rss
	done
	M_RPS=$(printf '%.0f' "$WRK_RPS")
	M_CPU_US=$(awk -v t="$total" -v hz="$BENCH_CLK_TCK" -v n="$WRK_REQS" \
		'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
	M_RSS_MIB=$(awk -v k="$max" 'BEGIN { printf "%.1f", k / 1024 }')
	M_BUSIEST=$(awk -v m="$wmax" -v t="$wtotal" \
		'BEGIN { if (t) printf "%.0f%%", 100 * m / t; else print "n/a" }')
	M_ERRS=$WRK_ERRS
}

bench_ratio() {
	awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" \
		'BEGIN { if (b + 0 == 0) print "n/a"; else printf f "\n", a / b }'
}

bench_cmp() {
	awk -v x="$1" -v y="$3" -v op="$2" -v k="${4:-1}" 'BEGIN {
		y *= k
		r = op == "<=" ? x <= y : op == ">=" ? x >= y : op == "<" ? x < y : x > y
		exit !r }'
}

# bench_nginx PORT:UPSTREAM...: one nginx (1 worker, no access log, client
# keep-alive) with a server block per pair, listening on 127.0.0.1:PORT and
# passing everything to the uwsgi socket 127.0.0.1:UPSTREAM with Debian's
# uwsgi_params; waits until every port answers.
bench_nginx() {
	local d=$BENCH_TMP/nginx pair t
	mkdir -p "$d"
	{
		echo "worker_processes 1;"
		echo "pid $d/nginx.pid;"
		echo "error_log $d/error.log;"
		echo "events { worker_connections 1024; }"
		echo "http {"
		echo "	access_log off;"
		echo "	keepalive_timeout 60s;"
		echo "	keepalive_requests 100000000;"
		for t in client_body proxy fastcgi uwsgi scgi; do
			echo "	${t}_temp_path $d/$t;"
		done
		for pair in "$@"; do
			echo "	server {"
			echo "		listen 127.0.0.1:${pair%%:*};"
			echo "		location / { include /etc/nginx/uwsgi_params; uwsgi_pass 127.0.0.1:${pair#*:}; }"
			echo "	}"
		done
		echo "}"
	} >"$d/nginx.conf"
	bench_start nginx nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" -g 'daemon off;'
	for pair in "$@"; do
		bench_wait_port "${pair%%:*}" nginx "$BENCH_PID" || return 1
	done
}
