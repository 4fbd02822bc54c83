#!/usr/bin/env bats
# uwsgi-cgi: the CGI bridge, run by real lighttpd and Apache mod_cgi on
# loopback in front of Debian's uWSGI 2.0, and run directly with a CGI
# environment for what a web server would hide (httpoxy, exact
# CONTENT_LENGTH, odd backends from tests/apps/cgi_fake_backend.py).

bats_require_minimum_version 1.5.0
load helpers/common

APP=$UP_ROOT/tests/apps/cgi_app.py
FAKE=$UP_ROOT/tests/apps/cgi_fake_backend.py
CGI=$UP_BIN/uwsgi-cgi
BIG_SIZE=$((100 * 1024 * 1024))

# One uWSGI for the whole file (2 workers, as the issue's setup), and the
# 100 MB file the transfer tests send both ways.
setup_file() {
	require_cmd uwsgi
	export UW_PORT
	UW_PORT=$(free_port)
	export UW_UNIX=$BATS_FILE_TMPDIR/uwsgi.sock
	# cgi_server.bats is this file under another name: the same tests in
	# front of this project's server instead of Debian's uWSGI.
	local backend=(uwsgi --plugin python3 --die-on-term)
	[[ $BATS_TEST_FILENAME == */cgi_server.bats ]] && backend=("$UP_BIN/uwsgi-server")
	"${backend[@]}" --master --processes 2 \
		--socket "127.0.0.1:$UW_PORT" --socket "$UW_UNIX" --wsgi-file "$APP" \
		>"$BATS_FILE_TMPDIR/uwsgi.log" 2>&1 &
	echo $! >"$BATS_FILE_TMPDIR/uwsgi.pid"
	wait_port "$UW_PORT" || { cat "$BATS_FILE_TMPDIR/uwsgi.log" >&2; return 1; }
	export BIG=$BATS_FILE_TMPDIR/big.bin
	head -c "$BIG_SIZE" /dev/urandom >"$BIG"
	export BIG_SHA
	BIG_SHA=$(sha256sum "$BIG" | cut -c1-64)
}

teardown_file() {
	stop_pid "$(cat "$BATS_FILE_TMPDIR/uwsgi.pid")"
	rm -f "$BATS_FILE_TMPDIR/big.bin"
}

teardown() { stop_all; }

# ---- running the bridge directly ---------------------------------------

# cgi_env VAR=VALUE...: the environment a web server would give, plus these.
cgi_env() {
	env -i GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
		SERVER_NAME=localhost SERVER_PORT=80 SERVER_SOFTWARE=test \
		REMOTE_ADDR=127.0.0.1 REQUEST_METHOD=GET SCRIPT_NAME=/app.cgi \
		QUERY_STRING= "$@"
}

# script FILE LINE...: a #! script for uwsgi-cgi holding these lines.
script() {
	local f=$1
	shift
	{ echo "#!$CGI"; printf '%s\n' "$@"; } >"$f"
	chmod 755 "$f"
}

export -f cgi_env

# The body of a CGI response (after the first blank line).
cgi_body() { sed '1,/^\r*$/d'; }

# fake MODE: start the odd backend, set $port.
fake() {
	port=$(free_port)
	start_bg "fake-$1" "$PY" "$FAKE" "$port" "$1"
	wait_port "$port"
}

@test "forwards the CGI meta-variables, not the web server's environment" {
	run --separate-stderr cgi_env PATH_INFO=/env QUERY_STRING='a=1&b=%20' \
		HTTP_HOST=example.org HTTPS=on DOCUMENT_ROOT=/srv REMOTE_PORT=5 \
		PATH=/usr/bin:/bin LD_LIBRARY_PATH=/nope SHELL=/bin/sh SECRET=x \
		"$CGI" --socket "127.0.0.1:$UW_PORT"
	assert_success
	assert_line --index 0 $'Status: 200 OK\r'
	for v in GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET SCRIPT_NAME=/app.cgi \
		PATH_INFO=/env 'QUERY_STRING=a=1&b=%20' HTTP_HOST=example.org HTTPS=on \
		DOCUMENT_ROOT=/srv REMOTE_ADDR=127.0.0.1 REMOTE_PORT=5 SERVER_NAME=localhost \
		SERVER_PORT=80 SERVER_PROTOCOL=HTTP/1.1 SERVER_SOFTWARE=test; do
		assert_line "$v"
	done
	refute_line --regexp '^(PATH|LD_LIBRARY_PATH|SHELL|SECRET)='
	[ -z "$stderr" ]
}

