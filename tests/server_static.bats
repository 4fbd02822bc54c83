#!/usr/bin/env bats
# uwsgi-server's static files (--static-map, --check-static): content,
# media types, Content-Length, Last-Modified and If-Modified-Since, HEAD,
# a 50 MB file through sendfile(), every way out of the directory we know
# of, what falls through to the app, and the same over the uwsgi protocol.

bats_require_minimum_version 1.5.0
load helpers/common

APP=$BATS_TEST_DIRNAME/apps/static_app.py
MTIME='2020-03-04 05:06:07 UTC'
MTIME_HTTP='Wed, 04 Mar 2020 05:06:07 GMT'

# make_tree DIR: the files every server of this suite serves.
#   DIR/root   --static-map /s=DIR/root
#   DIR/chk    --check-static DIR/chk
#   DIR/out    outside both: nothing in it may ever be served
make_tree() {
	local d=$1 r=$1/root
	mkdir -p "$r/sub" "$d/chk/css" "$d/out"
	printf 'hello world\n' >"$r/hello.txt"
	touch -d "$MTIME" "$r/hello.txt"
	printf '<p>hi</p>\n' >"$r/page.html"
	printf 'p{}\n' >"$r/style.css"
	printf 'let a;\n' >"$r/app.js"
	printf '{}\n' >"$r/data.json"
	printf '\x89PNG\r\n\x1a\n' >"$r/pic.png"
	printf '\x89PNG\r\n\x1a\n' >"$r/UPPER.PNG"
	printf '<svg/>\n' >"$r/logo.svg"
	printf 'wOF2' >"$r/font.woff2"
	printf '\0asm' >"$r/mod.wasm"
	printf 'no extension\n' >"$r/README"
	: >"$r/empty.txt"
	head -c 50000000 /dev/urandom >"$r/big.bin"
	printf 'TOPSECRET\n' >"$d/out/secret"
	ln -s "$d/out/secret" "$r/leak"            # absolute, to a file outside
	ln -s ../out/secret "$r/relleak"           # relative, to a file outside
	ln -s "$d/out" "$r/outdir"                 # to a directory outside
	ln -s hello.txt "$r/inlink"                # relative, inside
	ln -s "$r/hello.txt" "$r/abslink"          # absolute, inside
	ln -s sub "$r/sublink"                     # to a directory inside
	printf 'in sub\n' >"$r/sub/deep.txt"
	printf 'body{}\n' >"$d/chk/css/site.css"
	ln -s "$d/out/secret" "$d/chk/leak"
}

# start_server NAME HTTP-PORT UWSGI-PORT DIR [ENV=VALUE...]: uwsgi-server
# serving static_app.py with DIR's tree mapped.
start_server() {
	local name=$1 hport=$2 uport=$3 d=$4
	shift 4
	start_bg "$name" env "$@" "$UP_BIN/uwsgi-server" --master --processes 1 \
		--http-socket "127.0.0.1:$hport" --socket "127.0.0.1:$uport" \
		--wsgi-file "$APP" --static-map "/s=$d/root" --check-static "$d/chk"
	wait_port "$hport" && wait_port "$uport" || { show_log "$name"; return 1; }
}

# Two distinct free ports in $1 and $2's variables.
two_ports() {
	local a b
	a=$(free_port)
	b=$(free_port)
	while [ "$a" = "$b" ]; do b=$(free_port); done
	printf -v "$1" '%s' "$a"
	printf -v "$2" '%s' "$b"
}

setup_file() {
	require_cmd curl
	T=$BATS_FILE_TMPDIR
	make_tree "$T"
	two_ports HPORT UPORT
	export T HPORT UPORT
	BATS_TEST_TMPDIR=$T start_server server "$HPORT" "$UPORT" "$T"
}

teardown_file() {
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR stop_all
}

teardown() { stop_all; }

