#!/usr/bin/env bats
# The uwsgi module's shared memory, as uWSGI 2.0's Python API has it:
# uwsgi.lock()/unlock() (process-shared robust locks, --locks), the shared
# area (--sharedarea, sharedarea_*) and the cache (--cache, --cache2,
# cache_*), plus the cache read over the protocol (modifier1 111, by
# uwsgi-send and by nginx). Counters are hammered by 4 workers through
# uwsgi-send --bench and must add up exactly; misuse must raise Python
# exceptions while the workers keep serving. The app is
# tests/apps/server/api.py.

bats_require_minimum_version 1.5.0
load helpers/common

APP=$BATS_TEST_DIRNAME/apps/server/api.py
SEND=$UP_BIN/uwsgi-send

setup() { T=$BATS_TEST_TMPDIR; }

teardown() { stop_all_checked; }

# api OPTIONS...: the server with a master, the app on the uwsgi socket
# $ADDR, request logging off; returns once its --processes workers (default
# 1) run. Its pid is $srv, its log $log.
api() {
	local n=1 a prev=
	PORT=$(free_port)
	ADDR=127.0.0.1:$PORT
	for a in "$@"; do [ "$prev" = --processes ] && n=$a; prev=$a; done
	up_server srv --master --socket "$ADDR" --wsgi-file "$APP" --disable-logging "$@"
	srv=$srv_pid log=$T/srv.log
	wait_port "$PORT" || { show_log srv; return 1; }
	local i
	for i in $(seq 200); do
		[ "$(grep -c 'spawned worker' "$log")" -ge "$n" ] && return 0
		sleep 0.05
	done
	show_log srv
	return 1
}

get() { "$SEND" -t 20 "$ADDR" "$@"; }

# try CODE: the app evaluates the Python expression CODE (uwsgi in scope)
# and answers "ok REPR" or "ExceptionName: message".
try() {
	local q
	q=$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1")
	get "/try?code=$q"
}

# bench N C PATH: N requests over C connections, every one answered 200.
bench() {
	run "$SEND" --bench -n "$1" -c "$2" -t 120 "$ADDR" "$3"
	assert_success
	assert_line --partial "$1 complete, 0 errors"
	assert_line "status      200: $1"
}

@test "sharedarea counters incremented concurrently by 4 workers x 10 000 requests sum exactly" {
	api --processes 4 --sharedarea 1
	bench 40000 8 /inc
	run get "/long?off=0"
	assert_output 40000
	# Every worker took part, and their own counters add up too.
	run get "/per_worker?n=4"
	read -r -a per <<<"$output"
	[ "${#per[@]}" -eq 4 ]
	for n in "${per[@]}"; do [ "$n" -gt 0 ]; done
	[ $(( per[0] + per[1] + per[2] + per[3] )) -eq 40000 ]
}

@test "uwsgi.lock serializes a read-sleep-write increment across 4 workers x 2 threads; without it updates are lost" {
	api --processes 4 --threads 2 --sharedarea 1
	bench 2000 8 /locked_inc
	run get "/long?off=8"
	assert_output 2000
	# The same increment without the lock loses updates: the counter
	# above is exact because of the lock, not by luck.
	bench 400 8 /unlocked_inc
	run get "/long?off=16"
	[ "$output" -lt 400 ]
}

@test "uwsgidecorators' @lock (Debian's module, written for uWSGI) serializes across workers" {
	# Importing it needs the uwsgi module, which only the server has: look
	# for the file instead.
	if ! "$PY" -c 'import importlib.util as u, sys; sys.exit(not u.find_spec("uwsgidecorators"))'; then
		[ -z "${CI:-}" ] || { echo "python3-uwsgidecorators is missing (make deps)" >&2; return 1; }
		skip "python3-uwsgidecorators is not installed (make deps)"
	fi
	api --processes 4 --sharedarea 1
	bench 400 8 /deco_inc
	run get "/long?off=24"
	assert_output 400
}

