#!/usr/bin/env bats
# uwsgi-proxy, the evented load balancer: real backends (Debian's uWSGI 2.0
# and this build's uwsgi-server, mixed) behind it, reached over HTTP and
# through nginx's uwsgi_pass; every answer checked and counted per node;
# failover under load with kill -9; subscriptions from real uWSGI and from
# crafted packets; a 200 MB answer to a slow reader with the proxy's RSS
# watched; 502/503/504; SIGHUP reload and SIGTERM drain; the stats JSON
# read by uwsgi-stats.

bats_require_minimum_version 1.5.0
load helpers/common

APP=$BATS_TEST_DIRNAME/apps/proxy_app.py
LOAD=$BATS_TEST_DIRNAME/apps/proxy_load.py

teardown() { stop_all; }

proxy() { "$UP_BIN/uwsgi-proxy" "$@"; }

# uw_node NAME PORT [uwsgi options]: real uWSGI serving proxy_app.py as
# node NAME, with the ping plugin for the health checks.
uw_node() {
	local name=$1 port=$2
	shift 2
	start_uwsgi "$name" "$port" "$APP" --plugin ping --env "NODE=$name" \
		--disable-logging "$@"
}

# srv_node NAME PORT: this build's uwsgi-server as node NAME.
srv_node() {
	up_server "$1" --master --processes 2 --socket "127.0.0.1:$2" \
		--wsgi-file "$APP" --env "NODE=$1" --disable-logging
	wait_port "$2" || { show_log "$1"; return 1; }
}

# start_proxy PORT-TO-WAIT-FOR OPTIONS...: the proxy, log in proxy.log.
start_proxy() {
	local port=$1
	shift
	start_bg proxy "$UP_BIN/uwsgi-proxy" "$@"
	wait_port "$port" || { show_log proxy; return 1; }
}

# stats PORT [PYTHON-EXPRESSION]: the stats document (or the expression
# evaluated over it as d).
stats() { stats_eval "$1" "${2:-d}"; }

# node_requests STATSPORT NAME: requests the proxy counts for node NAME.
node_requests() {
	stats "$1" "sum(n['requests'] for n in d['static_nodes'] + [x for s in d['subscriptions'] for x in s['nodes']] if n['name'] == '$2')"
}

# subscribe PORT M2 KEY ADDRESS: one crafted subscription datagram.
subscribe() {
	"$PY" - "$@" <<'PY'
import socket, struct, sys
port, m2, key, addr = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
v = b""
for k, x in (("key", key), ("address", addr), ("modifier1", "0"), ("modifier2", "0"),
             ("cores", "2"), ("load", "0"), ("weight", "1")):
    k, x = k.encode(), x.encode()
    v += struct.pack("<H", len(k)) + k + struct.pack("<H", len(x)) + x
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(struct.pack("<BHB", 224, len(v), m2) + v, ("127.0.0.1", port))
PY
}

# wait_stats PORT EXPRESSION [SECONDS]: until the expression over the
# stats document prints "True".
wait_stats() {
	local tries=$(( ${3:-10} * 10 ))
	while [ $tries -gt 0 ]; do
		[ "$(stats "$1" "$2" 2>/dev/null)" = true ] && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	echo "stats never satisfied: $2" >&2
	stats "$1" >&2
	return 1
}

# nginx_to PORT UWSGIPORT: nginx (one process, so its temporary files
# are ours) on PORT passing everything to the proxy's uwsgi socket.
nginx_to() { start_nginx nginx "$1" "127.0.0.1:$2"; }

# json_get JSON EXPRESSION: evaluate a Python expression over d.
json_get() {
	"$PY" -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"
}