# fetch PATH [CURL-ARGS...]: one HTTP request, path sent as is. Sets $code;
# the head goes to $BATS_TEST_TMPDIR/head, the body to .../body.
fetch() {
	local path=$1
	shift
	code=$(curl -s --path-as-is -m 30 -o "$BATS_TEST_TMPDIR/body" \
		-D "$BATS_TEST_TMPDIR/head" -w '%{http_code}' "$@" \
		"http://127.0.0.1:${PORT:-$HPORT}$path")
}

# header NAME: the value of NAME in the last fetch's head ("" if absent).
header() {
	sed -n "s/^$1: *//Ip" "$BATS_TEST_TMPDIR/head" | tr -d '\r'
}

body() { cat "$BATS_TEST_TMPDIR/body"; }

# expect CODE PATH [CURL-ARGS...]: fetch and check the status.
expect() {
	local want=$1
	shift
	fetch "$@"
	[ "$code" = "$want" ] && return 0
	echo "GET $1: status $code, expected $want; head and body:" >&2
	cat "$BATS_TEST_TMPDIR/head" "$BATS_TEST_TMPDIR/body" >&2
	return 1
}

# The last answer must not carry anything from outside the directories.
no_secret() {
	! grep -q TOPSECRET "$BATS_TEST_TMPDIR/body" || {
		echo "the answer leaked a file from outside the directory" >&2
		return 1
	}
}

# uwsgi_raw METHOD PATH: a uwsgi request (PATH may hold Python escapes
# such as \x00) to the uwsgi socket; prints the raw answer up to the close.
uwsgi_raw() {
	$PY - "$UPORT" "$1" "$2" <<'PY'
import socket, struct, sys
port, method = int(sys.argv[1]), sys.argv[2].encode()
path = sys.argv[3].encode("latin-1").decode("unicode_escape").encode("latin-1")
pairs = [(b"REQUEST_METHOD", method), (b"REQUEST_URI", path), (b"PATH_INFO", path),
         (b"QUERY_STRING", b""), (b"SERVER_PROTOCOL", b"HTTP/1.1"),
         (b"SERVER_NAME", b"localhost"), (b"SERVER_PORT", b"80"),
         (b"REMOTE_ADDR", b"127.0.0.1")]
block = b"".join(struct.pack("<H", len(k)) + k + struct.pack("<H", len(v)) + v
                 for k, v in pairs)
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(struct.pack("<BHB", 0, len(block), 0) + block)
out = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    out += d
sys.stdout.buffer.write(out)
PY
}

send() { "$UP_BIN/uwsgi-send" -t 30 "$@"; }

# ------------------------------------------------------------ content

@test "static-map: the file's bytes, Content-Type from the extension, Content-Length" {
	local f type
	while read -r f type; do
		expect 200 "/s/$f"
		cmp -s "$T/root/$f" "$BATS_TEST_TMPDIR/body" || { echo "$f: body differs" >&2; false; }
		[ "$(header Content-Type)" = "$type" ] ||
			{ echo "$f: Content-Type '$(header Content-Type)', expected '$type'" >&2; false; }
		[ "$(header Content-Length)" = "$(stat -c %s "$T/root/$f")" ]
	done <<-EOF
		hello.txt text/plain
		page.html text/html
		style.css text/css
		app.js text/javascript
		data.json application/json
		pic.png image/png
		UPPER.PNG image/png
		logo.svg image/svg+xml
		font.woff2 font/woff2
		mod.wasm application/wasm
		README application/octet-stream
		empty.txt text/plain
	EOF
}

@test "check-static: a file that exists under DIR + PATH_INFO is served" {
	expect 200 /css/site.css
	assert_equal "$(body)" "body{}"
	assert_equal "$(header Content-Type)" "text/css"
	assert_equal "$(header Content-Length)" "7"
}

@test "Last-Modified is the file's mtime as an IMF-fixdate" {
	expect 200 /s/hello.txt
	assert_equal "$(header Last-Modified)" "$MTIME_HTTP"
}

@test "a 50 MB file arrives byte-identical (sendfile) over HTTP" {
	fetch /s/big.bin
	[ "$code" = 200 ]
	[ "$(header Content-Length)" = 50000000 ]
	[ "$(sha256sum <"$T/root/big.bin")" = "$(sha256sum <"$BATS_TEST_TMPDIR/body")" ]
}

