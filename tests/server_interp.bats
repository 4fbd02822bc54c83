#!/usr/bin/env bats
# Multiple interpreters (each mounted app in a sub-interpreter of its own,
# --single-interpreter to share the main one) and dynamic apps
# (--dynamic-apps, --max-apps). The apps are in tests/apps/interp: app_a
# and app_b answer JSON saying what their interpreter holds.

bats_require_minimum_version 1.5.0
load helpers/common

DIR=$UP_ROOT/tests/apps/interp
ROCK=$UP_ROOT/$UP_BUILD/rock/bin/uwsgi-server

teardown() { stop_all; }

# two_apps NAME OPTIONS...: app_a at /a, app_b at /b, over HTTP on $port.
two_apps() {
	local name=$1
	shift
	port=$(free_port)
	up_server "$name" --http-socket "127.0.0.1:$port" --pythonpath "$DIR" \
		--manage-script-name --mount "/a=$DIR/app_a.py" --mount "/b=$DIR/app_b.py" "$@"
	wait_port "$port" || { show_log "$name"; false; }
}

# b_ready N: wait until N workers have loaded app_b (in each worker, after
# the fork, as it lives in a sub-interpreter), so their pids are final.
b_ready() {
	local tries=400
	while [ "$(grep -c "mountpoint='/b') ready" "$BATS_TEST_TMPDIR/srv.log")" -lt "$1" ]; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || { show_log srv; return 1; }
		sleep 0.05
	done
}

# field JSON KEY: one value of a JSON object, as Python prints it.
field() {
	"$PY" -c 'import json, sys; print(json.loads(sys.argv[1]).get(sys.argv[2]))' "$1" "$2"
}

@test "each mount gets its own interpreter: module state and sys.modules are apart" {
	for mode in prefork lazy; do
		extra=(--master --processes 2)
		[ $mode = lazy ] && extra+=(--lazy-apps)
		two_apps "srv$mode" "${extra[@]}"
		a=$(curl -s "http://127.0.0.1:$port/a/x")
		b=$(curl -s "http://127.0.0.1:$port/b/x")
		echo "$mode: $a / $b"
		[ "$(field "$a" owner)" = a ]
		[ "$(field "$b" owner)" = b ]
		[ "$(field "$a" only_a)" = True ] && [ "$(field "$a" only_b)" = False ]
		[ "$(field "$b" only_b)" = True ] && [ "$(field "$b" only_a)" = False ]
		[ "$(field "$b" script_name)" = /b ] && [ "$(field "$b" path_info)" = /x ]
		log=$BATS_TEST_TMPDIR/srv$mode.log
		grep -q "mountpoint='/a') ready: file=$DIR/app_a.py, in the main interpreter" "$log"
		grep -Eq "mountpoint='/b'\) ready: file=$DIR/app_b.py, in sub-interpreter [0-9]+" "$log"
		stop_all
	done
}

@test "--single-interpreter: the apps share the main interpreter's modules" {
	two_apps srv --single-interpreter
	a=$(curl -s "http://127.0.0.1:$port/a/x")
	b=$(curl -s "http://127.0.0.1:$port/b/x")
	echo "$a / $b"
	[ "$(field "$a" owner)" = a ]
	[ "$(field "$b" owner)" = a ]   # app_a imported istate first
	[ "$(field "$a" only_b)" = True ] && [ "$(field "$b" only_a)" = True ]
	[ "$(grep -c "ready: .*, in the main interpreter" "$BATS_TEST_TMPDIR/srv.log")" = 2 ]
	! grep -q "sub-interpreter" "$BATS_TEST_TMPDIR/srv.log" || false
}

@test "an applications dict keeps all its entries in its module's interpreter" {
	port=$(free_port)
	up_server srv --http-socket "127.0.0.1:$port" --pythonpath "$UP_ROOT/tests/apps/dictapp" \
		--pythonpath "$DIR" --manage-script-name --wsgi-file "$DIR/app_a.py" --module dictsite
	wait_port "$port" || { show_log srv; false; }
	run curl -s "http://127.0.0.1:$port/api/v1"
	assert_output "api SN='/api' PI='/v1'"
	a=$(curl -s "http://127.0.0.1:$port/x")
	[ "$(field "$a" app)" = a ]
	# app_a (the first app) has the main interpreter; the dict's module is
	# the second app: both its entries share one sub-interpreter.
	log=$BATS_TEST_TMPDIR/srv.log
	grep -q "mountpoint='') ready: file=$DIR/app_a.py, in the main interpreter" "$log"
	run grep -oE "\(applications dict\), in sub-interpreter [0-9]+" "$log"
	[ "${#lines[@]}" = 2 ] && [ "${lines[0]}" = "${lines[1]}" ]
}