@test "--help, --version, and one-line errors with the documented exit codes" {
	run proxy --help
	assert_success
	assert_output --partial "--subscription-server"
	assert_output --partial "--balance rr|lc|hash"
	run proxy --version
	assert_success
	assert_output --regexp '^uwsgi-proxy [0-9]'
	run --separate-stderr proxy --to 127.0.0.1:1
	assert_failure 1
	assert_equal "$stderr" "uwsgi-proxy: no front socket: give --uwsgi-socket or --http-socket"
	run --separate-stderr proxy --http-socket 127.0.0.1:0 --balance fair
	assert_failure 1
	assert_equal "$stderr" "uwsgi-proxy: --balance: 'fair' is not one of rr, lc, hash"
	run --separate-stderr proxy --http-socket 127.0.0.1:0 --connect-timeout x
	assert_failure 1
	assert_output ""
	[[ "$stderr" == "uwsgi-proxy: --connect-timeout: 'x' is not a number of seconds"* ]]
	# A port someone else holds: exit 2, the address and the cause.
	local p
	p=$(free_port)
	"$PY" -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(30)' "$p" &
	echo $! >>"$BATS_TEST_TMPDIR/.pids"
	wait_port "$p"
	run --separate-stderr proxy --http-socket "127.0.0.1:$p"
	assert_failure 2
	[[ "$stderr" == *"bind 127.0.0.1:$p: Address already in use" ]]
}

@test "3000 requests over HTTP and 3000 through nginx, mixed backends, round robin exact" {
	require_cmd nginx
	local a b c h u s n
	free_ports a b c h u s n
	uw_node uwA "$a"
	srv_node srvB "$b"
	uw_node uwC "$c"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --uwsgi-socket "127.0.0.1:$u" \
		--stats "127.0.0.1:$s" --to "127.0.0.1:$a" --to "127.0.0.1:$b" \
		--to "127.0.0.1:$c" --balance rr
	wait_port "$u"
	nginx_to "$n" "$u"
	local port
	for port in "$h" "$n"; do  # straight over HTTP, then through nginx
		run "$PY" "$LOAD" 127.0.0.1 "$port" 3000 6
		assert_success
		echo "$output"
		assert_equal "$(json_get "$output" 'd["ok"], d["failed"]')" "(3000, 0)"
		assert_equal "$(json_get "$output" 'sorted(d["nodes"].items())')" \
			"[('srvB', 1000), ('uwA', 1000), ('uwC', 1000)]"
	done
	# The proxy counted the same.
	assert_equal "$(stats "$s" 'sorted(n["requests"] for n in d["static_nodes"])')" "[2000, 2000, 2000]"
}

@test "least connections sends new requests away from a busy node; hash keeps a key on one node" {
	local a b h
	free_ports a b h
	uw_node uwA "$a" --processes 4
	srv_node srvB "$b"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --to "127.0.0.1:$a" --to "127.0.0.1:$b" \
		--balance lc
	# Three slow requests: lc spreads them 2/1, then with uwA holding two
	# the next quick ones go to srvB while they last.
	local i pids=()
	for i in 1 2 3; do
		curl -s "http://127.0.0.1:$h/sleep?2" >"$BATS_TEST_TMPDIR/s$i" &
		pids+=($!)
		sleep 0.2
	done
	sleep 0.1
	run curl -s "http://127.0.0.1:$h/quick"
	local busy
	busy=$(cat "$BATS_TEST_TMPDIR"/s? 2>/dev/null | wc -l)
	assert_equal "$busy" 0
	# s1 -> uwA, s2 -> srvB (fewest), s3 -> uwA (tie, cursor): uwA 2, srvB 1.
	assert_output "node=srvB GET /quick?"
	wait "${pids[@]}"
	cat "$BATS_TEST_TMPDIR"/s?
	assert_equal "$(cat "$BATS_TEST_TMPDIR"/s? | cut -d' ' -f1 | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')" \
		"node=srvB:1 node=uwA:2 "
	stop_pid "$proxy_pid"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --to "127.0.0.1:$a" --to "127.0.0.1:$b" \
		--balance hash --hash-key HTTP_X_USER
	local u first again seen=""
	for u in $(seq 1 30); do
		first=$(curl -s -H "X-User: user$u" "http://127.0.0.1:$h/" | cut -d' ' -f1)
		for _ in 1 2; do
			again=$(curl -s -H "X-User: user$u" "http://127.0.0.1:$h/" | cut -d' ' -f1)
			assert_equal "$again" "$first"
		done
		seen+="$first "
	done
	# Thirty users do not all land on one of two nodes (odds 2^-29).
	[[ "$seen" == *uwA* && "$seen" == *srvB* ]]
}

