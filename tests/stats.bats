#!/usr/bin/env bats
# uwsgi-stats, the stats reader and Nagios plugin: the summary, --json and
# --watch against Debian's real uWSGI 2.0 (a node, its --stats-http form, a
# fastrouter with subscriptions and static nodes); every threshold form and
# the perfdata format against a real document served as is; a node that
# is down, hangs, babbles or hangs up half way.

bats_require_minimum_version 1.5.0
load helpers/common

APP=$BATS_TEST_DIRNAME/apps/stats_app.py
FAKE=$BATS_TEST_DIRNAME/apps/fake_stats.py
# A real uWSGI 2.0.21 document (4 workers, 3 of them busy, --memory-report),
# kept as uWSGI wrote it: the threshold tests need values that hold still.
NODE_DOC=$BATS_TEST_DIRNAME/apps/stats-node.json
# A real fastrouter's document (one key, one subscribed node).
ROUTER_DOC=$BATS_TEST_DIRNAME/apps/stats-fastrouter.json

# One real node for the tests that only read it: 2 workers, a uwsgi socket
# answering pings, an HTTP socket for curl, the stats socket.
setup_file() {
	require_cmd uwsgi curl
	NODE_PORT=$(free_port)
	NODE_HTTP=$(free_port)
	NODE_STATS=$(free_port)
	export NODE_PORT NODE_HTTP NODE_STATS STATS=127.0.0.1:$NODE_STATS
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR start_uwsgi node "$NODE_PORT" "$APP" \
		--processes 2 --plugin ping --http-socket "127.0.0.1:$NODE_HTTP" \
		--stats "$STATS" --memory-report
	wait_port "$NODE_STATS"
	wait_port "$NODE_HTTP"
}

teardown_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR stop_all
}

teardown() {
	[ -z "${TMUX_SOCK:-}" ] || tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	stop_all
}

stats() { "$UP_BIN/uwsgi-stats" "$@"; }

# raw_doc PORT: a stats document exactly as the server wrote it, read by
# Python rather than by the tool under test.
raw_doc() {
	$PY - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.buffer.write(data)
PY
}

# jq_py EXPR: evaluate a Python expression over the JSON on stdin (as d).
jq_py() {
	$PY -c "import json, sys; d = json.load(sys.stdin); print($1)"
}

# pid_of STATUS: the pid of the first worker in that status, from the
# document on stdin.
pid_of() {
	jq_py "[w['pid'] for w in d['workers'] if w['status'] == '$1'][0]"
}

# hold_busy SECONDS [PATH]: keep one of the node's workers busy, once an
# earlier test's sleeping request is over.
hold_busy() {
	wait_busy 0
	start_bg busy curl -s --max-time $(($1 + 5)) "http://127.0.0.1:$NODE_HTTP${2:-/sleep}?$1"
}

