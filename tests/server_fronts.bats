#!/usr/bin/env bats
# uwsgi-server behind the real front ends that speak the uwsgi protocol:
# nginx (uwsgi_pass with Debian's /etc/nginx/uwsgi_params), Apache
# (mod_proxy_uwsgi) and lighttpd (mod_scgi with scgi.protocol "uwsgi").
# Through each, the wsgiref.validate-wrapped pep3333.py answers with every
# PEP 3333 key, bodies go both ways byte-identical, errors stay 500s and
# response splitting is stopped. Then Debian's Flask and Django, behind
# nginx, with forms, JSON, cookies, redirects and 404s.

bats_require_minimum_version 1.5.0
load helpers/common

APPS=$BATS_TEST_DIRNAME/apps/server

# The backends, shared by all tests: pep3333.py (two workers), the Flask
# app and the Django project, each on a uwsgi socket of its own.
setup_file() {
	require_cmd curl
	free_ports UW FL DJ
	export UW FL DJ FILES=$BATS_FILE_TMPDIR
	export UW_LOG=$FILES/pep.log
	BATS_TEST_TMPDIR=$FILES up_server pep --master --processes 2 \
		--socket "127.0.0.1:$UW" --wsgi-file "$APPS/pep3333.py"
	if "$PY" -c 'import flask' 2>/dev/null; then
		BATS_TEST_TMPDIR=$FILES up_server flask --master --socket "127.0.0.1:$FL" \
			--wsgi-file "$APPS/flask_app.py"
	fi
	if "$PY" -c 'import django' 2>/dev/null; then
		BATS_TEST_TMPDIR=$FILES up_server django --master --socket "127.0.0.1:$DJ" \
			--chdir "$APPS/djproj" --module djproj.wsgi
	fi
	wait_port "$UW" || { BATS_TEST_TMPDIR=$FILES show_log pep; return 1; }
	head -c 5000000 /dev/urandom >"$FILES/big"
	export BIG=$FILES/big BIG_SHA
	BIG_SHA=$(sha256sum "$BIG" | cut -c1-64)
}

teardown_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR stop_all
}

teardown() { stop_all; }

get() { curl -sS -m 20 "$@"; }

# The front ends, each from a throwaway configuration in $BATS_TEST_TMPDIR,
# passing everything to the uwsgi socket 127.0.0.1:$1; $WEB is their URL.

front_nginx() {
	local port
	port=$(free_port)
	start_nginx nginx "$port" "127.0.0.1:$1"
	WEB=http://127.0.0.1:$port FRONT=nginx
}

front_apache() {
	require_cmd apache2
	local port d=$BATS_TEST_TMPDIR/apache m=/usr/lib/apache2/modules
	port=$(free_port)
	mkdir -p "$d"
	cat >"$d/httpd.conf" <<-EOF
	ServerRoot $d
	PidFile $d/httpd.pid
	ErrorLog $d/error.log
	LogLevel warn
	Listen 127.0.0.1:$port
	ServerName localhost
	LoadModule mpm_event_module $m/mod_mpm_event.so
	LoadModule authz_core_module $m/mod_authz_core.so
	LoadModule proxy_module $m/mod_proxy.so
	LoadModule proxy_uwsgi_module $m/mod_proxy_uwsgi.so
	User www-data
	Group www-data
	ProxyPass / uwsgi://127.0.0.1:$1/
	EOF
	start_bg apache apache2 -f "$d/httpd.conf" -DFOREGROUND
	wait_port "$port" || { show_log apache; cat "$d/error.log" >&2; return 1; }
	WEB=http://127.0.0.1:$port FRONT=apache
}

front_lighttpd() {
	require_cmd lighttpd
	local port d=$BATS_TEST_TMPDIR/lighttpd
	port=$(free_port)
	mkdir -p "$d"
	# fix-root-scriptname: mounted at "/", lighttpd would otherwise put the
	# whole path in SCRIPT_NAME and leave PATH_INFO empty.
	cat >"$d/lighttpd.conf" <<-EOF
	server.document-root = "$d"
	server.port = $port
	server.bind = "127.0.0.1"
	server.modules += ("mod_scgi")
	server.errorlog = "$d/error.log"
	scgi.protocol = "uwsgi"
	scgi.server = ("/" => (( "host" => "127.0.0.1", "port" => $1,
	                         "check-local" => "disable", "fix-root-scriptname" => "enable" )))
	EOF
	start_bg lighttpd lighttpd -D -f "$d/lighttpd.conf"
	wait_port "$port" || { show_log lighttpd; cat "$d/error.log" >&2; return 1; }
	WEB=http://127.0.0.1:$port FRONT=lighttpd
}

# ------------------------------------------------- the checks, per front end