@test "kill -9 of a node under 20 s of load: no failed request, the node is marked dead and rejoins" {
	local a b c h s
	free_ports a b c h s
	uw_node uwA "$a"
	srv_node srvB "$b"
	uw_node uwC "$c" --processes 2
	start_proxy "$h" --http-socket "127.0.0.1:$h" --stats "127.0.0.1:$s" \
		--to "127.0.0.1:$a" --to "127.0.0.1:$b" --to "127.0.0.1:$c" --check-interval 1
	"$PY" "$LOAD" 127.0.0.1 "$h" 20s 8 >"$BATS_TEST_TMPDIR/load.json" &
	local load=$!
	sleep 5
	# uWSGI's master and its workers: the node is gone at once.
	kill -9 $(pgrep -P "$uwC_pid") "$uwC_pid"
	wait_stats "$s" '[n["death_mark"] for n in d["static_nodes"]] == [0, 0, 1]' 3
	local dead_reqs
	dead_reqs=$(node_requests "$s" "127.0.0.1:$c")
	sleep 4
	# Dead: no request went its way since.
	assert_equal "$(node_requests "$s" "127.0.0.1:$c")" "$dead_reqs"
	uw_node uwC2 "$c" --processes 2
	wait_stats "$s" '[n["death_mark"] for n in d["static_nodes"]] == [0, 0, 0]' 3
	wait "$load"
	local out
	out=$(cat "$BATS_TEST_TMPDIR/load.json")
	echo "$out"
	assert_equal "$(json_get "$out" 'd["failed"]')" 0
	[ "$(json_get "$out" 'd["ok"]')" -gt 2000 ]
	# The node came back and took its share again.
	[ "$(json_get "$out" 'd["nodes"].get("uwC2", 0)')" -gt 100 ]
	run cat "$BATS_TEST_TMPDIR/proxy.log"
	assert_output --partial "node 127.0.0.1:$c is dead"
	assert_output --partial "node 127.0.0.1:$c is alive again"
}

@test "real uWSGI --subscribe-to: appears, serves its key, leaves at once on stop, expires after kill -9" {
	local h s sub a b
	free_ports h s sub a b
	start_proxy "$h" --http-socket "127.0.0.1:$h" --stats "127.0.0.1:$s" \
		--subscription-server "127.0.0.1:$sub" --subscription-timeout 3
	uw_node subA "$a" --subscribe-to "127.0.0.1:$sub:app.example" --subscribe-freq 1
	wait_stats "$s" '[(k["key"], [n["name"] for n in k["nodes"]]) for k in d["subscriptions"]] == [("app.example", ["127.0.0.1:'"$a"'"])]'
	run curl -s -H "Host: app.example" "http://127.0.0.1:$h/hi"
	assert_output "node=subA GET /hi?"
	# Host with a port finds the key too; an unknown key has no pool: 502.
	run curl -s -H "Host: app.example:8080" "http://127.0.0.1:$h/port"
	assert_output "node=subA GET /port?"
	run curl -s -o /dev/null -w '%{http_code}' -H "Host: other.example" "http://127.0.0.1:$h/"
	assert_output 502
	# A graceful stop sends the unsubscribe: gone long before the timeout.
	kill -INT "$subA_pid"
	wait_stats "$s" 'd["subscriptions"] == []' 2
	# kill -9 sends nothing: the node expires after --subscription-timeout.
	uw_node subB "$b" --subscribe-to "127.0.0.1:$sub:app.example" --subscribe-freq 1
	wait_stats "$s" 'len(d["subscriptions"]) == 1'
	kill -9 $(pgrep -P "$subB_pid") "$subB_pid"
	local t0
	t0=$(now_ms)
	wait_stats "$s" 'd["subscriptions"] == []' 6
	local took=$(( $(now_ms) - t0 ))
	echo "expired after $took ms"
	[ "$took" -gt 1000 ]
	run cat "$BATS_TEST_TMPDIR/proxy.log"
	assert_output --partial "[subscription] app.example => new node 127.0.0.1:$a"
	assert_output --partial "[subscription] app.example => removed node 127.0.0.1:$a"
	assert_output --partial "[subscription] app.example => node 127.0.0.1:$b expired"
}