# wait_busy N: until the node's own document shows N busy workers.
wait_busy() {
	local i n
	for i in $(seq 400); do
		n=$(raw_doc "$NODE_STATS" | $PY -c 'import sys, re
print(len(re.findall(rb"\"status\":\"busy\"", sys.stdin.buffer.read())))')
		[ "$n" = "$1" ] && return 0
		sleep 0.05
	done
	echo "the node never showed $1 busy workers (last count: $n)" >&2
	[ ! -f "$BATS_TEST_TMPDIR/busy.log" ] || show_log busy
	return 1
}

# start_fake MODE [FILE...]: fake_stats.py on a free port; its address in $fake.
start_fake() {
	local port mode=$1
	shift
	port=$(free_port)
	start_bg fake "$PY" "$FAKE" "$mode" "$port" "$@"
	wait_port "$port" || { show_log fake; return 1; }
	fake=127.0.0.1:$port
}

# check_plugin_output STATUS: $output must be one Monitoring Plugins line
# whose state word matches STATUS, with well-formed perfdata (a parser of
# the guidelines' format, independent of the tool's code).
check_plugin_output() {
	PLUGIN_OUT=$output $PY - "$1" <<'PY'
import os, re, sys
status = int(sys.argv[1])
out = os.environ["PLUGIN_OUT"]
first = out.split("\n")[0]
m = re.fullmatch(r"UWSGI (OK|WARNING|CRITICAL|UNKNOWN) - ([^|]+?)(?:\|(.*))?", first)
if not m:
    sys.exit("not a status line: %r" % first)
if ["OK", "WARNING", "CRITICAL", "UNKNOWN"].index(m.group(1)) != status:
    sys.exit("state %s but exit status %d" % (m.group(1), status))
num = r"-?[0-9]+(?:\.[0-9]+)?"
rng = r"@?(?:(?:~|%s)?:(?:%s)?|%s)" % (num, num, num)
item = re.compile(r"(?P<label>'(?:[^']|'')+'|[^'= ]+)=(?P<value>%s)"
                  r"(?P<uom>s|ms|us|%%|B|KB|MB|TB|c)?"
                  r"(?:;(?P<warn>%s)?(?:;(?P<crit>%s)?(?:;(?P<min>%s)?(?:;(?P<max>%s)?)?)?)?)?"
                  % (num, rng, rng, num, num))
labels = []
for p in (m.group(3) or "").split():
    i = item.fullmatch(p)
    if not i:
        sys.exit("bad perfdata item %r" % p)
    if i.group("warn") in ("@", ":") or i.group("crit") in ("@", ":"):
        sys.exit("empty range in %r" % p)
    labels.append(i.group("label"))
if len(set(labels)) != len(labels):
    sys.exit("a label twice: %r" % labels)
print(" ".join(labels))
PY
}

@test "the summary shows one busy and one idle worker with their pids (real uWSGI, 2 workers)" {
	hold_busy 3
	wait_busy 1
	doc=$(raw_doc "$NODE_STATS")
	busy_pid=$(pid_of busy <<<"$doc")
	idle_pid=$(pid_of idle <<<"$doc")
	master=$(jq_py 'd["pid"]' <<<"$doc")
	run --separate-stderr stats -i 0 "$STATS"
	assert_success
	assert_line --index 0 --regexp "^uWSGI 2\.0\.[0-9]+.*  pid $master  up [0-9]+s  cwd /"
	assert_line --regexp "^listen queue 0/[0-9]+  overflows 0  load [0-9]+  signal queue 0$"
	assert_output --partial "workers 2: 1 busy, 1 idle"
	assert_line --regexp "^WORKER +PID +STATUS +REQUESTS +REQ/S +EXC +HARAKIRI +RESPAWNS +RSS +VSZ +AVG RT +CURRENT REQUEST$"
	assert_line --regexp "^ +[12] +$busy_pid +busy .* GET /sleep\?3 \([0-9]+s\)$"
	assert_line --regexp "^ +[12] +$idle_pid +idle +[0-9]+ +- +0 +0 +0 +(-|[0-9.]+(K|M)iB) +(-|[0-9.]+(M|G)iB) "
	assert_line --regexp "^ total +1 busy "
	# uWSGI fills max_queue in on its master's first cycle: 0 or 100.
	assert_line --regexp "^127\.0\.0\.1:$NODE_PORT +uwsgi +0 +(0|100) +no +no$"
	assert_line --regexp "^127\.0\.0\.1:$NODE_HTTP +http "
	# Not a terminal: no colour.
	[[ "$output" != *$'\e['* ]]
}

@test "req/s is each worker's requests during the sample over its length" {
	# Two real documents in a row: worker 1 served 3 more requests, worker
	# 2 ten more, worker 3 was respawned (new pid: no rate), worker 4 none.
	$PY - "$NODE_DOC" "$BATS_TEST_TMPDIR/later.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = d["workers"]
w[0]["requests"] += 3
w[1]["requests"] += 10
w[2]["pid"] += 1000
w[2]["requests"] = 0
json.dump(d, open(sys.argv[2], "w"))
PY
	# (wait_port's probe is the first connection: it takes the first file.)
	start_fake seq "$NODE_DOC" "$NODE_DOC" "$BATS_TEST_TMPDIR/later.json"
	run --separate-stderr stats --json -i 0.5 "$fake"
	assert_success
	[ "$(jq_py '[None if w["requests_per_s"] is None else round(w["requests_per_s"] * d["interval_s"], 2) for w in d["workers"]]' <<<"$output")" = "[3.0, 10.0, None, 0.0]" ]
	[ "$(jq_py '0.45 < d["interval_s"] < 2' <<<"$output")" = True ]
	# The summary shows the same, and the total of the known rates.
	stop_all
	start_fake seq "$NODE_DOC" "$NODE_DOC" "$BATS_TEST_TMPDIR/later.json"
	run --separate-stderr stats -i 0.5 "$fake"
	assert_success
	rates=$(awk '$1 ~ /^[0-9]+$/ && NF > 5 { print $5 } $1 == "total" { print $5 }' <<<"$output" | xargs)
	[[ "$rates" =~ ^[0-9.]+\ [0-9.]+\ -\ 0\.0\ [0-9.]+$ ]]
	assert_output --regexp "  requests 18  2[0-9]\.[0-9] req/s over 0\.[5-9] s"
}

@test "req/s against real uWSGI: the requests sent during the sample" {
	wait_busy 0
	# Requests all through the sample, so the count does not hang on when
	# exactly the two readings happen on a busy machine.
	( for i in $(seq 40); do curl -s "http://127.0.0.1:$NODE_HTTP/" >/dev/null; sleep 0.05; done ) &
	pid=$!
	run --separate-stderr stats --json -i 1 "$STATS"
	wait "$pid"
	assert_success
	got=$(jq_py 'sum(round(w["requests_per_s"] * d["interval_s"], 3) for w in d["workers"])' <<<"$output")
	[[ "$got" =~ ^[0-9]+\.0$ ]] && [ "${got%.0}" -ge 1 ] && [ "${got%.0}" -le 40 ]
	# Read once (-i 0), there is no rate to give.
	run stats --json -i 0 "$STATS"
	assert_success
	[ "$(jq_py '[w["requests_per_s"] for w in d["workers"]], d["interval_s"]' <<<"$output")" = "[None, None] None" ]
}

@test "--json round-trips through python3 -m json.tool and keeps the node's values" {
	hold_busy 3
	wait_busy 1
	run --separate-stderr stats --json -i 0.2 "$STATS"
	assert_success
	echo "$output" | $PY -m json.tool >/dev/null
	raw=$(raw_doc "$NODE_STATS")
	ours=$output
	OURS=$ours RAW=$raw $PY - <<'PY'
import json, os
ours, raw = json.loads(os.environ["OURS"]), json.loads(os.environ["RAW"])
assert ours["kind"] == "node" and ours["version"] == raw["version"]
assert ours["pid"] == raw["pid"] and ours["cwd"] == raw["cwd"]
assert [w["pid"] for w in ours["workers"]] == [w["pid"] for w in raw["workers"]]
assert [s["name"] for s in ours["sockets"]] == [s["name"] for s in raw["sockets"]]
busy = [w for w in ours["workers"] if w["status"] == "busy"]
assert len(busy) == 1 and busy[0]["request"]["method"] == "GET", busy
assert busy[0]["request"]["uri"] == "/sleep?3"
assert ours["metrics"]["busy"] == 1 and ours["metrics"]["workers"] == 2
assert ours["metrics"]["busy-pct"] == 50
assert all(w["rss_bytes"] > 0 for w in ours["workers"])   # --memory-report
assert ours["interval_s"] > 0.15
PY
}

@test "a busy request whose vars are not UTF-8 still reads (uWSGI copies them raw)" {
	hold_busy 3 /sleep%FF%01
	wait_busy 1
	# uWSGI's own document is not valid JSON now...
	run $PY -c 'import json, sys; json.loads(sys.stdin.buffer.read())' < <(raw_doc "$NODE_STATS")
	assert_failure
	# ...but the reader repairs the strings before parsing.
	run --separate-stderr stats --json -i 0 "$STATS"
	assert_success
	echo "$output" | $PY -m json.tool >/dev/null
	[ "$(jq_py '[w["request"]["uri"] for w in d["workers"] if w["request"]][0]' <<<"$output")" = "/sleep%FF%01?3" ]
	run stats --nagios "$STATS"
	assert_success
}

@test "an http:// URL reads a --stats-http endpoint; host:port of one names the cause" {
	port=$(free_port) sport=$(free_port)
	start_uwsgi web "$port" "$APP" --stats "127.0.0.1:$sport" --stats-http
	wait_port "$sport"
	run --separate-stderr stats -i 0 "http://127.0.0.1:$sport/"
	assert_success
	assert_output --partial "workers 1: 0 busy, 1 idle"
	run stats --nagios "http://localhost:$sport"
	assert_success
	check_plugin_output 0
	run --separate-stderr stats -t 0.5 -i 0 "127.0.0.1:$sport"
	assert_failure 3
	[[ "$stderr" == *"needs an http:// address"* ]]
	# Without the ping plugin uWSGI closes a ping unanswered.
	run stats --nagios --ping "127.0.0.1:$port"
	assert_failure 2
	assert_output --partial "UWSGI CRITICAL - no pong from 127.0.0.1:$port"
}

@test "HTTP answers framed by Content-Length, chunked or the close all read; a 404 does not" {
	for mode in http chunked close; do
		start_fake "$mode" "$NODE_DOC"
		run stats --nagios -m busy -w 5 "http://$fake/stats"
		assert_success
		assert_output --partial "4 workers: 3 busy, 1 idle"
		stop_all
	done
	start_fake http404
	run --separate-stderr stats -i 0 "http://$fake/"
	assert_failure 4
	assert_equal "$stderr" "uwsgi-stats: http://$fake/: HTTP 404 Not Found"
	run stats --nagios "http://$fake/"
	assert_failure 3
	assert_output "UWSGI UNKNOWN - http://$fake/: HTTP 404 Not Found"
}

@test "every threshold form gives the exit status the guidelines define" {
	start_fake raw "$NODE_DOC"   # busy = 3 of 4 workers, busy-pct = 75
	# metric, -w, -c, expected exit status
	while read -r metric warn crit want; do
		args=(--nagios -m "$metric")
		[ "$warn" = - ] || args+=(-w "$warn")
		[ "$crit" = - ] || args+=(-c "$crit")
		run stats "${args[@]}" "$fake"
		if [ "$status" -ne "$want" ]; then
			echo "-m $metric -w $warn -c $crit: exit $status, expected $want" >&2
			echo "$output" >&2
			return 1
		fi
		check_plugin_output "$want" >/dev/null
	done <<'TABLE'
busy 5 - 0
busy 2 - 1
busy - 2 2
busy 2 5 1
busy 1 2 2
busy 3 3 0
busy 2.5 - 1
busy 2.999 - 1
busy 3.0 - 0
busy 4: - 1
busy 3: - 0
busy - 3.5: 2
busy ~:2 - 1
busy ~:3 - 0
busy 1:2 - 1
busy 3:3 - 0
busy 2:4 - 0
busy -1:1 - 1
busy @2:4 - 1
busy @3:3 - 1
busy @4:5 - 0
busy @0:2.9 - 0
busy - @~:3 2
busy @~:3 @~:2 1
busy-pct 80 95 0
busy-pct 70 95 1
busy-pct 50 70 2
idle 1:1 - 0
idle 2: 2: 2
workers 4:4 - 0
requests ~:7 - 1
rss 10 11 1
rss 20 30 0
listen-queue 0 1 0
TABLE
}

@test "-w/-c before any --metric apply to busy-pct; each --metric keeps its own" {
	start_fake raw "$NODE_DOC"
	run stats --nagios -w 70 -c 95 "$fake"
	assert_failure 1
	assert_output --regexp '^UWSGI WARNING - busy-pct is 75% \(warning 70\); '
	assert_output --partial "busy-pct=75%;70;95;0;100"
	run stats --nagios -m busy -w 5 -m busy-pct -w 50 -c 70 -m idle -c 1:1 "$fake"
	assert_failure 2
	assert_output --regexp '^UWSGI CRITICAL - busy-pct is 75% \(critical 70\); 4 workers'
	assert_output --partial " busy=3;5;;0;4 busy-pct=75%;50;70;0;100 idle=1;;1:1;0;4 "
	run stats --nagios -m idle -c 2: -m requests -w 5 "$fake"
	assert_failure 2
	assert_output --partial "idle is 1 (critical 2:), requests is 8 (warning 5)"
	# Ranges come back in their standard form: perfdata allows no exponent.
	run stats --nagios -m busy -w 1e1 -c 0:20 "$fake"
	assert_success
	assert_output --partial " busy=3;10;20;0;4 "
}

@test "counters past any long long saturate instead of wrapping; huge reals count as missing" {
	# Found by tests/fuzz/fuzz_stats: the sum of two huge counters
	# overflowed (undefined behaviour; -2 in practice) and a real such as
	# 1e300 was converted to long long (undefined too).
	printf '{"workers": [{"id": 1, "status": "idle", "requests": 9223372036854775807,
	 "rss": 1e300, "avg_rt": -1e300}, {"id": 2, "status": "busy",
	 "requests": 9223372036854775807}], "listen_queue": 1e300}' >"$BATS_TEST_TMPDIR/huge.json"
	start_fake raw "$BATS_TEST_TMPDIR/huge.json"
	run stats --nagios -m requests -w 5 "$fake"
	assert_failure 1
	check_plugin_output 1 >/dev/null
	assert_output --partial " requests=9223372036854775808c;5;;0 "
	assert_output --partial " listen-queue=0;;;0 "
	assert_output --partial " rss=0MB;;;0 "
	refute_output --partial "=-"
	run stats --json "$fake"
	assert_success
	assert_equal "$(jq_py "[d['metrics']['requests'] > 9e18, d['workers'][0]['rss_bytes']]" <<<"$output")" '[True, None]'
}