@test "through nginx's uwsgi_pass each prefix reaches its own app" {
	port=$(free_port)
	web=$(free_port)
	up_server srv --socket "127.0.0.1:$port" --pythonpath "$DIR" --manage-script-name \
		--mount "/a=$DIR/app_a.py" --mount "/b=$DIR/app_b.py"
	wait_port "$port" || { show_log srv; false; }
	start_nginx web "$web" "127.0.0.1:$port"
	a=$(curl -s "http://127.0.0.1:$web/a/page?q=1")
	b=$(curl -s "http://127.0.0.1:$web/b/page")
	[ "$(field "$a" app)" = a ] && [ "$(field "$a" owner)" = a ]
	[ "$(field "$b" app)" = b ] && [ "$(field "$b" owner)" = b ]
	[ "$(field "$b" script_name)" = /b ] && [ "$(field "$b" path_info)" = /page ]
}

@test "--threads 4 under a concurrent client: every answer from the right interpreter" {
	two_apps srv --master --processes 2 --threads 4
	b_ready 2
	pids=$(worker_pids "$srv_pid")
	run timeout 120 "$PY" - "$port" <<'PY'
import concurrent.futures, json, sys, urllib.request
port = sys.argv[1]
def one(i):
    app = "ab"[i % 2]
    with urllib.request.urlopen("http://127.0.0.1:%s/%s/slow" % (port, app), timeout=30) as r:
        d = json.loads(r.read())
    return d["app"] == app and d["owner"] == app and d["after_sleep_owner"] == app \
        and d["only_" + app] and not d["only_" + "ab"[(i + 1) % 2]]
with concurrent.futures.ThreadPoolExecutor(16) as ex:
    res = list(ex.map(one, range(400)))
print("ok", sum(res), "bad", len(res) - sum(res))
PY
	assert_output "ok 400 bad 0"
	# No worker died on the way.
	[ "$(worker_pids "$srv_pid")" = "$pids" ]
	! grep -Eq "killed by signal|exited with status|Fatal Python error" "$BATS_TEST_TMPDIR/srv.log" || false
}

@test "the uwsgi module works in a sub-interpreter: worker_id, the cache across apps" {
	two_apps srv --master --processes 1 --cache 100
	set=$(curl -s "http://127.0.0.1:$port/a/set")
	got=$(curl -s "http://127.0.0.1:$port/b/get")
	[ "$(field "$got" cached)" = a ]
	[ "$(field "$got" worker)" = 1 ] && [ "$(field "$set" worker)" = 1 ]
}

@test "RPC functions, signal and message handlers run in the interpreter that registered them" {
	port=$(free_port)
	uport=$(free_port)
	up_server srv --http-socket "127.0.0.1:$port" --socket "127.0.0.1:$uport" --master \
		--pythonpath "$DIR" --manage-script-name \
		--mount "/a=$DIR/app_a.py" --mount "/b=$DIR/app_b.py"
	wait_port "$port" || { show_log srv; false; }
	run "$UP_BIN/uwsgi-send" --rpc "127.0.0.1:$uport" owner_b
	assert_output b
	run "$UP_BIN/uwsgi-send" --rpc "127.0.0.1:$uport" owner_a
	assert_output a
	b=$(curl -s "http://127.0.0.1:$port/b/x")
	[ "$(field "$b" rpc_marker)" = True ]
	"$UP_BIN/uwsgi-send" --signal 21 "127.0.0.1:$uport"
	for _ in $(seq 50); do
		b=$(curl -s "http://127.0.0.1:$port/b/x")
		[ "$(field "$b" sig_marker)" = True ] && break
		sleep 0.1
	done
	[ "$(field "$b" sig_marker)" = True ]
	# A message (modifier1 31) goes to app_b's handler, in app_b's
	# interpreter: the answer is the vars block owner=b.
	run -0 bash -c "'$UP_BIN/uwsgi-send' -m 31 --var k=v 127.0.0.1:$uport | od -An -tx1 | tr -s ' \n' ' '"
	assert_output " 1f 0a 00 00 05 00 6f 77 6e 65 72 01 00 62 "
	b=$(curl -s "http://127.0.0.1:$port/b/x")
	[ "$(field "$b" msg_marker)" = True ]
	# app_a's interpreter saw none of these imports.
	a=$(curl -s "http://127.0.0.1:$port/a/x")
	[ "$(field "$a" msg_marker)" = False ]
	[ "$(field "$a" sig_marker)" = False ]
	[ "$(field "$a" rpc_marker)" = True ]   # owner_a ran there
}