@test "crafted subscription packets: key routing beside the static pool, unsubscribe, garbage ignored" {
	local h u s sub a b
	free_ports h u s sub a b
	uw_node stat "$a"
	srv_node keyed "$b"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --uwsgi-socket "127.0.0.1:$u" \
		--stats "127.0.0.1:$s" --subscription-server "127.0.0.1:$sub" --to "127.0.0.1:$a"
	subscribe "$sub" 0 api.example "127.0.0.1:$b"
	wait_stats "$s" 'len(d["subscriptions"]) == 1'
	assert_equal "$(stats "$s" 'd["subscriptions"][0]["nodes"][0]["cores"], d["subscriptions"][0]["nodes"][0]["weight"]')" "[2, 1]"
	run curl -s -H "Host: api.example" "http://127.0.0.1:$h/k"
	assert_output "node=keyed GET /k?"
	run curl -s -H "Host: www.example" "http://127.0.0.1:$h/s"
	assert_output "node=stat GET /s?"
	# On the uwsgi front UWSGI_FASTROUTER_KEY wins over HTTP_HOST.
	run "$UP_BIN/uwsgi-send" --host www.example --var UWSGI_FASTROUTER_KEY=api.example \
		"127.0.0.1:$u" /f
	assert_output "node=keyed GET /f?"
	run "$UP_BIN/uwsgi-send" --host www.example "127.0.0.1:$u" /g
	assert_output "node=stat GET /g?"
	# Not a subscription, a name instead of an address, a truncated packet.
	"$PY" -c 'import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); a=("127.0.0.1",int(sys.argv[1])); s.sendto(b"hello",a); s.sendto(b"\xe0\x05\x00\x00\x30\x00key",a)' "$sub"
	subscribe "$sub" 0 api.example "evil.example.com:80"
	subscribe "$sub" 1 api.example "127.0.0.1:$b"
	wait_stats "$s" 'd["subscriptions"] == []'
	run curl -s -H "Host: api.example" "http://127.0.0.1:$h/k"
	assert_output "node=stat GET /k?"
	run cat "$BATS_TEST_TMPDIR/proxy.log"
	assert_output --partial "not a subscription packet (ignored)"
	assert_output --partial "bad node address 'evil.example.com:80' (ignored)"
	assert_output --partial "length past end of block (ignored)"
}

@test "subscriptions with control bytes are logged on one line; such an address is refused" {
	# Found by tests/fuzz/fuzz_subs: a socket path holding an escape byte
	# was taken as a node's address, and keys and addresses went into the
	# log as they came, so a newline in a key forged a second log line.
	local h s sub b
	free_ports h s sub b
	srv_node keyed "$b"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --stats "127.0.0.1:$s" \
		--subscription-server "127.0.0.1:$sub"
	subscribe "$sub" 0 api.example $'/run/\033[2Japp.sock'
	subscribe "$sub" 0 $'api\nforged line' "127.0.0.1:$b"
	wait_stats "$s" 'len(d["subscriptions"]) == 1'
	run cat "$BATS_TEST_TMPDIR/proxy.log"
	assert_output --partial "bad node address '/run/?[2Japp.sock' (ignored)"
	assert_output --partial "[subscription] api?forged line => new node 127.0.0.1:$b"
	refute_output --regexp $'\033|(^|\n)forged line'
	# The stats document keeps the key as it is, JSON-escaped.
	assert_equal "$(stats "$s" 'json.dumps(d["subscriptions"][0]["key"])')" '"api\nforged line"'
}