@test "perfdata has every metric with its unit and passes the format's parser" {
	start_fake raw "$NODE_DOC"
	run stats --nagios -m rss -w 10 -c 20 "$fake"
	assert_failure 1
	labels=$(check_plugin_output 1)
	assert_equal "$labels" "$(stats --list-metrics | awk '$2 ~ /node/ { printf "%s%s", sep, $1; sep = " " }')"
	assert_output --regexp '\|workers=4;;;0 busy=3;;;0;4 busy-pct=75%;;;0;100 idle=1;;;0;4 listen-queue=0;;;0;100 listen-queue-errors=0c;;;0 load=0;;;0 requests=8c;;;0 exceptions=0c;;;0 harakiri=0c;;;0 respawns=0c;;;0 rss=10\.85546875MB;10;20;0 rss-total=43\.2421875MB;;;0 vsz=58\.40625MB;;;0 avg-rt=0\.093125ms;;;0 time=0\.[0-9]{6}s;;;0\.000000$'
	# The real node, and the one-line ping.
	run stats --nagios "$STATS"
	assert_success
	check_plugin_output 0
	run stats --nagios --ping -w 5 -c 10 "127.0.0.1:$NODE_PORT"
	assert_success
	check_plugin_output 0
}

@test "-v adds a line per worker after the status line" {
	hold_busy 3
	wait_busy 1
	run stats --nagios -v "$STATS"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line --index 1 --regexp '^worker 1 \(pid [0-9]+\): (busy|idle), [0-9]+ requests, 0 exceptions, 0 harakiri, 0 respawns, rss [0-9.]+(K|M)iB, avg rt '
	assert_output --regexp 'worker [12] \(pid [0-9]+\): busy, .*, serving GET /sleep\?3'
}