@test "the spooler runs uwsgi.spooler in the interpreter of the app that set it" {
	port=$(free_port)
	uport=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/spool"
	up_server srv --http-socket "127.0.0.1:$port" --socket "127.0.0.1:$uport" --master \
		--pythonpath "$DIR" --spooler "$BATS_TEST_TMPDIR/spool" \
		--mount "/a=$DIR/app_a.py" --mount "/b=$DIR/app_b.py"
	wait_port "$uport" || { show_log srv; false; }
	out=$BATS_TEST_TMPDIR/spooled
	"$UP_BIN/uwsgi-send" --spool "127.0.0.1:$uport" "out=$out"
	wait_file "$out" 20 || { show_log srv; false; }
	sleep 0.2
	run cat "$out"
	assert_output "spooled by b only_a=False only_b=True"
}

@test "dynamic apps: UWSGI_FILE/UWSGI_SCRIPT load once, mount at SCRIPT_NAME; a bad one is a 500" {
	port=$(free_port)
	up_server srv --socket "127.0.0.1:$port" --master --pythonpath "$DIR" --dynamic-apps \
		--wsgi-file "$DIR/app_a.py"
	wait_port "$port" || { show_log srv; false; }
	send() { "$UP_BIN/uwsgi-send" "$@"; }
	run send --var SCRIPT_NAME=/d1 --var "UWSGI_FILE=$DIR/dyn_file.py" "127.0.0.1:$port" /d1/x
	assert_output "dynamic /d1 loads=1 main=False"
	# Reused: by its SCRIPT_NAME alone, and with the var again.
	run send --var SCRIPT_NAME=/d1 "127.0.0.1:$port" /d1/y
	assert_output "dynamic /d1 loads=1 main=False"
	run send --var SCRIPT_NAME=/d1 --var "UWSGI_FILE=$DIR/dyn_file.py" "127.0.0.1:$port" /d1/z
	assert_output "dynamic /d1 loads=1 main=False"
	[ "$(grep -c "mountpoint='/d1') ready" "$BATS_TEST_TMPDIR/srv.log")" = 1 ]
	run send --var SCRIPT_NAME=/d2 --var UWSGI_SCRIPT=dyn_file:other "127.0.0.1:$port" /d2/
	assert_output "dynamic other callable"
	run send --var SCRIPT_NAME=/d3 --var UWSGI_MODULE=dyn_file --var UWSGI_CALLABLE=other \
		"127.0.0.1:$port" /d3/
	assert_output "dynamic other callable"
	pids=$(worker_pids "$srv_pid")
	run send -i --var SCRIPT_NAME=/bad --var UWSGI_SCRIPT=dyn_broken "127.0.0.1:$port" /bad/
	assert_line --index 0 --partial "500 Internal Server Error"
	wait_grep "$BATS_TEST_TMPDIR/srv.log" "RuntimeError: dyn_broken refuses to load"
	wait_grep "$BATS_TEST_TMPDIR/srv.log" "dynamic app for SCRIPT_NAME '/bad' failed to load"
	# The worker lives and still serves the default app and the others;
	# what the failed app registered went with its interpreter.
	[ "$(worker_pids "$srv_pid")" = "$pids" ]
	run send --rpc "127.0.0.1:$port" broken_fn
	assert_failure
	wait_grep "$BATS_TEST_TMPDIR/srv.log" 'unknown RPC function "broken_fn"'
	[ "$(worker_pids "$srv_pid")" = "$pids" ]
	run send "127.0.0.1:$port" /
	[ "$(field "$output" app)" = a ]
	run send --var SCRIPT_NAME=/d1 "127.0.0.1:$port" /d1/again
	assert_output "dynamic /d1 loads=1 main=False"
}

@test "dynamic apps with --threads 4: concurrent first requests load the app once" {
	port=$(free_port)
	up_server srv --socket "127.0.0.1:$port" --threads 4 --pythonpath "$DIR" --dynamic-apps \
		--wsgi-file "$DIR/app_a.py"
	wait_port "$port" || { show_log srv; false; }
	local clients=()
	for i in 1 2 3 4 5 6 7 8; do
		"$UP_BIN/uwsgi-send" -t 30 --var SCRIPT_NAME=/slow --var UWSGI_SCRIPT=dyn_slow \
			"127.0.0.1:$port" "/slow/$i" >"$BATS_TEST_TMPDIR/out$i" 2>&1 &
		clients+=($!)
	done
	wait "${clients[@]}"   # not a bare wait: the server runs in the background too
	for i in 1 2 3 4 5 6 7 8; do
		run cat "$BATS_TEST_TMPDIR/out$i"
		assert_output "slow loads=1"
	done
	[ "$(grep -c "mountpoint='/slow') ready" "$BATS_TEST_TMPDIR/srv.log")" = 1 ]
}

