#!/usr/bin/env bats
# The stats server speaks uWSGI 2.0's schema: every key real uWSGI puts in
# its document (top level, sockets, workers, apps, cores) is in ours, with
# the same JSON type.

bats_require_minimum_version 1.5.0
load helpers/common

teardown() { stop_all; }

# stats_json PORT FILE: one stats document from 127.0.0.1:PORT into FILE.
stats_json() {
	"$PY" - "$1" "$2" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
d = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    d += b
open(sys.argv[2], "wb").write(d)
PY
}

@test "our stats document has every key of real uWSGI's, with the same types" {
	require_cmd uwsgi
	app=$UP_ROOT/examples/hello.py
	read -r up us op os <<<"$(free_port) $(free_port) $(free_port) $(free_port)"
	start_bg uw uwsgi --plugin python3 --master --processes 2 --die-on-term \
		--socket "127.0.0.1:$up" --stats "127.0.0.1:$us" --wsgi-file "$app"
	up_server ours --master --processes 2 --socket "127.0.0.1:$op" \
		--stats "127.0.0.1:$os" --wsgi-file "$app"
	wait_port "$us" && wait_port "$os" || { show_log uw; show_log ours; false; }
	# One request each, so apps and cores have something to count.
	"$UP_BIN/uwsgi-send" "127.0.0.1:$up" / >/dev/null
	"$UP_BIN/uwsgi-send" "127.0.0.1:$op" / >/dev/null
	stats_json "$us" "$BATS_TEST_TMPDIR/uwsgi.json"
	stats_json "$os" "$BATS_TEST_TMPDIR/ours.json"
	run "$PY" - "$BATS_TEST_TMPDIR/uwsgi.json" "$BATS_TEST_TMPDIR/ours.json" <<'PY'
import json, sys
theirs = json.load(open(sys.argv[1]))
ours = json.load(open(sys.argv[2]))
bad = []
def kind(v):
    return "number" if isinstance(v, (int, float)) and not isinstance(v, bool) else type(v).__name__
def compare(t, o, where):
    for k, v in t.items():
        if k not in o:
            bad.append("%s: missing key %r" % (where, k))
        elif kind(v) != kind(o[k]):
            bad.append("%s.%s: %s in uWSGI, %s here" % (where, k, kind(v), kind(o[k])))
        elif isinstance(v, dict):
            compare(v, o[k], where + "." + k)
        elif isinstance(v, list) and v and isinstance(v[0], dict) and o[k]:
            compare(v[0], o[k][0], "%s.%s[0]" % (where, k))
compare(theirs, ours, "doc")
print("\n".join(bad) or "same keys and types")
PY
	assert_success
	assert_output "same keys and types"
}