@test "a node that is down is CRITICAL at once (exit 2), and exit 2 without --nagios" {
	port=$(free_port)
	start=$(date +%s%N)
	run stats --nagios -t 3 "127.0.0.1:$port"
	assert_failure 2
	assert_output "UWSGI CRITICAL - connect 127.0.0.1:$port: Connection refused"
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 3000 ]
	run --separate-stderr stats "127.0.0.1:$port"
	assert_failure 2
	assert_equal "$stderr" "uwsgi-stats: connect 127.0.0.1:$port: Connection refused"
	run stats --nagios --ping "127.0.0.1:$port"
	assert_failure 2
	assert_output "UWSGI CRITICAL - connect 127.0.0.1:$port: Connection refused"
	run stats --nagios -H 127.0.0.1 -p "$port"
	assert_failure 2
	run stats --nagios "no-such-host.invalid:1717"
	assert_failure 2
	assert_output --regexp '^UWSGI CRITICAL - resolve no-such-host\.invalid: '
}

@test "a node that never answers is UNKNOWN within -t; -t S:STATE picks the state" {
	start_fake hang
	for spec in 1:UNKNOWN:3 1:critical:2 1:warning:1 1:ok:0 0.5:3:3; do
		IFS=: read -r secs state want <<<"$spec"
		start=$(date +%s%N)
		run stats --nagios -t "$secs:$state" "$fake"
		ms=$(( ($(date +%s%N) - start) / 1000000 ))
		[ "$status" -eq "$want" ]
		assert_output --regexp "^UWSGI [A-Z]+ - $fake: no answer within $secs s"
		[ "$ms" -ge 400 ] && [ "$ms" -lt 2500 ]
	done
	run stats --nagios -t 1 "$fake"
	assert_failure 3
	run --separate-stderr stats -t 0.3 "$fake"
	assert_failure 3
}

