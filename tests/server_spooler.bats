#!/usr/bin/env bats
# uwsgi-server's spooler, RPC and uwsgi signals (the uwsgi module's
# uWSGI 2.0 API): jobs that survive a SIGKILL of the whole server, the
# spooler callable's answers, `at` and priorities, remote enqueue, RPC
# between two servers and with Debian's real uWSGI 2.0, signals routed to
# workers and the spooler, timers, and Debian's uwsgidecorators.

bats_require_minimum_version 1.5.0
load helpers/common

APPS=$BATS_TEST_DIRNAME/apps/pyapi

teardown() { stop_all; }

send() { "$UP_BIN/uwsgi-send" "$@"; }

# jobs_left DIR: how many job files DIR (and its priority folders) holds.
jobs_left() {
	find "$1" -name 'uwsgi_spoolfile_on_*' | wc -l
}

# wait_until SECONDS CMD...: run CMD every 0.1 s until it succeeds.
wait_until() {
	local tries=$(($1 * 10))
	shift
	while [ $tries -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	echo "timed out waiting for: $*" >&2
	return 1
}

lines_at_least() { [ "$(cat "$1" 2>/dev/null | wc -l)" -ge "$2" ]; }
no_jobs_left() { [ "$(jobs_left "$1")" -eq 0 ]; }
timer_fired() { [ "$(grep -c '^timer 0$' "$1")" -ge "$2" ]; }
count_is() { [ "$(grep -c "$2" "$1")" -eq "$3" ]; }

# spool_server NAME HTTP_PORT UWSGI_PORT DIR [options...]: the spooler app.
spool_server() {
	local name=$1 port=$2 uport=$3 dir=$4
	shift 4
	up_server "$name" --master --processes 2 --http-socket "127.0.0.1:$port" \
		--socket "127.0.0.1:$uport" --wsgi-file "$APPS/spool_app.py" \
		--spooler "$dir" --env "SPOOL_OUT=$BATS_TEST_TMPDIR/marks" "$@"
	wait_port "$port" || { show_log "$name"; return 1; }
}

@test "1 000 jobs, the server SIGKILLed mid-way and restarted: none lost, none half-read, at most one repeat per spooler" {
	local port uport port2 uport2 spool=$BATS_TEST_TMPDIR/spool marks=$BATS_TEST_TMPDIR/marks
	free_ports port uport port2 uport2
	# 10 ms a job, two spooler processes: the 1 000 take about 5 s, once
	# they are all enqueued (the gate).
	spool_server srv1 "$port" "$uport" "$spool" --spooler-processes 2 --env SPOOL_DELAY=0.01 \
		--env "SPOOL_GATE=$BATS_TEST_TMPDIR/go"
	# 100 over the protocol (modifier1 17), 900 from the app (uwsgi.spool).
	for i in $(seq 900 999); do
		send --spool "127.0.0.1:$uport" "id=$i" mode=ok || { show_log srv1; false; }
	done
	run curl -sf "http://127.0.0.1:$port/enqueue?0:900"
	assert_output "900"
	[ "$(jobs_left "$spool")" -eq 1000 ]
	touch "$BATS_TEST_TMPDIR/go"
	wait_until 20 lines_at_least "$marks" 150
	# The master and every child (workers, spoolers) at once.
	kill -KILL "$srv1_pid" $(pgrep -P "$srv1_pid")
	local before left
	before=$(wc -l <"$marks")
	left=$(jobs_left "$spool")
	echo "killed after $before runs with $left jobs left" >&3
	[ "$left" -gt 0 ]
	[ "$before" -lt 1000 ]

	spool_server srv2 "$port2" "$uport2" "$spool" --spooler-processes 2
	wait_until 60 no_jobs_left "$spool" || { show_log srv2; false; }
	local distinct total
	distinct=$(grep '^ran ' "$marks" | awk '{print $2}' | sort -u | wc -l)
	total=$(grep -c '^ran ' "$marks")
	echo "$distinct distinct jobs in $total runs" >&3
	[ "$distinct" -eq 1000 ]
	# A spooler killed between its callable's effect and the job's removal
	# repeats that one job: at most one per spooler process.
	[ $((total - distinct)) -le 2 ]
	run grep -c '^BAD' "$marks"
	assert_output "0"
	# No job was malformed and no temporary file stayed behind.
	[ -z "$(find "$spool" -name 'bad_*' -o -name '.tmp_*')" ]
	grep -q 'spawned the spooler 2 on dir' "$BATS_TEST_TMPDIR/srv2.log"
}

@test "the callable gets bytes keys and values and spooler_task_name; SPOOL_OK removes the job" {
	local port uport spool=$BATS_TEST_TMPDIR/spool marks=$BATS_TEST_TMPDIR/marks
	free_ports port uport
	spool_server srv "$port" "$uport" "$spool"
	run curl -sf "http://127.0.0.1:$port/spool?id=7&mode=ok"
	assert_output --regexp "^$spool/uwsgi_spoolfile_on_[^/]+$"
	wait_until 10 lines_at_least "$marks" 1
	# bytes id, mode; str spooler_task_name (bytes value); no body here.
	run cat "$marks"
	assert_output --regexp '^ran id=7 mode=ok pid=[0-9]+ at=[0-9.]+ types=bytes:bytes,bytes:bytes,str:bytes$'
	wait_until 5 no_jobs_left "$spool"
	grep -q "done with task uwsgi_spoolfile_on_" "$BATS_TEST_TMPDIR/srv.log"
}

@test "SPOOL_RETRY keeps a job for a later pass, an exception too; SPOOL_IGNORE drops it" {
	local port uport spool=$BATS_TEST_TMPDIR/spool marks=$BATS_TEST_TMPDIR/marks
	free_ports port uport
	spool_server srv "$port" "$uport" "$spool" --spooler-frequency 1
	curl -sf "http://127.0.0.1:$port/spool?id=r&mode=retry&times=2" >/dev/null
	curl -sf "http://127.0.0.1:$port/spool?id=x&mode=raise" >/dev/null
	curl -sf "http://127.0.0.1:$port/spool?id=i&mode=ignore" >/dev/null
	wait_until 15 no_jobs_left "$spool" || { cat "$marks"; show_log srv; false; }
	run grep -c '^retry id=r ' "$marks"
	assert_output "2"
	# Retries wait for the next pass: --spooler-frequency 1.
	local t1 t2
	t1=$(grep '^retry id=r ' "$marks" | head -1 | sed 's/.*at=//')
	t2=$(grep '^ran id=r ' "$marks" | sed 's/.*at=\([0-9]*\).*/\1/')
	[ $((t2 - t1)) -ge 2 ]
	grep -q '^raise id=x' "$marks"
	grep -q '^ran id=x ' "$marks"
	grep -q 'RuntimeError: first run of x fails' "$BATS_TEST_TMPDIR/srv.log"
	run grep -c ' id=i ' "$marks"
	assert_output "1"
}

@test "'at' holds a job until its time; lower priorities run first, then jobs without one" {
	local port uport spool=$BATS_TEST_TMPDIR/spool marks=$BATS_TEST_TMPDIR/marks t0
	free_ports port uport
	spool_server srv "$port" "$uport" "$spool"
	t0=$(date +%s)
	# All due at the same second (an absolute time: four relative ones
	# could straddle a second), enqueued out of order.
	local at=$((t0 + 3))
	curl -sf "http://127.0.0.1:$port/spool?id=none1&at=$at" >/dev/null
	curl -sf "http://127.0.0.1:$port/spool?id=p9&priority=9&at=$at" >/dev/null
	curl -sf "http://127.0.0.1:$port/spool?id=p1&priority=1&at=$at" >/dev/null
	curl -sf "http://127.0.0.1:$port/spool?id=p5&priority=5&at=$at" >/dev/null
	[ -d "$spool/1" ] && [ -d "$spool/5" ] && [ -d "$spool/9" ]
	sleep 1
	[ ! -e "$marks" ]
	wait_until 10 lines_at_least "$marks" 4
	run awk '{print $2}' "$marks"
	assert_output "$(printf 'id=p1\nid=p5\nid=p9\nid=none1')"
	local ran
	ran=$(head -1 "$marks" | sed 's/.*at=\([0-9]*\).*/\1/')
	[ "$ran" -ge $((t0 + 3)) ]
	# A priority that is not a number cannot leave the directory.
	run curl -s "http://127.0.0.1:$port/spool?id=evil&priority=../../x"
	assert_output --partial "ValueError"
}

@test "remote enqueue: uwsgi-send --spool gets 255/1 and the job runs; a server without a spooler answers 255/0" {
	local port uport spool=$BATS_TEST_TMPDIR/spool marks=$BATS_TEST_TMPDIR/marks
	free_ports port uport
	spool_server srv "$port" "$uport" "$spool"
	run --separate-stderr send -v --spool "127.0.0.1:$uport" id=remote mode=ok
	assert_success
	[[ "$stderr" == *"< [modifier1 255 (response), datasize 0, modifier2 1]"* ]]
	wait_until 10 lines_at_least "$marks" 1
	grep -q '^ran id=remote mode=ok ' "$marks"

	local p2 u2
	free_ports p2 u2
	up_server plain --master --http-socket "127.0.0.1:$p2" --socket "127.0.0.1:$u2" \
		--wsgi-file "$UP_ROOT/examples/hello.py"
	wait_port "$p2"
	run --separate-stderr send --spool "127.0.0.1:$u2" id=1
	assert_failure 4
	[ "$stderr" = "uwsgi-send: 127.0.0.1:$u2: the spooler refused the job (modifier2 0)" ]
	wait_grep "$BATS_TEST_TMPDIR/plain.log" 'spooler job \(modifier1 17\) refused: no spooler here'
}

@test "a remote job's bad spooler or priority is logged on one line, control bytes as '?'" {
	# Found by tests/fuzz/fuzz_spool: the peer's value went into the log
	# as it came, so a newline in it forged a second log line.
	local port uport spool=$BATS_TEST_TMPDIR/spool log=$BATS_TEST_TMPDIR/srv.log
	free_ports port uport
	spool_server srv "$port" "$uport" "$spool"
	run --separate-stderr send --spool "127.0.0.1:$uport" id=1 $'spooler=/x\nforged line'
	assert_failure 4
	run --separate-stderr send --spool "127.0.0.1:$uport" id=2 $'priority=1\r\n2'
	assert_failure 4
	wait_grep "$log" 'refused: unknown spooler "/x\?forged line" \(this one is '
	wait_grep "$log" 'refused: priority "1\?\?2": a number of up to 9 digits'
	run grep -c '^forged line' "$log"
	assert_output 0
	# The worker lives on: the next job is taken.
	run --separate-stderr send --spool "127.0.0.1:$uport" id=3 mode=ok
	assert_success
}

@test "a spooler process killed is respawned, logged; a graceful reload restarts them" {
	local port uport spool=$BATS_TEST_TMPDIR/spool marks=$BATS_TEST_TMPDIR/marks log
	free_ports port uport
	spool_server srv "$port" "$uport" "$spool" --spooler-processes 2
	log=$BATS_TEST_TMPDIR/srv.log
	wait_grep "$log" 'spawned the spooler 2 on dir '
	local sp1
	sp1=$(sed -n 's/.*spawned the spooler 1 on dir .* (pid: \([0-9]*\)).*/\1/p' "$log")
	# Spoolers are the master's children, not workers.
	pgrep -P "$srv_pid" | grep -qx "$sp1"
	kill -KILL "$sp1"
	wait_grep "$log" "spooler 1 \(pid: $sp1\) killed by signal 9"
	wait_until 5 count_is "$log" 'spawned the spooler 1 on dir' 2
	kill -HUP "$srv_pid"
	wait_grep "$log" 're-executing the master'
	wait_until 10 count_is "$log" 'spawned the spooler 2 on dir' 2
	curl -sf "http://127.0.0.1:$port/spool?id=later&mode=ok" >/dev/null
	wait_until 10 lines_at_least "$marks" 1
	grep -q '^ran id=later ' "$marks"
}

@test "--spooler without a master is refused with one line" {
	run --separate-stderr "$UP_BIN/uwsgi-server" --http-socket 127.0.0.1:0 \
		--spooler "$BATS_TEST_TMPDIR/s"
	assert_failure 1
	[ "$stderr" = "uwsgi-server: --spooler $BATS_TEST_TMPDIR/s needs a master process (--master)" ]
}

@test "Debian's uwsgidecorators: @spool, @rpc, @timer and @signal" {
	# It imports uwsgi at once, so only a server can import it.
	if [ ! -f /usr/lib/python3/dist-packages/uwsgidecorators.py ]; then
		[ -z "${CI:-}" ] || { echo "python3-uwsgidecorators is missing" >&2; return 1; }
		skip "python3-uwsgidecorators is not installed (make deps)"
	fi
	local port uport out=$BATS_TEST_TMPDIR/deco
	free_ports port uport
	up_server deco --master --processes 2 --http-socket "127.0.0.1:$port" \
		--socket "127.0.0.1:$uport" --wsgi-file "$APPS/deco_app.py" \
		--spooler "$BATS_TEST_TMPDIR/spool" --env "DECO_OUT=$out"
	wait_port "$port" || { show_log deco; false; }
	run curl -sf "http://127.0.0.1:$port/spool?hello"
	assert_output --regexp "^b'$BATS_TEST_TMPDIR/spool/uwsgi_spoolfile_on_"
	run curl -sf "http://127.0.0.1:$port/signal"
	assert_output "None"
	run send --rpc "127.0.0.1:$uport" deco_hello you
	assert_output "deco hello you"
	wait_grep "$out" '^spooled hello in spooler True$'
	wait_grep "$out" "^spooled args 1 'two' \[3\]$"
	wait_grep "$out" '^signal 99 worker 1$'
	wait_grep "$out" '^signal 99 worker 2$'
	# @timer(1) took the first free signal, 0.
	wait_until 5 timer_fired "$out" 3 || { cat "$out"; false; }
}

# rpc_server NAME HTTP_PORT UWSGI_PORT NODE: the RPC app on this server.
rpc_server() {
	up_server "$1" --master --processes 2 --http-socket "127.0.0.1:$2" \
		--socket "127.0.0.1:$3" --wsgi-file "$APPS/rpc_app.py" --env "NODE=$4"
	wait_port "$2" || { show_log "$1"; return 1; }
}

@test "RPC between two uwsgi-server instances, and uwsgi-send --rpc to one" {
	local pa ua pb ub
	free_ports pa ua pb ub
	rpc_server a "$pa" "$ua" A
	rpc_server b "$pb" "$ub" B
	run curl -sf "http://127.0.0.1:$pa/call/hello?127.0.0.1:$ub"
	assert_output "b'B hello a,b'"
	run curl -sf "http://127.0.0.1:$pb/call/hello?127.0.0.1:$ua"
	assert_output "b'A hello a,b'"
	# Here (node ''), a result past 65535 bytes (modifier2 5), an empty one.
	run curl -sf "http://127.0.0.1:$pa/call/hello?"
	assert_output "b'A hello a,b'"
	run curl -sf "http://127.0.0.1:$pa/call/big?127.0.0.1:$ub"
	assert_output "100000"
	run curl -sf "http://127.0.0.1:$pa/call/empty?127.0.0.1:$ub"
	assert_output "None"
	run curl -sf "http://127.0.0.1:$pa/call/list"
	assert_output "(b'hello', b'big', b'empty', b'boom')"
	# Unknown or failing functions: logged, the connection closed.
	run curl -sf "http://127.0.0.1:$pa/call/nosuch?127.0.0.1:$ub"
	assert_output --partial "OSError: rpc to 127.0.0.1:$ub: read 127.0.0.1:$ub: connection closed"
	wait_grep "$BATS_TEST_TMPDIR/b.log" 'unknown RPC function "nosuch"'
	run curl -sf "http://127.0.0.1:$pa/call/boom?127.0.0.1:$ub"
	assert_output --partial "OSError"
	wait_grep "$BATS_TEST_TMPDIR/b.log" 'ZeroDivisionError'
	run send --rpc "127.0.0.1:$ub" hello x y
	assert_success
	assert_output "B hello x,y"
	# Nobody listening: an OSError naming the node, quickly.
	local dead
	dead=$(free_port)
	run curl -sf "http://127.0.0.1:$pa/call/hello?127.0.0.1:$dead"
	assert_output --partial "Connection refused"
}

@test "a malformed RPC call or answer gets one clear line; the worker lives" {
	# Found by tests/fuzz/fuzz_rpc: an answer's CONTENT_LENGTH (modifier2
	# 5) was read as digits whatever its bytes ("12a" as 169), so the call
	# waited for bytes that never came. A call with a stray byte after its
	# items is refused by the framing before the RPC handler sees it.
	local pa ua fp
	free_ports pa ua fp
	rpc_server a "$pa" "$ua" A
	printf '\005\000hello\001' >"$BATS_TEST_TMPDIR/call"
	run send -m rpc --body-file "$BATS_TEST_TMPDIR/call" "127.0.0.1:$ua"
	wait_grep "$BATS_TEST_TMPDIR/a.log" '127\.0\.0\.1: malformed .*: truncated input at offset 7$'
	start_bg fake "$PY" "$UP_ROOT/tests/apps/fake_peer.py" rpcbig 127.0.0.1 "$fp"
	wait_port "$fp"
	run curl -sf -m 20 "http://127.0.0.1:$pa/call/hello?127.0.0.1:$fp"
	assert_output --partial "OSError: rpc to 127.0.0.1:$fp: a large answer (modifier2 5) with a bad CONTENT_LENGTH '12a'"
	run send --rpc "127.0.0.1:$ua" hello x
	assert_success
	assert_output "A hello x"
}

@test "RPC from Debian's uWSGI 2.0 to this server and back" {
	require_cmd uwsgi
	local pa ua pu uu
	free_ports pa ua pu uu
	rpc_server ours "$pa" "$ua" OURS
	require_cmd uwsgi
	start_bg theirs uwsgi --plugin python3,rpc --master --processes 1 --die-on-term \
		--http-socket "127.0.0.1:$pu" --socket "127.0.0.1:$uu" \
		--wsgi-file "$APPS/rpc_app.py" --env NODE=UWSGI
	wait_port "$pu" || { show_log theirs; false; }
	wait_port "$uu"
	# uWSGI's uwsgi.rpc calls ours...
	run curl -sf "http://127.0.0.1:$pu/call/hello?127.0.0.1:$ua"
	assert_output "b'OURS hello a,b'"
	run curl -sf "http://127.0.0.1:$pu/call/big?127.0.0.1:$ua"
	assert_output "100000"
	# ...and ours calls uWSGI's.
	run curl -sf "http://127.0.0.1:$pa/call/hello?127.0.0.1:$uu"
	assert_output "b'UWSGI hello a,b'"
	run curl -sf "http://127.0.0.1:$pa/call/big?127.0.0.1:$uu"
	assert_output "100000"
}

# signal_server NAME HTTP_PORT UWSGI_PORT [options...]
signal_server() {
	local name=$1 port=$2 uport=$3
	shift 3
	up_server "$name" --master --processes 2 --http-socket "127.0.0.1:$port" \
		--socket "127.0.0.1:$uport" --wsgi-file "$APPS/signal_app.py" \
		--env "SIG_OUT=$BATS_TEST_TMPDIR/sig" "$@"
	wait_port "$port" || { show_log "$name"; return 1; }
}

count() { grep -c "$2" "$1" 2>/dev/null || true; }

@test "signals: registered in the master, raised from a worker, run by their targets" {
	local port uport sig=$BATS_TEST_TMPDIR/sig
	free_ports port uport
	signal_server srv "$port" "$uport" --spooler "$BATS_TEST_TMPDIR/spool"
	wait_grep "$BATS_TEST_TMPDIR/srv.log" 'spawned the spooler 1 '
	local w1 w2
	w1=$(sed -n 's/.*spawned worker 1 (pid: \([0-9]*\)).*/\1/p' "$BATS_TEST_TMPDIR/srv.log")
	w2=$(sed -n 's/.*spawned worker 2 (pid: \([0-9]*\)).*/\1/p' "$BATS_TEST_TMPDIR/srv.log")
	run curl -sf "http://127.0.0.1:$port/raise?10"
	assert_output "None"
	wait_grep "$sig" "^sig 10 worker 1 pid $w1\$"
	wait_grep "$sig" "^sig 10 worker 2 pid $w2\$"
	curl -sf "http://127.0.0.1:$port/raise?12" >/dev/null
	wait_grep "$sig" "^sig 12 worker 2 pid $w2\$"
	curl -sf "http://127.0.0.1:$port/raise?11" >/dev/null
	wait_grep "$sig" '^sig 11 worker [12] '
	# "spooler": run by the spooler process (worker id 0).
	curl -sf "http://127.0.0.1:$port/raise?13" >/dev/null
	wait_grep "$sig" '^sig 13 worker 0 '
	! grep -q "pid $w1\$\|pid $w2\$" <(grep '^sig 13 ' "$sig") || false
	run curl -sf "http://127.0.0.1:$port/registered?10"
	assert_output "True"
	run curl -sf "http://127.0.0.1:$port/registered?77"
	assert_output "False"
	[ "$(count "$sig" '^sig 10 ')" -eq 2 ]
	[ "$(count "$sig" '^sig 12 ')" -eq 1 ]
	[ "$(count "$sig" '^sig 11 ')" -eq 1 ]
}

@test "uwsgi-send --signal N raises it (255/1); an unregistered one is refused (255/0)" {
	local port uport sig=$BATS_TEST_TMPDIR/sig
	free_ports port uport
	signal_server srv "$port" "$uport"
	run --separate-stderr send -v --signal 10 "127.0.0.1:$uport"
	assert_success
	[[ "$stderr" == *"< [modifier1 255 (response), datasize 0, modifier2 1]"* ]]
	wait_grep "$sig" '^sig 10 worker 1 '
	wait_grep "$sig" '^sig 10 worker 2 '
	run --separate-stderr send --signal 77 "127.0.0.1:$uport"
	assert_failure 4
	[ "$stderr" = "uwsgi-send: 127.0.0.1:$uport: the node could not raise the signal (modifier2 0)" ]
	wait_grep "$BATS_TEST_TMPDIR/srv.log" 'uwsgi signal 77 \(modifier1 110\) refused: not registered'
}

@test "add_timer fires about every N seconds; add_rb_timer stops after its iterations" {
	local port uport sig=$BATS_TEST_TMPDIR/sig
	free_ports port uport
	signal_server srv "$port" "$uport"
	sleep 2
	local n1 n2
	n1=$(count "$sig" '^sig 20 ')
	sleep 4
	n2=$(count "$sig" '^sig 20 ')
	# Signal 20 every second ("" target: one worker each time).
	echo "timer 20 fired $((n2 - n1)) times in 4 s" >&3
	[ $((n2 - n1)) -ge 3 ] && [ $((n2 - n1)) -le 5 ]
	# Signal 21 every 2 s, twice, then never again.
	[ "$(count "$sig" '^sig 21 ')" -eq 2 ]
}