@test "a node answering thousands of interim heads cannot crash the proxy" {
	# Skipping 1xx heads recursed once per head, with 3 KiB of headers on
	# the stack each time: 4300 of them in a 64 KiB buffer overflowed the
	# stack (SIGSEGV, every connection lost). Found while writing the fuzz
	# targets.
	local h s n
	free_ports h s n
	start_bg node "$PY" "$BATS_TEST_DIRNAME/apps/fake_peer.py" interim 127.0.0.1 "$n"
	wait_port "$n"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --stats "127.0.0.1:$s" \
		--to "127.0.0.1:$n" --buffer-size 65535
	run curl -s -m 10 -w ' %{http_code}' "http://127.0.0.1:$h/"
	assert_output "ok 200"
	kill -0 "$proxy_pid"
	stats "$s" 'd["version"]' >/dev/null
}

@test "a multicast subscription address: the proxy joins the group and hears nodes on loopback" {
	local h s g a
	free_ports h s g a
	srv_node mc "$a"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --stats "127.0.0.1:$s" \
		--subscription-server "239.255.77.7:$g"
	"$PY" - "$g" "$a" <<'PY'
import socket, struct, sys
v = b""
for k, x in (("key", "mc.example"), ("address", "127.0.0.1:" + sys.argv[2])):
    k, x = k.encode(), x.encode()
    v += struct.pack("<H", len(k)) + k + struct.pack("<H", len(x)) + x
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
s.sendto(struct.pack("<BHB", 224, len(v), 0) + v, ("239.255.77.7", int(sys.argv[1])))
PY
	wait_stats "$s" '[k["key"] for k in d["subscriptions"]] == ["mc.example"]' 3
	run curl -s -H "Host: mc.example" "http://127.0.0.1:$h/m"
	assert_output "node=mc GET /m?"
}

@test "a 200 MB answer to a slow reader: streamed whole, the proxy's RSS stays flat" {
	local a h u n
	free_ports a h u n
	srv_node big "$a"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --uwsgi-socket "127.0.0.1:$u" --to "127.0.0.1:$a"
	wait_port "$u"
	local before
	before=$(awk '/^VmRSS:/ { print $2 }' "/proc/$proxy_pid/status")
	# Reads 256 KiB, then sleeps 4 ms: about 60 MB/s, far slower than
	# the backend writes. Checks every byte against the pattern.
	run "$PY" - "$h" "$proxy_pid" <<'PY'
import socket, sys, time
port, pid = int(sys.argv[1]), sys.argv[2]
N = 200 * 1000 * 1000
pattern = bytes(range(256)) * 1024
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /big?%d HTTP/1.1\r\nHost: x\r\n\r\n" % N)
buf = b""
while b"\r\n\r\n" not in buf:
    buf += s.recv(4096)
head, body = buf.split(b"\r\n\r\n", 1)
assert b"Content-Length: %d" % N in head, head
got, bad, peak = 0, 0, 0
view = memoryview(bytearray(262144))
def check(data, off):
    i = off % 256
    return data == pattern[i:i + len(data)] if len(data) <= len(pattern) - 256 else True
if not check(body, 0):
    bad += 1
got = len(body)
while got < N:
    n = s.recv_into(view, min(262144, N - got))
    if not n:
        break
    if not check(bytes(view[:n]), got):
        bad += 1
    got += n
    time.sleep(0.004)
    if got % (8 << 20) < n:
        rss = int([l.split()[1] for l in open("/proc/%s/status" % pid) if l.startswith("VmRSS")][0])
        peak = max(peak, rss)
print(got, bad, peak)
PY
	assert_success
	echo "before ${before} KiB; got bytes, bad chunks, peak RSS KiB: $output"
	set -- $output
	assert_equal "$1" 200000000
	assert_equal "$2" 0
	# Flat: the relay buffers are bounded; 200 MB would show as 195000 KiB.
	[ "$3" -lt $((before + 4096)) ]
	local hwm
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$proxy_pid/status")
	[ "$hwm" -lt $((before + 4096)) ]
	# The same through the uwsgi front, and nginx reading it.
	nginx_to "$n" "$u"
	run bash -c "curl -s 'http://127.0.0.1:$n/big?50000000' | wc -c"
	assert_output 50000000
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$proxy_pid/status")
	[ "$hwm" -lt $((before + 4096)) ]
}