@test "garbage or a truncated document is UNKNOWN (exit 3), exit 4 without --nagios" {
	start_fake garbage
	run stats --nagios "$fake"
	assert_failure 3
	assert_output "UWSGI UNKNOWN - $fake: not a JSON document: it holds NUL bytes"
	run --separate-stderr stats -i 0 "$fake"
	assert_failure 4
	stop_all
	start_fake truncated "$NODE_DOC"
	run stats --nagios "$fake"
	assert_failure 3
	assert_output --regexp "^UWSGI UNKNOWN - $fake: not a JSON document: premature end of input .*\(line [0-9]+, column [0-9]+\)$"
	run --separate-stderr stats --json "$fake"
	assert_failure 4
	[ -z "$output" ]
	stop_all
	# A NUL or a stray byte inside a string is repaired like uWSGI's raw vars.
	$PY - "$NODE_DOC" "$BATS_TEST_TMPDIR/nul.json" <<'PY'
import sys
doc = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(doc.replace(b'"cwd":"/', b'"cwd":"\x00\xc3\x28/', 1))
PY
	start_fake raw "$BATS_TEST_TMPDIR/nul.json"
	run stats --json -i 0 "$fake"
	assert_success
	[ "$(jq_py 'd["cwd"]' <<<"$output")" = "??(/tmp/st" ]
	stop_all
	# Valid JSON, but not a stats document.
	echo '{"hello": "world"}' >"$BATS_TEST_TMPDIR/other.json"
	start_fake raw "$BATS_TEST_TMPDIR/other.json"
	run stats --nagios "$fake"
	assert_failure 3
	assert_output --partial "not a uWSGI stats document"
}

