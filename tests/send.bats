#!/usr/bin/env bats
# uwsgi-send, the curl of the uwsgi protocol: requests, ping, RPC, spool
# and signals against Debian's real uWSGI 2.0; exit codes and messages
# against peers that refuse, hang, babble or hang up; --write-packet
# decoded back with Python's struct; the curl habits of its options.

bats_require_minimum_version 1.5.0
load helpers/common

APP=$BATS_TEST_DIRNAME/apps/send_app.py
FAKE=$BATS_TEST_DIRNAME/apps/fake_peer.py

# One uWSGI (ping and rpc plugins) serves the tests that need nothing
# special; tests that need other plugins or sockets start their own.
setup_file() {
	require_cmd uwsgi
	SHARED_PORT=$(free_port)
	export SHARED_PORT SHARED=127.0.0.1:$SHARED_PORT
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR start_uwsgi shared "$SHARED_PORT" "$APP" \
		--plugin ping --plugin rpc --env "SEND_OUT=$BATS_FILE_TMPDIR"
}

teardown_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR stop_all
}

teardown() { stop_all; }

send() { "$UP_BIN/uwsgi-send" "$@"; }

# start_node NAME UWSGI-OPTIONS...: a uWSGI of this test's own, serving
# send_app.py; its spooler and signal handler write to $BATS_TEST_TMPDIR.
start_node() {
	local name=$1
	shift
	start_bg "$name" uwsgi --plugin python3 --master --processes 1 --die-on-term \
		--wsgi-file "$APP" --env "SEND_OUT=$BATS_TEST_TMPDIR" \
		--pidfile "$BATS_TEST_TMPDIR/$name.pid" "$@"
}

# start_fake MODE: fake_peer.py on a free 127.0.0.1 port, in $fake.
start_fake() {
	local port
	port=$(free_port)
	start_bg fake "$PY" "$FAKE" "$1" 127.0.0.1 "$port"
	wait_port "$port" || { show_log fake; return 1; }
	fake=127.0.0.1:$port
}

# The one stderr line of the last `run --separate-stderr`, checked for the
# tool's name and the given fragments.
assert_one_error_line() {
	local f
	if [ "${#stderr_lines[@]}" -ne 1 ] || [[ "$stderr" != "uwsgi-send: "* ]]; then
		echo "expected one 'uwsgi-send: ' line on stderr, got:" >&2
		printf '%s\n' "$stderr" >&2
		return 1
	fi
	for f in "$@"; do
		[[ "$stderr" == *"$f"* ]] && continue
		echo "stderr '$stderr' lacks '$f'" >&2
		return 1
	done
}

# stderr_has LINE: the last `run --separate-stderr` printed LINE on stderr.
stderr_has() {
	grep -Fxq -- "$1" <<<"$stderr" && return 0
	echo "stderr lacks the line '$1'; it was:" >&2
	printf '%s\n' "$stderr" >&2
	return 1
}

# same_bytes EXPECTED GOT: two files are byte-identical (od diff if not).
same_bytes() {
	cmp -s "$1" "$2" && return 0
	diff <(od -c "$1") <(od -c "$2") >&2
	return 1
}

# decode_packet FILE: a uwsgi request packet read back with Python's struct:
# "header M1 DATASIZE M2", one "var KEY=VALUE" per var, "body N[: BYTES]".
# Fails when the vars block does not end exactly at datasize.
decode_packet() {
	$PY - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
m1, size, m2 = struct.unpack("<BHB", data[:4])
print("header", m1, size, m2)
block = data[4:4 + size]
if len(block) != size:
    sys.exit("vars block: %d of %d bytes" % (len(block), size))
i = 0
while i < size:
    (kl,) = struct.unpack_from("<H", block, i)
    key = block[i + 2:i + 2 + kl]
    i += 2 + kl
    (vl,) = struct.unpack_from("<H", block, i)
    val = block[i + 2:i + 2 + vl]
    i += 2 + vl
    if len(key) != kl or len(val) != vl or i > size:
        sys.exit("a var runs past datasize")
    print("var %s=%s" % (key.decode("latin-1"), val.decode("latin-1")))
body = data[4 + size:]
print("body %d" % len(body) + (": " + body.decode("latin-1") if body else ""))
PY
}

# ---------------------------------------------------------------- requests

