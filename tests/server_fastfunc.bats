#!/usr/bin/env bats
# FastFuncs: uwsgi.fastfuncs[N] serves modifier1 27 / modifier2 N requests
# (sent with uwsgi-send's raw mode) with a PEP 3333 environ and no
# mountpoint routing; a free slot is refused like an unknown modifier.

bats_require_minimum_version 1.5.0
load helpers/common

APP=$UP_ROOT/tests/apps/fastfunc.py

teardown() { stop_all; }

# serve_fastfuncs [OPTIONS...]: the server "srv", one worker serving
# tests/apps/fastfunc.py on the uwsgi socket 127.0.0.1:$PORT, also mounted
# at /m so that routing would show if it happened.
serve_fastfuncs() {
	PORT=$(free_port)
	up_server srv --master --processes 1 --socket "127.0.0.1:$PORT" \
		--wsgi-file "$APP" --mount "/m=$APP" --manage-script-name "$@"
	wait_port "$PORT" || { show_log srv; return 1; }
	# The sockets are bound before the worker is forked.
	wait_grep "$BATS_TEST_TMPDIR/srv.log" "spawned worker 1 "
}

# fast SLOT ARGS...: a modifier1 27 packet for SLOT with the vars given.
fast() {
	local slot=$1
	shift
	"$UP_BIN/uwsgi-send" -t 10 -m 27 --modifier2 "$slot" "$@" "127.0.0.1:$PORT"
}

@test "uwsgi.fastfuncs is a list of 256 slots, None when free" {
	serve_fastfuncs
	run "$UP_BIN/uwsgi-send" "127.0.0.1:$PORT" /slots
	assert_success
	assert_output "list of 256, 253 free, slot 256: IndexError: list assignment index out of range"
}

@test "a FastFunc answers modifier1 27 with a full environ, the body and no routing" {
	serve_fastfuncs
	printf 'posted body' >"$BATS_TEST_TMPDIR/body"
	run fast 5 --var REQUEST_METHOD=POST --var PATH_INFO=/m/x --var QUERY_STRING=a=1 \
		--var SERVER_NAME=example --var SERVER_PORT=80 --var SERVER_PROTOCOL=HTTP/1.1 \
		--var CONTENT_LENGTH=11 --body-file "$BATS_TEST_TMPDIR/body"
	assert_success
	# wsgiref.validate wraps it: a missing or mistyped environ key would
	# have been a 500.
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line $'X-Slot: 5\r'
	assert_line --partial "fastfunc POST /m/x script='' query=a=1 body=posted body thread="
	# The mounted app at /m and --manage-script-name did not take it.
	grep -Eq 'app: -1\|req: 1/1\].* POST /m/x => generated [0-9]+ bytes .*\(HTTP/1.1 200\)' \
		"$BATS_TEST_TMPDIR/srv.log"
	run "$UP_BIN/uwsgi-send" "127.0.0.1:$PORT" /m/x
	assert_output "app /x"
}

@test "a free slot is refused, logged with the peer; the worker serves on" {
	serve_fastfuncs
	pid=$(worker_pids "$srv_pid")
	run --separate-stderr fast 8 --var PATH_INFO=/x
	assert_failure 4
	[[ "$stderr" == *"empty reply from server"* ]]
	grep -q "127.0.0.1: unavailable modifier requested: 27 (fastfunc): slot 8 of uwsgi.fastfuncs is free (holds None)" \
		"$BATS_TEST_TMPDIR/srv.log"
	run --separate-stderr fast 7
	assert_failure 4
	grep -q "127.0.0.1: unavailable modifier requested: 27 (fastfunc): slot 7 of uwsgi.fastfuncs is free (holds int)" \
		"$BATS_TEST_TMPDIR/srv.log"
	# No request line was logged for them: nothing ran.
	! grep -q "req: 1/1" "$BATS_TEST_TMPDIR/srv.log" || false
	run "$UP_BIN/uwsgi-send" "127.0.0.1:$PORT" /after
	assert_success
	assert_output "app /after"
	[ "$(worker_pids "$srv_pid")" = "$pid" ]
}

@test "a FastFunc that raises gets a 500 and a traceback; the worker serves on" {
	serve_fastfuncs
	pid=$(worker_pids "$srv_pid")
	run fast 6 --var PATH_INFO=/boom
	assert_success
	assert_line --index 0 --partial "500 Internal Server Error"
	grep -q "RuntimeError: fastfunc 6 fails on purpose" "$BATS_TEST_TMPDIR/srv.log"
	run fast 5 --var PATH_INFO=/again
	assert_line --partial "fastfunc GET /again"
	[ "$(worker_pids "$srv_pid")" = "$pid" ]
}

@test "with --threads 4 FastFuncs run side by side" {
	serve_fastfuncs --threads 4
	out=$BATS_TEST_TMPDIR/out
	clients=()
	for i in 1 2 3 4 5 6 7 8; do
		fast 5 --var PATH_INFO="/t$i" --var QUERY_STRING=slow >"$out.$i" 2>&1 &
		clients+=($!)
	done
	wait "${clients[@]}"
	for i in 1 2 3 4 5 6 7 8; do
		grep -q "fastfunc GET /t$i script='' query=slow" "$out.$i" || { cat "$out.$i"; false; }
	done
	# Each answer names the thread that ran it: more than one did.
	threads=$(grep -ho 'thread=[0-9]*' "$out".* | sort -u | wc -l)
	[ "$threads" -ge 2 ]
}

@test "a FastFunc set by an app in a sub-interpreter runs in that interpreter" {
	serve_fastfuncs --mount "/s=$UP_ROOT/tests/apps/fastfunc_sub.py"
	# Sub-interpreter apps load in the worker, after the fork.
	wait_grep "$BATS_TEST_TMPDIR/srv.log" "mountpoint='/s'\) ready"
	run fast 9 --var PATH_INFO=/x
	assert_success
	assert_line "fastfunc 9 runs in the sub interpreter"
	# The main interpreter's slots still serve from the main interpreter.
	run fast 5 --var PATH_INFO=/y
	assert_line --partial "fastfunc GET /y"
}