# GET: the validator passes (200) and the environ holds what PEP 3333
# requires. SCRIPT_NAME is "" (nginx sends none at all), SERVER_NAME is
# never empty (PEP 3333: "can never be empty strings"; nginx sends
# $server_name, empty in a server block without server_name).
check_environ_get() {
	run get -o "$BATS_TEST_TMPDIR/env" -w '%{http_code}' -H $'X-Latin: caf\xe9' \
		"$WEB/env?a=1&b=two%20words"
	assert_output 200
	check_environ "$BATS_TEST_TMPDIR/env" REQUEST_METHOD=GET SCRIPT_NAME= PATH_INFO=/env \
		'QUERY_STRING=a=1&b=two%20words' SERVER_PROTOCOL=HTTP/1.1 SERVER_NAME? \
		SERVER_PORT? HTTP_X_LATIN=café wsgi.url_scheme=http wsgi.version='[1, 0]' \
		wsgi.multiprocess=true wsgi.run_once=false '!HTTP_CONTENT_TYPE' \
		'!HTTP_CONTENT_LENGTH'
}

# POST: the validator refuses HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH,
# which some front ends send beside CONTENT_TYPE and CONTENT_LENGTH.
check_environ_post() {
	run get -o "$BATS_TEST_TMPDIR/env" -w '%{http_code}' -d 'x=1' "$WEB/env"
	assert_output 200
	check_environ "$BATS_TEST_TMPDIR/env" REQUEST_METHOD=POST CONTENT_LENGTH=3 \
		CONTENT_TYPE=application/x-www-form-urlencoded '!HTTP_CONTENT_TYPE' \
		'!HTTP_CONTENT_LENGTH'
}

check_bodies() {
	run get -d 'a=1&b=two+words' "$WEB/echo"
	assert_output 'a=1&b=two+words'
	printf 'a\nbb\n\nccc' >"$BATS_TEST_TMPDIR/lines"
	run get --data-binary @"$BATS_TEST_TMPDIR/lines" "$WEB/readline"
	assert_output '["a\n", "bb\n", "\n", "ccc"]'
	run get --data-binary @"$BIG" "$WEB/upload"
	assert_output "5000000 $BIG_SHA"
	# Apache's mod_proxy_uwsgi refuses chunked request bodies itself (411
	# Length Required); nginx and lighttpd spool them and send a length.
	if [ "$FRONT" != apache ]; then
		run get -H 'Transfer-Encoding: chunked' --data-binary @"$BIG" "$WEB/upload"
		assert_output "5000000 $BIG_SHA"
	fi
	got=$(get "$WEB/file?path=$BIG" | sha256sum | cut -c1-64)
	[ "$got" = "$BIG_SHA" ]
	got=$(get "$WEB/raw/sendfile?path=$BIG" | sha256sum | cut -c1-64)
	[ "$got" = "$BIG_SHA" ]
}

check_responses() {
	# A generator: the uwsgi answer ends with the close, the front end
	# frames it for its client.
	run get "$WEB/stream?n=3"
	assert_output $'chunk 0\nchunk 1\nchunk 2'
	run get "$WEB/write"
	assert_output 'written 1,written 2,returned 3'
	run get -I "$WEB/head"
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line $'Content-Length: 27\r'
	run get -D - "$WEB/raw/excinfo-early"
	assert_line --index 0 --regexp '^HTTP/1.1 503 '
	assert_line 'replaced by the error page'
}

check_errors() {
	run get -D - "$WEB/raw/raise"
	assert_line --index 0 --regexp '^HTTP/1.1 500 '
	wait_grep "$UW_LOG" '^RuntimeError: boom from pid [0-9]+$' 5
	for mode in crlf lf cr; do
		run get -D - "$WEB/raw/split?mode=$mode"
		assert_line --index 0 --regexp '^HTTP/1.1 500 '
		refute_output --partial 'X-Injected'
		refute_output --partial 'must not follow'
	done
}

# --------------------------------------------------------------------- nginx

@test "nginx: the validated app answers GET; no SCRIPT_NAME sent, '' in environ" {
	front_nginx "$UW"
	check_environ_get
	# nginx's uwsgi_params really sends no SCRIPT_NAME: the default is ours.
	! grep -q SCRIPT_NAME /etc/nginx/uwsgi_params || false
}

@test "nginx: POST environ has CONTENT_* and no HTTP_CONTENT_* (the validator passes)" {
	front_nginx "$UW"
	check_environ_post
}

@test "nginx: bodies both ways (form, readline, 5 MB, chunked upload, file_wrapper)" {
	front_nginx "$UW"
	check_bodies
}

@test "nginx: streamed, written and replaced responses; HEAD" {
	front_nginx "$UW"
	check_responses
}

@test "nginx: an exception is a 500; CR/LF in a header never reaches the client" {
	front_nginx "$UW"
	check_errors
}

# -------------------------------------------------------------------- Apache

@test "apache mod_proxy_uwsgi: the validated app answers GET with every PEP 3333 key" {
	front_apache "$UW"
	check_environ_get
}

@test "apache mod_proxy_uwsgi: POST environ (the validator passes)" {
	front_apache "$UW"
	check_environ_post
}

@test "apache mod_proxy_uwsgi: bodies both ways (form, readline, 5 MB, file_wrapper)" {
	front_apache "$UW"
	check_bodies
	# What Apache does with a chunked upload, so nobody blames the server.
	run get -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
		--data-binary @"$BIG" "$WEB/upload"
	assert_output 411
}