@test "a fastrouter's document is recognised: keys, subscribed and static nodes" {
	fr=$(free_port) frs=$(free_port) sub=$(free_port) be=$(free_port)
	fr2=$(free_port) frs2=$(free_port)
	start_bg router uwsgi --plugin fastrouter --master --die-on-term \
		--fastrouter "127.0.0.1:$fr" --fastrouter-stats "127.0.0.1:$frs" \
		--fastrouter-subscription-server "127.0.0.1:$sub"
	wait_port "$frs"
	start_uwsgi backend "$be" "$APP" --subscribe-to "127.0.0.1:$sub:app.example" \
		--stats "$BATS_TEST_TMPDIR/backend-stats.sock"
	start_bg static uwsgi --plugin fastrouter --master --die-on-term \
		--fastrouter "127.0.0.1:$fr2" --fastrouter-stats "127.0.0.1:$frs2" \
		--fastrouter-to "127.0.0.1:$be"
	wait_port "$frs2"
	for i in $(seq 100); do
		raw_doc "$frs" | grep -q "127.0.0.1:$be" && break
		sleep 0.05
	done
	run --separate-stderr stats -i 0 "127.0.0.1:$frs"
	assert_success
	assert_line --index 0 --regexp "^uWSGI fastrouter 2\.0\.[0-9]+.* +pid [0-9]+ +on 127\.0\.0\.1:$fr, 127\.0\.0\.1:$sub$"
	assert_line --regexp "^active sessions 0  keys 1  nodes 1 \(0 dead\)  requests [0-9]+$"
	assert_line --regexp "^KEY +NODE +REQUESTS +REQ/S +TX +RX +LOAD +WEIGHT +FAILS +STATE$"
	assert_line --regexp "^app\.example +127\.0\.0\.1:$be +[0-9]+ +- +.* alive$"
	run stats --json -i 0 "127.0.0.1:$frs"
	assert_success
	[ "$(jq_py 'd["kind"], d["router"], d["subscriptions"][0]["key"], d["subscriptions"][0]["nodes"][0]["name"]' <<<"$output")" = "router fastrouter app.example 127.0.0.1:$be" ]
	run stats --nagios -m nodes -w 2: "127.0.0.1:$frs"
	assert_failure 1
	assert_output --partial "UWSGI WARNING - nodes is 1 (warning 2:); fastrouter: 0 active sessions, 1 nodes (0 dead), 1 keys"
	check_plugin_output 1
	run stats --nagios -c 0 "127.0.0.1:$frs"   # default metric: dead-nodes
	assert_success
	assert_output --partial "dead-nodes=0;;0;0;1"
	run stats --nagios -m busy -w 1 "127.0.0.1:$frs"
	assert_failure 3
	assert_output --partial "--metric busy does not apply to the fastrouter's document"
	# A router with static nodes (--fastrouter-to).
	run --separate-stderr stats -i 0 "127.0.0.1:$frs2"
	assert_success
	assert_line --regexp "^\(static\) +127\.0\.0\.1:$be +[0-9]+ +.* alive$"
	# The backend's own stats, on a UNIX socket.
	run stats --nagios "$BATS_TEST_TMPDIR/backend-stats.sock"
	assert_success
	assert_output --partial "1 workers: 0 busy, 1 idle"
}

@test "--nagios --ping: a pong is OK with its time, as uWSGI's --nagios checks" {
	run stats --nagios --ping "127.0.0.1:$NODE_PORT"
	assert_success
	assert_output --regexp "^UWSGI OK - PONG from 127\.0\.0\.1:$NODE_PORT in [0-9]+\.[0-9]{3} s\|time=[0-9]+\.[0-9]{6}s;;;0\.000000$"
	run stats --ping -w 0.000000001 "127.0.0.1:$NODE_PORT"
	assert_failure 1
	assert_output --regexp "^UWSGI WARNING - time is [0-9.]+ s \(warning 0\.000000001\); PONG from "
	run stats --ping -m busy -w 1 "127.0.0.1:$NODE_PORT"
	assert_failure 3
	run stats --ping "http://127.0.0.1:$NODE_PORT/"
	assert_failure 3
}

@test "--watch under tmux: the screen updates, q quits, the terminal is restored" {
	require_cmd tmux
	TMUX_SOCK=uwsgi-stats-$$-$BATS_TEST_NUMBER
	tmux -L "$TMUX_SOCK" new-session -d -s w -x 120 -y 40 \
		"'$UP_BIN/uwsgi-stats' --watch=0.3 '$STATS'; echo \"exit=\$?\"; stty -a; sleep 60"
	screen() { tmux -L "$TMUX_SOCK" capture-pane -p -t w; }
	pane() { tmux -L "$TMUX_SOCK" display -p -t w "#{$1}"; }
	for i in $(seq 100); do screen | grep -q '^WORKER' && break; sleep 0.05; done
	run screen
	assert_line --index 0 --regexp "^uwsgi-stats 127\.0\.0\.1:$NODE_STATS  every 0\.3 s  [0-9:]{8}  \(q quits\)$"
	assert_output --partial "workers 2:"
	[ "$(pane alternate_on)" = 1 ]
	[ "$(pane cursor_flag)" = 0 ]
	before=$(screen | sed -n 's/.*  requests \([0-9]*\).*/\1/p')
	for i in $(seq 5); do curl -s "http://127.0.0.1:$NODE_HTTP/" >/dev/null; done
	for i in $(seq 100); do
		now=$(screen | sed -n 's/.*  requests \([0-9]*\).*/\1/p')
		[ "$now" = $((before + 5)) ] && break
		sleep 0.05
	done
	assert_equal "$now" $((before + 5))
	screen | grep -qE '^ total .* [0-9.]+ +[0-9]+ '   # per-interval rates shown
	tmux -L "$TMUX_SOCK" send-keys -t w q
	for i in $(seq 100); do screen | grep -q '^exit=' && break; sleep 0.05; done
	run screen
	assert_line "exit=0"
	# Back on the normal screen, cursor shown, line editing and echo on.
	[ "$(pane alternate_on)" = 0 ]
	[ "$(pane cursor_flag)" = 1 ]
	assert_output --regexp '(^| )icanon( |$)'
	assert_output --regexp '(^| )echo( |$)'
	refute_output --partial "WORKER"
}