@test "REQUEST_URI is rebuilt, percent-encoded, when the server sends none" {
	run cgi_env 'SCRIPT_NAME=/my app.cgi' PATH_INFO=/env QUERY_STRING='x=%41&y' \
		"$CGI" -s "127.0.0.1:$UW_PORT"
	assert_line 'REQUEST_URI=/my%20app.cgi/env?x=%41&y'
	run cgi_env PATH_INFO=/env REQUEST_URI=/given?q "$CGI" -s "127.0.0.1:$UW_PORT"
	assert_line 'REQUEST_URI=/given?q'
}

@test "httpoxy: HTTP_PROXY never reaches the app, other headers do" {
	run cgi_env PATH_INFO=/env HTTP_PROXY=http://evil.example:3128 \
		HTTP_X_PROXY_NOTE=kept "$CGI" -s "127.0.0.1:$UW_PORT"
	assert_success
	assert_line 'HTTP_X_PROXY_NOTE=kept'
	refute_output --partial 'evil.example'
	refute_line --regexp '^HTTP_PROXY='
}

@test "--var adds and replaces vars (the last wins), --pass forwards more" {
	run cgi_env PATH_INFO=/env HTTP_HOST=orig MY_SETTING=1 MYAPP_A=2 MYAPP_B=3 \
		OTHER=4 "$CGI" -s "127.0.0.1:$UW_PORT" --var HTTP_HOST=replaced \
		--var EXTRA=a --var EXTRA=b --var EMPTY= --pass MY_SETTING --pass 'MYAPP_*'
	assert_success
	assert_line HTTP_HOST=replaced
	refute_line HTTP_HOST=orig
	assert_line EXTRA=b
	refute_line EXTRA=a
	assert_line EMPTY=
	assert_line MY_SETTING=1
	assert_line MYAPP_A=2
	assert_line MYAPP_B=3
	refute_line OTHER=4
}

@test "settings: command line over the script over UWSGI_CGI_SOCKET" {
	s=$BATS_TEST_TMPDIR/app.cgi
	script "$s" "# comment" "" "  socket = 127.0.0.1:$UW_PORT  " \
		"var = FROM_SCRIPT=yes" "modifier1 = 0" "modifier2 = 0" \
		"timeout = 30" "connect-timeout = 2" "pass = KEEP_ME"
	# Run as the kernel runs a #! script: interpreter, then the script.
	run cgi_env PATH_INFO=/env KEEP_ME=1 "$s"
	assert_success
	assert_line FROM_SCRIPT=yes
	assert_line KEEP_ME=1
	# The command line wins over the script.
	run cgi_env PATH_INFO=/env "$CGI" --socket 127.0.0.1:1 "$s"
	assert_failure 2
	# The environment is the last resort.
	script "$s" "var = FROM_SCRIPT=yes"
	run cgi_env PATH_INFO=/env UWSGI_CGI_SOCKET="127.0.0.1:$UW_PORT" "$s"
	assert_success
	assert_line FROM_SCRIPT=yes
	# One option may ride on the #! line, as the kernel passes it.
	{ echo "#!$CGI --var=FROM_SHEBANG=1"; echo "socket = 127.0.0.1:$UW_PORT"; } >"$s"
	run cgi_env PATH_INFO=/env "$s"
	assert_success
	assert_line FROM_SHEBANG=1
	# Words after the script (Apache's ISINDEX queries) are not options.
	script "$s" "socket = 127.0.0.1:$UW_PORT"
	run cgi_env PATH_INFO=/env "$CGI" "$s" --socket 127.0.0.1:1
	assert_success
	assert_line PATH_INFO=/env
}