@test "GET: the app's body on stdout, nothing on stderr, exit 0" {
	run --separate-stderr send "$SHARED" /env
	assert_success
	[ -z "$stderr" ]
	assert_line "REQUEST_METHOD=GET"
	assert_line "PATH_INFO=/env"
	assert_line "QUERY_STRING="
	assert_line "SERVER_PROTOCOL=HTTP/1.1"
	assert_line "HTTP_HOST=$SHARED"
	assert_line "SERVER_PORT=$SHARED_PORT"
}

@test "a path without a leading slash gets one" {
	run --separate-stderr send "$SHARED" env
	assert_success
	assert_line "PATH_INFO=/env"
	assert_line "REQUEST_URI=/env"
}

@test "POST of a 20 MB file comes back byte-identical from an app that streams it" {
	big=$BATS_TEST_TMPDIR/big
	head -c 20000000 /dev/urandom >"$big"
	run --separate-stderr send -t 60 "$SHARED" /echo -d @"$big" -o "$BATS_TEST_TMPDIR/back"
	# uwsgi-send must read the answer while it sends: the app's echo fills
	# the socket buffers long before the 20 MB are sent.
	[ "$status" -eq 0 ] || { echo "exit $status, stderr: $stderr" >&2; false; }
	[ -z "$stderr" ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/back")" -eq 20000000 ]
	[ "$(sha256sum <"$big")" = "$(sha256sum <"$BATS_TEST_TMPDIR/back")" ]
}

@test "headers (-H) and the query string reach the app" {
	run --separate-stderr send "$SHARED" '/env?a=1&b=two%20words' \
		-H 'X-Foo: bar' -H 'X-Two-Words:   spaced value' -H 'Content-Type: text/x'
	assert_success
	assert_line "QUERY_STRING=a=1&b=two%20words"
	assert_line "REQUEST_URI=/env?a=1&b=two%20words"
	assert_line "HTTP_X_FOO=bar"
	assert_line "HTTP_X_TWO_WORDS=spaced value"
	assert_line "CONTENT_TYPE=text/x"
	refute_line --partial "HTTP_CONTENT_TYPE"
}

@test "-H 'Name:' removes a default header, -H 'Name;' sends it empty" {
	run --separate-stderr send "$SHARED" /env -H 'Accept:' -H 'X-Empty;'
	assert_success
	refute_line --partial "HTTP_ACCEPT="
	assert_line "HTTP_X_EMPTY="
	assert_line "HTTP_USER_AGENT=uwsgi-send/${UP_VERSION:-0.1.0}"
}

@test "-f on a 404: exit 22, no body on stdout, the status on stderr" {
	run --separate-stderr send -f "$SHARED" /missing
	assert_failure 22
	[ -z "$output" ]
	assert_one_error_line "$SHARED" "404"
}

@test "without -f a 404 is exit 0 with its body, as in curl" {
	run --separate-stderr send "$SHARED" /missing
	assert_success
	assert_output "no such page"
	[ -z "$stderr" ]
}

@test "-i prints the status line and headers before the body" {
	send -i "$SHARED" /missing >"$BATS_TEST_TMPDIR/got"
	printf 'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nX-Method: GET\r\n\r\nno such page\n' \
		>"$BATS_TEST_TMPDIR/want"
	same_bytes "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "-I sends HEAD and prints the head only" {
	send -I "$SHARED" /missing >"$BATS_TEST_TMPDIR/got"
	printf 'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nX-Method: HEAD\r\n\r\n' \
		>"$BATS_TEST_TMPDIR/want"
	same_bytes "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "a chunked response body is decoded" {
	run --separate-stderr send "$SHARED" /chunked
	assert_success
	assert_output "one, two"
}

@test "-o FILE writes the body there and nothing to stdout" {
	out=$BATS_TEST_TMPDIR/body
	run --separate-stderr send "$SHARED" /echo -d 'hello there' -o "$out"
	assert_success
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ "$(cat "$out")" = "hello there" ]
	[ "$(stat -c %s "$out")" -eq 11 ]
}

@test "-X PUT sets the method, with or without a body" {
	run --separate-stderr send -X PUT "$SHARED" /env
	assert_success
	assert_line "REQUEST_METHOD=PUT"
	run --separate-stderr send -X PUT "$SHARED" /env -d 'x=1'
	assert_success
	assert_line "REQUEST_METHOD=PUT"
	assert_line "CONTENT_LENGTH=3"
}