@test "dynamic apps through nginx: uwsgi_param UWSGI_SCRIPT and UWSGI_CHDIR" {
	port=$(free_port)
	web=$(free_port)
	up_server srv --socket "127.0.0.1:$port" --dynamic-apps --wsgi-file "$DIR/app_a.py" \
		--pythonpath "$DIR"
	wait_port "$port" || { show_log srv; false; }
	start_nginx web "$web" "127.0.0.1:$port" "location /dyn {
		include /etc/nginx/uwsgi_params;
		uwsgi_param SCRIPT_NAME /dyn;
		uwsgi_param UWSGI_SCRIPT dyn_chdir;
		uwsgi_param UWSGI_CHDIR $DIR/chdir;
		uwsgi_pass 127.0.0.1:$port;
	}"
	run curl -s "http://127.0.0.1:$web/dyn/x"
	assert_output "dyn_chdir from $DIR/chdir"
	run curl -s "http://127.0.0.1:$web/dyn/y"
	assert_output "dyn_chdir from $DIR/chdir"
	[ "$(grep -c "mountpoint='/dyn') ready: module=dyn_chdir, in sub-interpreter" \
		"$BATS_TEST_TMPDIR/srv.log")" = 1 ]
	a=$(curl -s "http://127.0.0.1:$web/other")
	[ "$(field "$a" app)" = a ]
}

@test "without --dynamic-apps the vars are ignored (said once); --max-apps bounds them" {
	port=$(free_port)
	up_server srv --socket "127.0.0.1:$port" --pythonpath "$DIR" --wsgi-file "$DIR/app_a.py"
	wait_port "$port" || { show_log srv; false; }
	for i in 1 2; do
		run "$UP_BIN/uwsgi-send" --var SCRIPT_NAME=/d1 --var "UWSGI_FILE=$DIR/dyn_file.py" \
			"127.0.0.1:$port" /d1/x
		[ "$(field "$output" app)" = a ]
	done
	[ "$(grep -c "ignored: dynamic apps are off (--dynamic-apps)" "$BATS_TEST_TMPDIR/srv.log")" = 1 ]
	! grep -q "mountpoint='/d1'" "$BATS_TEST_TMPDIR/srv.log" || false
	stop_all

	port=$(free_port)
	up_server max --socket "127.0.0.1:$port" --pythonpath "$DIR" --wsgi-file "$DIR/app_a.py" \
		--dynamic-apps --max-apps 2
	wait_port "$port" || { show_log max; false; }
	run "$UP_BIN/uwsgi-send" --var SCRIPT_NAME=/d1 --var UWSGI_SCRIPT=dyn_file "127.0.0.1:$port" /d1/
	assert_output "dynamic /d1 loads=1 main=False"
	run "$UP_BIN/uwsgi-send" -i --var SCRIPT_NAME=/d2 --var UWSGI_SCRIPT=dyn_file "127.0.0.1:$port" /d2/
	assert_line --index 0 --partial "503 Service Unavailable"
	wait_grep "$BATS_TEST_TMPDIR/max.log" "dynamic app for SCRIPT_NAME '/d2' refused: --max-apps 2 reached"
	run "$UP_BIN/uwsgi-send" --var SCRIPT_NAME=/d1 "127.0.0.1:$port" /d1/
	assert_output "dynamic /d1 loads=1 main=False"
}

@test "ROCK_SOLID: --dynamic-apps and sub-interpreter mounts are refused with one line, exit 1" {
	run --separate-stderr "$ROCK" --dynamic-apps --http-socket 127.0.0.1:0 \
		--wsgi-file "$DIR/app_a.py"
	assert_failure 1
	[ "$stderr" = "uwsgi-server: --dynamic-apps: this ROCK_SOLID build has no dynamic apps" ]
	run --separate-stderr "$ROCK" --http-socket 127.0.0.1:0 \
		--mount "/a=$DIR/app_a.py" --mount "/b=$DIR/app_b.py"
	assert_failure 1
	[ "$stderr" = "uwsgi-server: 2 apps: each after the first needs a sub-interpreter, which this ROCK_SOLID build has not: add --single-interpreter" ]
	# Left out, not only refused: the binary never calls Py_NewInterpreter.
	! nm -D "$ROCK" | grep -q Py_NewInterpreter || false
	nm -D "$UP_BIN/uwsgi-server" | grep -q Py_NewInterpreter
	# The way out it names works.
	port=$(free_port)
	start_bg rock "$ROCK" --http-socket "127.0.0.1:$port" --pythonpath "$DIR" \
		--manage-script-name --single-interpreter \
		--mount "/a=$DIR/app_a.py" --mount "/b=$DIR/app_b.py"
	wait_port "$port" || { show_log rock; false; }
	b=$(curl -s "http://127.0.0.1:$port/b/x")
	[ "$(field "$b" app)" = b ] && [ "$(field "$b" owner)" = a ]
}