@test "HTTP front: the vars a backend sees, X-Forwarded-For, keep-alive, bodies, chunked and HEAD" {
	local a h
	free_ports a h
	srv_node srv "$a"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --to "127.0.0.1:$a"
	run curl -s -H "X-Env: 1" "http://127.0.0.1:$h/p%20q/r?x=1&y=%41"
	assert_success
	local env=$output
	assert_equal "$(json_get "$env" 'd["PATH_INFO"], d["QUERY_STRING"], d["REQUEST_URI"]')" \
		"('/p q/r', 'x=1&y=%41', '/p%20q/r?x=1&y=%41')"
	run curl -s -H "X-Forwarded-For: 203.0.113.7" "http://127.0.0.1:$h/env?x=1"
	env=$output
	assert_equal "$(json_get "$env" 'd["REMOTE_ADDR"], d["SERVER_PORT"], d["SERVER_NAME"], d["REQUEST_SCHEME"]')" \
		"('127.0.0.1', '$h', '127.0.0.1', 'http')"
	assert_equal "$(json_get "$env" 'd["HTTP_X_FORWARDED_FOR"], d["QUERY_STRING"], d["SERVER_PROTOCOL"]')" \
		"('203.0.113.7, 127.0.0.1', 'x=1', 'HTTP/1.1')"
	run curl -s "http://127.0.0.1:$h/env"
	assert_equal "$(json_get "$output" 'd["HTTP_X_FORWARDED_FOR"]')" "127.0.0.1"
	# Keep-alive across requests, even past an answer the backend ends by
	# closing: the proxy chunks it for an HTTP/1.1 client.
	run curl -sv "http://127.0.0.1:$h/one" "http://127.0.0.1:$h/chunked" "http://127.0.0.1:$h/two"
	assert_output --partial "node=srv GET /one?"
	assert_output --partial "< Transfer-Encoding: chunked"
	assert_output --partial "part two"
	assert_output --partial "node=srv GET /two?"
	[ "$(grep -c 'Re-using existing connection' <<<"$output")" -eq 2 ]
	run bash -c "curl -s 'http://127.0.0.1:$h/stream?3000000' | md5sum"
	assert_equal "$output" "$("$UP_BIN/uwsgi-send" "127.0.0.1:$a" '/big?3000000' | md5sum)"
	# HTTP/1.0 gets it close-delimited, as the backend sent it.
	run bash -c "curl -s0 -D '$BATS_TEST_TMPDIR/h10' 'http://127.0.0.1:$h/stream?300000' | wc -c"
	assert_output 300000
	run cat "$BATS_TEST_TMPDIR/h10"
	refute_output --partial "chunked"
	assert_output --partial "Connection: close"
	# HTTP/1.0 without keep-alive: the proxy says close.
	run curl -s0 -D - -o /dev/null "http://127.0.0.1:$h/"
	assert_output --partial "Connection: close"
	# HEAD: a head only, and the connection stays usable.
	run curl -sv -I "http://127.0.0.1:$h/big?1000" "http://127.0.0.1:$h/after"
	assert_output --partial "Content-Length: 1000"
	assert_output --partial "Re-using existing connection"
	# A 5 MB body both ways, with Expect: 100-continue (curl's default).
	head -c 5000000 /dev/urandom >"$BATS_TEST_TMPDIR/up.bin"
	run bash -c "curl -s --data-binary @'$BATS_TEST_TMPDIR/up.bin' 'http://127.0.0.1:$h/echo' | cmp - '$BATS_TEST_TMPDIR/up.bin' && echo same"
	assert_output same
	# Pipelined requests on one connection come back in order.
	run "$PY" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
print(data.count(b"HTTP/1.1 200"), data.index(b"GET /a?") < data.index(b"GET /b?"))' "$h"
	assert_output "2 True"
	# A chunked request body is refused with 411, not garbled.
	run curl -s -o /dev/null -w '%{http_code}' -H "Transfer-Encoding: chunked" -d x "http://127.0.0.1:$h/echo"
	assert_output 411
}