@test "-d alone makes a POST; several -d are joined with '&' as in curl" {
	run --separate-stderr send "$SHARED" /echo -d 'a=1' -d 'b=2'
	assert_success
	assert_output "a=1&b=2"
	run --separate-stderr send "$SHARED" /env -d 'a=1'
	assert_line "REQUEST_METHOD=POST"
	assert_line "CONTENT_TYPE=application/x-www-form-urlencoded"
	assert_line "CONTENT_LENGTH=3"
}

@test "-d @- from a pipe sends the bytes untouched with the right CONTENT_LENGTH" {
	src=$BATS_TEST_TMPDIR/src
	{ printf 'a\0b\r\nc\r\n\377'; head -c 200000 /dev/urandom; printf '\r\n'; } >"$src"
	size=$(stat -c %s "$src")
	run --separate-stderr bash -c 'cat "$1" | "$2" "$3" /echo -d @- -o "$4"' _ \
		"$src" "$UP_BIN/uwsgi-send" "$SHARED" "$BATS_TEST_TMPDIR/back"
	assert_success
	[ -z "$stderr" ]
	same_bytes "$src" "$BATS_TEST_TMPDIR/back"
	run --separate-stderr bash -c 'cat "$1" | "$2" "$3" /env -d @-' _ \
		"$src" "$UP_BIN/uwsgi-send" "$SHARED"
	assert_success
	assert_line "CONTENT_LENGTH=$size"
}

@test "--var replaces a default var, and an empty VALUE is sent as an empty var" {
	run --separate-stderr send -v --var SERVER_NAME=example.org --var X_EMPTY= "$SHARED" /env
	assert_success
	assert_line "SERVER_NAME=example.org"
	assert_line "X_EMPTY="
	# Replaced, not sent twice.
	[ "$(grep -c '^> SERVER_NAME: ' <<<"$stderr")" -eq 1 ]
	stderr_has "> SERVER_NAME: example.org"
}

@test "-v prints the vars sent as '> KEY: value' and the answer's head on stderr" {
	run --separate-stderr send -v "$SHARED" '/env?x=1' -H 'X-Foo: bar'
	assert_success
	stderr_has "> REQUEST_METHOD: GET"
	stderr_has "> PATH_INFO: /env"
	stderr_has "> QUERY_STRING: x=1"
	stderr_has "> HTTP_X_FOO: bar"
	stderr_has "> HTTP_HOST: $SHARED"
	stderr_has "< HTTP/1.1 200 OK"
	stderr_has "< X-Method: GET"
	# stdout has the body only.
	assert_line "HTTP_X_FOO=bar"
	refute_line --partial "> "
	refute_line "HTTP/1.1 200 OK"
}

@test "--host sets HTTP_HOST and SERVER_NAME (and SERVER_PORT from it)" {
	run --separate-stderr send --host www.example.org "$SHARED" /env
	assert_success
	assert_line "HTTP_HOST=www.example.org"
	assert_line "SERVER_NAME=www.example.org"
	assert_line "SERVER_PORT=80"
	run --separate-stderr send --host www.example.org:8080 "$SHARED" /env
	assert_success
	assert_line "HTTP_HOST=www.example.org:8080"
	assert_line "SERVER_NAME=www.example.org"
	assert_line "SERVER_PORT=8080"
}

@test "a body shorter than its Content-Length: exit 4, 'truncated'" {
	run --separate-stderr send "$SHARED" /short
	assert_failure 4
	assert_one_error_line "$SHARED" "truncated" "10 of 100"
	# What did arrive is passed on, as curl does.
	assert_output "only ten."
}

# ------------------------------------------------- ping, RPC, raw, spool, signal

@test "--ping prints PONG and exits 0" {
	run --separate-stderr send --ping "$SHARED"
	assert_success
	assert_output "PONG"
	[ -z "$stderr" ]
}

@test "--rpc calls a function registered with uwsgi.register_rpc" {
	run --separate-stderr send --rpc "$SHARED" hello a b
	assert_success
	assert_output "hello a,b"
	[ -z "$stderr" ]
	run --separate-stderr send --rpc "$SHARED" hello
	assert_success
	assert_output "hello "
}