@test "a UNIX socket backend" {
	wait_file "$UW_UNIX"
	run --separate-stderr cgi_env PATH_INFO=/hello "$CGI" -s "$UW_UNIX"
	assert_success
	assert_line 'Hello, world!'
	run --separate-stderr cgi_env "$CGI" -s "$BATS_TEST_TMPDIR/none.sock"
	assert_failure 2
	[ "$stderr" = "uwsgi-cgi: connect $BATS_TEST_TMPDIR/none.sock: No such file or directory" ]
}

@test "a bad script line is a 502 and an error naming file:line" {
	s=$BATS_TEST_TMPDIR/app.cgi
	script "$s" "socket = 127.0.0.1:$UW_PORT" "sockett = x"
	run --separate-stderr cgi_env "$s"
	assert_failure 1
	assert_line --index 0 $'Status: 502 Bad Gateway\r'
	[ "$stderr" = "uwsgi-cgi: $s:3: unknown key 'sockett' (socket, modifier1, modifier2, timeout, connect-timeout, var, pass)" ]
	script "$s" "socket 127.0.0.1:1"
	run --separate-stderr cgi_env "$s"
	assert_failure 1
	[ "$stderr" = "uwsgi-cgi: $s:2: expected 'key = value'" ]
	script "$s" "timeout = soon"
	run --separate-stderr cgi_env "$s"
	assert_failure 1
	[[ "$stderr" == "uwsgi-cgi: $s:2: timeout 'soon': expected seconds"* ]]
	run --separate-stderr cgi_env "$CGI" --var =x -s "127.0.0.1:$UW_PORT"
	assert_failure 1
	assert_line --index 0 $'Status: 502 Bad Gateway\r'
	[ "$stderr" = "uwsgi-cgi: --var '=x': expected KEY=VALUE" ]
}

@test "no backend configured: 502 and a line saying how to name one" {
	run --separate-stderr cgi_env "$CGI"
	assert_failure 1
	assert_line --index 0 $'Status: 502 Bad Gateway\r'
	[[ "$stderr" == "uwsgi-cgi: no backend: give --socket"* ]]
}

@test "backend down: 502 page, one line naming the address and the cause" {
	port=$(free_port)
	run --separate-stderr cgi_env "$CGI" -s "127.0.0.1:$port"
	assert_failure 2
	assert_line --index 0 $'Status: 502 Bad Gateway\r'
	assert_line '502 Bad Gateway'
	refute_output --partial "$port"
	[ "$stderr" = "uwsgi-cgi: connect 127.0.0.1:$port: Connection refused" ]
}

@test "backend that stalls: 504 within the timeout" {
	fake stall
	start=$(date +%s%N)
	run --separate-stderr cgi_env "$CGI" -s "127.0.0.1:$port" --timeout 0.5
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_failure 3
	assert_line --index 0 $'Status: 504 Gateway Timeout\r'
	[ "$stderr" = "uwsgi-cgi: 127.0.0.1:$port: no answer within 0.5 s (timeout)" ]
	[ "$ms" -ge 450 ] && [ "$ms" -lt 2500 ]
	# The uWSGI app sleeping longer than the timeout: the same.
	run --separate-stderr cgi_env PATH_INFO=/sleep QUERY_STRING=3 \
		"$CGI" -s "127.0.0.1:$UW_PORT" -t 1
	assert_failure 3
	assert_line --index 0 $'Status: 504 Gateway Timeout\r'
}

@test "an answer that is not HTTP, or none at all, is a 502" {
	fake nothttp
	run --separate-stderr cgi_env "$CGI" -s "127.0.0.1:$port"
	assert_failure 4
	assert_line --index 0 $'Status: 502 Bad Gateway\r'
	[ "$stderr" = "uwsgi-cgi: 127.0.0.1:$port: the answer is not an HTTP response (first bytes 64 00 00 01)" ]
	fake empty
	run --separate-stderr cgi_env "$CGI" -s "127.0.0.1:$port"
	assert_failure 4
	assert_line --index 0 $'Status: 502 Bad Gateway\r'
	[[ "$stderr" == "uwsgi-cgi: 127.0.0.1:$port: empty reply"* ]]
}