@test "a 200 keeps the HTTP/1.1 connection open for the next request" {
	run curl -sv -m 10 "http://127.0.0.1:$HPORT/s/hello.txt" "http://127.0.0.1:$HPORT/s/style.css"
	assert_success
	assert_output --partial "hello world"
	assert_output --partial "p{}"
	assert_output --partial "Re-using existing connection"
}

# ------------------------------------------------- conditional requests

@test "If-Modified-Since equal to the mtime: 304, no body, Last-Modified kept" {
	expect 304 /s/hello.txt -H "If-Modified-Since: $MTIME_HTTP"
	[ ! -s "$BATS_TEST_TMPDIR/body" ]
	assert_equal "$(header Last-Modified)" "$MTIME_HTTP"
	assert_equal "$(header Content-Type)" ""
}

@test "If-Modified-Since later than the mtime: 304" {
	expect 304 /s/hello.txt -H 'If-Modified-Since: Thu, 01 Jan 2037 00:00:00 GMT'
}

@test "If-Modified-Since a second before the mtime: 200 with the body" {
	expect 200 /s/hello.txt -H 'If-Modified-Since: Wed, 04 Mar 2020 05:06:06 GMT'
	assert_equal "$(body)" "hello world"
}

@test "If-Modified-Since in the obsolete RFC 850 and asctime forms (RFC 9110 5.6.7)" {
	expect 304 /s/hello.txt -H 'If-Modified-Since: Wednesday, 04-Mar-20 05:06:07 GMT'
	expect 304 /s/hello.txt -H 'If-Modified-Since: Wed Mar  4 05:06:07 2020'
	expect 200 /s/hello.txt -H 'If-Modified-Since: Wed Mar  4 05:06:06 2020'
	expect 200 /s/hello.txt -H 'If-Modified-Since: Wednesday, 04-Mar-20 05:06:06 GMT'
}

@test "an invalid If-Modified-Since, or one beside If-None-Match, is ignored" {
	expect 200 /s/hello.txt -H 'If-Modified-Since: yesterday'
	expect 200 /s/hello.txt -H 'If-Modified-Since: Wed, 04 Mar 2020 05:06:07 GMT junk'
	expect 200 /s/hello.txt -H "If-Modified-Since: $MTIME_HTTP" -H 'If-None-Match: "x"'
	assert_equal "$(body)" "hello world"
}

# ------------------------------------------------------------------ HEAD

@test "HEAD: the GET headers with the real Content-Length and no body" {
	local got=$BATS_TEST_TMPDIR/raw
	# (fd 3 belongs to bats)
	{
		printf 'HEAD /s/hello.txt HTTP/1.0\r\n\r\n' >&5
		timeout 10 cat <&5 >"$got"
	} 5<>"/dev/tcp/127.0.0.1/$HPORT"
	tr -d '\r' <"$got" >"$got.lf"
	run cat "$got.lf"
	assert_line --index 0 "HTTP/1.1 200 OK"
	assert_line "Content-Type: text/plain"
	assert_line "Content-Length: 12"
	assert_line "Last-Modified: $MTIME_HTTP"
	# The answer ends with the blank line: not one byte of body.
	[ "$(tail -c 4 "$got" | od -An -c | tr -d ' ')" = '\r\n\r\n' ]
	! grep -q hello "$got" || false
}

@test "HEAD with If-Modified-Since: 304" {
	expect 304 /s/hello.txt -I -H "If-Modified-Since: $MTIME_HTTP"
}

# ------------------------------------------ what falls through, what not

@test "static-map: a missing file is a 404, not the app" {
	expect 404 /s/missing.txt
	! grep -q '^app' "$BATS_TEST_TMPDIR/body" || false
	expect 404 /s/hello.txt/more
}

@test "check-static: a missing file falls through to the app" {
	expect 200 /nothing/here.css
	assert_equal "$(body)" "app GET /nothing/here.css"
}

@test "the map prefix matches whole segments: /sx is not under /s" {
	expect 200 /sx/hello.txt
	assert_equal "$(body)" "app GET /sx/hello.txt"
}

