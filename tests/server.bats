#!/usr/bin/env bats
# uwsgi-server serving WSGI apps: the PEP 3333 rules (environ, wsgi.input,
# wsgi.errors, start_response and exc_info, write(), close(), file_wrapper)
# under wsgiref.validate through both socket kinds; HTTP/1.1 framing,
# keep-alive, pipelining, 100-continue, HEAD and chunked bodies; 50 MB
# bodies with a flat RSS; malformed, oversized and slow input; the process
# options (threads, mounts, module, paste, pidfile, vacuum, chmod-socket,
# logging) and signals; systemd socket activation.
# Options parsing and config files are server_config.bats' subject, static
# files server_static.bats', front ends (nginx, Apache, lighttpd, Flask,
# Django) server_fronts.bats'.

bats_require_minimum_version 1.5.0
load helpers/common

APPS=$BATS_TEST_DIRNAME/apps/server
APP=$APPS/pep3333.py

# A raw-socket client for what curl and uwsgi-send will not send.
#   wire raw PORT              stdin's bytes (or --send's) in one write, the
#                              answer up to the close
#   wire uwsgi PORT K=V...     one modifier1-0 packet with these vars
# Options: --body S (bytes after the vars), --m1 N (modifier1), --size N
# (datasize in the header, whatever the block's), --truncate N (send N
# bytes, then shut down writing), --bad-var (a var whose key runs past the
# block), --tiny N (N distinct two-byte keys with empty values), --max N
# (read N bytes of answer, then hang up), --slow S (one byte every S
# seconds, stopping at the first send error), --wait-continue (HTTP: send
# the head, wait for "100 Continue", then the body after the blank line).
# The answer goes to stdout; exit 3 if it did not end within --timeout.
WIRE_PY=$(cat <<'PY'
import os, socket, struct, sys, time
args = sys.argv[1:]
mode, port = args.pop(0), int(args.pop(0))
opt = {"--send": None, "--body": None, "--m1": "0", "--size": None, "--truncate": None,
       "--tiny": "0", "--max": None, "--slow": None, "--timeout": "10"}
flags, pairs = set(), []
while args:
    a = args.pop(0)
    if a in opt:
        opt[a] = args.pop(0)
    elif a.startswith("--"):
        flags.add(a)
    else:
        k, _, v = a.partition("=")
        pairs.append((k.encode(), v.encode()))

def var(k, v):
    return struct.pack("<H", len(k)) + k + struct.pack("<H", len(v)) + v

if mode == "uwsgi":
    block = b"".join(var(k, v) for k, v in pairs)
    alpha = bytes(range(0x30, 0x30 + 100))
    block += b"".join(var(bytes([alpha[i // 100], alpha[i % 100]]), b"")
                      for i in range(int(opt["--tiny"])))
    if "--bad-var" in flags:
        block += struct.pack("<H", 200) + b"PATH"
    size = int(opt["--size"]) if opt["--size"] else len(block)
    data = struct.pack("<BHB", int(opt["--m1"]), size, 0) + block
    if opt["--body"]:
        data += opt["--body"].encode()
elif opt["--send"] is not None:
    data = os.fsencode(opt["--send"])
else:
    data = sys.stdin.buffer.read()
if opt["--truncate"]:
    data = data[:int(opt["--truncate"])]
s = socket.create_connection(("127.0.0.1", port), timeout=float(opt["--timeout"]))
if opt["--slow"]:
    for b in data:
        try:
            s.send(bytes([b]))
        except OSError as e:
            print("send: %s" % e, file=sys.stderr)
            break
        time.sleep(float(opt["--slow"]))
elif "--wait-continue" in flags:
    head, _, body = data.partition(b"\r\n\r\n")
    s.sendall(head + b"\r\n\r\n")
    got = b""
    while b"\r\n\r\n" not in got:
        d = s.recv(4096)
        if not d:
            break
        got += d
    sys.stdout.buffer.write(got)
    if not got.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"):
        sys.exit("no 100 Continue before the body: %r" % got)
    s.sendall(body)
else:
    s.sendall(data)
if opt["--truncate"]:
    s.shutdown(socket.SHUT_WR)
limit = int(opt["--max"]) if opt["--max"] else None
out = b""
try:
    while limit is None or len(out) < limit:
        d = s.recv(65536)
        if not d:
            break
        out += d
except socket.timeout:
    sys.stdout.buffer.write(out)
    sys.exit(3)
except ConnectionResetError:
    pass
sys.stdout.buffer.write(out)
PY
)

wire() { "$PY" -c "$WIRE_PY" "$@"; }

# The shared server: two workers, both socket kinds, pep3333.py.
setup_file() {
	require_cmd curl
	free_ports HPORT UPORT
	export HPORT UPORT H=http://127.0.0.1:$HPORT U=127.0.0.1:$UPORT
	export LOG=$BATS_FILE_TMPDIR/main.log FILES=$BATS_FILE_TMPDIR
	BATS_TEST_TMPDIR=$FILES up_server main --master --processes 2 \
		--socket "$U" --http-socket "127.0.0.1:$HPORT" --wsgi-file "$APP"
	export MAIN_PID=$main_pid
	wait_port "$HPORT" && wait_port "$UPORT" && wait_workers "$MAIN_PID" 2 || {
		BATS_TEST_TMPDIR=$FILES show_log main
		return 1
	}
}

teardown_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR stop_all
}

teardown() { stop_all; }

# serve NAME OPTIONS...: a server of this test's own on fresh ports, both
# kinds: $hport/$h (HTTP port and URL), $uport/$u (uwsgi port and address).
serve() {
	local name=$1
	shift
	free_ports hport uport
	h=http://127.0.0.1:$hport u=127.0.0.1:$uport
	up_server "$name" --master --socket "$u" --http-socket "127.0.0.1:$hport" "$@"
	wait_port "$hport" && wait_port "$uport" || { show_log "$name"; return 1; }
}

# wait_workers MASTER N: wait until the master has N workers (the sockets
# accept before the workers exist).
wait_workers() {
	local tries=200
	while [ "$(pgrep -P "$1" | wc -l)" != "$2" ] && [ $tries -gt 0 ]; do
		sleep 0.05
		tries=$((tries - 1))
	done
	[ "$(pgrep -P "$1" | wc -l)" = "$2" ]
}

get() { curl -sS -m 10 "$@"; }
send() { "$UP_BIN/uwsgi-send" -t 10 "$@"; }

# A file of N random bytes in $BATS_TEST_TMPDIR/NAME.
random_file() {
	head -c "$2" /dev/urandom >"$BATS_TEST_TMPDIR/$1"
}

sha() { sha256sum "$1" | cut -c1-64; }

# ends_with FILE STRING / is_exactly FILE STRING: byte comparisons (bats'
# run drops trailing newlines, which framing checks cannot afford).
ends_with() {
	cmp <(tail -c "${#2}" "$1") <(printf '%s' "$2") || {
		echo "$1 does not end with the expected bytes; it holds:" >&2
		od -c "$1" | tail -5 >&2
		return 1
	}
}
is_exactly() {
	cmp "$1" <(printf '%s' "$2") || {
		od -c "$1" | head -20 >&2
		return 1
	}
}

# Lines of the shared log: log_mark remembers how many there are, log_new
# prints the ones written since.
log_mark() { mark=$(wc -l <"$LOG"); }
log_new() { tail -n +"$((mark + 1))" "$LOG"; }

# vm PID FIELD: a /proc/PID/status field in kB (VmRSS, VmHWM).
vm() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# The sha256 of /download?mb=N: block i is sha256("i") repeated to 64 KiB.
download_sha() {
	"$PY" -c '
import hashlib, sys
h = hashlib.sha256()
for i in range(int(sys.argv[1]) * 16):
    h.update(hashlib.sha256(b"%d" % i).digest() * 2048)
print(h.hexdigest())' "$1"
}

# Sum of one /proc/PID/io field over the shared server's workers.
workers_io() {
	local p sum=0
	for p in $(worker_pids "$MAIN_PID"); do
		sum=$((sum + $(awk -v f="$1:" '$1 == f { print $2 }' "/proc/$p/io")))
	done
	echo "$sum"
}

# ------------------------------------------------------------------ environ

@test "environ: every PEP 3333 key with the right types and values (HTTP)" {
	get -o "$BATS_TEST_TMPDIR/env" -H $'X-Latin: caf\xe9' "$H/env?a=1&b=x%20y"
	check_environ "$BATS_TEST_TMPDIR/env" REQUEST_METHOD=GET SCRIPT_NAME= PATH_INFO=/env \
		'QUERY_STRING=a=1&b=x%20y' SERVER_NAME=127.0.0.1 SERVER_PORT="$HPORT" \
		SERVER_PROTOCOL=HTTP/1.1 HTTP_HOST="127.0.0.1:$HPORT" HTTP_X_LATIN=café \
		REMOTE_ADDR=127.0.0.1 wsgi.version='[1, 0]' wsgi.url_scheme=http \
		wsgi.multithread=false wsgi.multiprocess=true wsgi.run_once=false \
		has_input_methods=true has_errors_methods=true '!HTTP_CONTENT_TYPE'
	get -o "$BATS_TEST_TMPDIR/env" -d 'x=1' "$H/env"
	check_environ "$BATS_TEST_TMPDIR/env" REQUEST_METHOD=POST QUERY_STRING= \
		CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=3 \
		'!HTTP_CONTENT_TYPE' '!HTTP_CONTENT_LENGTH'
}

@test "environ: the same keys over the uwsgi socket (uwsgi-send)" {
	send -o "$BATS_TEST_TMPDIR/env" -H $'X-Latin: caf\xe9' "$U" '/env?a=1'
	check_environ "$BATS_TEST_TMPDIR/env" REQUEST_METHOD=GET SCRIPT_NAME= PATH_INFO=/env \
		QUERY_STRING=a=1 SERVER_PROTOCOL=HTTP/1.1 HTTP_X_LATIN=café \
		wsgi.version='[1, 0]' wsgi.url_scheme=http wsgi.multiprocess=true \
		wsgi.run_once=false has_input_methods=true has_errors_methods=true
	send -o "$BATS_TEST_TMPDIR/env" -d 'x=1' -H 'Content-Type: text/x-test' "$U" /env
	check_environ "$BATS_TEST_TMPDIR/env" REQUEST_METHOD=POST CONTENT_LENGTH=3 \
		CONTENT_TYPE=text/x-test
}

@test "environ: what a bare front end leaves out is filled in (validator passes)" {
	# Only PATH_INFO: every other key PEP 3333 requires gets its default.
	wire uwsgi "$UPORT" PATH_INFO=/env >"$BATS_TEST_TMPDIR/a"
	run head -1 "$BATS_TEST_TMPDIR/a"
	assert_output $'HTTP/1.0 200 OK\r'
	check_environ "$BATS_TEST_TMPDIR/a" REQUEST_METHOD=GET SCRIPT_NAME= QUERY_STRING= \
		SERVER_PROTOCOL=HTTP/1.0 SERVER_NAME=localhost SERVER_PORT=80
	# SCRIPT_NAME "/" is the root, spelled "" (the validator refuses "/"),
	# and PATH_INFO comes from REQUEST_URI when it is missing.
	wire uwsgi "$UPORT" REQUEST_METHOD=GET SCRIPT_NAME=/ 'REQUEST_URI=/env?z=9' \
		QUERY_STRING=z=9 HTTPS=on HTTP_HOST=example.org:8443 >"$BATS_TEST_TMPDIR/b"
	check_environ "$BATS_TEST_TMPDIR/b" SCRIPT_NAME= PATH_INFO=/env QUERY_STRING=z=9 \
		wsgi.url_scheme=https SERVER_NAME=example.org
}

@test "environ: a var named like one of the server's wsgi.* keys does not replace it" {
	wire uwsgi "$UPORT" PATH_INFO=/env wsgi.version=9 wsgi.url_scheme=gopher \
		wsgi.run_once=1 wsgi.extra=kept >"$BATS_TEST_TMPDIR/a"
	run head -1 "$BATS_TEST_TMPDIR/a"
	assert_output $'HTTP/1.0 200 OK\r'
	check_environ "$BATS_TEST_TMPDIR/a" wsgi.version='[1, 0]' wsgi.url_scheme=http \
		wsgi.run_once=false wsgi.extra=kept
}

@test "environ: HTTP_CONTENT_* and an empty SERVER_NAME from a front end are cleaned" {
	# nginx and lighttpd send the Content-Type and Content-Length headers
	# as HTTP_* too; nginx sends SERVER_NAME empty without a server_name.
	# The validator refuses the first, PEP 3333 forbids the second.
	run wire uwsgi "$UPORT" REQUEST_METHOD=POST PATH_INFO=/env SERVER_PROTOCOL=HTTP/1.1 \
		CONTENT_TYPE=text/plain CONTENT_LENGTH=5 HTTP_CONTENT_TYPE=text/plain \
		HTTP_CONTENT_LENGTH=5 SERVER_NAME= SERVER_PORT=8080 HTTP_HOST=example.org:8080 \
		--body hello
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/env"
	check_environ "$BATS_TEST_TMPDIR/env" CONTENT_TYPE=text/plain CONTENT_LENGTH=5 \
		'!HTTP_CONTENT_TYPE' '!HTTP_CONTENT_LENGTH' SERVER_NAME=example.org SERVER_PORT=8080
}

# ---------------------------------------------------------------- wsgi.input

@test "wsgi.input: read(n) gives the whole body, over both sockets" {
	random_file body 300000
	printf x >"$BATS_TEST_TMPDIR/one"
	for f in body one; do
		get --data-binary @"$BATS_TEST_TMPDIR/$f" -H 'Content-Type: application/octet-stream' \
			-o "$BATS_TEST_TMPDIR/got" "$H/echo"
		cmp "$BATS_TEST_TMPDIR/$f" "$BATS_TEST_TMPDIR/got"
		send -d @"$BATS_TEST_TMPDIR/$f" -o "$BATS_TEST_TMPDIR/got" "$U" /echo
		cmp "$BATS_TEST_TMPDIR/$f" "$BATS_TEST_TMPDIR/got"
	done
	run get -X POST -H 'Content-Length: 0' -w '%{http_code}' "$H/echo"
	assert_output 200
}

@test "wsgi.input: readline(), readline(size), readlines() and iteration" {
	printf 'a\nbb\n\nccc' >"$BATS_TEST_TMPDIR/lines"
	local lines='["a\n", "bb\n", "\n", "ccc"]' sized='["a\n", "bb", "\n", "\n", "cc", "c"]'
	for route in /readline /readlines /iter /readline-size?n=2; do
		want=$lines
		[[ $route == *size* ]] && want=$sized
		run get --data-binary @"$BATS_TEST_TMPDIR/lines" "$H$route"
		assert_output "$want"
		run get --data-binary @"$BATS_TEST_TMPDIR/lines" -H 'Transfer-Encoding: chunked' "$H$route"
		assert_output "$want"
		run send -d @"$BATS_TEST_TMPDIR/lines" "$U" "$route"
		assert_output "$want"
	done
}

@test "wsgi.input never reads past CONTENT_LENGTH" {
	run get -d hello "$H/overread"
	assert_output "first=b'hello' second=b''"
	# uwsgi: bytes after the announced body are not the body.
	run wire uwsgi "$UPORT" REQUEST_METHOD=POST PATH_INFO=/overread CONTENT_LENGTH=5 \
		--body helloEXTRA-BYTES
	assert_output --partial "first=b'hello' second=b''"
	# HTTP: the next pipelined request is not the body either, and is served.
	run wire raw "$HPORT" < <(printf '%s\r\n' 'POST /overread HTTP/1.1' 'Host: x' \
		'Content-Length: 5' '' 'helloGET /pid HTTP/1.1' 'Host: x' 'Connection: close' '')
	assert_success
	assert_output --partial "first=b'hello' second=b''"
	[ "$(grep -c '^HTTP/1.1 200 OK' <<<"$output")" = 2 ]
}

@test "chunked request bodies: extensions, trailers, tiny chunks, then the next request" {
	random_file big 1000000
	run get -H 'Transfer-Encoding: chunked' --data-binary @"$BATS_TEST_TMPDIR/big" "$H/upload"
	assert_output "1000000 $(sha "$BATS_TEST_TMPDIR/big")"
	want=$(printf 'hello 0123456789' | sha256sum | cut -c1-64)
	run wire raw "$HPORT" < <(printf '%s\r\n' 'POST /upload HTTP/1.1' 'Host: x' \
		'Transfer-Encoding: chunked' '' '5;name=value' hello 1 ' ' A 0123456789 0 \
		'X-Trailer: t' '' 'GET /pid HTTP/1.1' 'Host: x' 'Connection: close' '')
	assert_success
	assert_output --partial "16 $want"
	[ "$(grep -c '^HTTP/1.1 200 OK' <<<"$output")" = 2 ]
}

# ------------------------------------------------ errors, start_response, write

@test "wsgi.errors writes to the server's log" {
	tag=errors-$RANDOM$RANDOM
	run get "$H/errors?tag=$tag"
	assert_output logged
	wait_grep "$LOG" "^app says via wsgi.errors: $tag\$" 5
	wait_grep "$LOG" "^second line $tag\$" 5
}

@test "start_response: a second call without exc_info is an error" {
	run get "$H/raw/twice"
	assert_output --regexp '^second call refused: [A-Za-z]+Error$'
}

@test "start_response: exc_info before the head is sent replaces the response" {
	run get -D - "$H/raw/excinfo-early"
	assert_line --index 0 $'HTTP/1.1 503 Service Unavailable\r'
	assert_line 'replaced by the error page'
	run send -i "$U" /raw/excinfo-early
	assert_line --index 0 $'HTTP/1.1 503 Service Unavailable\r'
}

@test "start_response: exc_info after the head is sent re-raises; the response is cut" {
	marker=$BATS_TEST_TMPDIR/marker
	log_mark
	run --separate-stderr curl -sS -m 10 "$H/raw/excinfo-late?marker=$marker"
	# The chunked body never gets its last chunk: curl says it was cut.
	assert_failure 18
	assert_output 'partial body'
	run cat "$marker"
	assert_output 'start_response re-raised KeyError'
	wait_grep "$LOG" "^KeyError: 'after the head was sent'" 5
	run log_new
	assert_output --partial 'exception in the app for GET /raw/excinfo-late'
	refute_output --partial 'must never be sent'
}

@test "write(): bytes written go out before the iterable's, over both sockets" {
	run get "$H/write"
	assert_output 'written 1,written 2,returned 3'
	run send "$U" /write
	assert_output 'written 1,written 2,returned 3'
}

# -------------------------------------------------------------------- close()

@test "close() on the iterable is called after a normal response" {
	marker=$BATS_TEST_TMPDIR/marker
	run get "$H/close?marker=$marker"
	assert_output $'first chunk\nlast chunk'
	wait_file "$marker" 5
	run cat "$marker"
	assert_output 'closed ok'
}

@test "close() is called when the app raises in the middle of the iteration" {
	marker=$BATS_TEST_TMPDIR/marker
	run --separate-stderr curl -sS -m 10 "$H/close?marker=$marker&mode=raise"
	assert_failure 18
	assert_output 'first chunk'
	wait_file "$marker" 5
	run cat "$marker"
	assert_output 'closed raise'
	wait_grep "$LOG" '^RuntimeError: failing in the middle of the response' 5
	# Over the uwsgi socket too.
	rm "$marker"
	send "$U" "/close?marker=$marker&mode=raise" || true
	wait_file "$marker" 5
}

@test "close() is called when the client hangs up in the middle of the response" {
	marker=$BATS_TEST_TMPDIR/http-marker
	wire raw "$HPORT" --max 300000 >/dev/null < <(printf '%s\r\n' \
		"GET /close?marker=$marker&mode=endless HTTP/1.1" 'Host: x' '')
	wait_file "$marker" 10
	run cat "$marker"
	assert_output 'closed endless'
	marker=$BATS_TEST_TMPDIR/uwsgi-marker
	wire uwsgi "$UPORT" PATH_INFO=/close "QUERY_STRING=marker=$marker&mode=endless" \
		--max 300000 >/dev/null
	wait_file "$marker" 10
	run cat "$marker"
	assert_output 'closed endless'
}

# ------------------------------------------------------------- file_wrapper

@test "wsgi.file_wrapper over a file goes out with sendfile(), with a Content-Length" {
	random_file big 8000000
	f=$BATS_TEST_TMPDIR/big
	r0=$(workers_io syscr)
	# blksize 1024: read in blocks, this would be ~7800 read syscalls.
	get -D "$BATS_TEST_TMPDIR/head" -o "$BATS_TEST_TMPDIR/got" "$H/raw/sendfile?path=$f&blksize=1024"
	r1=$(workers_io syscr)
	cmp "$f" "$BATS_TEST_TMPDIR/got"
	grep -qx $'Content-Length: 8000000\r' "$BATS_TEST_TMPDIR/head"
	echo "read syscalls of the workers: $((r1 - r0))"
	[ $((r1 - r0)) -lt 500 ]
	send -o "$BATS_TEST_TMPDIR/got" "$U" "/raw/sendfile?path=$f"
	cmp "$f" "$BATS_TEST_TMPDIR/got"
	# Behind the validator the wrapper is iterated: still the same bytes.
	get -o "$BATS_TEST_TMPDIR/got" "$H/file?path=$f"
	cmp "$f" "$BATS_TEST_TMPDIR/got"
}

# ---------------------------------------------------------- response framing

@test "no Content-Length: chunked on HTTP/1.1 (kept alive), close-delimited on HTTP/1.0" {
	a=$BATS_TEST_TMPDIR/answer
	wire raw "$HPORT" >"$a" < <(printf '%s\r\n' 'GET /stream?n=2 HTTP/1.1' 'Host: x' \
		'Connection: close' '')
	grep -qx $'Transfer-Encoding: chunked\r' "$a"
	! grep -qi 'Content-Length' "$a" || false
	ends_with "$a" $'\r\n\r\n8\r\nchunk 0\n\r\n8\r\nchunk 1\n\r\n0\r\n\r\n'
	run --separate-stderr curl -sS -m 10 -v "$H/stream?n=1" "$H/stream?n=2"
	[[ "$stderr" == *'Re-using existing connection'* ]]
	assert_output $'chunk 0\nchunk 0\nchunk 1'
	# HTTP/1.0 has no chunks: the close ends the body.
	wire raw "$HPORT" >"$a" < <(printf '%s\r\n' 'GET /stream?n=2 HTTP/1.0' '')
	[ "$(head -1 "$a")" = $'HTTP/1.1 200 OK\r' ]
	grep -qx $'Connection: close\r' "$a"
	! grep -qi 'Transfer-Encoding' "$a" || false
	ends_with "$a" $'\r\n\r\nchunk 0\nchunk 1\n'
}

@test "response splitting: CR, LF or NUL in a header value never reaches the client" {
	log_mark
	for mode in crlf lf cr nul; do
		run wire raw "$HPORT" < <(printf '%s\r\n' "GET /raw/split?mode=$mode HTTP/1.1" \
			'Host: x' 'Connection: close' '')
		assert_line --index 0 $'HTTP/1.1 500 Internal Server Error\r'
		refute_output --partial 'X-Injected'
		refute_output --partial 'must not follow'
		run send -i "$U" "/raw/split?mode=$mode"
		assert_line --index 0 $'HTTP/1.1 500 Internal Server Error\r'
		refute_output --partial 'X-Injected'
	done
	[ "$(log_new | grep -c 'invalid header')" -ge 8 ]
}

@test "response splitting: CR LF in a header name or in the status line is refused too" {
	for route in split-name split-status; do
		run wire raw "$HPORT" < <(printf '%s\r\n' "GET /raw/$route HTTP/1.1" \
			'Host: x' 'Connection: close' '')
		assert_line --index 0 $'HTTP/1.1 500 Internal Server Error\r'
		refute_output --partial 'X-Injected'
	done
}

@test "an exception in the app: 500, a traceback in the log, the same worker serves on" {
	serve one --processes 1 --wsgi-file "$APP"
	pid=$(get "$h/pid")
	run get -D - "$h/raw/raise"
	assert_line --index 0 $'HTTP/1.1 500 Internal Server Error\r'
	assert_line 'Internal Server Error'
	log=$BATS_TEST_TMPDIR/one.log
	wait_grep "$log" "^RuntimeError: boom from pid $pid\$" 5
	grep -q '^Traceback (most recent call last):' "$log"
	grep -q 'exception in the app for GET /raw/raise' "$log"
	run get "$h/pid"
	assert_output "$pid"
	run send -i "$u" /raw/raise
	assert_line --index 0 $'HTTP/1.1 500 Internal Server Error\r'
	run get "$h/pid"
	assert_output "$pid"
	[ "$(worker_pids "$one_pid")" = "$pid" ]
}

@test "uwsgi socket: the answer is the raw HTTP response, ended by the close" {
	a=$BATS_TEST_TMPDIR/answer
	wire uwsgi "$UPORT" REQUEST_METHOD=GET PATH_INFO=/stream QUERY_STRING=n=2 \
		SERVER_PROTOCOL=HTTP/1.1 >"$a"
	is_exactly "$a" $'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nchunk 0\nchunk 1\n'
	wire uwsgi "$UPORT" REQUEST_METHOD=GET PATH_INFO=/write SERVER_PROTOCOL=HTTP/1.0 >"$a"
	is_exactly "$a" $'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nwritten 1,written 2,returned 3\n'
}

# ---------------------------------------------------------- HTTP specifics

@test "keep-alive: two requests over one connection, served by the same worker" {
	run --separate-stderr curl -sS -m 10 -v "$H/pid" "$H/pid"
	assert_success
	[[ "$stderr" == *'Re-using existing connection'* ]]
	[ "${#lines[@]}" = 2 ]
	[ "${lines[0]}" = "${lines[1]}" ]
}

@test "an idle keep-alive connection does not hold the only worker thread" {
	serve idle --processes 1 --threads 1 --wsgi-file "$APP"
	run "$PY" - "$hport" <<-'PY'
	import socket, sys, time
	port = int(sys.argv[1])
	def ask(s, last=False):
	    s.sendall(b"GET /pid HTTP/1.1\r\nHost: x\r\n%s\r\n"
	              % (b"Connection: close\r\n" if last else b""))
	    data = b""
	    while b"\r\n\r\n" not in data or not data.endswith(b"\n"):
	        d = s.recv(4096)
	        if not d:
	            break
	        data += d
	    assert data.startswith(b"HTTP/1.1 200 OK\r\n"), data
	    return data
	idle = socket.create_connection(("127.0.0.1", port), timeout=5)
	ask(idle)
	# The first connection now idles, kept alive; another client comes.
	start = time.time()
	other = socket.create_connection(("127.0.0.1", port), timeout=5)
	ask(other, last=True)
	print("other client served in %.2f s" % (time.time() - start))
	assert time.time() - start < 1
	ask(idle, last=True)  # and the idle one is still served afterwards
	print("ok")
	PY
	assert_success
	assert_line ok
}

@test "pipelining: three requests in one write, three answers in order" {
	run wire raw "$HPORT" < <(printf '%s\r\n' 'GET /stream?n=1 HTTP/1.1' 'Host: x' '' \
		'POST /echo HTTP/1.1' 'Host: x' 'Content-Length: 6' '' 'secondGET /write HTTP/1.1' \
		'Host: x' 'Connection: close' '')
	assert_success
	[ "$(grep -o 'HTTP/1.1 200 OK' <<<"$output" | wc -l)" = 3 ]
	[[ "$output" =~ chunk\ 0.*HTTP/1.1\ 200.*second.*HTTP/1.1\ 200.*returned\ 3 ]]
}

@test "Expect: 100-continue: the server asks for the body and gets it" {
	random_file body 4096
	run --separate-stderr curl -sS -m 10 -v -H 'Expect: 100-continue' \
		--data-binary @"$BATS_TEST_TMPDIR/body" "$H/upload"
	assert_output "4096 $(sha "$BATS_TEST_TMPDIR/body")"
	[[ "$stderr" == *'< HTTP/1.1 100 Continue'* ]]
	# A client that waits for the 100 before sending anything.
	run wire raw "$HPORT" --wait-continue < <(printf '%s\r\n' 'POST /upload HTTP/1.1' \
		'Host: x' 'Expect: 100-continue' 'Content-Length: 5' 'Connection: close' '' hello)
	assert_success
	assert_output --partial "5 $(printf hello | sha256sum | cut -c1-64)"
	# An app that never reads the body gets no 100 sent for it, and the
	# answer comes at once (curl would wait 5 s for a 100).
	start=$(now_ms)
	run --separate-stderr curl -sS -m 10 -v --expect100-timeout 5 -H 'Expect: 100-continue' \
		--data-binary @"$BATS_TEST_TMPDIR/body" "$H/pid"
	assert_success
	[ $(($(now_ms) - start)) -lt 3000 ]
	[[ "$stderr" != *'100 Continue'* ]]
}

@test "HEAD: the GET head and no body, on both sockets" {
	a=$BATS_TEST_TMPDIR/answer
	wire raw "$HPORT" >"$a" < <(printf '%s\r\n' 'HEAD /head HTTP/1.1' 'Host: x' '' \
		'HEAD /stream HTTP/1.1' 'Host: x' '' 'GET /head HTTP/1.1' 'Host: x' \
		'Connection: close' '')
	[ "$(grep -c '^HTTP/1.1 200 OK' "$a")" = 3 ]
	[ "$(grep -c 'a body HEAD must not carry' "$a")" = 1 ]
	[ "$(grep -c $'^Content-Length: 27\r$' "$a")" = 2 ]
	! grep -q 'chunk 0' "$a" || false
	# Each head is followed by the next status line; the only body is the
	# GET's, at the end.
	[ "$(grep -c $'^\r$' "$a")" = 3 ]
	"$PY" - "$a" <<-'PY'
	import sys
	heads = open(sys.argv[1], "rb").read().split(b"\r\n\r\n")
	assert len(heads) == 4, heads
	assert heads[1].startswith(b"HTTP/1.1 200 OK\r\n"), heads[1]
	assert heads[2].startswith(b"HTTP/1.1 200 OK\r\n"), heads[2]
	assert heads[3] == b"a body HEAD must not carry\n", heads[3]
	PY
	wire uwsgi "$UPORT" REQUEST_METHOD=HEAD PATH_INFO=/head SERVER_PROTOCOL=HTTP/1.1 >"$a"
	[ "$(head -1 "$a")" = $'HTTP/1.1 200 OK\r' ]
	ends_with "$a" $'Content-Length: 27\r\n\r\n'
}

# -------------------------------------------------------------------- bodies

# big_bodies SOCKET: 50 MB up and 50 MB down through a one-worker server;
# the worker's peak RSS (VmHWM) may grow by less than 8 MB.
big_bodies() {
	# ASan keeps freed memory in quarantine (256 MB by default), which
	# would look like growth: let it reuse memory as the real build does.
	ASAN_OPTIONS=quarantine_size_mb=1${ASAN_OPTIONS:+:$ASAN_OPTIONS} \
		serve big --processes 1 --wsgi-file "$APP"
	wait_workers "$big_pid" 1
	w=$(worker_pids "$big_pid")
	random_file small 100000
	head -c 50000000 /dev/urandom >"$BATS_TEST_TMPDIR/big50"
	want_up="50000000 $(sha "$BATS_TEST_TMPDIR/big50")"
	want_down=$(download_sha 50)
	if [ "$1" = http ]; then
		up() { curl -sS -m 60 --data-binary @"$1" "$h/upload"; }
		down() { curl -sS -m 60 "$h/download?mb=$1"; }
	else
		up() { "$UP_BIN/uwsgi-send" -t 60 -d @"$1" "$u" /upload; }
		down() { "$UP_BIN/uwsgi-send" -t 60 "$u" "/download?mb=$1"; }
	fi
	# Warm up (imports, first allocations), then measure.
	up "$BATS_TEST_TMPDIR/small" >/dev/null
	down 1 >/dev/null
	hwm0=$(vm "$w" VmHWM)
	run up "$BATS_TEST_TMPDIR/big50"
	assert_output "$want_up"
	got=$(down 50 | sha256sum | cut -c1-64)
	[ "$got" = "$want_down" ]
	hwm1=$(vm "$w" VmHWM)
	echo "peak RSS of worker $w: $hwm0 kB -> $hwm1 kB"
	[ $((hwm1 - hwm0)) -lt 8192 ]
	[ "$(worker_pids "$big_pid")" = "$w" ]
}

@test "50 MB up and down over HTTP: streamed, the worker's RSS stays flat" {
	big_bodies http
}

@test "50 MB up and down over the uwsgi socket: streamed, the worker's RSS stays flat" {
	big_bodies uwsgi
}

# ----------------------------------------------------------------- bad input

# bad_input WIRE-ARGS... -- ERE: send a bad packet to the shared server's
# uwsgi socket; a line naming the peer and matching ERE must be logged, and
# the same workers must go on serving.
bad_input() {
	local before re
	before=$(worker_pids "$MAIN_PID")
	re=${*: -1}
	log_mark
	wire uwsgi "$UPORT" "${@:1:$#-1}" >"$BATS_TEST_TMPDIR/answer" || true
	wait_grep "$LOG" "^\[pid: [0-9]+\] 127\.0\.0\.1: $re" 5
	run get "$H/pid"
	assert_success
	[ "$(worker_pids "$MAIN_PID")" = "$before" ]
	grep -qx "$output" <<<"$before"
}

@test "bad input: a truncated packet is logged, the worker lives on" {
	bad_input REQUEST_METHOD=GET PATH_INFO=/pid --truncate 10 \
		'client closed the connection after .* header bytes'
	[ ! -s "$BATS_TEST_TMPDIR/answer" ]
}

@test "bad input: a var running past the end of the block is a malformed vars block" {
	bad_input REQUEST_METHOD=GET --bad-var 'malformed vars block'
}

@test "bad input: datasize over --buffer-size is refused by name" {
	bad_input --size 5000 --body "$(printf '%05000d' 0)" \
		'invalid request block size: 5000 \(max 4096\)'
	bad_input --tiny 10000 'invalid request block size: 60000 \(max 4096\)'
}

@test "bad input: an unknown modifier1 is logged by number" {
	bad_input --m1 33 REQUEST_METHOD=GET 'unavailable modifier requested: 33'
}

@test "bad input: HTTP on the uwsgi socket gets a 400 saying to use --http-socket" {
	log_mark
	run wire raw "$UPORT" < <(printf '%s\r\n' 'GET / HTTP/1.1' 'Host: x' '')
	assert_line --index 0 $'HTTP/1.0 400 Bad Request\r'
	assert_output --partial -- '--http-socket'
	wait_grep "$LOG" '^\[pid: [0-9]+\] 127\.0\.0\.1: HTTP request on a uwsgi socket: use --http-socket' 5
}

@test "bad input: 10 000 tiny vars with --buffer-size 65535 are all served" {
	serve vars --processes 1 --buffer-size 65535 --wsgi-file "$APP"
	base=(REQUEST_METHOD=GET PATH_INFO=/nvars SERVER_PROTOCOL=HTTP/1.1)
	run wire uwsgi "$uport" "${base[@]}"
	n0=${lines[-1]}
	run wire uwsgi "$uport" "${base[@]}" --tiny 10000
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	n1=${lines[-1]}
	[ $((n1 - n0)) = 10000 ]
	grep -q '{10003 vars in 60067 bytes}' "$BATS_TEST_TMPDIR/vars.log"
}

# held_worker LOG-ERE KIND WIRE-ARGS...: one worker, --socket-timeout 2, and
# a client (wire KIND on the server's port of that kind) that stalls.
# Another request must be served once the timeout has passed, not when the
# stalling client is done, and the log must say why (LOG-ERE).
held_worker() {
	local re=$1 kind=$2 port
	shift 2
	serve held --processes 1 --socket-timeout 2 --wsgi-file "$APP"
	port=$hport
	[ "$kind" = uwsgi ] && port=$uport
	start_bg staller "$PY" -c "$WIRE_PY" "$kind" "$port" --timeout 30 "$@"
	sleep 0.3
	start=$(now_ms)
	run get -m 8 "$h/pid"
	took=$(($(now_ms) - start))
	echo "the second client waited $took ms"
	assert_success
	[ "$took" -lt 3500 ]
	wait_grep "$BATS_TEST_TMPDIR/held.log" "$re" 5
}

@test "a slow client (a byte a second) on the uwsgi socket holds a worker only --socket-timeout" {
	held_worker '^\[pid: [0-9]+\] 127\.0\.0\.1: .*timed out' \
		uwsgi REQUEST_METHOD=GET PATH_INFO=/pid --slow 1
}

@test "a slow client (a byte a second) on the HTTP socket holds a worker only --socket-timeout" {
	held_worker '^\[pid: [0-9]+\] 127\.0\.0\.1: .*timed out' \
		raw --slow 1 --send $'GET /pid HTTP/1.1\r\nHost: a-rather-slow-client\r\n\r\n'
}

@test "a request body that stops arriving frees the worker after --socket-timeout" {
	held_worker 'error reading the request body: read 127\.0\.0\.1: timed out' \
		raw --send $'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789'
}

# -------------------------------------------------------------------- options

@test "--limit-post: a bigger body is a 413, a smaller one is served" {
	serve limit --processes 1 --limit-post 1000 --wsgi-file "$APP"
	random_file big 2000
	random_file small 500
	run get -w ' %{http_code}' --data-binary @"$BATS_TEST_TMPDIR/big" "$h/upload"
	assert_output --regexp ' 413$'
	run get -w ' %{http_code}' -H 'Transfer-Encoding: chunked' \
		--data-binary @"$BATS_TEST_TMPDIR/big" "$h/upload"
	assert_output --regexp ' 413$'
	run get --data-binary @"$BATS_TEST_TMPDIR/small" "$h/upload"
	assert_output "500 $(sha "$BATS_TEST_TMPDIR/small")"
	run send -i -d @"$BATS_TEST_TMPDIR/big" "$u" /upload
	assert_line --index 0 $'HTTP/1.1 413 Content Too Large\r'
	grep -Eq '\] POST /upload => generated [0-9]+ bytes in [0-9]+ msecs \(HTTP/1\.1 413\)' \
		"$BATS_TEST_TMPDIR/limit.log"
}

@test "--threads 4: eight 1-second requests take about 2 seconds on one worker" {
	serve threads --processes 1 --threads 4 --wsgi-file "$APP"
	run get -o "$BATS_TEST_TMPDIR/env" "$h/env"
	check_environ "$BATS_TEST_TMPDIR/env" wsgi.multithread=true wsgi.multiprocess=false
	start=$(now_ms)
	clients=()
	for i in 1 2 3 4 5 6 7 8; do
		curl -sS -m 10 -o "$BATS_TEST_TMPDIR/out$i" "$h/sleep?s=1" &
		clients+=($!)
	done
	wait "${clients[@]}"
	took=$(($(now_ms) - start))
	echo "8 requests took $took ms"
	[ "$took" -ge 1900 ] && [ "$took" -lt 3000 ]
	for i in 1 2 3 4 5 6 7 8; do
		grep -q '^slept 1 in ' "$BATS_TEST_TMPDIR/out$i"
	done
}

@test "--mount with --manage-script-name: the longest prefix wins, the path is split" {
	for order in "/a/b=mounts:app_b /a=mounts:app_a" "/a=mounts:app_a /a/b=mounts:app_b"; do
		set -- $order
		serve mount --processes 1 --pythonpath "$APPS" --module mounts:root \
			--mount "$1" --mount "$2" --manage-script-name
		run get "$h/a/x"
		assert_output "a SCRIPT_NAME='/a' PATH_INFO='/x'"
		run get "$h/a/b/y/z"
		assert_output "b SCRIPT_NAME='/a/b' PATH_INFO='/y/z'"
		run get "$h/a/bc"
		assert_output "a SCRIPT_NAME='/a' PATH_INFO='/bc'"
		run get "$h/a"
		assert_output "a SCRIPT_NAME='/a' PATH_INFO=''"
		run get "$h/ab"
		assert_output "root SCRIPT_NAME='' PATH_INFO='/ab'"
		run send "$u" /a/b/
		assert_output "b SCRIPT_NAME='/a/b' PATH_INFO='/'"
		stop_all
	done
}

@test "--module loads pkg.mod:callable; --chdir and --callable find it too" {
	serve mod --processes 1 --pythonpath "$APPS" --module srvpkg.hello:app
	run get "$h/"
	assert_output 'hello from srvpkg.hello:app'
	stop_all
	serve mod --processes 1 --chdir "$APPS" --module srvpkg.hello --callable app
	run get "$h/"
	assert_output 'hello from srvpkg.hello:app'
}

@test "--paste config:FILE loads the [app:main] factory with its settings" {
	require_py paste.deploy
	serve paste --processes 1 --pythonpath "$APPS" --paste "config:$APPS/paste.ini"
	run get "$h/"
	assert_output "hello from paste.ini (here=$APPS)"
}

@test "--pidfile holds the master's pid and is removed at exit" {
	pf=$BATS_TEST_TMPDIR/server.pid
	serve pidf --processes 1 --wsgi-file "$APP" --pidfile "$pf"
	wait_workers "$pidf_pid" 1
	run cat "$pf"
	assert_output "$pidf_pid"
	kill -TERM "$pidf_pid"
	wait_gone "$pidf_pid"
	[ ! -e "$pf" ]
}

@test "SIGTERM while the app is still loading: a clean exit, pidfile and socket removed" {
	pf=$BATS_TEST_TMPDIR/server.pid sock=$BATS_TEST_TMPDIR/early.sock
	up_server early --master --socket "$sock" --vacuum --pidfile "$pf" \
		--wsgi-file "$APPS/slow_start.py"
	wait_file "$pf"
	wait_file "$sock"
	kill -TERM "$early_pid"
	wait_gone "$early_pid" 5
	rc=0
	wait "$early_pid" || rc=$?
	echo "exit status $rc"
	[ "$rc" = 0 ]
	[ ! -e "$pf" ]
	[ ! -e "$sock" ]
}

@test "--vacuum removes the UNIX socket at exit; without it the socket stays" {
	for vac in yes no; do
		sock=$BATS_TEST_TMPDIR/$vac.sock
		up_server "vac$vac" --master --socket "$sock" --wsgi-file "$APP" \
			$([ $vac = yes ] && echo --vacuum)
		wait_file "$sock"
		run send "$sock" /write
		assert_output 'written 1,written 2,returned 3'
		pid_var=vac${vac}_pid
		kill -TERM "${!pid_var}"
		wait_gone "${!pid_var}"
	done
	[ ! -e "$BATS_TEST_TMPDIR/yes.sock" ]
	[ -S "$BATS_TEST_TMPDIR/no.sock" ]
	grep -q "removed UNIX socket $BATS_TEST_TMPDIR/yes.sock" "$BATS_TEST_TMPDIR/vacyes.log"
}

@test "--chmod-socket sets the UNIX socket's mode (666 by default, or the one given)" {
	up_server cm1 --socket "$BATS_TEST_TMPDIR/a.sock" --chmod-socket --wsgi-file "$APP"
	up_server cm2 --socket "$BATS_TEST_TMPDIR/b.sock" --chmod-socket=600 --wsgi-file "$APP"
	wait_file "$BATS_TEST_TMPDIR/a.sock"
	wait_file "$BATS_TEST_TMPDIR/b.sock"
	run stat -c %a "$BATS_TEST_TMPDIR/a.sock"
	assert_output 666
	run stat -c %a "$BATS_TEST_TMPDIR/b.sock"
	assert_output 600
	run send "$BATS_TEST_TMPDIR/b.sock" /write
	assert_output 'written 1,written 2,returned 3'
}

# no_sanitizer_report LOG: no ASan/UBSan/LSan report, no worker that died.
no_sanitizer_report() {
	! grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:|exited with status|killed by signal' "$1" || {
		echo "see $1" >&2
		return 1
	}
}

# wait_gone PID [SECONDS]: wait (default 10 s) until PID has exited.
wait_gone() {
	local tries=$(( ${2:-10} * 50 ))
	while kill -0 "$1" 2>/dev/null && [ $tries -gt 0 ]; do
		sleep 0.02
		tries=$((tries - 1))
	done
	! kill -0 "$1" 2>/dev/null || false
}

# ------------------------------------------------------------------- signals

@test "SIGTERM: graceful, the request in flight completes with 200" {
	serve term --processes 1 --wsgi-file "$APP"
	curl -sS -m 10 -o "$BATS_TEST_TMPDIR/out" -w '%{http_code}' "$h/sleep?s=2" \
		>"$BATS_TEST_TMPDIR/code" &
	client=$!
	sleep 0.5
	kill -TERM "$term_pid"
	wait "$client"
	run cat "$BATS_TEST_TMPDIR/code"
	assert_output 200
	grep -q '^slept 2 in ' "$BATS_TEST_TMPDIR/out"
	wait_gone "$term_pid" 5
	rc=0
	wait "$term_pid" || rc=$?
	[ "$rc" = 0 ] || {
		echo "exit status $rc; the log ends with:" >&2
		tail -15 "$BATS_TEST_TMPDIR/term.log" >&2
		return 1
	}
	grep -q 'graceful shutdown' "$BATS_TEST_TMPDIR/term.log"
	no_sanitizer_report "$BATS_TEST_TMPDIR/term.log"
}

@test "SIGINT: immediate, exits within a second with a request in flight" {
	serve int --processes 2 --wsgi-file "$APP"
	curl -sS -m 10 "$h/sleep?s=5" >/dev/null 2>&1 &
	client=$!
	sleep 0.5
	start=$(now_ms)
	kill -INT "$int_pid"
	wait_gone "$int_pid" 5
	took=$(($(now_ms) - start))
	echo "exited after $took ms"
	[ "$took" -lt 1000 ]
	rc=0
	wait "$client" || rc=$?
	[ "$rc" != 0 ]
}

@test "SIGHUP: every worker is replaced and no request fails meanwhile" {
	serve hup --processes 2 --wsgi-file "$APP"
	wait_workers "$hup_pid" 2
	before=$(worker_pids "$hup_pid")
	# A client asking without pause, a new connection each time, for 3 s.
	request_loop "$hport" 3 >"$BATS_TEST_TMPDIR/loop" 2>&1 &
	loop=$!
	curl -sS -m 10 -o "$BATS_TEST_TMPDIR/slow" -w '%{http_code}' "$h/sleep?s=1" \
		>"$BATS_TEST_TMPDIR/code" &
	slow=$!
	sleep 0.5
	kill -HUP "$hup_pid"
	wait "$slow"
	wait "$loop"
	cat "$BATS_TEST_TMPDIR/loop"
	grep -Eq '^ok [1-9][0-9]* failed 0$' "$BATS_TEST_TMPDIR/loop"
	run cat "$BATS_TEST_TMPDIR/code"
	assert_output 200
	wait_workers "$hup_pid" 2
	after=$(worker_pids "$hup_pid")
	echo "workers before: $before; after: $after"
	[ "$(wc -l <<<"$before")" = 2 ] && [ "$(wc -l <<<"$after")" = 2 ]
	[ -z "$(comm -12 <(echo "$before") <(echo "$after"))" ]
}

# ------------------------------------------------------------------- logging

# The request line as uWSGI writes it, for a GET of $1 answered 200 on HTTP/1.1.
uwsgi_line() {
	local uri=${1//\?/\\?}
	echo "^\[pid: [0-9]+\|app: 0\|req: [0-9]+/[0-9]+\] 127\.0\.0\.1 \(\) \{[0-9]+ vars in [0-9]+ bytes\} \[[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}\] GET $uri => generated [0-9]+ bytes in [0-9]+ msecs \(HTTP/1\.1 200\) [0-9]+ headers in [0-9]+ bytes \(1 switches on core 0\)\$"
}

@test "request lines in uWSGI's shape go to stderr by default" {
	get "$H/pid?shape" >/dev/null
	wait_grep "$LOG" "$(uwsgi_line '/pid?shape')" 5
}

@test "--logto FILE: the request lines go to the file, not to stderr" {
	serve logto --processes 1 --wsgi-file "$APP" --logto "$BATS_TEST_TMPDIR/file.log"
	get "$h/pid?logto" >/dev/null
	wait_grep "$BATS_TEST_TMPDIR/file.log" "$(uwsgi_line '/pid?logto')" 5
	! grep -q 'pid?logto' "$BATS_TEST_TMPDIR/logto.log" || false
}

@test "--log-format: uWSGI's %(var) placeholders" {
	serve fmt --processes 1 --wsgi-file "$APP" --log-format '%(method) %(uri) %(status) [%(var.HTTP_X_TAG)]'
	get "$h/pid?fmt" -H 'X-Tag: tagged' >/dev/null
	get "$h/nowhere" >/dev/null
	wait_grep "$BATS_TEST_TMPDIR/fmt.log" '^GET /pid\?fmt 200 \[tagged\]$' 5
	wait_grep "$BATS_TEST_TMPDIR/fmt.log" '^GET /nowhere 404 \[\]$' 5
}

@test "--disable-logging: no request lines, but errors are still logged" {
	serve quiet --processes 1 --wsgi-file "$APP" --disable-logging
	get "$h/pid?quiet" >/dev/null
	get "$h/raw/raise" >/dev/null
	wait_grep "$BATS_TEST_TMPDIR/quiet.log" '^RuntimeError: boom' 5
	! grep -q 'GET /pid' "$BATS_TEST_TMPDIR/quiet.log" || false
	! grep -q '\[pid: [0-9]*|app' "$BATS_TEST_TMPDIR/quiet.log" || false
}

# ------------------------------------------------------- socket activation

@test "systemd socket activation: LISTEN_FDS sockets, named http or not" {
	require_cmd systemd-socket-activate
	free_ports p1 p2 p3
	# --fdname=http: an HTTP socket, with no socket option at all.
	start_bg act1 systemd-socket-activate -l "127.0.0.1:$p1" --fdname=http \
		env PYTHONDONTWRITEBYTECODE=1 "$UP_BIN/uwsgi-server" --master --wsgi-file "$APP"
	# No name: the uwsgi protocol.
	start_bg act2 systemd-socket-activate -l "127.0.0.1:$p2" \
		env PYTHONDONTWRITEBYTECODE=1 "$UP_BIN/uwsgi-server" --master --wsgi-file "$APP"
	# No name, but configured as --http-socket on the same address: HTTP,
	# and no second bind (which would fail: the address is taken).
	start_bg act3 systemd-socket-activate -l "127.0.0.1:$p3" \
		env PYTHONDONTWRITEBYTECODE=1 "$UP_BIN/uwsgi-server" --master --wsgi-file "$APP" \
		--http-socket "127.0.0.1:$p3"
	wait_port "$p1" && wait_port "$p2" && wait_port "$p3"
	run curl -sS -m 10 "http://127.0.0.1:$p1/pid"
	assert_success
	[ "$(pgrep -P "$act1_pid")" = "$output" ]
	run send "127.0.0.1:$p2" /write
	assert_output 'written 1,written 2,returned 3'
	run curl -sS -m 10 "http://127.0.0.1:$p3/write"
	assert_output 'written 1,written 2,returned 3'
	grep -q "http socket 0 inherited from systemd: 127.0.0.1:$p1 fd 3" "$BATS_TEST_TMPDIR/act1.log"
	grep -q "uwsgi socket 0 inherited from systemd: 127.0.0.1:$p2 fd 3" "$BATS_TEST_TMPDIR/act2.log"
	grep -q "http socket 0 inherited from systemd: 127.0.0.1:$p3 fd 3" "$BATS_TEST_TMPDIR/act3.log"
	! grep -q 'bound to' "$BATS_TEST_TMPDIR/act3.log" || false
	# The app does not see the variables (children would take the fds again).
	for v in LISTEN_FDS LISTEN_PID LISTEN_FDNAMES; do
		run curl -sS -m 10 "http://127.0.0.1:$p1/getenv?name=$v"
		assert_output '(unset)'
	done
}

# ------------------------------------------------------------------- the end

@test "the shared server stops cleanly after all of the above: exit 0, no worker lost" {
	kill -TERM "$MAIN_PID"
	wait_gone "$MAIN_PID" 10
	wait_grep "$LOG" '^uwsgi-server: goodbye$' 5
	no_sanitizer_report "$LOG"
}