@test "a truncated body after the head: no second status, exit 4" {
	fake truncated
	run --separate-stderr cgi_env "$CGI" -s "127.0.0.1:$port"
	assert_failure 4
	assert_line --index 0 $'Status: 200 OK\r'
	refute_output --partial 502
	[ "$stderr" = "uwsgi-cgi: 127.0.0.1:$port: response truncated: 5 of 100 body bytes" ]
}

@test "a chunked answer is decoded and hop-by-hop fields dropped; 1xx skipped" {
	fake chunked
	run --separate-stderr cgi_env "$CGI" -s "127.0.0.1:$port"
	assert_success
	expected=$(printf 'Status: 200 OK\r\nX-Kept: yes\r\n\r\nhello, world!\n')
	[ "$output" = "$expected" ]
	fake interim
	run --separate-stderr cgi_env "$CGI" -s "127.0.0.1:$port"
	assert_success
	expected=$(printf 'Status: 201 Created\r\nContent-Length: 3\r\n\r\nnew')
	[ "$output" = "$expected" ]
}

@test "the status line becomes a Status header; nph- scripts pass it through" {
	run cgi_env PATH_INFO=/status QUERY_STRING="418%20I'm%20a%20teapot" \
		"$CGI" -s "127.0.0.1:$UW_PORT"
	assert_success
	assert_line --index 0 $'Status: 418 I\'m a teapot\r'
	assert_line $'X-Custom: yes\r'
	s=$BATS_TEST_TMPDIR/nph-app.cgi
	script "$s" "socket = 127.0.0.1:$UW_PORT"
	run cgi_env PATH_INFO=/status QUERY_STRING="418%20I'm%20a%20teapot" "$s"
	assert_success
	assert_line --index 0 $'HTTP/1.1 418 I\'m a teapot\r'
	refute_line --partial 'Status:'
	# nph error pages are HTTP responses too.
	script "$s" "socket = 127.0.0.1:$(free_port)"
	run --separate-stderr cgi_env "$s"
	assert_failure 2
	assert_line --index 0 $'HTTP/1.1 502 Bad Gateway\r'
}

@test "HEAD: the head only, though uWSGI sends the body too" {
	run cgi_env REQUEST_METHOD=HEAD PATH_INFO=/hello "$CGI" -s "127.0.0.1:$UW_PORT"
	assert_success
	assert_line --index 0 $'Status: 200 OK\r'
	assert_line $'Content-Length: 14\r'
	refute_output --partial 'Hello'
}

@test "CONTENT_LENGTH is honoured exactly: never a byte past it" {
	f=$BATS_TEST_TMPDIR/in
	printf 'a=1&b=two+words&REST-OF-STDIN' >"$f"
	# The shell and the bridge share one file offset: what cat prints is
	# what the bridge left unread.
	run bash -c 'exec <"$1"; shift; "$@"; echo; cat' _ "$f" \
		cgi_env REQUEST_METHOD=POST CONTENT_LENGTH=15 PATH_INFO=/form \
		CONTENT_TYPE=application/x-www-form-urlencoded "$CGI" -s "127.0.0.1:$UW_PORT"
	assert_success
	assert_line a=1
	assert_line 'b=two words'
	assert_line --index -1 '&REST-OF-STDIN'
}