@test "a directory under static-map is 403 (no listings), with or without '/'" {
	expect 403 /s/sub
	expect 403 /s/sub/
	expect 403 /s/
	expect 403 /s
	expect 403 /s/sublink
	expect 200 /s/sublink/deep.txt
	assert_equal "$(body)" "in sub"
}

@test "a directory under check-static falls through to the app" {
	expect 200 /css
	assert_equal "$(body)" "app GET /css"
	expect 200 /
	assert_equal "$(body)" "app GET /"
}

@test "POST and PUT to a static path go to the app (static is GET/HEAD only)" {
	expect 200 /s/hello.txt -d x
	assert_equal "$(body)" "app POST /s/hello.txt"
	expect 200 /css/site.css -X PUT -d x
	assert_equal "$(body)" "app PUT /css/site.css"
}

# --------------------------------------------------------- path escapes

@test "'..' segments are refused with 403: raw, encoded, mixed" {
	local p
	for p in /s/../out/secret /s/%2e%2e/out/secret /s/.%2E/out/secret \
		/s/%2e%2e%2fout%2fsecret /s/sub/../../out/secret /s/sub/%2e%2e/hello.txt \
		/../out/secret /css/%2e%2e/../out/secret; do
		expect 403 "$p"
		no_secret
	done
}

@test "the system's files stay out of reach: /s/../etc/passwd, //etc/passwd" {
	expect 403 /s/../../../../../../etc/passwd
	! grep -q '^root:' "$BATS_TEST_TMPDIR/body" || false
	expect 404 /s//etc/passwd
	! grep -q '^root:' "$BATS_TEST_TMPDIR/body" || false
	expect 200 //etc/passwd
	assert_equal "$(body)" "app GET //etc/passwd"
}

@test "double-encoded dots stay literal names: 404, never the file" {
	expect 404 /s/%252e%252e/out/secret
	no_secret
}

@test "a NUL byte in the path never reaches open(): HTTP %00 is refused" {
	fetch /s/hello.txt%00.png
	[ "$code" = 400 ] || [ "$code" = 403 ] || [ "$code" = 404 ]
	! grep -q hello "$BATS_TEST_TMPDIR/body" || false
}

@test "a NUL byte in a uwsgi PATH_INFO: 403" {
	run uwsgi_raw GET '/s/hello.txt\x00.png'
	assert_line --index 0 --regexp '^HTTP/1\.[01] 403 '
	refute_output --partial "hello world"
	run uwsgi_raw GET '/css/site.css\x00'
	assert_line --index 0 --regexp '^HTTP/1\.[01] 403 '
}

@test "symlinks to a file outside the directory: 403, never the content" {
	expect 403 /s/leak
	no_secret
	expect 403 /s/relleak
	no_secret
	expect 403 /leak
	no_secret
}

@test "a symlink to a directory outside: 403 for what is behind it" {
	expect 403 /s/outdir/secret
	no_secret
	expect 403 /s/outdir
	no_secret
}

@test "symlinks that stay inside the directory are served, relative or absolute" {
	expect 200 /s/inlink
	assert_equal "$(body)" "hello world"
	expect 200 /s/abslink
	assert_equal "$(body)" "hello world"
}

@test "an unreadable file is 403" {
	# Root reads every file: as root, the server drops to nobody, in a tree
	# of its own that nobody may enter (the test's temp dirs are private).
	local d=$BATS_TEST_TMPDIR as=()
	if [ "$(id -u)" = 0 ]; then
		d=$(mktemp -d /tmp/static-nobody.XXXXXX)
		chmod 755 "$d"
		as=(--uid nobody --gid nogroup)
	fi
	make_tree "$d"
	cp "$APP" "$d/app.py"
	chmod -R a+rX "$d"
	printf 'locked\n' >"$d/root/locked.txt"
	chmod 000 "$d/root/locked.txt"
	local PORT uport
	two_ports PORT uport
	start_bg own "$UP_BIN/uwsgi-server" --master --processes 1 "${as[@]}" \
		--http-socket "127.0.0.1:$PORT" --socket "127.0.0.1:$uport" \
		--wsgi-file "$d/app.py" --static-map "/s=$d/root" --check-static "$d/chk"
	wait_port "$PORT" || { show_log own; false; }
	expect 403 /s/locked.txt
	! grep -q locked "$BATS_TEST_TMPDIR/body" || false
	expect 200 /s/hello.txt  # the rest stays readable to nobody
	[ "$d" = "$BATS_TEST_TMPDIR" ] || rm -rf "$d"
}

