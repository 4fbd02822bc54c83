#!/usr/bin/env bats
# --cheaper: the worker count follows the load between --cheaper and
# --processes; stopped workers show "cheap" in the stats.

bats_require_minimum_version 1.5.0
load helpers/common

teardown() { stop_all; }

running() { pgrep -P "$srv_pid" | wc -l; }

@test "--cheaper 1 --processes 4: up to 4 under load, back to 1 idle, no request fails" {
	app=$BATS_TEST_TMPDIR/slow.py
	printf 'import time\ndef application(e, sr):\n    time.sleep(0.05)\n    sr("200 OK", [("Content-Length", "2")])\n    return [b"ok"]\n' >"$app"
	port=$(free_port)
	stats=$(free_port)
	up_server srv --master --processes 4 --cheaper 1 --cheaper-overload 1 \
		--socket "127.0.0.1:$port" --stats "127.0.0.1:$stats" --wsgi-file "$app" \
		--disable-logging
	wait_port "$port" || { show_log srv; false; }
	wait_grep "$BATS_TEST_TMPDIR/srv.log" "spawned worker 1"
	[ "$(running)" -eq 1 ]
	"$PY" -c 'import json,socket,sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); d = b""
while True:
    b = s.recv(65536)
    if not b: break
    d += b
st = [w["status"] for w in json.loads(d)["workers"]]
assert st == ["idle", "cheap", "cheap", "cheap"], st' "$stats"

	"$UP_BIN/uwsgi-send" --bench -n 600 -c 8 -t 10 "127.0.0.1:$port" / \
		>"$BATS_TEST_TMPDIR/bench.out" 2>&1 &
	bench=$!
	most=1
	while kill -0 "$bench" 2>/dev/null; do
		n=$(running)
		[ "$n" -gt "$most" ] && most=$n
		sleep 0.2
	done
	wait "$bench"
	cat "$BATS_TEST_TMPDIR/bench.out"
	grep -q "600 complete, 0 errors" "$BATS_TEST_TMPDIR/bench.out"
	[ "$most" -eq 4 ]
	grep -q "cheaper: all 3 workers busy" "$BATS_TEST_TMPDIR/srv.log"
	# Idle again: one worker left, stopped gracefully one at a time.
	for _ in $(seq 100); do
		[ "$(running)" -eq 1 ] && break
		sleep 0.2
	done
	[ "$(running)" -eq 1 ]
	grep -q "stopping worker 2" "$BATS_TEST_TMPDIR/srv.log"
	! grep -q "killed by signal" "$BATS_TEST_TMPDIR/srv.log" || false
}

@test "the master FIFO's c and C start and stop a cheap worker" {
	port=$(free_port)
	fifo=$BATS_TEST_TMPDIR/fifo
	up_server srv --master --processes 3 --cheaper 1 --cheaper-overload 60 \
		--socket "127.0.0.1:$port" --wsgi-file "$UP_ROOT/examples/hello.py" \
		--master-fifo "$fifo"
	wait_port "$port" || { show_log srv; false; }
	wait_file "$fifo"
	wait_grep "$BATS_TEST_TMPDIR/srv.log" "spawned worker 1"
	echo c >"$fifo"
	wait_grep "$BATS_TEST_TMPDIR/srv.log" "spawned worker 2"
	echo c >"$fifo"
	wait_grep "$BATS_TEST_TMPDIR/srv.log" "spawned worker 3"
	echo c >"$fifo"   # at --processes already: nothing
	sleep 0.5
	[ "$(running)" -eq 3 ]
	echo C >"$fifo"
	echo C >"$fifo"
	echo C >"$fifo"   # at --cheaper already: nothing
	for _ in $(seq 50); do [ "$(running)" -eq 1 ] && break; sleep 0.1; done
	[ "$(running)" -eq 1 ]
}