@test "fronts on UNIX and IPv6 sockets, a ping answered by the proxy itself" {
	local a h6
	a=$(free_port)
	h6=$(free_port6)
	srv_node srv "$a"
	local sock=$BATS_TEST_TMPDIR/proxy.sock
	start_bg proxy "$UP_BIN/uwsgi-proxy" --uwsgi-socket "$sock" --http-socket "[::1]:$h6" \
		--to "127.0.0.1:$a"
	wait_file "$sock"
	wait_port6 "$h6"
	run "$UP_BIN/uwsgi-send" "$sock" /unix
	assert_output "node=srv GET /unix?"
	run curl -s "http://[::1]:$h6/v6"
	assert_output "node=srv GET /v6?"
	run "$UP_BIN/uwsgi-send" --ping "$sock"
	assert_output PONG
	# HTTP sent to the uwsgi socket gets a plain answer, not silence.
	run "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"); print(s.recv(4096).split(b"\r\n")[0].decode())' "$sock"
	assert_output "HTTP/1.1 400 Bad Request"
	stop_pid "$proxy_pid"
	# The socket file goes with the proxy.
	[ ! -e "$sock" ]
}

@test "502 with no node, 503 past --max-conns, 504 from a node that never answers" {
	local h u s dead slow
	free_ports h u s dead slow
	# A node that accepts and then says nothing.
	"$PY" -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); c=[s.accept() for _ in range(3)]; time.sleep(30)' "$slow" &
	echo $! >>"$BATS_TEST_TMPDIR/.pids"
	wait_port "$slow"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --uwsgi-socket "127.0.0.1:$u" \
		--to "127.0.0.1:$dead" --check-interval 0
	run curl -s -D - "http://127.0.0.1:$h/"
	assert_output --partial "HTTP/1.1 502 Bad Gateway"
	assert_output --partial "502 Bad Gateway"
	# The uwsgi front answers nginx the same way (and logs it).
	run "$UP_BIN/uwsgi-send" -i "127.0.0.1:$u" /
	assert_output --partial "HTTP/1.1 502 Bad Gateway"
	run cat "$BATS_TEST_TMPDIR/proxy.log"
	assert_output --partial "node 127.0.0.1:$dead is dead: connect: Connection refused"
	assert_equal "$(grep -c 'no node accepted the connection: answered 502' <<<"$output")" 2
	stop_pid "$proxy_pid"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --to "127.0.0.1:$slow" --timeout 1 \
		--max-conns 1 --check-interval 0 --stats "127.0.0.1:$s"
	# wait_port's own connection must be gone before the one slot is taken.
	wait_stats "$s" 'd["active_sessions"] == 0'
	curl -s -o "$BATS_TEST_TMPDIR/first" -w '%{http_code}' "http://127.0.0.1:$h/" &
	local first=$!
	sleep 0.3
	run curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$h/"
	assert_output 503
	wait "$first" || true
	run cat "$BATS_TEST_TMPDIR/first"
	assert_output --partial "504 Gateway Timeout"
	run cat "$BATS_TEST_TMPDIR/proxy.log"
	assert_output --partial "the node did not answer in time: answered 504"
	assert_equal "$(stats "$s" 'd["refused"]')" 2
}