# A shared object that makes syscall(SYS_openat2) fail with ENOSYS, as on
# kernels before 5.6, and leaves a mark when it did.
build_no_openat2() {
	require_cmd gcc
	cat >"$1.c" <<-'EOF'
		#define _GNU_SOURCE
		#include <dlfcn.h>
		#include <errno.h>
		#include <stdarg.h>
		#include <stdlib.h>
		#include <sys/syscall.h>
		#include <unistd.h>
		long syscall(long nr, ...)
		{
			va_list ap;
			long a[6];
			va_start(ap, nr);
			for (int i = 0; i < 6; i++)
				a[i] = va_arg(ap, long);
			va_end(ap);
			if (nr == SYS_openat2) {
				const char *m = getenv("OPENAT2_MARK");
				if (m)
					close(creat(m, 0644));
				errno = ENOSYS;
				return -1;
			}
			long (*real)(long, ...) = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
			return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		}
	EOF
	gcc -shared -fPIC -include fcntl.h -o "$1" "$1.c" -ldl
}

@test "without openat2 (ENOSYS) the realpath() check refuses the same escapes" {
	local so=$BATS_TEST_TMPDIR/no_openat2.so PORT uport
	build_no_openat2 "$so"
	two_ports PORT uport
	start_server own "$PORT" "$uport" "$T" LD_PRELOAD="$so" \
		OPENAT2_MARK="$BATS_TEST_TMPDIR/mark" ASAN_OPTIONS=verify_asan_link_order=0
	expect 200 /s/hello.txt
	[ -e "$BATS_TEST_TMPDIR/mark" ] || { echo "the shim never saw openat2" >&2; false; }
	expect 200 /s/abslink
	assert_equal "$(body)" "hello world"
	expect 200 /s/sublink/deep.txt
	local p
	for p in /s/leak /s/relleak /s/outdir/secret /leak /s/../out/secret; do
		expect 403 "$p"
		no_secret
	done
	expect 404 /s/missing
	expect 403 /s/sub
}

@test "without /etc/mime.types the builtin table still types the common files" {
	require_cmd unshare
	unshare -m sh -c 'mount --bind /dev/null /etc/mime.types' 2>/dev/null ||
		skip "cannot hide /etc/mime.types here (needs a mount namespace)"
	local d=$BATS_TEST_TMPDIR PORT uport f type
	mkdir -p "$d/root" "$d/chk"
	for f in a.png a.css a.js a.json a.svg a.woff2 a.wasm a.html a.xyz; do
		printf 'x' >"$d/root/$f"
	done
	two_ports PORT uport
	start_bg own unshare -m sh -c 'mount --bind /dev/null /etc/mime.types && exec "$@"' sh \
		"$UP_BIN/uwsgi-server" --master --processes 1 --http-socket "127.0.0.1:$PORT" \
		--wsgi-file "$APP" --static-map "/s=$d/root"
	wait_port "$PORT" || { show_log own; false; }
	while read -r f type; do
		expect 200 "/s/$f"
		[ "$(header Content-Type)" = "$type" ] ||
			{ echo "$f: Content-Type '$(header Content-Type)', expected '$type'" >&2; false; }
	done <<-EOF
		a.png image/png
		a.css text/css
		a.js text/javascript
		a.json application/json
		a.svg image/svg+xml
		a.woff2 font/woff2
		a.wasm application/wasm
		a.html text/html
		a.xyz application/octet-stream
	EOF
}

# ------------------------------------------------------ over uwsgi