@test "--watch on a pipe: one screen after another, errors shown, SIGTERM ends it cleanly" {
	port=$(free_port)
	run timeout --preserve-status -s TERM 1.5 "$UP_BIN/uwsgi-stats" --watch=0.3 "127.0.0.1:$port"
	assert_success
	refute_output --partial $'\e'
	frames=$(grep -c "^uwsgi-stats 127.0.0.1:$port  every 0.3 s" <<<"$output")
	[ "$frames" -ge 3 ]
	[ "$(grep -c "^connect 127.0.0.1:$port: Connection refused$" <<<"$output")" = "$frames" ]
	assert_output --partial "(trying again every 0.3 s)"
}

@test "colour only on a terminal and without NO_COLOR; --color overrides" {
	require_cmd tmux
	TMUX_SOCK=uwsgi-stats-c-$$-$BATS_TEST_NUMBER
	run stats -i 0 --color=always "$STATS"
	assert_output --partial $'\e[32midle\e[0m'
	run stats -i 0 "$STATS"
	refute_output --partial $'\e['
	for nc in "" 1; do
		tmux -L "$TMUX_SOCK" new-session -d -s "c$nc" -x 150 -y 40 \
			"NO_COLOR=$nc '$UP_BIN/uwsgi-stats' -i 0 '$STATS'; sleep 60"
		for i in $(seq 100); do
			tmux -L "$TMUX_SOCK" capture-pane -p -t "c$nc" | grep -q '^SOCKET' && break
			sleep 0.05
		done
		out=$(tmux -L "$TMUX_SOCK" capture-pane -e -p -t "c$nc")
		if [ -z "$nc" ]; then [[ "$out" == *$'\e['* ]]; else [[ "$out" != *$'\e['* ]]; fi
	done
}

@test "usage errors: exit 1 on stderr, or UNKNOWN on stdout with --nagios" {
	run --separate-stderr stats
	assert_failure 1
	[ -z "$output" ]
	assert_equal "$stderr" "uwsgi-stats: no ADDRESS given (try --help)"
	run --separate-stderr stats -m busy -w 1 "$STATS"
	assert_failure 1
	assert_equal "$stderr" "uwsgi-stats: -m, -w and -c go with --nagios"
	run --separate-stderr stats --json --watch "$STATS"
	assert_failure 1
	while read -r args; do
		run --separate-stderr stats --nagios $args
		if [ "$status" -ne 3 ] || [[ "$output" != "UWSGI UNKNOWN - "* ]] || [ -n "$stderr" ]; then
			echo "--nagios $args: exit $status, stdout '$output', stderr '$stderr'" >&2
			return 1
		fi
	done <<TABLE
$STATS --bogus
$STATS -w 5:1
$STATS -w :
$STATS -w @
$STATS -w abc
$STATS -w 1e999
$STATS -w -2
$STATS -c 1e16
$STATS -w -1e50:
$STATS -c 1 -c 2
$STATS -m nosuch -w 1
$STATS -m busy
$STATS -m busy -m idle -w 1
$STATS -t 0
$STATS -t 10:sideways
-H 127.0.0.1
tcp://127.0.0.1:1
$STATS -i 1
TABLE
	# Found by tests/fuzz/fuzz_range: "-2" was taken as 0..-2 (alerting on
	# every value), and 1e50 was shown cut short in perfdata.
	run stats --nagios -w -2 "$STATS"
	assert_failure 3
	assert_output "UWSGI UNKNOWN - -w: '-2' is not a range (10, 10:, ~:10, 10:20, @10:20)"
}

@test "-H/-p address the node as other plugins take it" {
	run stats --nagios -H 127.0.0.1 -p "$NODE_STATS"
	assert_success
	assert_output --partial "2 workers:"
	run stats --nagios -H ::1 -p 1
	assert_failure 2
	assert_output "UWSGI CRITICAL - connect [::1]:1: Connection refused"
}