@test "a body shorter than CONTENT_LENGTH, or a bad one, is a 400" {
	run --separate-stderr bash -c 'printf abc | "$@"' _ cgi_env REQUEST_METHOD=POST \
		CONTENT_LENGTH=10 PATH_INFO=/sha256 "$CGI" -s "127.0.0.1:$UW_PORT"
	assert_failure 5
	assert_line --index 0 $'Status: 400 Bad Request\r'
	[ "$stderr" = "uwsgi-cgi: request body: stdin ended after 3 of 10 bytes" ]
	run --separate-stderr cgi_env REQUEST_METHOD=POST CONTENT_LENGTH=-1 "$CGI" \
		-s "127.0.0.1:$UW_PORT"
	assert_failure 5
	assert_line --index 0 $'Status: 400 Bad Request\r'
	[ "$stderr" = "uwsgi-cgi: CONTENT_LENGTH '-1' is not a length" ]
}

@test "a body that stalls is a 408 within the timeout" {
	run --separate-stderr bash -c '{ printf abc; sleep 5; } | "$@"' _ cgi_env \
		REQUEST_METHOD=POST CONTENT_LENGTH=10 PATH_INFO=/sha256 "$CGI" \
		-s "127.0.0.1:$UW_PORT" -t 0.5
	assert_failure 5
	assert_line --index 0 $'Status: 408 Request Timeout\r'
	[[ "$stderr" == "uwsgi-cgi: request body: nothing from the web server for 0.5 s after 3 of 10 bytes" ]]
}

@test "vars over 65535 bytes: 431" {
	big=$(head -c 70000 /dev/zero | tr '\0' x)
	run --separate-stderr cgi_env HTTP_COOKIE="$big" "$CGI" -s "127.0.0.1:$UW_PORT"
	assert_failure 5
	assert_line --index 0 $'Status: 431 Request Header Fields Too Large\r'
}

@test "a client gone mid-response ends the bridge quietly" {
	run --separate-stderr bash -c '"$@" | head -c 1000 >/dev/null; echo "${PIPESTATUS[0]}"' \
		_ cgi_env PATH_INFO=/file QUERY_STRING="$BIG" "$CGI" -s "127.0.0.1:$UW_PORT"
	assert_success
	assert_output 0
	[ -z "$stderr" ]
}

# rss_wrapper: a #! interpreter that runs the bridge under GNU time, which
# writes its peak RSS (KiB) to $RSS_FILE.
rss_wrapper() {
	RSS=$BATS_TEST_TMPDIR/rss
	W=$BATS_TEST_TMPDIR/rss-wrapper
	printf '#!/bin/sh\nexec /usr/bin/time -f %%M -o "%s" "%s" "$@"\n' "$RSS" "$CGI" >"$W"
	chmod 755 "$W"
}

@test "100 MB up and down, streamed: byte-identical with a flat RSS" {
	require_cmd /usr/bin/time
	rss_wrapper
	# Streaming must not grow the bridge past its own baseline (what it
	# takes to start and exit, about 1.2 MiB; ASan's runtime alone adds
	# 6 to 18 MiB depending on the machine) by more than 3 MiB.
	/usr/bin/time -f %M -o "$RSS" "$CGI" --version >/dev/null
	limit=$(($(cat "$RSS") + 3072))
	# Upload from a pipe, as web servers hand the body over.
	run --separate-stderr bash -c 'cat "$1" | "${@:2}"' _ "$BIG" cgi_env \
		REQUEST_METHOD=POST CONTENT_LENGTH="$BIG_SIZE" PATH_INFO=/sha256 \
		"$W" -s "127.0.0.1:$UW_PORT"
	assert_success
	assert_line "$BIG_SIZE $BIG_SHA"
	echo "upload: peak RSS $(cat "$RSS") KiB (limit $limit)"
	[ "$(cat "$RSS")" -lt "$limit" ]
	got=$(cgi_env PATH_INFO=/file QUERY_STRING="$BIG" "$W" -s "127.0.0.1:$UW_PORT" |
		cgi_body | sha256sum | cut -c1-64)
	[ "$got" = "$BIG_SHA" ]
	echo "download: peak RSS $(cat "$RSS") KiB (limit $limit)"
	[ "$(cat "$RSS")" -lt "$limit" ]
}