@test "a lock is waited for with the GIL released: the worker's other threads serve meanwhile" {
	api --processes 1 --threads 3 --sharedarea 1
	get "/hold?s=2" >"$T/hold.out" &
	local holder=$!
	sleep 0.3
	local t0
	t0=$(now_ms)
	get /lock_unlock >"$T/waiter.out" &
	local waiter=$!
	sleep 0.3
	# A third thread of the same process answers while one holds the lock
	# and another waits for it.
	local t1 t2
	t1=$(now_ms)
	run get /pid
	assert_success
	t2=$(now_ms)
	[ $((t2 - t1)) -lt 1000 ]
	wait "$holder"
	wait "$waiter"
	[ "$(cat "$T/hold.out")" = held ]
	[ "$(cat "$T/waiter.out")" = "locked and unlocked 0" ]
	# The waiter did wait for the holder.
	[ $(($(now_ms) - t0)) -ge 1400 ]
}

@test "a worker that dies holding a lock does not block the others; the take-over is logged" {
	api --processes 2 --locks 2
	run get "/lock_and_die?n=2"
	assert_failure 4
	run get "/lock_unlock?n=2"
	assert_success
	assert_output "locked and unlocked 2"
	grep -Eq "uwsgi lock 2: its holder \(pid [0-9]+\) died holding it; taken over by pid [0-9]+" "$log"
	# Lock 0 and 1 were never touched and still work; 3 does not exist.
	run get "/lock_unlock?n=1"
	assert_output "locked and unlocked 1"
	run try "uwsgi.lock(3)"
	assert_output "ValueError: Invalid lock number 3: there are locks 0 to 2 (--locks N adds 1 to N)"
}

@test "lock misuse raises in Python: a second lock() by the holder, unlock() by a stranger" {
	api --processes 1
	run try "uwsgi.is_locked()"
	assert_output "ok False"
	run try "(uwsgi.lock(), uwsgi.is_locked(), uwsgi.unlock(), uwsgi.is_locked())"
	assert_output "ok (None, True, None, False)"
	run try "uwsgi.unlock()"
	assert_output "RuntimeError: uwsgi lock 0 is not held by this thread"
	run try "(uwsgi.lock(), uwsgi.lock())"
	assert_output "RuntimeError: uwsgi lock 0 is already held by this thread"
	run try "uwsgi.unlock(0)"
	assert_output "ok None"
	run try "uwsgi.lock(-1)"
	assert_output --partial "ValueError: Invalid lock number -1"
	run try "uwsgi.lock('0')"
	assert_output --partial "TypeError:"
}

