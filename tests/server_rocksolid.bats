#!/usr/bin/env bats
# The ROCK_SOLID build (make ROCK_SOLID=1, which make check builds into
# BUILD/rock): no request threads; what it leaves out is refused at start.

bats_require_minimum_version 1.5.0
load helpers/common

ROCK=$UP_ROOT/$UP_BUILD/rock/bin/uwsgi-server

teardown() { stop_all; }

@test "--version names the ROCK_SOLID build" {
	run "$ROCK" --version
	assert_success
	assert_line --index 0 "uwsgi-server ${UP_VERSION:-0.1.0} (ROCK_SOLID)"
}

@test "options needing what the build leaves out are refused with one line, exit 1" {
	run --separate-stderr "$ROCK" --threads 4 --http-socket 127.0.0.1:0 \
		--wsgi-file "$UP_ROOT/examples/hello.py"
	assert_failure 1
	[ "$stderr" = "uwsgi-server: --threads 4: this ROCK_SOLID build has no request threads" ]
	run --separate-stderr "$ROCK" --enable-threads --http-socket 127.0.0.1:0
	assert_failure 1
	[ "$stderr" = "uwsgi-server: --enable-threads: this ROCK_SOLID build has no request threads" ]
	# The regular build takes the same options.
	run "$UP_BIN/uwsgi-server" --threads 4 --enable-threads --show-config
	assert_success
}

@test "it serves a hello app over HTTP and uwsgi" {
	port=$(free_port)
	uport=$(free_port)
	start_bg rock "$ROCK" --master --processes 2 --http-socket "127.0.0.1:$port" \
		--socket "127.0.0.1:$uport" --wsgi-file "$UP_ROOT/examples/hello.py"
	wait_port "$port" || { show_log rock; false; }
	run curl -s "http://127.0.0.1:$port/"
	assert_output "Hello from uwsgi-server"
	run "$UP_BIN/uwsgi-send" "127.0.0.1:$uport" /
	assert_output "Hello from uwsgi-server"
}