@test "an app that streams its answer while reading: no deadlock (16 MB echo)" {
	f=$BATS_TEST_TMPDIR/echo.bin
	head -c $((16 * 1024 * 1024)) "$BIG" >"$f"
	want=$(sha256sum <"$f" | cut -c1-64)
	got=$(cgi_env REQUEST_METHOD=POST CONTENT_LENGTH=$((16 * 1024 * 1024)) PATH_INFO=/echo \
		timeout 20 "$CGI" -s "127.0.0.1:$UW_PORT" -t 5 <"$f" | cgi_body | sha256sum | cut -c1-64)
	[ "$got" = "$want" ]
}

# ---- real web servers ------------------------------------------------

# The scripts every web server test serves, world-readable because
# Apache runs them as www-data.
make_site() {
	WWW=$BATS_TEST_TMPDIR/www
	mkdir -p "$WWW"
	# www-data must reach the interpreter too; a checkout in a private
	# directory (mktemp -d makes it 0700) hides it, so serve a copy then.
	if ! runuser -u www-data -- test -x "$CGI" 2>/dev/null; then
		install -m 755 "$CGI" "$BATS_TEST_TMPDIR/uwsgi-cgi"
		CGI=$BATS_TEST_TMPDIR/uwsgi-cgi
	fi
	script "$WWW/app.cgi" "socket = 127.0.0.1:$UW_PORT" "timeout = 10"
	script "$WWW/nph-app.cgi" "socket = 127.0.0.1:$UW_PORT"
	script "$WWW/down.cgi" "socket = 127.0.0.1:$(free_port)"
	script "$WWW/slow.cgi" "socket = 127.0.0.1:$UW_PORT" "timeout = 1"
	local d=$WWW
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod o+rx "$d"
		d=$(dirname "$d")
	done
}

# start_lighttpd [SNIPPET]: lighttpd on a free port serving $WWW, with
# SNIPPET included for the CGI part (default: mod_cgi for *.cgi).
start_lighttpd() {
	require_cmd lighttpd
	[ -n "${WWW:-}" ] || make_site
	local port conf=$BATS_TEST_TMPDIR/lighttpd.conf
	port=$(free_port)
	ERRLOG=$BATS_TEST_TMPDIR/lighttpd-cgi.log
	cat >"$conf" <<-EOF
	server.document-root = "$WWW"
	server.port = $port
	server.bind = "127.0.0.1"
	server.errorlog = "$BATS_TEST_TMPDIR/lighttpd-error.log"
	server.breakagelog = "$ERRLOG"
	EOF
	if [ -n "${1:-}" ]; then
		echo "include \"$1\"" >>"$conf"
	else
		printf '%s\n' 'server.modules += ("mod_cgi")' 'cgi.assign = (".cgi" => "")' >>"$conf"
	fi
	start_bg lighttpd lighttpd -D -f "$conf"
	wait_port "$port" || { show_log lighttpd; return 1; }
	WEB=http://127.0.0.1:$port
	SERVER=lighttpd
}

# start_apache [SNIPPET]: Apache (one process, children as www-data) on a
# free port serving $WWW, with SNIPPET included for the CGI part (default:
# ExecCGI and a cgi-script handler for *.cgi in $WWW). APACHE_MPM=event
# runs Debian's default pair, mpm_event with mod_cgid, where the script's
# stdin and stdout are sockets from the cgid daemon instead of pipes.
start_apache() {
	require_cmd apache2
	[ -n "${WWW:-}" ] || make_site
	local port conf=$BATS_TEST_TMPDIR/httpd.conf m=/usr/lib/apache2/modules
	local mpm=prefork cgi=cgi
	[ "${APACHE_MPM:-}" = event ] && mpm=event cgi=cgid
	port=$(free_port)
	ERRLOG=$BATS_TEST_TMPDIR/apache-error.log
	cat >"$conf" <<-EOF
	ServerRoot $BATS_TEST_TMPDIR
	PidFile $BATS_TEST_TMPDIR/httpd.pid
	ErrorLog $ERRLOG
	Listen 127.0.0.1:$port
	ServerName localhost
	LoadModule mpm_${mpm}_module $m/mod_mpm_${mpm}.so
	LoadModule authz_core_module $m/mod_authz_core.so
	LoadModule mime_module $m/mod_mime.so
	LoadModule alias_module $m/mod_alias.so
	LoadModule ${cgi}_module $m/mod_${cgi}.so
	<IfModule cgid_module>
	    ScriptSock $BATS_TEST_TMPDIR/cgid.sock
	</IfModule>
	TypesConfig /etc/mime.types
	User www-data
	Group www-data
	DocumentRoot $WWW
	EOF
	if [ -n "${1:-}" ]; then
		echo "Include $1" >>"$conf"
	else
		cat >>"$conf" <<-EOF
		<Directory $WWW>
		    Options +ExecCGI
		    AddHandler cgi-script .cgi
		    Require all granted
		</Directory>
		EOF
	fi
	start_bg apache apache2 -X -f "$conf" -DFOREGROUND
	wait_port "$port" || { show_log apache; cat "$ERRLOG" >&2; return 1; }
	WEB=http://127.0.0.1:$port
	SERVER=apache
}