@test "--rpc of an unknown function: uWSGI hangs up, exit 4 'empty reply'" {
	run --separate-stderr send --rpc "$SHARED" no_such_function x
	assert_failure 4
	[ -z "$output" ]
	assert_one_error_line "$SHARED" "empty reply"
}

@test "raw mode -m 100 prints the pong's bytes" {
	run bash -o pipefail -c '"$1" -m 100 "$2" | od -An -tx1' _ "$UP_BIN/uwsgi-send" "$SHARED"
	assert_success
	assert_output " 64 00 00 01"
	run bash -o pipefail -c '"$1" -m ping "$2" | od -An -tx1' _ "$UP_BIN/uwsgi-send" "$SHARED"
	assert_success
	assert_output " 64 00 00 01"
}

@test "--spool enqueues a job that uWSGI's spooler runs with our KEY=VALUEs" {
	port=$(free_port)
	start_node node --socket "127.0.0.1:$port" --plugin spooler \
		--spooler "$BATS_TEST_TMPDIR/spool"
	wait_port "$port" || { show_log node; false; }
	run --separate-stderr send --spool "127.0.0.1:$port" name=job1 color=blue 'note=two words'
	assert_success
	[ -z "$output" ]
	[ -z "$stderr" ]
	wait_file "$BATS_TEST_TMPDIR/spooled" 10 || { show_log node; false; }
	run cat "$BATS_TEST_TMPDIR/spooled"
	assert_line "name=job1"
	assert_line "color=blue"
	assert_line "note=two words"
	assert_line --regexp "^spooler_task_name=uwsgi_spoolfile_"
	[ "${#lines[@]}" -eq 4 ]
}

@test "--signal N raises a uwsgi signal registered with uwsgi.register_signal" {
	port=$(free_port)
	start_node node --socket "127.0.0.1:$port" --plugin signal
	wait_port "$port" || { show_log node; false; }
	run --separate-stderr send --signal 17 "127.0.0.1:$port"
	assert_success
	[ -z "$output" ]
	[ -z "$stderr" ]
	wait_file "$BATS_TEST_TMPDIR/signal-17" 10 || { show_log node; false; }
	# The handler ran in the worker, a child of the master we started.
	worker=$(cat "$BATS_TEST_TMPDIR/signal-17")
	[ "$(ps -o ppid= -p "$worker" | tr -d ' ')" = "$node_pid" ]
}

# ------------------------------------------------------------ addresses

@test "IPv6 [::1]:PORT reaches a uWSGI listening there" {
	port=$(free_port6) || skip "no IPv6 loopback on this host"
	start_node node6 --socket "[::1]:$port" --plugin ping
	wait_port6 "$port" || { show_log node6; false; }
	run --separate-stderr send "[::1]:$port" /env
	assert_success
	assert_line "PATH_INFO=/env"
	assert_line "REMOTE_ADDR=::1"
	assert_line "HTTP_HOST=[::1]:$port"
	run --separate-stderr send --ping "[::1]:$port"
	assert_success
	assert_output "PONG"
}

@test "a UNIX socket path reaches uWSGI" {
	sock=$BATS_TEST_TMPDIR/node.sock
	start_node node --socket "$sock" --plugin ping
	wait_file "$sock" || { show_log node; false; }
	run --separate-stderr send "$sock" '/env?via=path'
	assert_success
	assert_line "PATH_INFO=/env"
	assert_line "QUERY_STRING=via=path"
	assert_line "HTTP_HOST=localhost"
	run --separate-stderr send --ping "$sock"
	assert_success
	assert_output "PONG"
}

@test "an @abstract UNIX name reaches a peer bound to that name" {
	name=@uwsgi-send-bats-$$-$BATS_TEST_NUMBER
	start_bg fake "$PY" "$FAKE" pong "$name" 0
	# An abstract name leaves no file to wait for: ask until it answers.
	for _ in $(seq 100); do
		send -s --ping "$name" >/dev/null && break
		sleep 0.05
	done
	run --separate-stderr send --ping "$name"
	assert_success
	assert_output "PONG"
	run --separate-stderr send --ping "$name-other"
	assert_failure 2
	assert_one_error_line "$name-other" "Connection refused"
}

