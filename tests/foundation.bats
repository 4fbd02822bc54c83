#!/usr/bin/env bats
# The build's promises: every tool answers --help/--version, `make install`
# lays out a usable library, the man pages are lint-clean, and the library
# talks to Debian's real uWSGI 2.0.

bats_require_minimum_version 1.5.0
load helpers/common

TOOLS="uwsgi-server uwsgi-cgi uwsgi-send uwsgi-proxy uwsgi-stats uwsgi-dump"

teardown() { stop_all; }

@test "every tool prints --help on stdout and exits 0" {
	for t in $TOOLS; do
		run "$UP_BIN/$t" --help
		assert_success
		assert_output --partial "usage: $t"
	done
}

@test "every tool prints its name and version with --version" {
	for t in $TOOLS; do
		run "$UP_BIN/$t" --version
		assert_success
		assert_line --index 0 "$t ${UP_VERSION:-0.1.0}"
	done
}

@test "an unknown option is a usage error (exit 1, message on stderr)" {
	for t in $TOOLS; do
		run --separate-stderr "$UP_BIN/$t" --no-such-option
		assert_failure 1
		[ -z "$output" ]
		[[ "$stderr" == *"no-such-option"* ]]
	done
}

@test "the server embeds Debian's Python 3" {
	run "$UP_BIN/uwsgi-server" --version
	assert_success
	expected=$(/usr/bin/python3 -c 'import platform; print(platform.python_version())')
	assert_line "embedded Python $expected"
	run ldd "$UP_BIN/uwsgi-server"
	assert_output --partial "libpython3"
}

@test "make install lays out binaries, library, headers, pkg-config and man pages" {
	dest=$BATS_TEST_TMPDIR/root
	run make -C "$UP_ROOT" --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr/local BUILD="$UP_BUILD"
	assert_success
	for t in $TOOLS; do [ -x "$dest/usr/local/bin/$t" ]; done
	[ -f "$dest/usr/local/lib/libuwsgiproto.a" ]
	[ -f "$dest/usr/local/lib/libuwsgiproto.so.1" ]
	[ "$(readlink "$dest/usr/local/lib/libuwsgiproto.so")" = libuwsgiproto.so.1 ]
	[ -f "$dest/usr/local/include/uwsgiproto/vars.h" ]
	[ -f "$dest/usr/local/share/man/man7/uwsgi-protocol.7" ]
	[ -f "$dest/usr/local/share/man/man3/libuwsgiproto.3" ]
	run objdump -p "$dest/usr/local/lib/libuwsgiproto.so.1"
	assert_output --partial "SONAME               libuwsgiproto.so.1"
}

@test "a program builds against the installed library through pkg-config" {
	dest=$BATS_TEST_TMPDIR/root
	make -C "$UP_ROOT" --no-print-directory -s install DESTDIR="$dest" PREFIX=/usr/local BUILD="$UP_BUILD"
	# The .pc file names the final prefix; point the compiler at DESTDIR.
	pc=$dest/usr/local/lib/pkgconfig
	run env PKG_CONFIG_PATH="$pc" PKG_CONFIG_SYSROOT_DIR="$dest" pkg-config --cflags --libs uwsgiproto
	assert_success
	flags=$output
	cat >"$BATS_TEST_TMPDIR/p.c" <<'C'
#include <stdio.h>
#include <uwsgiproto/vars.h>
#include <uwsgiproto/modifiers.h>
int main(void)
{
	uint8_t buf[64];
	up_vars_builder_t b;
	up_vars_builder_init(&b, buf, sizeof buf);
	up_vars_add_str(&b, "PATH_INFO", "/");
	int n = up_vars_finish(&b, 0, 0);
	printf("%d %s\n", n, up_modifier_name(buf[0]));
	return 0;
}
C
	run cc $(san_cflags) -o "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/p.c" $flags
	assert_success
	run env LD_LIBRARY_PATH="$dest/usr/local/lib" "$BATS_TEST_TMPDIR/p"
	assert_success
	assert_output "18 wsgi"
	run env LD_LIBRARY_PATH="$dest/usr/local/lib" ldd "$BATS_TEST_TMPDIR/p"
	assert_output --partial "libuwsgiproto.so.1 => $dest/usr/local/lib"
}

@test "the man pages are lint-clean" {
	require_cmd mandoc
	run bash "$UP_ROOT/tests/helpers/manlint"
	assert_success
	assert_output ""
}

@test "every option a tool's --help lists is documented in its man page" {
	local t o missing=
	for t in server cgi send proxy stats dump; do
		run "$UP_BIN/uwsgi-$t" --help
		assert_success
		local opts
		opts=$(grep -oE -- '--[a-z0-9][a-z0-9-]*' <<<"$output" | sort -u)
		[ -n "$opts" ]
		for o in $opts; do
			# mdoc spells it ".It Fl x , -name", "Fl -name Ns ..." or
			# ", -alias" in a list of names.
			grep -qE "(Fl|,) ${o#-}( |$|,|\))|Fl ${o#-} Ns" "$UP_ROOT/man/uwsgi-$t.1" ||
				missing="$missing uwsgi-$t $o;"
		done
	done
	[ -z "$missing" ] || { echo "not in the man page:$missing"; false; }
}

# The EXAMPLES program of libuwsgiproto(3), as printed there.
build_man_example() {
	awk '/^\.Sh EXAMPLES/ { on = 1 } on && /^\.Bd -literal$/ { grab = 1; next }
	     grab && /^\.Ed/ { exit } grab { gsub(/\\e/, "\\"); print }' \
		"$UP_ROOT/man/libuwsgiproto.3" >"$BATS_TEST_TMPDIR/ping.c"
	cc -std=c11 -D_GNU_SOURCE -I"$UP_ROOT/lib/include" -o "$BATS_TEST_TMPDIR/ping" \
		"$BATS_TEST_TMPDIR/ping.c" "$UP_ROOT/$UP_BUILD/lib/libuwsgiproto.a" \
		$(san_cflags)
}

@test "the library's man page example pings Debian's real uWSGI 2.0" {
	require_cmd uwsgi
	build_man_example
	port=$(free_port)
	start_bg uwsgi uwsgi --plugin ping --socket "127.0.0.1:$port" --master \
		--processes 1 --die-on-term
	wait_port "$port" || { show_log uwsgi; false; }
	run "$BATS_TEST_TMPDIR/ping" "127.0.0.1:$port"
	assert_success
	assert_output "127.0.0.1:$port: pong"
	run grep -c "unavailable modifier" "$BATS_TEST_TMPDIR/uwsgi.log"
	assert_output 0
}

@test "the man page example names the address and cause when nobody listens" {
	build_man_example
	port=$(free_port)
	run --separate-stderr "$BATS_TEST_TMPDIR/ping" "127.0.0.1:$port"
	assert_failure 1
	[ "$stderr" = "ping: connect 127.0.0.1:$port: Connection refused" ]
}