@test "SIGHUP re-reads the ini file without dropping a request; a bad file is refused" {
	local a b h s
	free_ports a b h s
	srv_node one "$a"
	uw_node two "$b"
	local ini=$BATS_TEST_TMPDIR/proxy.ini
	printf '[uwsgi-proxy]\nhttp-socket = 127.0.0.1:%s\nstats = 127.0.0.1:%s\nto = 127.0.0.1:%s\n' \
		"$h" "$s" "$a" >"$ini"
	start_proxy "$h" --ini "$ini"
	run curl -s "http://127.0.0.1:$h/x"
	assert_output "node=one GET /x?"
	# A slow request in flight across the reload.
	curl -s "http://127.0.0.1:$h/sleep?1.5" >"$BATS_TEST_TMPDIR/slow" &
	local slow=$!
	sleep 0.3
	printf '[uwsgi-proxy]\nhttp-socket = 127.0.0.1:%s\nstats = 127.0.0.1:%s\nto = 127.0.0.1:%s\nbalance = lc\n' \
		"$h" "$s" "$b" >"$ini"
	kill -HUP "$proxy_pid"
	wait_stats "$s" '[n["name"] for n in d["static_nodes"]] == ["127.0.0.1:'"$b"'"] and d["balance"] == "lc"'
	run curl -s "http://127.0.0.1:$h/y"
	assert_output "node=two GET /y?"
	wait "$slow"
	run cat "$BATS_TEST_TMPDIR/slow"
	assert_output "node=one GET /sleep?1.5"
	printf '[uwsgi-proxy]\nbalance = fastest\n' >>"$ini"
	kill -HUP "$proxy_pid"
	wait_grep "$BATS_TEST_TMPDIR/proxy.log" "reload refused, configuration kept: .*proxy.ini:7: balance: 'fastest' is not one of rr, lc, hash"
	run curl -s "http://127.0.0.1:$h/z"
	assert_output "node=two GET /z?"
}

@test "SIGTERM drains: the request in flight completes, new ones are refused, exit 0" {
	local a h
	free_ports a h
	srv_node srv "$a"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --to "127.0.0.1:$a"
	curl -s "http://127.0.0.1:$h/sleep?1.5" >"$BATS_TEST_TMPDIR/slow" &
	local slow=$!
	sleep 0.3
	kill -TERM "$proxy_pid"
	sleep 0.2
	run curl -s "http://127.0.0.1:$h/late"
	assert_failure 7
	wait "$slow"
	run cat "$BATS_TEST_TMPDIR/slow"
	assert_output "node=srv GET /sleep?1.5"
	local rc=0
	wait "$proxy_pid" || rc=$?
	assert_equal "$rc" 0
	run cat "$BATS_TEST_TMPDIR/proxy.log"
	assert_output --partial "draining 1 connections, then exiting"
	assert_output --partial "goodbye"
}

@test "the stats document: uWSGI's router shape, read by uwsgi-stats (table, --json, --nagios)" {
	local a h s dead
	free_ports a h s dead
	srv_node srv "$a"
	start_proxy "$h" --http-socket "127.0.0.1:$h" --stats "127.0.0.1:$s" \
		--to "127.0.0.1:$a" --to "127.0.0.1:$dead" --check-interval 1
	curl -s "http://127.0.0.1:$h/" >/dev/null
	wait_stats "$s" '[n["death_mark"] for n in d["static_nodes"]] == [0, 1]'
	run stats "$s" 'sorted(k for k in d)'
	assert_output '["active_sessions", "balance", "cheap", "check_interval", "cwd", "draining", "gid", "pid", "refused", "requests", "sockets", "start_time", "static_nodes", "subscription_server", "subscriptions", "uid", "uwsgi-proxy", "version"]'
	run stats "$s" 'sorted(d["static_nodes"][0])'
	assert_output '["active", "death_mark", "failcnt", "grace", "hits", "last_check", "load", "name", "requests", "rx", "status", "tx"]'
	run "$UP_BIN/uwsgi-stats" "127.0.0.1:$s"
	assert_success
	assert_output --partial "127.0.0.1:$a"
	assert_output --partial "(1 dead)"
	run "$UP_BIN/uwsgi-stats" --nagios "127.0.0.1:$s"
	echo "$output"
	[[ "${lines[0]}" == *"2 nodes (1 dead)"* ]]
	run "$UP_BIN/uwsgi-stats" --json "127.0.0.1:$s"
	assert_success
}
