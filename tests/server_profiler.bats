#!/usr/bin/env bats
# The integrated profiler: --profiler logs each request's top functions
# (by cumulative time) under the request's number, --profiler-dir writes
# one pstats file per request instead, bounded by --profiler-keep. The app
# is tests/apps/profiler/prof_app.py, whose time goes to slow_part().

bats_require_minimum_version 1.5.0
load helpers/common

APP=$BATS_TEST_DIRNAME/apps/profiler/prof_app.py
SEND=$UP_BIN/uwsgi-send

setup() { T=$BATS_TEST_TMPDIR; }

teardown() { stop_all_checked; }

# prof OPTIONS...: the server with a master, one worker and the app on
# $ADDR; its log is $T/srv.log.
prof() {
	PORT=$(free_port)
	ADDR=127.0.0.1:$PORT
	up_server srv --master --socket "$ADDR" --wsgi-file "$APP" "$@"
	wait_port "$PORT" || { show_log srv; return 1; }
	wait_grep "$T/srv.log" "spawned worker 1" || { show_log srv; return 1; }
}

get() { "$SEND" -t 20 "$ADDR" "$@"; }

@test "--profiler pycall logs the top functions of each request, numbered as the request's log line" {
	prof --profiler pycall
	grep -q "profiler: every request under cProfile, its top 10 functions logged" "$T/srv.log"
	run get /
	assert_success
	local n=$output
	run get /?30
	assert_output $(( n + 1 ))
	local w
	w=$(worker_pids "$srv_pid")
	wait_grep "$T/srv.log" "\[pid: $w\|app: 0\|req: $(( n + 1 ))/"
	# Both requests, each under its number, the app's functions first.
	local id
	for id in "$n" $(( n + 1 )); do
		grep -q "^\[pid: $w|req: $id\] profile of GET /[?0-9]*: [0-9]* calls in [0-9.]* ms, top 10 by cumulative time:" "$T/srv.log"
		run grep "^\[pid: $w|req: $id\] " "$T/srv.log"
		[ "${#lines[@]}" -le 12 ]
		[[ "${lines[2]}" == *" application ($APP:"* ]]
		[[ "${lines[3]}" == *" helper_layer ($APP:"* ]]
		[[ "${lines[4]}" == *" slow_part ($APP:"* ]]
		assert_line --partial "<built-in method time.sleep>"
	done
	# Cumulative milliseconds follow the sleep asked for.
	run grep "^\[pid: $w|req: $(( n + 1 ))\] .* slow_part " "$T/srv.log"
	local cum
	cum=$(awk '{print int($5)}' <<<"$output")
	[ "$cum" -ge 30 ]
}

@test "--profiler-dir writes one pstats file per request that pstats loads; --profiler-keep bounds them" {
	prof --profiler-dir "$T/profiles" --profiler-keep 3
	grep -q "profiler: every request under cProfile, a pstats file each in $T/profiles (the newest 3 per worker kept)" "$T/srv.log"
	local i ids=()
	for i in 1 2 3 4 5; do
		run get /?1
		assert_success
		ids+=("$output")
	done
	# The newest three, named after the worker and the request; no temporary files.
	run ls "$T/profiles"
	assert_output "$(printf 'worker1-req%s.prof\n' "${ids[2]}" "${ids[3]}" "${ids[4]}" | sort)"
	for i in 2 3 4; do
		run "$PY" -c 'import pstats, sys
s = pstats.Stats(sys.argv[1])
names = {f[2] for f in s.stats}
print(s.total_calls > 0, "slow_part" in names, "helper_layer" in names)' "$T/profiles/worker1-req${ids[$i]}.prof"
		assert_output "True True True"
	done
	# Files instead of log lines.
	run grep -c "profile of GET" "$T/srv.log"
	assert_output 0
}

@test "profiler options: a bad mode or an unusable directory stops the start with one line; pyline is profiled by function" {
	run "$UP_BIN/uwsgi-server" --socket "127.0.0.1:$(free_port)" --wsgi-file "$APP" --profiler bogus
	assert_failure 1
	assert_output "uwsgi-server: --profiler bogus: unknown mode (pycall, pyline or cprofile)"
	touch "$T/file"
	run "$UP_BIN/uwsgi-server" --socket "127.0.0.1:$(free_port)" --wsgi-file "$APP" --profiler-dir "$T/file/sub"
	assert_failure 1
	assert_output "uwsgi-server: --profiler-dir $T/file/sub: Not a directory"
	prof --profiler pyline
	grep -q "pyline: lines are not traced; each request is profiled by function" "$T/srv.log"
	get / >/dev/null
	wait_grep "$T/srv.log" "\] +1 +[0-9.]+ +[0-9.]+  slow_part \("
}

@test "without --profiler nothing is profiled" {
	prof
	run get /
	assert_success
	wait_grep "$T/srv.log" "req: $output/"
	run grep -c "profile of\|profiler:" "$T/srv.log"
	assert_output 0
}