# The requests of the issue, through whichever server is running.
check_requests() {
	run curl -sS "$WEB/app.cgi/env?a=1&b=two%20words"
	assert_success
	assert_line 'QUERY_STRING=a=1&b=two%20words'
	assert_line PATH_INFO=/env
	assert_line SCRIPT_NAME=/app.cgi
	assert_line REQUEST_METHOD=GET
	assert_line GATEWAY_INTERFACE=CGI/1.1
	run curl -sS --data-urlencode 'name=a b&c' -d x=1 "$WEB/app.cgi/form"
	assert_success
	assert_output $'name=a b&c\nx=1'
	run curl -sS -D - -o /dev/null "$WEB/app.cgi/redirect"
	assert_line --index 0 $'HTTP/1.1 302 Found\r'
	assert_line $'Location: http://example.invalid/elsewhere\r'
	run curl -sS -w '%{http_code}' "$WEB/app.cgi/nowhere"
	assert_output $'no such page: /nowhere\n404'
	run curl -sS -D - -o /dev/null "$WEB/app.cgi/cookies"
	assert_line $'Set-Cookie: a=1; Path=/\r'
	assert_line $'Set-Cookie: b=2; Path=/\r'
	# lighttpd writes its own reason phrase (none for 418).
	run curl -sS -D - "$WEB/app.cgi/status?418%20I'm%20a%20teapot"
	assert_line --index 0 --regexp '^HTTP/1.1 418 '
	assert_line $'X-Custom: yes\r'
	assert_line "418 I'm a teapot"
	run curl -sS -I "$WEB/app.cgi/hello"
	assert_success
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	refute_output --partial Hello
	# Apache sends an nph- script's status line as it is; lighttpd parses
	# it and writes its own.
	run curl -sS -D - "$WEB/nph-app.cgi/status?299%20Fine"
	if [ "$SERVER" = apache ]; then
		assert_line --index 0 $'HTTP/1.1 299 Fine\r'
	else
		assert_line --index 0 --regexp '^HTTP/1.1 299 '
	fi
	assert_line '299 Fine'
}

check_big() {
	run curl -sS --data-binary @"$BIG" -H 'Content-Type: application/octet-stream' \
		"$WEB/app.cgi/sha256"
	assert_success
	assert_output "$BIG_SIZE $BIG_SHA"
	got=$(curl -sS "$WEB/app.cgi/file?$BIG" | sha256sum | cut -c1-64)
	[ "$got" = "$BIG_SHA" ]
}

check_failures() {
	run curl -sS -w '%{http_code}' "$WEB/down.cgi/"
	assert_output $'502 Bad Gateway\n502'
	grep -q 'uwsgi-cgi: connect 127.0.0.1:[0-9]*: Connection refused' "$ERRLOG"
	start=$(date +%s%N)
	run curl -sS -w '%{http_code}' "$WEB/slow.cgi/sleep?5"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_output $'504 Gateway Timeout\n504'
	[ "$ms" -lt 3500 ]
	grep -q "uwsgi-cgi: 127.0.0.1:$UW_PORT: no answer within 1 s (timeout)" "$ERRLOG"
}