@test "uwsgi socket: uwsgi-send gets the file, its headers and a 404" {
	run --separate-stderr send "127.0.0.1:$UPORT" /s/hello.txt
	assert_success
	assert_output "hello world"
	run --separate-stderr send -i "127.0.0.1:$UPORT" /css/site.css
	assert_success
	mapfile -t lines < <(tr -d '\r' <<<"$output")
	assert_line "Content-Type: text/css"
	assert_line "Content-Length: 7"
	assert_line "body{}"
	run --separate-stderr send -f "127.0.0.1:$UPORT" /s/missing
	assert_failure 22
	run --separate-stderr send "127.0.0.1:$UPORT" /nothing.css
	assert_output "app GET /nothing.css"
}

@test "uwsgi socket: the 50 MB file byte-identical" {
	run --separate-stderr send "127.0.0.1:$UPORT" /s/big.bin -o "$BATS_TEST_TMPDIR/big"
	assert_success
	[ "$(sha256sum <"$T/root/big.bin")" = "$(sha256sum <"$BATS_TEST_TMPDIR/big")" ]
}

@test "uwsgi socket: HEAD sends the head only; If-Modified-Since gives 304" {
	run uwsgi_raw HEAD /s/hello.txt
	assert_line --index 0 --regexp '^HTTP/1\.[01] 200 OK'
	assert_line --partial "Content-Length: 12"
	refute_output --partial "hello world"
	run --separate-stderr send -i "127.0.0.1:$UPORT" /s/hello.txt -H "If-Modified-Since: $MTIME_HTTP"
	assert_line --index 0 --regexp '^HTTP/1\.[01] 304 '
	refute_output --partial "hello world"
}

@test "uwsgi socket: escapes are refused there too" {
	local p
	for p in /s/../out/secret /s/leak /s/outdir/secret /leak; do
		run --separate-stderr send -i "127.0.0.1:$UPORT" "$p"
		assert_line --index 0 --regexp '^HTTP/1\.[01] 403 '
		refute_output --partial TOPSECRET
	done
}

# --------------------------------------------------------- configuration

# start_fails ARGS...: uwsgi-server with ARGS exits 1 before serving, with
# a line on stderr that holds every fragment in $want.
start_fails() {
	local p f
	p=$(free_port)
	run --separate-stderr timeout 10 "$UP_BIN/uwsgi-server" --http-socket "127.0.0.1:$p" \
		--wsgi-file "$APP" "$@"
	assert_failure 1
	local line
	for line in "${stderr_lines[@]}"; do
		for f in "${want[@]}"; do
			[[ "$line" == *"$f"* ]] || continue 2
		done
		return 0
	done
	echo "no line of stderr holds all of: ${want[*]}; stderr was:" >&2
	printf '%s\n' "$stderr" >&2
	return 1
}

@test "a malformed --static-map or a missing directory: exit 1, one clear line" {
	local none=$BATS_TEST_TMPDIR/none want
	want=(--static-map "'nonsense'" /URL=DIR)
	start_fails --static-map nonsense
	want=(--static-map "'/s'")
	start_fails --static-map /s
	want=("--static-map '/s=$none': $none: No such file or directory")
	start_fails --static-map "/s=$none"
	want=("--check-static '$none': No such file or directory")
	start_fails --check-static "$none"
	want=("--check-static '$T/root/hello.txt': not a directory")
	start_fails --check-static "$T/root/hello.txt"
}

@test "--static-map /url=FILE serves that one file at that URL only" {
	local PORT uport
	two_ports PORT uport
	start_bg own "$UP_BIN/uwsgi-server" --master --processes 1 \
		--http-socket "127.0.0.1:$PORT" --socket "127.0.0.1:$uport" --wsgi-file "$APP" \
		--static-map "/favicon.ico=$T/root/pic.png"
	wait_port "$PORT" || { show_log own; false; }
	expect 200 /favicon.ico
	cmp -s "$T/root/pic.png" "$BATS_TEST_TMPDIR/body"
	assert_equal "$(header Content-Type)" "image/png"
	expect 404 /favicon.ico/x
}