@test "apache mod_proxy_uwsgi: streamed, written and replaced responses; HEAD" {
	front_apache "$UW"
	check_responses
}

@test "apache mod_proxy_uwsgi: an exception is a 500; no response splitting" {
	front_apache "$UW"
	check_errors
}

# ------------------------------------------------------------------ lighttpd

@test "lighttpd (scgi.protocol uwsgi): the validated app answers GET with every PEP 3333 key" {
	front_lighttpd "$UW"
	check_environ_get
}

@test "lighttpd (scgi.protocol uwsgi): POST environ has no HTTP_CONTENT_* (the validator passes)" {
	front_lighttpd "$UW"
	check_environ_post
}

@test "lighttpd (scgi.protocol uwsgi): bodies both ways (form, readline, 5 MB, chunked, file_wrapper)" {
	front_lighttpd "$UW"
	check_bodies
}

@test "lighttpd (scgi.protocol uwsgi): streamed, written and replaced responses; HEAD" {
	front_lighttpd "$UW"
	check_responses
}

@test "lighttpd (scgi.protocol uwsgi): an exception is a 500; no response splitting" {
	front_lighttpd "$UW"
	check_errors
}

# --------------------------------------------------------- Flask and Django

# framework_front NAME PORT: nginx in front of the NAME backend (flask,
# django) that setup_file started on PORT.
framework_front() {
	require_py "$1"
	wait_port "$2" || { BATS_TEST_TMPDIR=$FILES show_log "$1"; return 1; }
	front_nginx "$2"
}

@test "Flask behind nginx: GET with a query, POST forms, JSON, a cookie, a redirect, 404" {
	framework_front flask "$FL"
	run get -D - "$WEB/hello?name=Ada%20L"
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line $'Content-Type: text/html; charset=utf-8\r'
	assert_line 'Hello, Ada L!'
	run get -d 'b=2' --data-urlencode 'a=one & two' "$WEB/form"
	assert_output 'form: a=one & two b=2'
	run get -F 'a=multi' -F 'b=part' "$WEB/form"
	assert_output 'form: a=multi b=part'
	run get -D "$BATS_TEST_TMPDIR/head" -H 'Content-Type: application/json' \
		-d '{"y": [1, 2], "x": "é"}' "$WEB/json"
	assert_output '{"got":{"x":"\u00e9","y":[1,2]},"keys":["x","y"],"method":"POST"}'
	grep -qx $'Content-Type: application/json\r' "$BATS_TEST_TMPDIR/head"
	run get -c "$BATS_TEST_TMPDIR/jar" -D - "$WEB/cookie"
	assert_line $'Set-Cookie: flavour=oatmeal; Path=/\r'
	run get -b "$BATS_TEST_TMPDIR/jar" "$WEB/seen"
	assert_output 'cookie: oatmeal'
	run get -D - -o /dev/null "$WEB/go"
	assert_line --index 0 $'HTTP/1.1 302 FOUND\r'
	assert_line $'Location: /hello?name=redirected\r'
	run get -L "$WEB/go"
	assert_output 'Hello, redirected!'
	run get -w '%{http_code}' -o "$BATS_TEST_TMPDIR/body" "$WEB/nowhere"
	assert_output 404
	grep -q '<h1>Not Found</h1>' "$BATS_TEST_TMPDIR/body"
	run get -w '%{http_code}' -o /dev/null -X PUT "$WEB/hello"
	assert_output 405
}

@test "Django behind nginx: views, a POST form, CSRF refusal, redirects, 404" {
	framework_front django "$DJ"
	run get -D - "$WEB/hello/?name=Ada"
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line $'X-Framework: django\r'
	assert_line $'Content-Type: text/plain\r'
	assert_line 'Hello from Django, Ada!'
	run get --data-urlencode 'a=one & two' -d 'b=2' "$WEB/form/"
	assert_output 'form: a=one & two b=2'
	run get -F 'a=multi' -F 'b=part' "$WEB/form/"
	assert_output 'form: a=multi b=part'
	# The CSRF middleware runs: a POST to a view that is not exempt is 403.
	run get -w '%{http_code}' -o /dev/null -d 'a=1' "$WEB/protected/"
	assert_output 403
	run get -D - -o /dev/null "$WEB/old/"
	assert_line --index 0 $'HTTP/1.1 302 Found\r'
	assert_line $'Location: /hello/?name=moved\r'
	# APPEND_SLASH: CommonMiddleware redirects /hello to /hello/.
	run get -D - -o /dev/null "$WEB/hello"
	assert_line --index 0 $'HTTP/1.1 301 Moved Permanently\r'
	assert_line $'Location: /hello/\r'
	run get -L "$WEB/old/"
	assert_output 'Hello from Django, moved!'
	run get -w '%{http_code}' -o "$BATS_TEST_TMPDIR/body" "$WEB/nowhere/"
	assert_output 404
	grep -q '<h1>Not Found</h1>' "$BATS_TEST_TMPDIR/body"
}