check_httpoxy() {
	run curl -sS -H 'Proxy: http://evil.example:3128' "$WEB/app.cgi/env"
	assert_success
	assert_line PATH_INFO=/env
	refute_output --partial evil.example
}

@test "lighttpd mod_cgi: GET, POST form, statuses, headers, HEAD, nph" {
	start_lighttpd
	check_requests
}

@test "lighttpd mod_cgi: 100 MB up and down, byte-identical" {
	start_lighttpd
	check_big
}

@test "lighttpd mod_cgi: backend down is a 502, a stalled one a 504" {
	start_lighttpd
	check_failures
}

@test "lighttpd mod_cgi: a Proxy header never reaches the app" {
	start_lighttpd
	check_httpoxy
}

@test "apache mod_cgi: GET, POST form, statuses, headers, HEAD, nph" {
	start_apache
	check_requests
}

@test "apache mod_cgi: 100 MB up and down, byte-identical" {
	start_apache
	check_big
}

@test "apache mod_cgi: a chunked upload (no CONTENT_LENGTH) is spooled whole" {
	start_apache
	head -c 3000000 "$BIG" >"$BATS_TEST_TMPDIR/part"
	want=$(sha256sum <"$BATS_TEST_TMPDIR/part" | cut -c1-64)
	run curl -sS -H 'Transfer-Encoding: chunked' --data-binary @"$BATS_TEST_TMPDIR/part" \
		"$WEB/app.cgi/sha256"
	assert_success
	assert_output "3000000 $want"
}

@test "apache mod_cgid (mpm_event, Debian's default): requests and a chunked upload" {
	APACHE_MPM=event start_apache
	check_requests
	head -c 3000000 "$BIG" >"$BATS_TEST_TMPDIR/part"
	want=$(sha256sum <"$BATS_TEST_TMPDIR/part" | cut -c1-64)
	run curl -sS --data-binary @"$BATS_TEST_TMPDIR/part" "$WEB/app.cgi/sha256"
	assert_output "3000000 $want"
	run curl -sS -H 'Transfer-Encoding: chunked' --data-binary @"$BATS_TEST_TMPDIR/part" \
		"$WEB/app.cgi/sha256"
	assert_output "3000000 $want"
	got=$(curl -sS "$WEB/app.cgi/file?$BIG" | sha256sum | cut -c1-64)
	[ "$got" = "$BIG_SHA" ]
}

@test "apache mod_cgi: backend down is a 502, a stalled one a 504" {
	start_apache
	check_failures
}

@test "apache mod_cgi: a Proxy header never reaches the app" {
	start_apache
	check_httpoxy
}

@test "examples/cgi: the shipped script and server snippets work as they are" {
	make_site
	sed -e "1s|.*|#!$CGI|" -e "s|^socket = .*|socket = 127.0.0.1:$UW_PORT|" \
		"$UP_ROOT/examples/cgi/app.cgi" >"$WWW/app.cgi"
	# Only the two substituted lines differ from the shipped script.
	[ "$(diff "$UP_ROOT/examples/cgi/app.cgi" "$WWW/app.cgi" | grep -c '^>')" -eq 2 ]
	start_lighttpd "$UP_ROOT/examples/cgi/lighttpd.conf"
	run curl -sS "$WEB/app.cgi/hello"
	assert_output 'Hello, world!'
	sed "s|/usr/lib/cgi-bin|$WWW|g" "$UP_ROOT/examples/cgi/apache.conf" \
		>"$BATS_TEST_TMPDIR/apache-example.conf"
	start_apache "$BATS_TEST_TMPDIR/apache-example.conf"
	run curl -sS "$WEB/app/env?x=1"
	assert_line SCRIPT_NAME=/app
	assert_line PATH_INFO=/env
	assert_line QUERY_STRING=x=1
}
