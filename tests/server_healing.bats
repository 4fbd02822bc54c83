#!/usr/bin/env bats
# uwsgi-server's self-healing: harakiri (the master's, and the raw alarm
# mode without a master), the respawn backoff of workers that die right
# after their spawn, a broken app that a touch-reload brings back,
# recycling (--max-requests, --reload-on-rss/as, --evil-reload-on-rss),
# --limit-as, graceful and brutal reloads (SIGHUP under wrk, directly and
# through nginx), kill -9 of a busy worker, the master FIFO's commands and
# the signals that share them, and the stats counters that follow it all.
# Every server runs with --master except the raw-mode test.

bats_require_minimum_version 1.5.0
load helpers/common

APPS=$BATS_TEST_DIRNAME/apps/healing
APP=$APPS/app.py

setup() {
	require_cmd curl
	T=$BATS_TEST_TMPDIR
}

# Everything stopped, the sanitized build's reports (in the servers' logs)
# fail the test.
teardown() {
	stop_all
	if grep -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T"/*.log* 2>/dev/null; then
		echo "sanitizer report in the logs above" >&2
		return 1
	fi
}

# heal NAME OPTIONS...: this build's server with --master on fresh ports,
# both kinds: $hport/$h (HTTP), $uport/$u (uwsgi). Its pid is in NAME_pid
# and, for every test, in $srv; its log is $T/NAME.log, also in $log.
heal() {
	local name=$1
	shift
	free_ports hport uport
	h=http://127.0.0.1:$hport u=127.0.0.1:$uport
	up_server "$name" --master --http-socket "127.0.0.1:$hport" --socket "$u" "$@"
	local v=${name//-/_}_pid
	srv=${!v} log=$T/$name.log
	wait_port "$hport" && wait_port "$uport" || { show_log "$name"; return 1; }
	wait_workers "$srv" "$(opt_value --processes 1 "$@")"
}

# opt_value OPTION DEFAULT ARGS...: the value that follows OPTION in ARGS.
opt_value() {
	local o=$1 d=$2
	shift 2
	while [ $# -gt 0 ]; do
		[ "$1" = "$o" ] && [ $# -gt 1 ] && { echo "$2"; return; }
		shift
	done
	echo "$d"
}

# poll SECONDS CMD...: run CMD every 50 ms until it succeeds or SECONDS pass.
poll() {
	local tries=$(( $1 * 20 ))
	shift
	while [ $tries -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.05
		tries=$((tries - 1))
	done
	"$@"
}

# live_workers MASTER: its children that are not zombies (worker_pids
# lists a worker killed a moment ago until the master reaps it), sorted.
live_workers() {
	ps -o pid=,stat= --ppid "$1" | awk '$2 !~ /^Z/ { print $1 }' | sort -n
}

nworkers_is() { [ "$(live_workers "$1" | wc -l)" = "$2" ]; }

# wait_workers MASTER N [SECONDS]: the master has N children (default 10 s).
wait_workers() {
	poll "${3:-10}" nworkers_is "$1" "$2" || {
		echo "master $1 has $(live_workers "$1" | wc -l) workers, not $2" >&2
		return 1
	}
}

gone() { ! kill -0 "$1" 2>/dev/null; }

# bg_get NAME URL [CURL OPTIONS...]: curl in the background (at most 40 s);
# the status code goes to $T/NAME.code, the body to $T/NAME.body; its pid
# is NAME_cpid (wait on it for curl's exit status) and stop_all stops it.
bg_get() {
	local name=$1 url=$2
	shift 2
	curl -sS -m 40 -o "$T/$name.body" -w '%{http_code}' "$@" "$url" \
		>"$T/$name.code" 2>"$T/$name.err" 3>&- &
	printf -v "${name}_cpid" '%s' "$!"
	echo "$!" >>"$T/.pids"
}

# bg_wait NAME: curl's exit status of bg_get NAME, in $rc.
bg_wait() {
	local v=${1}_cpid
	rc=0
	wait "${!v}" || rc=$?
}

# slow NAME SECONDS: a /sleep request held by a worker; returns once the
# app has started it, with the worker's pid in $busy.
slow() {
	rm -f "$T/$1.mark"
	bg_get "$1" "$h/sleep?s=$2&mark=$T/$1.mark"
	wait_file "$T/$1.mark" 10
	busy=$(cat "$T/$1.mark")
}

# held_completes CMD...: a 1.5 s request is in flight when CMD runs, and
# completes with its 200 all the same.
held_completes() {
	slow held 1.5
	"$@"
	bg_wait held
	assert_equal "$rc" 0
	assert_equal "$(cat "$T/held.code")" 200
	assert_equal "$(cat "$T/held.body")" 'slept 1.5'
}

# held_cut MS CMD...: a 10 s request is in flight when CMD runs, and its
# client sees the connection close (curl exit 52) within MS milliseconds,
# in $took.
held_cut() {
	local ms=$1
	shift
	slow held 10
	local start
	start=$(now_ms)
	"$@"
	bg_wait held
	took=$(($(now_ms) - start))
	echo "request cut after $took ms (curl $rc)"
	assert_equal "$rc" 52
	between 0 "$took" "$ms"
}

# all_new BEFORE: none of the pids in BEFORE is among the live workers.
all_new() {
	[ -z "$(comm -12 <(echo "$1") <(live_workers "$srv"))" ]
}

# fifo PATH CHARS: write commands to a master FIFO (fails after 3 s if
# nothing reads it).
fifo() {
	timeout 3 bash -c 'printf %s "$2" >"$1"' _ "$1" "$2"
}

# wait_count ERE N [SECONDS]: wait until N lines of $log match ERE.
wait_count() {
	local tries=$(( ${3:-10} * 20 ))
	while [ "$(count "$1")" -lt "$2" ]; do
		tries=$((tries - 1))
		[ $tries -gt 0 ] || {
			echo "fewer than $2 lines match '$1' in $log" >&2
			return 1
		}
		sleep 0.05
	done
}

# no_line ERE: no line of $log matches (`! grep` would not fail a test).
no_line() {
	grep -E -- "$1" "$log" >&2 || return 0
	echo "the lines above should not be in $log" >&2
	return 1
}

# between LOW X HIGH: LOW <= X <= HIGH (a bare `[ ] && [ ]` would not fail
# a bats test).
between() {
	[ "$2" -ge "$1" ] && [ "$2" -le "$3" ] && return 0
	echo "$2 is not between $1 and $3" >&2
	return 1
}

# replaced MASTER VICTIM N: the master has N live workers, VICTIM not one.
replaced() {
	local live
	live=$(live_workers "$1")
	[ "$(wc -w <<<"$live")" = "$3" ] && ! grep -qx "$2" <<<"$live"
}

# log_mark / log_new: the lines of $log written since log_mark.
log_mark() { mark=$(wc -l <"$log"); }
log_new() { tail -n +"$((mark + 1))" "$log"; }

# events: the log without its request lines (for a failure's diagnostics).
events() { grep -v '^\[pid: ' "$log" || true; }

# count ERE: how many lines of $log match.
count() { grep -Ec -- "$1" "$log" || true; }

# Return when the wall clock reaches .MS of a second.
at_ms() {
	local ms=$(( $(now_ms) % 1000 ))
	sleep "$(printf '0.%03d' $(( ($1 - ms + 1000) % 1000 )))"
}

# late_start CMD...: run CMD, a client of a /sleep?...&mark=$T/mark request
# that a harakiri cuts, so that the app starts it late in a second: the
# worst case for a deadline counted in whole seconds. Sets $took, the ms
# from the request's start (the mark's mtime) to CMD's end, $end, the
# wall clock (ms) at CMD's end, and $rc, CMD's exit status.
late_start() {
	local start
	rm -f "$T/mark"
	at_ms 930
	rc=0
	"$@" >"$T/late.out" 2>&1 || rc=$?
	end=$(now_ms)
	start=$(stat -c %.3Y "$T/mark" | tr -d .)
	took=$((end - start))
	echo "the request started at .$((start % 1000)) s, was cut after $took ms"
}

# full_seconds LIMIT: the harakiri of $log came once the request had run
# LIMIT whole seconds: uWSGI kills when the clock is past the deadline
# (start second + LIMIT), so never within the deadline's own second.
full_seconds() {
	local since
	since=$(grep -Eo '^HARAKIRI \[core 0\] .* since [0-9]+' "$log" | tail -1 | awk '{ print $NF }')
	echo "started in second $since, cut in second $((end / 1000)), limit $1 s"
	[ $((end / 1000)) -gt $((since + $1)) ]
}

# AddressSanitizer reserves terabytes of address space: address-space
# limits mean nothing in the sanitized build.
no_asan() {
	[ "$UP_BUILD" != build/san ] || skip "address-space limits under AddressSanitizer"
}

# uptime_ms: the time since boot, in ms (10 ms steps), the clock of
# started_ms PID: when PID started.
uptime_ms() {
	local up
	read -r up _ </proc/uptime
	echo $(( ${up%.*} * 1000 + 10#${up#*.} * 10 ))
}
started_ms() {
	echo $(( $(awk '{ print $22 }' "/proc/$1/stat") * 1000 / $(getconf CLK_TCK) ))
}

# The 200 answer of $h/pid, in $pid_now.
answer_pid() {
	pid_now=$(curl -sS -m 10 -f "$h/pid")
	[ -n "$pid_now" ]
}

# ------------------------------------------------------------------ harakiri

@test "harakiri: a request sleeping past --harakiri 2 is killed in 2-4 s, logged, the worker respawned and serving" {
	heal hk --harakiri 2 --wsgi-file "$APP"
	old=$(live_workers "$srv")
	# A request starting just before a second ticks over must still have
	# its 2 s: uWSGI kills only once the deadline's second has passed.
	late_start curl -sS -m 10 "$h/sleep?s=8&mark=$T/mark"
	cat "$T/late.out"
	assert_equal "$rc" 52
	wait_count 'spawned worker 1 \(pid: [0-9]+\)' 2 3
	grep -Eq "^\*\*\* HARAKIRI ON WORKER 1 \(pid: $old, try: 1\) \*\*\*\$" "$log"
	grep -Eq '^HARAKIRI \[core 0\] 127\.0\.0\.1 - GET /sleep\?s=8&mark=[^ ]+ since [0-9]{10} \(ran [0-9]+ s, limit 2 s\)$' "$log"
	[ "$(count 'HARAKIRI')" = 2 ]
	poll 2 replaced "$srv" "$old" 1
	new=$(live_workers "$srv")
	grep -Eq "spawned worker 1 \(pid: $new\)" "$log"
	answer_pid
	assert_equal "$pid_now" "$new"
	# Checked last, so that a failure here says the rest works.
	full_seconds 2
	between 2000 "$took" 4300
}

@test "harakiri: UWSGI_HARAKIRI=1 overrides --harakiri 30; harakiri_count and respawn_count move in the stats" {
	free_ports sport
	heal hkvar --harakiri 30 --stats "127.0.0.1:$sport" --wsgi-file "$APP"
	wait_port "$sport"
	run stats_eval "$sport" '[(w["harakiri_count"], w["respawn_count"]) for w in d["workers"]]'
	assert_output '[[0, 1]]'
	late_start "$UP_BIN/uwsgi-send" -t 20 --var UWSGI_HARAKIRI=1 "$u" "/sleep?s=15&mark=$T/mark"
	cat "$T/late.out"
	assert_equal "$rc" 4
	grep -Eq '^HARAKIRI \[core 0\] 127\.0\.0\.1 - GET /sleep\?s=15&mark=[^ ]+ since [0-9]+ \(ran [0-9]+ s, limit 1 s\)$' "$log"
	wait_count 'spawned worker 1 ' 2 3
	run stats_eval "$sport" '[(w["harakiri_count"], w["respawn_count"]) for w in d["workers"]]'
	assert_output '[[1, 2]]'
	# A plain request is not cut at 1 s: --harakiri 30 is back.
	run "$UP_BIN/uwsgi-send" -t 10 "$u" '/sleep?s=1.5'
	assert_success
	assert_output 'slept 1.5'
	# The killed request had its full second (checked last).
	full_seconds 1
	between 1000 "$took" 3300
}

@test "harakiri: --harakiri-verbose logs the killed request's vars too" {
	heal hkv --harakiri 1 --harakiri-verbose --wsgi-file "$APP"
	run curl -sS -m 10 "$h/sleep?s=8&verbose=yes"
	assert_equal "$status" 52
	wait_grep "$log" '^HARAKIRI \[core 0\]' 5
	sed -n '/HARAKIRI ON WORKER/,$p' "$log"
	# uWSGI's own verbose lines are free-form; the promise of --help is
	# that the request's vars are named.
	grep -q 'QUERY_STRING.*s=8&verbose=yes' "$log"
}

@test "harakiri without --master: raw mode (alarm), the worker logs it and exits" {
	free_ports hport
	h=http://127.0.0.1:$hport
	up_server raw --harakiri 2 --http-socket "127.0.0.1:$hport" --wsgi-file "$APP"
	log=$T/raw.log
	wait_port "$hport" || { show_log raw; false; }
	start=$(now_ms)
	run curl -sS -m 10 "$h/sleep?s=8"
	took=$(($(now_ms) - start))
	echo "curl: status $status after $took ms"
	assert_equal "$status" 52
	between 1900 "$took" 4300
	poll 3 gone "$raw_pid"
	cat "$log"
	grep -Eq "^\*\*\* HARAKIRI ON WORKER 1 \(pid: $raw_pid, raw mode\) \*\*\*\$" "$log"
	grep -Eq '^HARAKIRI \[core 0\] 127\.0\.0\.1 - GET /sleep\?s=8' "$log"
	no_line 'spawned worker'
}

# ----------------------------------------------------------- respawn backoff

@test "backoff: workers dying right after spawn make the master wait 250 ms, doubling; forks stay few over 10 s" {
	pidfile=$T/master.pid
	free_ports hport
	up_server crash --master --lazy-apps --pidfile "$pidfile" \
		--env "HEALING_MASTER_PIDFILE=$pidfile" --env "HEALING_SPAWN_LOG=$T/tries" \
		--http-socket "127.0.0.1:$hport" --wsgi-file "$APPS/crash_worker.py"
	srv=$crash_pid log=$T/crash.log
	wait_port "$hport"
	sleep 10
	spawns=$(count '^uwsgi-server: spawned worker 1 ')
	events
	echo "$spawns spawns in 10 s"
	between 3 "$spawns" 10
	[ "$(count 'worker 1 \(pid: [0-9]+\) exited with status 3')" -ge 3 ]
	delays=$(grep -Eo 'worker 1 died [0-9]+ times right after spawning: next try in [0-9]+ ms' \
		"$log" | awk '{ print $4 "/" $(NF-1) }' | head -4 | tr '\n' ' ')
	assert_equal "$delays" "1/250 2/500 3/1000 4/2000 "
	kill -0 "$srv"
	# The pauses are the ones announced (each try's import takes a few ms
	# more), not rounded up to the master's once-a-second checks.
	gaps=$(awk 'NR > 1 { printf "%d ", ($1 - prev) * 1000 } { prev = $1 }' "$T/tries")
	echo "ms between tries: $gaps"
	set -- $gaps
	for want in 250 500 1000 2000; do
		between "$want" "$1" $((want + 200))
		shift
	done
}

@test "backoff: an app whose import raises: the master lives, no fork loop, 500s; fixing it + touch-reload brings it back" {
	cp "$APPS/broken.py" "$T/app.py"
	heal broken --processes 2 --touch-reload "$T/app.py" --wsgi-file "$T/app.py"
	grep -q 'RuntimeError: this app is broken on purpose' "$log"
	run curl -sS -m 5 -w ' %{http_code}' "$h/"
	assert_output --partial 'no app loaded'
	assert_output --regexp ' 500$'
	# Ten seconds of requests: every one a 500, the workers stay put.
	end=$(( $(now_ms) + 10000 )) n=0
	while [ "$(now_ms)" -lt "$end" ]; do
		code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$h/")
		[ "$code" = 500 ] || { echo "got $code"; false; }
		n=$((n + 1))
		sleep 0.2
	done
	spawns=$(count 'spawned worker')
	echo "$n requests, $spawns spawns"
	[ "$spawns" -le 4 ]
	kill -0 "$srv"
	# The fix arrives atomically, as an editor or a deploy writes it.
	cp "$APP" "$T/app.py.new"
	mv "$T/app.py.new" "$T/app.py"
	poll 8 answer_pid || { cat "$log"; false; }
	grep -q "$T/app.py was touched" "$log"
	grep -Eq "re-executing the master \(pid: $srv\)" "$log"
	kill -0 "$srv"
}

# ----------------------------------------------------------------- recycling

@test "--max-requests 100: 2000 requests over 4 connections, zero errors, workers recycled" {
	heal maxreq --processes 2 --max-requests 100 --disable-logging --wsgi-file "$APP"
	before=$(live_workers "$srv")
	run "$UP_BIN/uwsgi-send" --bench -n 2000 -c 4 "$u" /
	echo "$output"
	assert_success
	assert_line --regexp '^requests +2000 complete, 0 errors$'
	assert_line --regexp '^status +200: 2000$'
	wait_workers "$srv" 2
	echo "before: $before; after: $(live_workers "$srv")"
	all_new "$before"
	recycled=$(grep -Eo 'recycled after [0-9]+ requests \(--max-requests 100\)' "$log" |
		awk '{ print $3 }')
	echo "recycled after: $(echo $recycled)"
	[ "$(wc -l <<<"$recycled")" -ge 15 ]
	for n in $recycled; do between 100 "$n" 110; done
}

@test "--max-requests over HTTP keep-alive: a recycled worker's clients see no socket error (wrk)" {
	require_cmd wrk
	heal maxka --processes 2 --max-requests 50 --disable-logging --wsgi-file "$APP"
	before=$(live_workers "$srv")
	run wrk -t2 -c4 -d3s "$h/"
	echo "$output"
	assert_success
	assert_line --regexp '^ +[0-9]+ requests in '
	[ "$(count 'recycled after')" -ge 5 ]
	refute_line --partial 'Non-2xx or 3xx responses'
	refute_line --partial 'Socket errors'
}

@test "--min-worker-lifetime 60 keeps --max-requests 10 from recycling young workers" {
	heal minlife --max-requests 10 --min-worker-lifetime 60 --wsgi-file "$APP"
	before=$(live_workers "$srv")
	run "$UP_BIN/uwsgi-send" --bench -n 100 -c 2 "$u" /
	assert_line --regexp '^requests +100 complete, 0 errors$'
	assert_equal "$(live_workers "$srv")" "$before"
	[ "$(count 'recycled after')" = 0 ]
}

@test "--reload-on-rss 50: a worker growing 20 MB a request is recycled after the request that passes it" {
	heal rss --reload-on-rss 50 --wsgi-file "$APP"
	first=$(live_workers "$srv")
	for i in 1 2 3 4; do
		curl -sS -m 10 -f "$h/grow?mb=20"
		echo
	done
	wait_grep "$log" "worker 1 \(pid: $first\) recycled after RSS [0-9]+ MB over --reload-on-rss 50"
	mb=$(grep -Eo 'recycled after RSS [0-9]+ MB' "$log" | head -1 | awk '{ print $4 }')
	between 51 "$mb" 79
	wait_workers "$srv" 1
	answer_pid
	[ "$pid_now" != "$first" ]
	assert_equal "$(grep -c 'exited$' "$log")" "$(count "recycled after")"
}

@test "--reload-on-as 60: a worker whose address space passes 60 MB is recycled" {
	no_asan
	heal as --reload-on-as 60 --wsgi-file "$APP"
	first=$(live_workers "$srv")
	for i in 1 2 3; do curl -sS -m 10 -f "$h/grow?mb=20"; done
	wait_grep "$log" "worker 1 \(pid: $first\) recycled after address space [0-9]+ MB over --reload-on-as 60"
	wait_workers "$srv" 1
	answer_pid
	[ "$pid_now" != "$first" ]
}

@test "--evil-reload-on-rss 50: the master kills a worker past it within 2 s, even idle, and respawns it" {
	heal evil --evil-reload-on-rss 50 --wsgi-file "$APP"
	first=$(live_workers "$srv")
	for i in 1 2 3; do curl -sS -m 10 -f "$h/grow?mb=20"; done
	wait_grep "$log" "worker 1 \(pid: $first\): RSS [0-9]+ MB over --evil-reload-on-rss 50: killing it" 3
	wait_grep "$log" "worker 1 \(pid: $first\) killed by signal 9" 2
	wait_workers "$srv" 1
	answer_pid
	[ "$pid_now" != "$first" ]
	# Killed on purpose: no backoff for it.
	no_line 'right after spawning'
}

@test "--limit-as 100: a 200 MB allocation fails with MemoryError (500), the worker lives on" {
	no_asan
	heal limitas --limit-as 100 --wsgi-file "$APP"
	first=$(live_workers "$srv")
	run curl -sS -m 10 -o /dev/null -w '%{http_code}' "$h/alloc?mb=200"
	assert_output 500
	grep -q 'MemoryError' "$log"
	run curl -sS -m 10 "$h/alloc?mb=20"
	assert_output 'allocated 20'
	answer_pid
	assert_equal "$pid_now" "$first"
	[ "$(count 'spawned worker')" = 1 ]
	# The limit is the worker's, as set: RLIMIT_AS of 100 MB.
	awk '/Max address space/ { print $4 }' "/proc/$first/limits" | grep -qx $((100 << 20))
}

# -------------------------------------------------------------------- reloads

# wrk_clean FILE: wrk's report shows requests, no non-2xx and no socket errors.
wrk_clean() {
	echo "--- $1"
	cat "$1"
	grep -Eq '^ +[1-9][0-9]* requests in ' "$1" &&
		! grep -q 'Non-2xx or 3xx responses' "$1" &&
		! grep -q 'Socket errors' "$1" || false
}

# version_is URL V: the app at URL answers "V PID".
version_is() {
	[[ "$(curl -s -m 2 "$1")" == "$2 "* ]]
}

@test "graceful reload under load: 5 SIGHUPs and app edits during 20 s of wrk, direct and via nginx: no errors" {
	require_cmd wrk nginx
	cp "$APP" "$T/app.py"
	heal hup --processes 2 --disable-logging --wsgi-file "$T/app.py"
	free_ports nport
	start_nginx nginx "$nport" "$u"
	n=http://127.0.0.1:$nport
	version_is "$n/" v0
	wrk -t2 -c4 -d20s "$h/" >"$T/wrk-http" 2>&1 3>&- &
	w1=$!
	wrk -t2 -c4 -d20s "$n/" >"$T/wrk-nginx" 2>&1 3>&- &
	w2=$!
	echo "$w1" >>"$T/.pids"
	echo "$w2" >>"$T/.pids"
	for i in 1 2 3 4 5; do
		sleep 1.5
		sed "s/^VERSION = .*/VERSION = \"v$i\"/" "$APP" >"$T/app.py.new"
		mv "$T/app.py.new" "$T/app.py"
		kill -HUP "$srv"
		poll 5 version_is "$h/" "v$i" || { echo "HTTP: no v$i after reload $i"; false; }
		poll 5 version_is "$n/" "v$i" || { echo "nginx: no v$i after reload $i"; false; }
		kill -0 "$srv"
	done
	wait "$w1"
	wait "$w2"
	[ "$(count "re-executing the master \(pid: $srv\) with sockets")" = 5 ]
	[ "$(count 'socket 0 kept across the reload')" = 5 ]
	# The master is the same process throughout.
	kill -0 "$srv"
	ok=0
	wrk_clean "$T/wrk-nginx" || ok=1
	wrk_clean "$T/wrk-http" || ok=1
	return $ok
}

@test "kill -9 of a busy worker: its client gets an error, other requests all succeed, the worker is back within 1 s" {
	free_ports sport
	heal k9 --processes 2 --stats "127.0.0.1:$sport" --wsgi-file "$APP"
	# Older than 2 s: its death is not one "right after spawning".
	sleep 2
	slow held 20
	victim=$busy
	other=$(live_workers "$srv" | grep -vx "$victim")
	# Requests on fresh connections, without pause, through the kill.
	request_loop "$hport" 2.5 >"$T/loop" 2>&1 3>&- &
	loop=$!
	echo "$loop" >>"$T/.pids"
	sleep 0.5
	killed=$(uptime_ms)
	kill -9 "$victim"
	poll 3 replaced "$srv" "$victim" 2
	fresh=$(live_workers "$srv" | grep -vx "$other")
	took=$(($(started_ms "$fresh") - killed))
	echo "worker $fresh started $took ms after the kill"
	between -20 "$took" 999
	bg_wait held
	echo "held request: curl $rc"
	assert_equal "$rc" 52
	wait "$loop"
	cat "$T/loop"
	grep -Eq '^ok [1-9][0-9]* failed 0$' "$T/loop"
	grep -Eq "worker [12] \(pid: $victim\) killed by signal 9" "$log"
	run stats_eval "$sport" 'sorted(w["respawn_count"] for w in d["workers"])'
	assert_output '[1, 2]'
}

@test "a worker killed in the middle of a request leaves no stale request: not harakiri'd for it, load 0, SIGUSR2 idle" {
	free_ports sport
	heal stale --harakiri 3 --stats "127.0.0.1:$sport" --wsgi-file "$APP"
	slow held 30
	kill -9 "$busy"
	poll 2 replaced "$srv" "$busy" 1
	fresh=$(live_workers "$srv")
	[ "$fresh" != "$busy" ]
	# The dead request's harakiri deadline must not fall on the new worker.
	sleep 4.5
	events
	assert_equal "$(live_workers "$srv")" "$fresh"
	no_line 'HARAKIRI'
	run stats_eval "$sport" '(d["load"], [w["status"] for w in d["workers"]])'
	assert_output '[0, ["idle"]]'
	log_mark
	kill -USR2 "$srv"
	wait_grep "$log" "worker 1 \(pid: $fresh\) core 0: " 2
	log_new | grep -Eq "^worker 1 \(pid: $fresh\) core 0: idle$"
}

@test "after a harakiri the worker's slot is idle again: load 0, status idle" {
	free_ports sport
	heal hkslot --harakiri 1 --stats "127.0.0.1:$sport" --wsgi-file "$APP"
	run curl -sS -m 10 "$h/sleep?s=10"
	assert_equal "$status" 52
	wait_count 'spawned worker 1 ' 2 3
	sleep 0.3
	run stats_eval "$sport" '(d["load"], [(w["status"], w["harakiri_count"]) for w in d["workers"]])'
	assert_output '[0, [["idle", 1]]]'
}

@test "--reload-mercy 2: a graceful reload kills a request that outlasts it, then completes" {
	heal mercy --reload-mercy 2 --wsgi-file "$APP"
	held_cut 3500 kill -HUP "$srv"
	between 1800 "$took" 3500
	grep -q 'workers still running after 2 s (--reload-mercy): killing them' "$log"
	wait_grep "$log" "re-executing the master \(pid: $srv\)" 3
	wait_workers "$srv" 1
	answer_pid
}

@test "harakiri goes on during a graceful reload: a request past --harakiri 2 does not hold the reload for --reload-mercy" {
	heal hkhup --processes 2 --harakiri 2 --reload-mercy 8 --wsgi-file "$APP"
	start=$(now_ms)
	slow held 30
	kill -HUP "$srv"
	bg_wait held
	cut=$(($(now_ms) - start))
	poll 10 answer_pid
	back=$(($(now_ms) - start))
	echo "request cut after $cut ms (curl $rc), server answering after $back ms"
	events
	assert_equal "$rc" 52
	grep -q 'HARAKIRI ON WORKER' "$log"
	no_line 'workers still running after 8 s'
	between 1000 "$cut" 4500
	between 1000 "$back" 5500
}

@test "--worker-reload-mercy 2: a worker reload ('w') kills a request that outlasts it" {
	fifo0=$T/fifo
	heal wmercy --worker-reload-mercy 2 --master-fifo "$fifo0" --wsgi-file "$APP"
	held_cut 3500 fifo "$fifo0" w
	wait_workers "$srv" 1
	answer_pid
}

@test "--touch-reload: touching the file reloads gracefully; the master re-executes with the same pid" {
	touch "$T/reload-me"
	heal touch --processes 2 --touch-reload "$T/reload-me" --wsgi-file "$APP"
	before=$(live_workers "$srv")
	sleep 1.1
	touch "$T/reload-me"
	wait_grep "$log" "$T/reload-me was touched" 3
	wait_grep "$log" "re-executing the master \(pid: $srv\) with sockets" 3
	wait_grep "$log" 'socket 0 kept across the reload' 3
	wait_workers "$srv" 2
	all_new "$before"
	answer_pid
	# Exactly one reload per touch.
	sleep 1.5
	[ "$(count 'was touched')" = 1 ]
}

# ---------------------------------------------------------------- master FIFO

@test "FIFO r: graceful reload: the request in flight completes, same master pid, new workers, FIFO read again" {
	fifo0=$T/fifo
	heal fr --processes 2 --master-fifo "$fifo0" --wsgi-file "$APP"
	before=$(live_workers "$srv")
	held_completes fifo "$fifo0" r
	wait_grep "$log" "re-executing the master \(pid: $srv\) with sockets [0-9]" 5
	wait_grep "$log" 'http socket 0 kept across the reload' 3
	grep -q 'graceful reload: workers finish their requests first' "$log"
	wait_workers "$srv" 2
	all_new "$before"
	answer_pid
	# The re-executed master reads its FIFO again.
	wait_grep "$log" "master FIFO $fifo0 ready" 3
	[ "$(count "master FIFO $fifo0 ready")" = 2 ]
	fifo "$fifo0" s
	wait_grep "$log" '^stats: 2 workers' 3
}

@test "FIFO R: brutal reload: the request in flight is cut at once, same master pid, new workers" {
	fifo0=$T/fifo
	heal fbr --processes 2 --master-fifo "$fifo0" --wsgi-file "$APP"
	before=$(live_workers "$srv")
	held_cut 1500 fifo "$fifo0" R
	wait_grep "$log" "re-executing the master \(pid: $srv\)" 3
	grep -q 'brutal reload: killing the workers' "$log"
	wait_workers "$srv" 2
	all_new "$before"
	answer_pid
}

@test "FIFO w: the workers are replaced gracefully (request completes), the master is not re-executed" {
	fifo0=$T/fifo
	heal fw --processes 2 --master-fifo "$fifo0" --wsgi-file "$APP"
	before=$(live_workers "$srv")
	held_completes fifo "$fifo0" w
	wait_grep "$log" 'graceful reload of the workers' 2
	poll 5 all_new "$before"
	wait_workers "$srv" 2
	no_line 're-executing'
	answer_pid
}

@test "FIFO W: the workers are killed and replaced at once, the master is not re-executed" {
	fifo0=$T/fifo
	heal fbw --processes 2 --master-fifo "$fifo0" --wsgi-file "$APP"
	before=$(live_workers "$srv")
	held_cut 1500 fifo "$fifo0" W
	wait_grep "$log" 'brutal reload of the workers' 2
	wait_workers "$srv" 2
	all_new "$before"
	no_line 're-executing'
	# Killed on purpose: no backoff.
	no_line 'right after spawning'
	answer_pid
}

@test "FIFO q: graceful shutdown: the request in flight completes, then the master exits" {
	fifo0=$T/fifo
	heal fq --processes 2 --master-fifo "$fifo0" --wsgi-file "$APP"
	held_completes fifo "$fifo0" q
	poll 5 gone "$srv"
	grep -q 'graceful shutdown' "$log"
	grep -q 'goodbye' "$log"
}

@test "FIFO Q: immediate shutdown: the master exits within a second, the request in flight is cut" {
	fifo0=$T/fifo
	heal fbq --processes 2 --master-fifo "$fifo0" --wsgi-file "$APP"
	slow held 30
	start=$(now_ms)
	fifo "$fifo0" Q
	poll 3 gone "$srv"
	took=$(($(now_ms) - start))
	echo "gone after $took ms"
	[ "$took" -lt 1000 ]
	bg_wait held
	assert_equal "$rc" 52
}

@test "FIFO s (and SIGUSR1): a stats summary, one line per worker with its pid" {
	fifo0=$T/fifo
	heal fs --processes 2 --master-fifo "$fifo0" --wsgi-file "$APP"
	for i in 1 2 3; do answer_pid; done
	pids=($(live_workers "$srv"))
	round=0
	for how in fifo signal; do
		round=$((round + 1))
		log_mark
		if [ $how = fifo ]; then fifo "$fifo0" s; else kill -USR1 "$srv"; fi
		wait_count '^worker 2 \(pid' "$round" 3
		log_new
		log_new | grep -Eq '^stats: 2 workers, 3 requests, load 0$'
		for p in "${pids[@]}"; do
			log_new | grep -Eq "^worker [12] \(pid: $p\) idle: [0-9]+ requests, 0 exceptions, 0 harakiri, 1 respawns, avg [0-9]+ us, RSS [0-9]+ MB\$"
		done
	done
}

@test "FIFO l: --logto is reopened (after a log rotation the new file gets the lines)" {
	fifo0=$T/fifo
	heal fl --master-fifo "$fifo0" --logto "$T/server.log" --wsgi-file "$APP"
	answer_pid
	mv "$T/server.log" "$T/server.log.1"
	fifo "$fifo0" l
	wait_file "$T/server.log" 3
	wait_grep "$T/server.log" 'reopened' 3
	answer_pid
	wait_grep "$T/server.log" 'GET /pid' 3
	grep -q 'spawned worker 1' "$T/server.log.1"
	# The rotated file keeps what came before the reopen, and only that.
	assert_equal "$(grep -c 'GET /pid' "$T/server.log.1")" 1
}

@test "FIFO P: the pidfile is written again" {
	fifo0=$T/fifo
	heal fp --master-fifo "$fifo0" --pidfile "$T/pid" --wsgi-file "$APP"
	assert_equal "$(cat "$T/pid")" "$srv"
	rm "$T/pid"
	fifo "$fifo0" P
	wait_file "$T/pid" 3
	poll 2 eval '[ "$(cat "$T/pid")" = "$srv" ]'
	echo 12345 >"$T/pid"
	fifo "$fifo0" P
	poll 2 eval '[ "$(cat "$T/pid")" = "$srv" ]'
}

@test "FIFO + and -: a worker is added, then removed (gracefully)" {
	fifo0=$T/fifo
	heal fpm --processes 2 --master-fifo "$fifo0" --wsgi-file "$APP"
	fifo "$fifo0" +
	wait_workers "$srv" 3 3
	wait_grep "$log" 'spawned worker 3 \(pid: [0-9]+\)' 2
	third=$(grep -Eo 'spawned worker 3 \(pid: [0-9]+' "$log" | grep -Eo '[0-9]+$')
	fifo "$fifo0" -
	wait_workers "$srv" 2 3
	grep -q "removing worker 3 (pid: $third)" "$log"
	grep -q "worker 3 (pid: $third) exited" "$log"
	# The last one is never removed.
	fifo "$fifo0" --
	wait_workers "$srv" 1 3
	fifo "$fifo0" -
	wait_grep "$log" 'cannot remove the last worker' 2
	nworkers_is "$srv" 1
	answer_pid
}

@test "FIFO - then + while the removed worker still finishes a request: both pids are tracked" {
	fifo0=$T/fifo
	free_ports sport
	heal fmp --master-fifo "$fifo0" --stats "127.0.0.1:$sport" --wsgi-file "$APP"
	fifo "$fifo0" +
	wait_workers "$srv" 2 3
	wait_grep "$log" 'spawned worker 2 ' 2
	old2=$(grep -Eo 'spawned worker 2 \(pid: [0-9]+' "$log" | grep -Eo '[0-9]+$')
	# Both workers busy, so worker 2 is in a request when it is removed.
	slow a 2
	slow b 2
	fifo "$fifo0" -
	wait_grep "$log" "removing worker 2 \(pid: $old2\)" 2
	fifo "$fifo0" +
	wait_count 'spawned worker 2 ' 2 3
	new2=$(grep -Eo 'spawned worker 2 \(pid: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+$')
	bg_wait a
	bg_wait b
	poll 3 gone "$old2"
	sleep 0.3
	events
	# The old worker's end is seen, and does not erase the new one.
	grep -Eq "worker 2 \(pid: $old2\) exited" "$log"
	run stats_eval "$sport" '[w["pid"] for w in d["workers"]]'
	assert_output "[$(live_workers "$srv" | grep -vx "$new2"), $new2]"
	kill -0 "$new2"
}

@test "FIFO 1 selects the second --master-fifo; 0 selects the first again; an unknown one is refused" {
	f0=$T/fifo0 f1=$T/fifo1
	heal fsel --master-fifo "$f0" --master-fifo "$f1" --wsgi-file "$APP"
	wait_grep "$log" "master FIFO $f0 ready" 2
	fifo "$f0" 1
	wait_grep "$log" "master FIFO $f1 ready" 2
	fifo "$f1" s
	wait_grep "$log" '^stats: 1 workers' 2
	fifo "$f1" 9
	wait_grep "$log" 'there is no FIFO number 9' 2
	fifo "$f1" x
	wait_grep "$log" "unknown command 'x'" 2
	fifo "$f1" 0
	poll 2 eval '[ "$(count "master FIFO $f0 ready")" = 2 ]'
	fifo "$f0" +
	wait_workers "$srv" 2 3
	kill -0 "$srv"
}

# -------------------------------------------------------------------- signals

@test "SIGUSR2 logs each worker's current request; SIGTTIN/SIGTTOU add and remove a worker" {
	heal sig --processes 2 --wsgi-file "$APP"
	slow held 3
	idle=$(live_workers "$srv" | grep -vx "$busy")
	log_mark
	kill -USR2 "$srv"
	wait_grep "$log" 'core 0: idle$' 2
	sleep 0.2
	log_new
	log_new | grep -Eq "^worker [12] \(pid: $busy\) core 0: 127\.0\.0\.1 - GET /sleep\?s=3&mark=[^ ]+ since [0-9]{10} \([0-9]+ s\)\$"
	log_new | grep -Eq "^worker [12] \(pid: $idle\) core 0: idle\$"
	kill -TTIN "$srv"
	wait_workers "$srv" 3 3
	kill -TTOU "$srv"
	wait_workers "$srv" 2 3
	grep -Eq 'removing worker 3 \(pid: [0-9]+\)' "$log"
	bg_wait held
	assert_equal "$(cat "$T/held.code")" 200
}

@test "--reaper is accepted; the master reaps a stray child its app started" {
	free_ports hport
	h=http://127.0.0.1:$hport
	up_server reaper --master --reaper --env STRAY_SECONDS=0.5 \
		--http-socket "127.0.0.1:$hport" --wsgi-file "$APPS/stray.py"
	srv=$reaper_pid log=$T/reaper.log
	wait_port "$hport"
	stray=$(curl -sS -m 5 "$h/")
	[ -n "$stray" ]
	sleep 1.5
	# Gone entirely: not even a zombie left behind.
	run ps -o stat= -p "$stray"
	echo "stray $stray: $output"
	[ -z "$output" ]
	kill -0 "$srv"
}
