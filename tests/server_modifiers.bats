#!/usr/bin/env bats
# Requests dispatched by modifier1 on uwsgi sockets: ping, echo, the
# management packets (98 graceful, 97 brutal reload) and the refusal of
# modifiers nobody serves; uwsgi-send's --echo and --reload as clients.

bats_require_minimum_version 1.5.0
load helpers/common

APP=$UP_ROOT/tests/apps/echo.py
SEND=$UP_BIN/uwsgi-send

teardown() { stop_all; }

# server NAME OPTIONS...: uwsgi-server with a master, 2 workers and the
# echo app on a TCP uwsgi socket $PORT and a UNIX socket $SOCK.
server() {
	local name=$1
	shift
	PORT=$(free_port)
	SOCK=$BATS_TEST_TMPDIR/app.sock
	start_bg "$name" "$UP_BIN/uwsgi-server" --master --processes 2 \
		--socket "127.0.0.1:$PORT" --socket "$SOCK" --wsgi-file "$APP" "$@"
	wait_port "$PORT" || { show_log "$name"; return 1; }
	wait_file "$SOCK"
	local pid_var=${name}_pid n
	n=$(grep -oE -- '--processes [0-9]+' <<<"$*" | tail -n 1 | cut -d' ' -f2)
	for _ in $(seq 100); do
		[ "$(pgrep -P "${!pid_var}" | wc -l)" -ge "${n:-2}" ] && return 0
		sleep 0.05
	done
}

workers_of() { pgrep -P "$1" | sort -n | tr '\n' ' '; }

# workers_replaced MASTER BEFORE: within 5 s MASTER has 2 workers again,
# and their list is not BEFORE.
workers_replaced() {
	local after
	for _ in $(seq 50); do
		after=$(workers_of "$1")
		[ "$(wc -w <<<"$after")" = 2 ] && [ "$after" != "$2" ] && return 0
		sleep 0.1
	done
	echo "workers before: $2, after: $after" >&2
	return 1
}

@test "an unknown modifier1 is logged with the peer and closed; the worker serves on" {
	server srv --processes 1
	pid=$(workers_of "$srv_pid")
	run --separate-stderr "$SEND" -m 77 "127.0.0.1:$PORT"
	assert_failure 4
	[[ "$stderr" == *"empty reply from server"* ]]
	grep -q "127.0.0.1: unavailable modifier requested: 77 (unknown)" "$BATS_TEST_TMPDIR/srv.log"
	run "$SEND" "127.0.0.1:$PORT" /after
	assert_success
	assert_output "GET /after?"
	[ "$(workers_of "$srv_pid")" = "$pid" ]
}

@test "ping answers a pong; echo sends the payload back raw" {
	server srv
	run "$SEND" --ping "127.0.0.1:$PORT"
	assert_success
	assert_output PONG
	run "$SEND" --echo "hello, echo" "127.0.0.1:$PORT"
	assert_success
	assert_output "hello, echo"
	run "$SEND" --echo "by UNIX socket" "$SOCK"
	assert_success
	assert_output "by UNIX socket"
}

@test "uwsgi-send --echo against Debian's real uWSGI and its echo plugin" {
	require_cmd uwsgi
	port=$(free_port)
	start_bg uw uwsgi --plugin echo --master --processes 1 --die-on-term \
		--socket "127.0.0.1:$port"
	wait_port "$port" || { show_log uw; false; }
	run "$SEND" --echo "round trip" "127.0.0.1:$port"
	assert_success
	assert_output "round trip"
}

@test "uwsgi-send --echo exits 4 when what comes back differs" {
	port=$(free_port)
	# A peer that answers every packet with the same bytes.
	start_bg fake "$PY" -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(5)
while True:
    c, _ = s.accept(); c.recv(65536); c.sendall(b"something else"); c.close()
' "$port"
	wait_port "$port"
	run --separate-stderr "$SEND" --echo "mine" "127.0.0.1:$port"
	assert_failure 4
	assert_output "something else"
	[[ "$stderr" == *"the echo differs from what was sent"* ]]
}

@test "--reload on the UNIX socket: workers change, the master stays, no request fails" {
	server srv
	before=$(workers_of "$srv_pid")
	# A client loop running through the reload.
	( for i in $(seq 300); do
		"$SEND" -s -f -t 5 "127.0.0.1:$PORT" "/loop$i" >/dev/null || echo "failed $i"
	  done >"$BATS_TEST_TMPDIR/loop.out" ) &
	loop=$!
	sleep 0.3
	run "$SEND" --reload "$SOCK"
	assert_success
	wait "$loop"
	[ ! -s "$BATS_TEST_TMPDIR/loop.out" ] || { cat "$BATS_TEST_TMPDIR/loop.out"; false; }
	wait_grep "$BATS_TEST_TMPDIR/srv.log" "re-executing the master \\(pid: $srv_pid\\)"
	workers_replaced "$srv_pid" "$before"
	kill -0 "$srv_pid"
	grep -q "graceful reload (modifier1 98) asked by a UNIX socket client" "$BATS_TEST_TMPDIR/srv.log"
}

@test "--brutal-reload is confirmed and kills the workers at once" {
	server srv
	before=$(workers_of "$srv_pid")
	run "$SEND" --brutal-reload "$SOCK"
	assert_success
	wait_grep "$BATS_TEST_TMPDIR/srv.log" "brutal reload: killing the workers"
	workers_replaced "$srv_pid" "$before"
	run "$SEND" "127.0.0.1:$PORT" /again
	assert_output "GET /again?"
}

@test "over TCP a reload is refused without --management-allow, accepted with it" {
	server srv
	before=$(workers_of "$srv_pid")
	run --separate-stderr "$SEND" --reload "127.0.0.1:$PORT"
	assert_failure 4
	grep -q "127.0.0.1: graceful reload (modifier1 98) refused: not on a UNIX socket and not in --management-allow" \
		"$BATS_TEST_TMPDIR/srv.log"
	sleep 0.5
	[ "$(workers_of "$srv_pid")" = "$before" ]
	! grep -q "re-executing" "$BATS_TEST_TMPDIR/srv.log" || false
	stop_all
	server srv2 --management-allow 127.0.0.1
	before=$(workers_of "$srv2_pid")
	run "$SEND" --reload "127.0.0.1:$PORT"
	assert_success
	wait_grep "$BATS_TEST_TMPDIR/srv2.log" "re-executing the master"
	workers_replaced "$srv2_pid" "$before"
	stop_all
	server srv3 --management-allow 127.0.0.0/8
	run "$SEND" --reload "127.0.0.1:$PORT"
	assert_success
	stop_all
	server srv4 --management-allow 10.0.0.0/8 --management-allow ::1
	run "$SEND" --reload "127.0.0.1:$PORT"
	assert_failure 4
	grep -q "refused: not on a UNIX socket and not in --management-allow" \
		"$BATS_TEST_TMPDIR/srv4.log"
}

@test "a malformed --management-allow stops the start with one line" {
	run --separate-stderr "$UP_BIN/uwsgi-server" --socket 127.0.0.1:1 --management-allow 300.1.1.1/8
	assert_failure 1
	[ "$stderr" = "uwsgi-server: --management-allow '300.1.1.1/8': expected ADDR or ADDR/BITS" ]
}