@test "an @abstract name reaches real uWSGI, which binds it with a trailing NUL" {
	name=@uwsgi-send-bats-uw-$$-$BATS_TEST_NUMBER
	start_node node --socket "$name" --plugin ping
	for _ in $(seq 100); do
		send -s --ping "$name" >/dev/null && break
		sleep 0.05
	done
	run --separate-stderr send --ping "$name"
	assert_success
	assert_output "PONG"
	run --separate-stderr send "$name" '/env?via=abstract'
	assert_success
	assert_line "QUERY_STRING=via=abstract"
}

# ------------------------------------------------------------ failures

@test "a closed port: exit 2 at once, one line naming the address and the cause" {
	port=$(free_port)
	t0=$(now_ms)
	run --separate-stderr send --connect-timeout 2 "127.0.0.1:$port" /
	elapsed=$(( $(now_ms) - t0 ))
	assert_failure 2
	[ -z "$output" ]
	assert_one_error_line "127.0.0.1:$port" "Connection refused"
	[ "$elapsed" -lt 2000 ]
}

@test "-s silences the error line but keeps the exit code; -S shows it again" {
	port=$(free_port)
	run --separate-stderr send -s "127.0.0.1:$port" /
	assert_failure 2
	[ -z "$stderr" ]
	[ -z "$output" ]
	run --separate-stderr send -s -S "127.0.0.1:$port" /
	assert_failure 2
	assert_one_error_line "127.0.0.1:$port" "Connection refused"
	run --separate-stderr send -s -f "$SHARED" /missing
	assert_failure 22
	[ -z "$stderr" ]
	[ -z "$output" ]
}

@test "a listener that never answers: exit 3 within -t 1" {
	start_fake silent
	t0=$(now_ms)
	run --separate-stderr send -t 1 "$fake" /
	elapsed=$(( $(now_ms) - t0 ))
	assert_failure 3
	[ -z "$output" ]
	assert_one_error_line "$fake"
	[ "$elapsed" -ge 900 ]
	[ "$elapsed" -lt 3000 ]
	# Fractions are accepted; the limit holds for the other modes too.
	t0=$(now_ms)
	run --separate-stderr send -t 0.5 --ping "$fake"
	elapsed=$(( $(now_ms) - t0 ))
	assert_failure 3
	[ "$elapsed" -ge 400 ]
	[ "$elapsed" -lt 2500 ]
}

@test "a peer that answers garbage: exit 4, malformed" {
	start_fake garbage
	run --separate-stderr send "$fake" /
	assert_failure 4
	[ -z "$output" ]
	assert_one_error_line "$fake" "malformed"
	run --separate-stderr send --ping "$fake"
	assert_failure 4
	[ -z "$output" ]
	assert_one_error_line "$fake"
}

@test "a peer that hangs up without answering: exit 4, 'empty reply'" {
	start_fake close
	run --separate-stderr send "$fake" /
	assert_failure 4
	[ -z "$output" ]
	assert_one_error_line "$fake" "empty reply"
	run --separate-stderr send --ping "$fake"
	assert_failure 4
	assert_one_error_line "$fake" "empty reply"
	run --separate-stderr send -m 100 "$fake"
	assert_failure 4
	assert_one_error_line "$fake" "empty reply"
}

@test "usage errors exit 1 with a message on stderr" {
	run --separate-stderr send
	assert_failure 1
	[ -z "$output" ]
	assert_one_error_line "ADDRESS"
	run --separate-stderr send -m no-such-modifier 127.0.0.1:1
	assert_failure 1
	[ -z "$output" ]
	assert_one_error_line "no-such-modifier"
	run --separate-stderr send -t abc 127.0.0.1:1
	assert_failure 1
	[ -z "$output" ]
	assert_one_error_line "abc"
	run --separate-stderr send --connect-timeout abc 127.0.0.1:1
	assert_failure 1
	assert_one_error_line "abc"
	run --separate-stderr send --rpc 127.0.0.1:1
	assert_failure 1
	[ -z "$output" ]
}

# ------------------------------------------------------------ --write-packet