@test "uwsgi.request_id() counts the worker's requests: two in a row give N and N+1" {
	api --processes 1
	run try "uwsgi.request_id()"
	assert_output --regexp '^ok [0-9]+$'
	local first=${output#ok }
	[ "$first" -ge 1 ]
	run try "(uwsgi.worker_id(), uwsgi.request_id())"
	assert_output "ok (1, $(( first + 1 )))"
}

@test "sharedarea: uWSGI 2.0's functions, the form without an id, bounds and types checked" {
	api --processes 2 --sharedarea 2
	local size
	size=$(( 2 * $(getconf PAGESIZE) ))
	run try "len(uwsgi.sharedarea_read(0, 0))"
	assert_output "ok $size"
	run try "(uwsgi.sharedarea_write(0, 100, b'hello'), uwsgi.sharedarea_read(0, 100, 5))"
	assert_output "ok (None, b'hello')"
	# Without an id (one argument fewer): area 0.
	run try "(uwsgi.sharedarea_write(105, 'é'), uwsgi.sharedarea_read(0, 100, 7))"
	assert_output "ok (None, b'hello\\xc3\\xa9')"
	run try "(uwsgi.sharedarea_writelong(0, 200, -5), uwsgi.sharedarea_inclong(0, 200, 7), uwsgi.sharedarea_inclong(200), uwsgi.sharedarea_readlong(200))"
	assert_output "ok (None, 2, 3, 3)"
	run try "(uwsgi.sharedarea_writebyte(0, 300, 255), uwsgi.sharedarea_readbyte(0, 300), uwsgi.sharedarea_write32(0, 301, -2), uwsgi.sharedarea_read32(0, 301), uwsgi.sharedarea_dec64(0, 400, 2))"
	assert_output "ok (None, 255, None, -2, -2)"
	run try "bytes(uwsgi.sharedarea_memoryview(0)[100:105])"
	assert_output "ok b'hello'"
	# Another worker sees the same bytes.
	run try "[(uwsgi.worker_id(), uwsgi.sharedarea_read(0, 100, 5)) for _ in range(1)]"
	assert_output --regexp "^ok \[\([12], b'hello'\)\]$"
	run try "uwsgi.sharedarea_read(0, $((size - 2)), 3)"
	assert_output "ValueError: 3 bytes at offset $((size - 2)) are outside sharedarea 0 ($size bytes)"
	run try "uwsgi.sharedarea_write(0, $((size - 1)), b'ab')"
	assert_output "ValueError: 2 bytes at offset $((size - 1)) are outside sharedarea 0 ($size bytes)"
	run try "uwsgi.sharedarea_readlong(0, $((size - 7)))"
	assert_output --partial "ValueError: 8 bytes at offset"
	run try "uwsgi.sharedarea_read(0, -1, 1)"
	assert_output --partial "ValueError: 1 bytes at offset -1"
	run try "uwsgi.sharedarea_read(1, 0)"
	assert_output "ValueError: no sharedarea 1 (--sharedarea PAGES makes area 0)"
	run try "uwsgi.sharedarea_writebyte(0, 0, 256)"
	assert_output "ValueError: sharedarea_write8(): 256 does not fit in 1 byte"
	run try "uwsgi.sharedarea_write(0, 0, 42)"
	assert_output "TypeError: sharedarea_write() data must be bytes or str, not int"
	run try "uwsgi.sharedarea_readlong(0, 2**70)"
	assert_output --partial "OverflowError:"
	run try "uwsgi.sharedarea_read('0', 0)"
	assert_output --partial "TypeError:"
}

@test "without --sharedarea or --cache their functions raise ValueError, the worker serves on" {
	api --processes 1
	local pid
	pid=$(get /pid)
	run try "uwsgi.sharedarea_read(0, 0)"
	assert_output "ValueError: no sharedarea 0 (--sharedarea PAGES makes area 0)"
	run try "uwsgi.cache_get('k')"
	assert_output "ValueError: no cache: start the server with --cache ITEMS or --cache2 name=NAME,items=N"
	run get /pid
	assert_output "$pid"
}

@test "cache: set only when absent, update overwrites, del, exists, keys, clear; str keys are UTF-8" {
	api --processes 2 --cache 100
	run try "uwsgi.cache_get('k')"
	assert_output "ok None"
	run try "(uwsgi.cache_set('k', 'v1'), uwsgi.cache_set('k', 'v2'), uwsgi.cache_get('k'))"
	assert_output "ok (True, None, b'v1')"
	run try "(uwsgi.cache_update(b'k', b'v3'), uwsgi.cache_get('k'), uwsgi.cache_exists('k'))"
	assert_output "ok (True, b'v3', True)"
	run try "(uwsgi.cache_set('clé', b''), uwsgi.cache_get('cl\\xc3\\xa9'.encode('latin-1')), sorted(uwsgi.cache_keys()))"
	assert_output "ok (True, b'', [b'cl\\xc3\\xa9', b'k'])"
	run try "(uwsgi.cache_del('k'), uwsgi.cache_del('k'), uwsgi.cache_exists('k'), uwsgi.cache_get('k'))"
	assert_output "ok (True, None, None, None)"
	run try "(uwsgi.cache_clear(), uwsgi.cache_keys())"
	assert_output "ok (True, [])"
	# The cache's name: None, '' and 'default' are this one.
	run try "(uwsgi.cache_set('n', 'x', 0, 'default'), uwsgi.cache_get('n', ''), uwsgi.cache_get('n', None), uwsgi.opt['cache'])"
	assert_output "ok (True, b'x', b'x', b'100')"
	run try "uwsgi.cache_get('n', 'other')"
	assert_output "ValueError: no cache named 'other' (this server has 'default')"
	run try "uwsgi.cache_get('n', 'default@127.0.0.1:3031')"
	assert_output "ValueError: remote caches ('default@127.0.0.1:3031') are not supported"
}

@test "cache: a value set in worker 1 is read in worker 2 (also with --lazy-apps)" {
	for mode in prefork lazy; do
		local extra=() setter reader=0 i
		[ $mode = lazy ] && extra=(--lazy-apps)
		api --processes 2 --cache 10 "${extra[@]}"
		run try "(uwsgi.worker_id(), uwsgi.cache_set('shared', 'from %d' % uwsgi.worker_id()))"
		assert_output --regexp "^ok \([12], True\)$"
		setter=${output:4:1}
		# Keep one worker asleep so the read lands on the other, until the
		# other is the setter's sibling.
		for i in $(seq 20); do
			get "/sleep?s=0.4" >/dev/null &
			sleep 0.1
			run try "(uwsgi.worker_id(), uwsgi.cache_get('shared'))"
			wait $!
			[[ "$output" == "ok ($setter, "* ]] || { reader=1; break; }
		done
		[ $reader = 1 ]
		assert_output "ok ($((3 - setter)), b'from $setter')"
		stop_all
	done
}

@test "cache: items expire after their seconds; an expired slot is free again" {
	api --processes 2 --cache 2
	run try "(uwsgi.cache_set('a', 'x', 1), uwsgi.cache_set('b', 'y'), uwsgi.cache_get('a'), uwsgi.cache_exists('a'))"
	assert_output "ok (True, True, b'x', True)"
	# Full: no room for a third.
	run try "uwsgi.cache_set('c', 'z')"
	assert_output "ok None"
	sleep 1.3
	run try "(uwsgi.cache_get('a'), uwsgi.cache_exists('a'), uwsgi.cache_keys())"
	assert_output "ok (None, None, [b'b'])"
	run try "(uwsgi.cache_set('c', 'z'), uwsgi.cache_get('c'), uwsgi.cache_get('b'))"
	assert_output "ok (True, b'z', b'y')"
	# cache_update renews an expiry; 0 is never.
	run try "(uwsgi.cache_update('b', 'y2', 1), uwsgi.cache_update('b', 'y3', 0))"
	assert_output "ok (True, True)"
	sleep 1.3
	run try "uwsgi.cache_get('b')"
	assert_output "ok b'y3'"
	run try "uwsgi.cache_set('d', 'w', -1)"
	assert_output "ValueError: expires -1: seconds, 0 for never"
}

@test "cache: a value over --cache-blocksize or a key over 2048 bytes is a ValueError, not a crash" {
	api --processes 1 --cache 4 --cache-blocksize 100
	local pid
	pid=$(get /pid)
	run try "(uwsgi.cache_set('fits', b'x' * 100), len(uwsgi.cache_get('fits')))"
	assert_output "ok (True, 100)"
	run try "uwsgi.cache_set('big', b'x' * 101)"
	assert_output "ValueError: cache value of 101 bytes: the cache's blocks hold at most 100 (--cache-blocksize)"
	run try "uwsgi.cache_update('fits', b'x' * 1000000)"
	assert_output --partial "ValueError: cache value of 1000000 bytes"
	run try "uwsgi.cache_set('k' * 2049, b'v')"
	assert_output "ValueError: cache key of 2049 bytes: the cache's keys hold at most 2048"
	run try "uwsgi.cache_set(42, b'v')"
	assert_output "TypeError: cache key must be bytes or str, not int"
	run try "uwsgi.cache_set('k', None)"
	assert_output "TypeError: cache value must be bytes or str, not NoneType"
	run try "uwsgi.cache_get()"
	assert_output --partial "TypeError:"
	run try "len(uwsgi.cache_get('fits'))"
	assert_output "ok 100"
	run get /pid
	assert_output "$pid"
}

@test "--cache2 name=NAME,items=N,blocksize=B makes the named cache; bad specs fail before binding" {
	api --processes 1 --cache2 name=mycache,items=3,blocksize=8
	run try "(uwsgi.cache_set('k', b'12345678', 0, 'mycache'), uwsgi.cache_get('k', 'mycache'), uwsgi.cache_get('k'), uwsgi.opt['cache2'])"
	assert_output "ok (True, b'12345678', b'12345678', b'name=mycache,items=3,blocksize=8')"
	run try "uwsgi.cache_set('j', b'123456789')"
	assert_output --partial "ValueError: cache value of 9 bytes"
	stop_all
	local port
	port=$(free_port)
	run --separate-stderr "$UP_BIN/uwsgi-server" --socket "127.0.0.1:$port" --cache2 name=x,items=2,purge_lru=1
	assert_failure 1
	[ "$stderr" = "uwsgi-server: --cache2 'name=x,items=2,purge_lru=1': 'purge_lru' is not supported (only name, items, blocksize, keysize)" ]
	run --separate-stderr "$UP_BIN/uwsgi-server" --socket "127.0.0.1:$port" --cache2 name=x
	assert_failure 1
	[ "$stderr" = "uwsgi-server: --cache2 'name=x': items=N is required" ]
	run --separate-stderr "$UP_BIN/uwsgi-server" --socket "127.0.0.1:$port" --cache2 name=x,items=0
	assert_failure 1
	[ "$stderr" = "uwsgi-server: --cache2 'name=x,items=0': items '0' is not a number from 1 to 16777216" ]
	run --separate-stderr "$UP_BIN/uwsgi-server" --socket "127.0.0.1:$port" --cache 5 --cache2 name=x,items=2
	assert_failure 1
	[ "$stderr" = "uwsgi-server: --cache and --cache2 both given: this server has one cache, use one" ]
}

@test "modifier1 111/3 answers the value stored under the 'key' var, raw; a miss closes silently" {
	api --processes 2 --cache 10
	run try "uwsgi.cache_set('/cached', b'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nfrom the cache\\n')"
	assert_output "ok True"
	run "$SEND" -m 111 --modifier2 3 --var key=/cached "$ADDR"
	assert_success
	assert_output "$(printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nfrom the cache')"
	run --separate-stderr "$SEND" -m 111 --modifier2 3 --var key=/missing "$ADDR"
	assert_failure 4
	# Only the documented form: modifier2 0, 1, 2 are refused and logged.
	run "$SEND" -m 111 --modifier2 0 --var key=/cached "$ADDR"
	assert_failure 4
	wait_grep "$log" "cache request with modifier2 0: only 3 .* is served"
	run "$SEND" -m 111 --modifier2 3 --var other=/cached "$ADDR"
	assert_failure 4
	wait_grep "$log" "cache request without a 'key' var"
}

@test "nginx serves pages from the cache (uwsgi_modifier1 111) and falls back to the app on a miss" {
	require_cmd nginx curl
	api --processes 2 --cache 10
	run try "uwsgi.cache_set('/page', b'HTTP/1.0 200 OK\\r\\nContent-Type: text/plain\\r\\nX-From: cache\\r\\n\\r\\ncached page\\n')"
	assert_output "ok True"
	local hport
	hport=$(free_port)
	# start_nginx's one location passes to its third argument; the
	# directives uWSGI's WebCaching page gives ride along after the
	# address, and close that location for the fallback one.
	start_nginx nginx "$hport" "$ADDR;
			uwsgi_modifier1 111;
			uwsgi_modifier2 3;
			uwsgi_param key \$request_uri;
			uwsgi_pass_request_headers off;
			error_page 502 504 = @real;
		}
		location @real {
			include /etc/nginx/uwsgi_params;
			uwsgi_pass $ADDR"
	run curl -sS -D "$T/head" "http://127.0.0.1:$hport/page"
	assert_success
	assert_output "cached page"
	grep -qi '^X-From: cache' "$T/head"
	# A miss: the app answers (its route list).
	run curl -sS "http://127.0.0.1:$hport/nothing-cached-here"
	assert_success
	assert_output --partial "routes: /inc"
}