@test "against uwsgi-server's stats: one busy and one idle worker with their pids" {
	port=$(free_port) http=$(free_port) sport=$(free_port)
	start_bg server "$UP_BIN/uwsgi-server" --master --processes 2 --socket "127.0.0.1:$port" \
		--http-socket "127.0.0.1:$http" --stats "127.0.0.1:$sport" --wsgi-file "$APP"
	wait_port "$sport" || { show_log server; return 1; }
	wait_port "$http"
	start_bg busy curl -s --max-time 8 "http://127.0.0.1:$http/sleep?3"
	for i in $(seq 100); do
		raw_doc "$sport" | grep -q '"status":"busy"' && break
		sleep 0.05
	done
	doc=$(raw_doc "$sport")
	busy_pid=$(pid_of busy <<<"$doc")
	idle_pid=$(pid_of idle <<<"$doc")
	run --separate-stderr stats -i 0 "127.0.0.1:$sport"
	assert_success
	assert_output --partial "workers 2: 1 busy, 1 idle"
	assert_line --regexp "^ +[12] +$busy_pid +busy "
	assert_line --regexp "^ +[12] +$idle_pid +idle "
	run stats --json -i 0 "127.0.0.1:$sport"
	assert_success
	echo "$output" | $PY -m json.tool >/dev/null
	run stats --nagios -m busy -w 1 -c 2 "127.0.0.1:$sport"
	assert_success
	check_plugin_output 0
}

@test "against uwsgi-proxy's stats: a router document with its static nodes" {
	port=$(free_port) sport=$(free_port) dead=$(free_port)
	start_bg proxy "$UP_BIN/uwsgi-proxy" --uwsgi-socket "127.0.0.1:$port" \
		--to "127.0.0.1:$NODE_PORT" --to "127.0.0.1:$dead" --stats "127.0.0.1:$sport"
	wait_port "$sport" || { show_log proxy; return 1; }
	run --separate-stderr stats -i 0 "127.0.0.1:$sport"
	assert_success
	assert_line --index 0 --regexp "^uwsgi-proxy [0-9.]+  pid [0-9]+  on 127\.0\.0\.1:$port"
	assert_line --regexp "^\(static\) +127\.0\.0\.1:$NODE_PORT "
	assert_line --regexp "^\(static\) +127\.0\.0\.1:$dead "
	run stats --json -i 0 "127.0.0.1:$sport"
	assert_success
	echo "$output" | $PY -m json.tool >/dev/null
	[ "$(jq_py 'd["kind"], len(d["static_nodes"])' <<<"$output")" = "router 2" ]
	run stats --nagios -m nodes -c 2:2 "127.0.0.1:$sport"
	assert_success
	check_plugin_output 0
}

@test "the man page's examples run (addresses pointed at this suite's peers)" {
	start_fake raw "$ROUTER_DOC"
	router=$fake
	start_fake http "$NODE_DOC"
	n=0
	while IFS= read -r cmd; do
		case $cmd in *--watch*|ssh*) continue ;; esac
		cmd=${cmd//'\(dq'/\"}
		cmd=${cmd%%| jq*}
		cmd=${cmd//http:\/\/127.0.0.1:9191\//http://$fake/}
		cmd=${cmd//127.0.0.1:9191/$STATS}
		cmd=${cmd//127.0.0.1:9192/$router}
		cmd=${cmd//127.0.0.1:3031/127.0.0.1:$NODE_PORT}
		run bash -c "$UP_BIN/$cmd"
		n=$((n + 1))
		if [[ "$cmd" == *--nagios* ]]; then
			[[ "$output" == "UWSGI "* && "$output" != *UNKNOWN* ]] && [ "$status" -le 2 ] && continue
		else
			[ "$status" -eq 0 ] && continue
		fi
		echo "example failed: $cmd (exit $status)" >&2
		echo "$output" >&2
		return 1
	done < <(sed -n 's/^\.Dl \$ //p' "$UP_ROOT/man/uwsgi-stats.1")
	[ "$n" -ge 6 ]
}

@test "the man page is lint-clean and documents every option" {
	run bash "$UP_ROOT/tests/helpers/manlint"
	refute_output --partial "uwsgi-stats.1"
	for opt in json watch interval color nagios ping metric warning critical timeout \
		hostname port verbose list-metrics help version; do
		grep -q -- "^\.It Fl .*-$opt\b" "$UP_ROOT/man/uwsgi-stats.1" ||
			{ echo "--$opt is not in the man page" >&2; return 1; }
	done
	for m in $(stats --list-metrics | awk '{ print $1 }'); do
		grep -q "^\.It Cm $m\$" "$UP_ROOT/man/uwsgi-stats.1" ||
			{ echo "metric $m is not in the man page" >&2; return 1; }
	done
}