@test "--write-packet FILE writes a packet that decodes back to the vars, sends nothing" {
	pkt=$BATS_TEST_TMPDIR/req.pkt
	port=$(free_port)   # nothing listens: a connection attempt would fail
	run --separate-stderr send --write-packet "$pkt" --var X_TEST=hello --var X_EMPTY= \
		--var SERVER_NAME=example.org "127.0.0.1:$port" '/some%20path?q=1&r=2'
	assert_success
	[ -z "$output" ]
	[ -z "$stderr" ]
	run decode_packet "$pkt"
	assert_success
	assert_line --index 0 "header 0 $(( $(stat -c %s "$pkt") - 4 )) 0"
	assert_line "var X_TEST=hello"
	assert_line "var X_EMPTY="
	assert_line "var PATH_INFO=/some path"
	assert_line "var REQUEST_URI=/some%20path?q=1&r=2"
	assert_line "var QUERY_STRING=q=1&r=2"
	assert_line "var REQUEST_METHOD=GET"
	assert_line "var SERVER_NAME=example.org"
	[ "$(grep -c '^var SERVER_NAME=' <<<"$output")" -eq 1 ]
	assert_line "body 0"
}

@test "--write-packet - writes the same packet to stdout" {
	send --write-packet "$BATS_TEST_TMPDIR/file.pkt" --var K=v 127.0.0.1:1 '/p?q'
	send --write-packet - --var K=v 127.0.0.1:1 '/p?q' >"$BATS_TEST_TMPDIR/stdout.pkt"
	same_bytes "$BATS_TEST_TMPDIR/file.pkt" "$BATS_TEST_TMPDIR/stdout.pkt"
	run decode_packet "$BATS_TEST_TMPDIR/stdout.pkt"
	assert_success
	assert_line "var K=v"
	assert_line "var PATH_INFO=/p"
	assert_line "var QUERY_STRING=q"
}

@test "--write-packet with -d: the body follows the vars" {
	pkt=$BATS_TEST_TMPDIR/post.pkt
	run --separate-stderr send --write-packet "$pkt" -d 'a=1&b=2' 127.0.0.1:1 /form
	assert_success
	run decode_packet "$pkt"
	assert_success
	assert_line --index 0 "header 0 $(( $(stat -c %s "$pkt") - 4 - 7 )) 0"
	assert_line "var REQUEST_METHOD=POST"
	assert_line "var CONTENT_LENGTH=7"
	assert_line "var PATH_INFO=/form"
	assert_line "body 7: a=1&b=2"
}

@test "options read as getopt_long read them: after the address, bundled, -XVALUE, --name=VALUE" {
	a=$BATS_TEST_TMPDIR/a.pkt b=$BATS_TEST_TMPDIR/b.pkt
	send --write-packet "$a" -X PUT -H 'X-A: 1' --var K=v -d x 127.0.0.1:1 /p
	send 127.0.0.1:1 /p -XPUT --header='X-A: 1' --var=K=v -dx --write-packet="$b"
	same_bytes "$a" "$b"
	run decode_packet "$b"
	assert_line "var REQUEST_METHOD=PUT"
	assert_line "var HTTP_X_A=1"
	# After "--" a word is no option, even one that looks like it.
	run --separate-stderr send --write-packet "$b" -- 127.0.0.1:1 -p
	assert_success
	run decode_packet "$b"
	assert_line "var PATH_INFO=/-p"
	run --separate-stderr send --write-packet "$b" 127.0.0.1:1 --var
	assert_failure 1
	assert_one_error_line "--var"
	# curl's -d '': a POST with an empty body; --dat names --data (and its
	# alias --data-binary), so it is no ambiguous prefix.
	send --write-packet "$b" -d '' 127.0.0.1:1 /p
	run decode_packet "$b"
	assert_line "var REQUEST_METHOD=POST"
	assert_line "var CONTENT_LENGTH=0"
	send --write-packet "$b" --dat xy 127.0.0.1:1 /p
	run decode_packet "$b"
	assert_line "var CONTENT_LENGTH=2"
}

# ------------------------------------------------------------ --bench

@test "--bench -n 2000 -c 10 against uWSGI: 2000 complete, 0 errors" {
	run --separate-stderr send --bench -n 2000 -c 10 "$SHARED" /env
	assert_success
	[ -z "$stderr" ]
	assert_line "target      $SHARED, 2000 requests, 10 connections"
	assert_line "requests    2000 complete, 0 errors"
	assert_line "status      200: 2000"
	assert_line --regexp '^latency     p50 [0-9.]+ ms, p90 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms$'
}
