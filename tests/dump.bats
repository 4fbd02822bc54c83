#!/usr/bin/env bats
# uwsgi-dump: captures made here on loopback (nginx -> real uWSGI 2.0,
# uwsgi-send -> uWSGI, a UDP subscription) and hand-crafted ones
# (tests/helpers/mkpcap.py), decoded and checked against what the test sent
# and against tshark's TCP reassembly of the same file.

bats_require_minimum_version 1.5.0
load helpers/common

DUMP() { TZ=UTC "$UP_BIN/uwsgi-dump" "$@"; }
MKPCAP=$UP_ROOT/tests/helpers/mkpcap.py
APP=$UP_ROOT/tests/apps/dump_app.py

setup() {
	require_cmd jq
	T=$BATS_TEST_TMPDIR
}

teardown() { stop_all; }

# mkpcap SCENARIO [mkpcap options]: write $T/SCENARIO.pcap.
mkpcap() {
	local s=$1
	shift
	"$PY" "$MKPCAP" "$s" "$T/$s.pcap" "$@"
}

# capture_start [-i IFACE] FILTER...: tcpdump on lo (or IFACE) into
# $T/cap.pcap, once it is listening.
capture_start() {
	local iface=lo
	require_cmd tcpdump
	if [ "$1" = -i ]; then
		iface=$2
		shift 2
	fi
	start_bg tcpdump tcpdump -Z root -B 65536 --immediate-mode -i "$iface" -U \
		-w "$T/cap.pcap" "$@"
	wait_grep "$T/tcpdump.log" "listening on $iface" || { show_log tcpdump; return 1; }
}

# capture_stop: once the file stops growing, SIGINT (tcpdump flushes the
# file); wait for tcpdump to be gone.
capture_stop() {
	local i size=-1
	for i in $(seq 50); do
		sleep 0.1
		[ "$(stat -c %s "$T/cap.pcap")" = "$size" ] && break
		size=$(stat -c %s "$T/cap.pcap")
	done
	kill -INT "$tcpdump_pid"
	local i
	for i in $(seq 100); do
		kill -0 "$tcpdump_pid" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# streams_match CAPTURE DIR: every direction of every TCP stream that
# uwsgi-dump wrote to DIR (--dump-streams) has exactly the bytes tshark's
# "follow,tcp,raw" reassembles; prints "N directions match".
streams_match() {
	require_cmd tshark
	"$PY" - "$1" "$2" <<'PY'
import os, re, subprocess, sys
cap, d = sys.argv[1], sys.argv[2]
ids = subprocess.run(["tshark", "-r", cap, "-T", "fields", "-e", "tcp.stream"],
                     capture_output=True, text=True, check=True).stdout.split()
args = ["tshark", "-r", cap, "-q"]
for s in sorted({int(i) for i in ids}):
    args += ["-z", "follow,tcp,raw,%d" % s]
out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
checked = bad = 0
for block in out.split("Follow: tcp,raw\n")[1:]:
    node = dict((int(n), a) for n, a in re.findall(r"^Node (\d): (\S+)$", block, re.M))
    data = {0: bytearray(), 1: bytearray()}
    for line in block.splitlines():
        if re.fullmatch(r"\t?[0-9a-f]+", line):
            data[1 if line.startswith("\t") else 0] += bytes.fromhex(line.strip())
    for n in (0, 1):
        f = os.path.join(d, "%s-%s" % (node[n], node[1 - n]))
        if not os.path.exists(f):
            continue
        checked += 1
        mine = open(f, "rb").read()
        if mine != bytes(data[n]):
            bad += 1
            print("differs: %s (%d bytes here, %d from tshark)" % (f, len(mine), len(data[n])))
print("%d directions match" % (checked - bad))
sys.exit(1 if bad or not checked else 0)
PY
}

# json_of CAPTURE [options]: the --json lines into $T/out.json.
json_of() {
	DUMP -r "$@" --json >"$T/out.json" 2>"$T/err"
}

# jqc FILTER: jq -c over $T/out.json (slurped into an array as .).
jqc() { jq -c -s "$1" "$T/out.json"; }

# --------------------------------------------------------------------------
# Real traffic

# nginx_traffic BACKEND: nginx in front of BACKEND (uwsgi: Debian's uWSGI;
# server: uwsgi-server) carrying a GET, a POST and a 5 MB upload, captured
# and decoded.
nginx_traffic() {
	require_cmd nginx curl
	up=$(free_port)
	hp=$(free_port)
	mkdir "$T/env"
	drop=
	if [ "$1" = uwsgi ]; then
		start_uwsgi uwsgi "$up" "$APP" --env "DUMP_OUT=$T/env"
	else
		drop='^(SCRIPT_NAME|SERVER_NAME|HTTP_CONTENT_TYPE|HTTP_CONTENT_LENGTH)='
		up_server uwsgi --master --processes 1 --socket "127.0.0.1:$up" \
			--wsgi-file "$APP" --env "DUMP_OUT=$T/env"
		wait_port "$up" || { show_log uwsgi; return 1; }
	fi
	start_nginx nginx "$hp" "127.0.0.1:$up"
	capture_start tcp port "$up"
	curl -sS "http://127.0.0.1:$hp/hi?x=1" -H 'X-Dump-Test: yes' >"$T/get"
	curl -sS -d 'a=1&b=2' "http://127.0.0.1:$hp/form" >/dev/null
	head -c 5242880 /dev/urandom >"$T/big"
	curl -sS --data-binary @"$T/big" "http://127.0.0.1:$hp/upload" >"$T/up"
	capture_stop
	[ "$(cat "$T/get")" = "hello x=1" ]
	[ "$(cat "$T/up")" = "got 5242880 bytes" ]

	# Port $up is not 3031: the streams are recognised by their first bytes.
	mkdir "$T/streams"
	json_of "$T/cap.pcap" --dump-streams "$T/streams"
	[ "$(jqc '[.[] | select(.kind == "request")] | length')" = 3 ]
	[ "$(jqc '[.[] | select(.kind == "response")] | length')" = 3 ]
	[ "$(jqc '[.[] | select(.kind == "malformed" or .kind == "gap")] | length')" = 0 ]
	get=$(jqc '.[] | select(.kind == "request" and .vars.PATH_INFO == "/hi")')
	echo "$get"  # shown when a check fails
	[ "$(jq -r .vars.REQUEST_METHOD <<<"$get")" = GET ]
	[ "$(jq -r .vars.REQUEST_URI <<<"$get")" = "/hi?x=1" ]
	[ "$(jq -r .vars.QUERY_STRING <<<"$get")" = "x=1" ]
	[ "$(jq -r .vars.HTTP_X_DUMP_TEST <<<"$get")" = yes ]
	[ "$(jq -r .vars.HTTP_HOST <<<"$get")" = 127.0.0.1 ]  # uwsgi_params: $host
	[ "$(jq -r .vars.SERVER_PORT <<<"$get")" = "$hp" ]
	[ "$(jq -r .vars.SERVER_PROTOCOL <<<"$get")" = HTTP/1.1 ]
	[ "$(jq -r .vars.REMOTE_ADDR <<<"$get")" = 127.0.0.1 ]
	[ "$(jq -r '.modifier1, .modifier2, .body_len' <<<"$get" | tr '\n' ' ')" = "0 0 0 " ]
	post=$(jqc '.[] | select(.kind == "request" and .vars.PATH_INFO == "/form")')
	[ "$(jq -r .vars.CONTENT_TYPE <<<"$post")" = application/x-www-form-urlencoded ]
	[ "$(jq -r '.vars.CONTENT_LENGTH, .body_len, .body_complete' <<<"$post" | tr '\n' ' ')" = "7 7 true " ]
	upl=$(jqc '.[] | select(.kind == "request" and .vars.PATH_INFO == "/upload")')
	[ "$(jq -r '.vars.CONTENT_LENGTH, .body_len, .body_lost' <<<"$upl" | tr '\n' ' ')" = "5242880 5242880 0 " ]
	# Every var, as the application received it.
	for p in hi form upload; do
		jqc ".[] | select(.kind == \"request\" and .vars.PATH_INFO == \"/$p\") | .vars |
			to_entries[] | \"\\(.key)=\\(.value)\"" | jq -r . | LC_ALL=C sort >"$T/$p.decoded"
		[ "$(wc -l <"$T/$p.decoded")" -ge 15 ]
		# uwsgi-server fills in the SCRIPT_NAME nginx leaves out and the
		# SERVER_NAME it sends empty, and leaves out the HTTP_CONTENT_* copies
		# of CONTENT_*: those differ from the wire.
		diff -u <(grep -Ev "${drop:-^$}" "$T/env/$p.env" | LC_ALL=C sort) \
			<(grep -Ev "${drop:-^$}" "$T/$p.decoded")
	done
	# Each response carries its request's id, status, body and latency.
	for p in /hi:10 /form:7 /upload:18; do
		id=$(jqc ".[] | select(.kind == \"request\" and .vars.PATH_INFO == \"${p%:*}\") | .id")
		r=$(jqc ".[] | select(.kind == \"response\" and .id == $id)")
		[ "$(jq -r '.status, .body_len, .complete' <<<"$r" | tr '\n' ' ')" = "200 ${p#*:} true " ]
		jq -e '.latency_ms >= 0 and .ttfb_ms >= 0 and .headers["Content-Type"] == "text/plain"' <<<"$r"
	done
	# The one-line form, as documented.
	run --separate-stderr DUMP -r "$T/cap.pcap" -p "$up"
	assert_success
	assert_line --regexp "^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} 127\.0\.0\.1:[0-9]+ > 127\.0\.0\.1:$up wsgi GET /hi\?x=1 → 200 10 bytes [0-9.]+ ms$"
	assert_line --regexp " wsgi POST /upload body 5242880 → 200 18 bytes [0-9.]+ ms$"
	# The bytes decoded are the bytes tshark reassembles.
	run streams_match "$T/cap.pcap" "$T/streams"
	assert_success
	assert_output "6 directions match"
}

@test "nginx -> uWSGI: GET, POST and a 5 MB upload decode with every var, paired and timed" {
	require_cmd uwsgi
	nginx_traffic uwsgi
}

@test "nginx -> uwsgi-server: the same traffic decodes the same way" {
	nginx_traffic server
}

@test "uwsgi-send ping, RPC and spool to real uWSGI (-i any: Linux cooked v2): pong, result, accepted" {
	require_cmd uwsgi
	up=$(free_port)
	mkdir "$T/spool"
	start_uwsgi uwsgi "$up" "$APP" --plugin ping --plugin rpc --plugin spooler \
		--spooler "$T/spool"
	capture_start -i any tcp port "$up"
	"$UP_BIN/uwsgi-send" --ping "127.0.0.1:$up"
	"$UP_BIN/uwsgi-send" --rpc "127.0.0.1:$up" hello a b >/dev/null
	"$UP_BIN/uwsgi-send" --spool "127.0.0.1:$up" name=job1 prio=5
	capture_stop
	mkdir "$T/streams"
	json_of "$T/cap.pcap" -p "$up" --dump-streams "$T/streams"
	[ "$(jqc '[.[] | select(.kind == "request") | .modifier1] | sort')" = "[17,100,173]" ]
	ping=$(jqc '.[] | select(.kind == "request" and .modifier1 == 100) | .id')
	[ "$(jqc ".[] | select(.kind == \"response\" and .id == $ping) | [.type, .modifier1, .modifier2]")" = '["packet",100,1]' ]
	rpc=$(jqc '.[] | select(.kind == "request" and .modifier1 == 173)')
	[ "$(jq -c .args <<<"$rpc")" = '["hello","a","b"]' ]
	[ "$(jqc ".[] | select(.kind == \"response\" and .id == $(jq .id <<<"$rpc")) | .payload")" = '"hello a,b"' ]
	spool=$(jqc '.[] | select(.kind == "request" and .modifier1 == 17)')
	[ "$(jq -c .vars <<<"$spool")" = '{"name":"job1","prio":"5"}' ]
	[ "$(jqc ".[] | select(.kind == \"response\" and .id == $(jq .id <<<"$spool")) | [.modifier1, .modifier2]")" = "[255,1]" ]
	run --separate-stderr DUMP -r "$T/cap.pcap" -p "$up"
	assert_success
	[[ "$stderr" == *"link-type LINUX_SLL2"* ]]
	assert_line --regexp " ping → pong [0-9.]+ ms$"
	assert_line --regexp ' rpc hello\("a", "b"\) → "hello a,b" 9 bytes [0-9.]+ ms$'
	assert_line --regexp " spooler name=job1 prio=5 → accepted [0-9.]+ ms$"
	run streams_match "$T/cap.pcap" "$T/streams"
	assert_success
	assert_output "6 directions match"
}

@test "a subscription from real uWSGI (UDP, modifier1 224): key, address, unsubscribe" {
	require_cmd uwsgi
	up=$(free_port)
	sp=$(free_port)
	capture_start udp port "$sp"
	start_uwsgi uwsgi "$up" "$APP" --subscribe-to "127.0.0.1:$sp:sub.example"
	for i in $(seq 100); do
		n=$(DUMP -r "$T/cap.pcap" -p "$sp" --json 2>/dev/null | wc -l)
		[ "$n" -ge 1 ] && break
		sleep 0.1
	done
	stop_pid "$uwsgi_pid"  # a graceful stop sends the unsubscribe
	capture_stop
	json_of "$T/cap.pcap" -p "$sp"
	[ "$(jqc '[.[] | select(.kind != "request")] | length')" = 0 ]
	first=$(jqc 'first')
	jq -e '.transport == "udp" and .modifier1 == 224 and .modifier2 == 0' <<<"$first"
	[ "$(jq -r .vars.key <<<"$first")" = sub.example ]
	[ "$(jq -r .vars.address <<<"$first")" = "127.0.0.1:$up" ]
	[ "$(jqc 'last | .modifier2')" = 1 ]
	# Without -p the datagrams are recognised by their content.
	run --separate-stderr DUMP -r "$T/cap.pcap"
	assert_success
	assert_line --regexp "> 127\.0\.0\.1:$sp udp subscribe key=sub\.example address=127\.0\.0\.1:$up "
	assert_line --regexp "> 127\.0\.0\.1:$sp udp unsubscribe m2=1 key=sub\.example "
}

@test "live capture: -i lo -c 1 prints one exchange and stops, with tcpdump's counters" {
	require_cmd uwsgi
	up=$(free_port)
	start_uwsgi uwsgi "$up" "$APP" --plugin ping
	start_bg live "$UP_BIN/uwsgi-dump" -i lo -c 1 -l -p "$up" tcp port "$up"
	wait_grep "$T/live.log" "listening on lo"
	"$UP_BIN/uwsgi-send" --ping "127.0.0.1:$up"
	for i in $(seq 100); do
		kill -0 "$live_pid" 2>/dev/null || break
		sleep 0.05
	done
	! kill -0 "$live_pid" 2>/dev/null || { show_log live; false; }
	wait "$live_pid"  # its exit status: 0
	run grep -c " ping → pong " "$T/live.log"
	assert_output 1
	grep -q "packets captured" "$T/live.log"
	grep -q "packets dropped by kernel" "$T/live.log"
}

# --------------------------------------------------------------------------
# Hand-crafted captures

@test "out-of-order segments are reassembled, byte for byte as tshark does" {
	mkpcap ooo
	mkdir "$T/s"
	json_of "$T/ooo.pcap" --dump-streams "$T/s"
	[ "$(jqc 'map(.kind)')" = '["request","response"]' ]
	[ "$(jqc '.[0] | [.vars.REQUEST_URI, .body_len, .body_complete]')" = '["/ooo",500,true]' ]
	[ "$(jqc '.[1] | [.status, .body_len, .complete, .id]')" = '[200,400,true,1]' ]
	run streams_match "$T/ooo.pcap" "$T/s"
	assert_success
	assert_output "2 directions match"
}

@test "retransmitted and overlapping segments are delivered once" {
	for s in retrans overlap; do
		mkpcap $s
		mkdir "$T/$s"
		json_of "$T/$s.pcap" --dump-streams "$T/$s"
		[ "$(jqc 'map(.kind)')" = '["request","response"]' ]
		run streams_match "$T/$s.pcap" "$T/$s"
		assert_success
		assert_output "2 directions match"
	done
	json_of "$T/retrans.pcap"
	[ "$(jqc '[.[0].vars.QUERY_STRING, .[1].status, .[1].body_len]')" = '["a=b",404,8]' ]
	json_of "$T/overlap.pcap"
	[ "$(jqc '[.[0].vars.REQUEST_METHOD, .[0].body_len, .[1].body_len]')" = '["PUT",1024,200]' ]
}

@test "a capture that starts mid-stream reports the gap, then resumes at the next packet" {
	mkpcap midstream
	json_of "$T/midstream.pcap"
	[ "$(jqc 'map(.kind)')" = '["response","gap","request","response"]' ]
	[ "$(jqc '.[0] | [.id, .status, .latency_ms]')" = '[null,200,null]' ]
	jq -e '.[1] | .skipped > 0 and .lost == 0 and (.reason | test("mid-stream"))' <<<"$(jqc .)"
	[ "$(jqc '[.[2].vars.REQUEST_URI, .[3].id == .[2].id, .[3].body_len]')" = '["/second",true,7]' ]
}

@test "pipelined requests, one segment or a byte per segment, pair with their answers" {
	mkpcap pipelined
	run --separate-stderr DUMP -r "$T/pipelined.pcap"
	assert_success
	assert_line --index 0 --regexp '^22:13:20\.004000 127\.0\.0\.1:40050 > 127\.0\.0\.1:3031 ping → pong 2\.000 ms$'
	assert_line --index 1 --regexp ' rpc hello\("a", "b"\) → "hello a,b" 9 bytes 2\.000 ms$'
	assert_line --index 2 --regexp ' wsgi GET /third → 200 1 bytes 2\.000 ms$'
	assert_line --index 3 --regexp ' wsgi GET /bytes → 200 2 bytes chunked [0-9.]+ ms$'
	assert_line --index 4 --regexp ' spooler name=job1 → accepted [0-9.]+ ms$'
	[ "${#lines[@]}" = 5 ]
}

@test "special modifiers: echo, a uwsgi signal, messages 31 and 32, eval" {
	mkpcap specials
	run --separate-stderr DUMP -r "$T/specials.pcap"
	assert_success
	assert_line --index 0 --regexp ":40300 > 127\.0\.0\.1:3031 echo 10 bytes → 10 bytes 2\.000 ms$"
	assert_line --index 1 --regexp ":40301 > 127\.0\.0\.1:3031 signal 17 → done 2\.000 ms$"
	assert_line --index 2 --regexp ":40302 > 127\.0\.0\.1:3031 message m2=5 to=worker msg=hi → no response \(the server closed the connection\)$"
	assert_line --index 3 --regexp ":40303 > 127\.0\.0\.1:3031 message-chars 5 bytes → no response "
	assert_line --index 4 --regexp ":40304 > 127\.0\.0\.1:3031 eval 9 bytes → 2 bytes 2\.000 ms$"
	json_of "$T/specials.pcap"
	[ "$(jqc '[.[] | select(.kind == "response") | .type]')" = '["raw","packet","raw"]' ]
	[ "$(jqc '[.[] | select(.kind == "unanswered") | .id]')" = "[3,4]" ]
	run --separate-stderr DUMP -r "$T/specials.pcap" -X
	assert_line "	0x0000:  6865 6c6c 6f20 6563 686f                 hello echo"
}

@test "link types: VLAN, QinQ, Linux cooked v1/v2, BSD loopback, raw IP; IPv4 and IPv6; pcapng" {
	for link in en10mb vlan qinq sll sll2 null loop raw; do
		for v6 in "" --v6; do
			mkpcap basic --link $link $v6
			run --separate-stderr DUMP -r "$T/basic.pcap"
			assert_success
			[ "${#lines[@]}" = 2 ]
			if [ -n "$v6" ]; then
				assert_line --index 0 --regexp '^22:13:20\.004000 \[::1\]:40000 > \[::1\]:3031 wsgi GET /hello\?x=1 → 200 5 bytes 2\.000 ms$'
			else
				assert_line --index 0 --regexp '^22:13:20\.004000 127\.0\.0\.1:40000 > 127\.0\.0\.1:3031 wsgi GET /hello\?x=1 → 200 5 bytes 2\.000 ms$'
			fi
			assert_line --index 1 --regexp ' wsgi POST /upload body 3000 → 201 6 bytes 4\.000 ms$'
		done
	done
	[[ "$stderr" == "reading from file $T/basic.pcap, link-type RAW (Raw IP), snapshot length 262144" ]]
	mkpcap basic --ng --link sll2
	run --separate-stderr DUMP -r "$T/basic.pcap"
	assert_success
	assert_line --index 0 --partial "wsgi GET /hello?x=1 → 200 5 bytes"
}

@test "snaplen 96: cut packets are reported as such, never guessed at" {
	mkpcap bigvars --snaplen 96
	json_of "$T/bigvars.pcap"
	[ "$(jqc '[.[] | select(.kind == "request" or .kind == "response")] | length')" = 0 ]
	jq -e 'map(select(.kind == "malformed") | .reason | test("incomplete in the capture \\(cut by the snaplen\\)")) | length == 2 and all' <<<"$(jqc .)"
	jq -e 'map(select(.kind == "gap")) | length == 2 and all(.lost > 0)' <<<"$(jqc .)"
	run --separate-stderr DUMP -r "$T/bigvars.pcap"
	assert_success
	assert_line --partial 'malformed: a packet incomplete in the capture (cut by the snaplen): modifier1 0 (wsgi), datasize 1580, 42 of its bytes captured'
	assert_line --partial 'malformed: a response incomplete in the capture (cut by the snaplen): "HTTP/1.1 200 OK"'
}

@test "garbage and broken packets on the uwsgi port: one malformed line each, then recovery" {
	mkpcap garbage
	run --separate-stderr DUMP -r "$T/garbage.pcap"
	assert_success
	assert_line --partial "40070 > 127.0.0.1:3031 malformed: modifier1 250 is not assigned"
	assert_line --partial "40071 > 127.0.0.1:3031 malformed: modifier1 0 (wsgi), datasize 11: var length past the end of the block at offset 6"
	assert_line --partial "40072 > 127.0.0.1:3031 malformed: modifier1 0 (wsgi), datasize 6: var with an empty key at offset 0"
	assert_line --partial "40073 > 127.0.0.1:3031 malformed: size past end: modifier1 0 (wsgi) announces 300 bytes, the stream ends after 20"
	assert_line --partial '40074 > 127.0.0.1:3031 malformed: an HTTP request on a uwsgi port ("GET /oops HTTP/1.1")'
	assert_line --partial "40075 > 127.0.0.1:3031 malformed: modifier1 4 is not assigned"
	assert_line --regexp "40075 > 127\.0\.0\.1:3031 gap: 6 bytes skipped: after a malformed packet; resumed at the next uwsgi packet$"
	assert_line --regexp "40075 > 127\.0\.0\.1:3031 wsgi GET /after-garbage → 200 2 bytes 2\.000 ms$"
	# A truncated var: the block ends inside a length field.
	PYTHONDONTWRITEBYTECODE=1 "$PY" - "$T/trunc.pcap" <<'PY'
import os, sys
sys.path.insert(0, os.environ["UP_ROOT"] + "/tests/helpers")
import mkpcap as m
cap = m.Capture()
c = m.Conn(cap)
c.handshake()
c.send(0, bytes([0]) + m.le16(7) + b"\0" + m.le16(1) + b"K" + m.le16(1) + b"V" + b"\x05")
c.close()
cap.write(sys.argv[1])
PY
	run --separate-stderr DUMP -r "$T/trunc.pcap"
	assert_success
	assert_output --partial "malformed: modifier1 0 (wsgi), datasize 7: truncated var (a length cut by the end of the block) at offset 6 of the payload"
}

@test "HTTP, TLS, SSH and look-alikes on other ports are not uwsgi; uwsgi on 9000 is found" {
	mkpcap http_tls
	run --separate-stderr DUMP -r "$T/http_tls.pcap"
	assert_success
	assert_output --regexp '^22:13:20\.[0-9]{6} 127\.0\.0\.1:40064 > 127\.0\.0\.1:9000 wsgi GET /on-9000 → 200 4 bytes 2\.000 ms$'
	run --separate-stderr DUMP -r "$T/http_tls.pcap" --no-detect
	assert_success
	assert_output ""
	run --separate-stderr DUMP -r "$T/http_tls.pcap" -p 9000
	assert_success
	assert_output --partial "wsgi GET /on-9000 → 200 4 bytes"
	# Forcing a port on HTTP shows what is wrong instead of decoding it.
	run --separate-stderr DUMP -r "$T/http_tls.pcap" -p 8080
	assert_success
	assert_output --partial 'malformed: an HTTP request on a uwsgi port ("GET / HTTP/1.1")'
}

@test "segments missing from the capture: counted as lost body bytes, framing kept" {
	mkpcap lost
	json_of "$T/lost.pcap"
	[ "$(jqc 'map(.kind)')" = '["request","response"]' ]
	[ "$(jqc '.[0] | [.body_len, .body_lost]')" = "[5000,1000]" ]
	[ "$(jqc '.[1] | [.status, .body_len, .body_lost, .complete]')" = "[200,5000,1000,true]" ]
	run --separate-stderr DUMP -r "$T/lost.pcap"
	assert_output --partial "wsgi POST /lossy body 5000 [1000 not captured] → 200 5000 bytes [1000 not captured]"
}

@test "memory is bounded per flow (--max-flow-bytes) and in total (--max-total-bytes)" {
	mkpcap memlimit
	run --separate-stderr DUMP -r "$T/memlimit.pcap" --summary
	assert_success
	peak=$(sed -n 's/^memory       peak \([0-9]*\) bytes.*/\1/p' <<<"$output")
	[ "$peak" -gt 300000 ]  # the body waits behind the hole
	run --separate-stderr DUMP -r "$T/memlimit.pcap" --summary --max-flow-bytes 128K
	peak=$(sed -n 's/^memory       peak \([0-9]*\) bytes.*/\1/p' <<<"$output")
	[ "$peak" -le 131072 ]
	run --separate-stderr DUMP -r "$T/memlimit.pcap" --max-flow-bytes 128K
	assert_output --partial "wsgi POST /hole body 600000 [1400 not captured] → 200 4 bytes"
	mkpcap manyholes
	run --separate-stderr DUMP -r "$T/manyholes.pcap" --summary --max-flow-bytes 128K --max-total-bytes 1M
	peak=$(sed -n 's/^memory       peak \([0-9]*\) bytes.*/\1/p' <<<"$output")
	[ "$peak" -le 1048576 ]
	assert_line --regexp "flows given up to stay under the limit$"
	refute_line --regexp "peak [0-9]+ bytes, 0 flows given up"
	run --separate-stderr DUMP -r "$T/manyholes.pcap" --max-flow-bytes 128K --max-total-bytes 1M
	assert_line --partial "wsgi POST /many/0 body 90000 [1400 not captured] → no response (the flow was given up to stay under --max-total-bytes)"
}

@test "idle flows are closed after --flow-timeout; FIN and RST end flows" {
	mkpcap idle
	run --separate-stderr DUMP -r "$T/idle.pcap"
	assert_line --index 0 --partial "wsgi GET /slow → no response (idle timeout)"
	assert_line --index 1 --partial "ping → pong"
	run --separate-stderr DUMP -r "$T/idle.pcap" --flow-timeout 1000
	assert_line --index 0 --partial "ping → pong"
	assert_line --index 1 --partial "wsgi GET /slow → no response (the capture ends here)"
	mkpcap http_features
	run --separate-stderr DUMP -r "$T/http_features.pcap"
	assert_line --partial "127.0.0.1:3031 > 127.0.0.1:40125 malformed: the response body ends after 6 of 10 bytes"
	assert_line --partial "wsgi GET /reset → 200 6 bytes (incomplete)"
}

@test "HTTP answers: HEAD, 204, 100-continue, chunked, ended by the close" {
	mkpcap http_features
	json_of "$T/http_features.pcap"
	r() { jqc ".[] | select(.kind == \"response\" and .id == $1) | [.status, .body_len, .chunked, .complete]"; }
	[ "$(r 1)" = "[200,0,false,true]" ]     # HEAD: no body despite Content-Length
	[ "$(r 2)" = "[204,0,false,true]" ]
	[ "$(r 3)" = "[200,9,false,true]" ]     # after 100 Continue
	[ "$(r 4)" = "[200,31,true,true]" ]
	[ "$(r 5)" = "[200,15,false,true]" ]    # no length: until the close
	[ "$(r 6)" = "[200,6,false,false]" ]    # reset inside the body
	[ "$(jqc '.[] | select(.kind == "response" and .id == 1) | .headers["X-Len"]')" = '"99"' ]
}

@test "UDP datagrams: subscriptions decoded, a cut one malformed, DNS left alone" {
	mkpcap udp
	json_of "$T/udp.pcap"
	[ "$(jqc 'map(.kind)')" = '["request","request","malformed"]' ]
	[ "$(jqc '.[0] | [.transport, .modifier1, .modifier2, .vars.key, .vars.address]')" = '["udp",224,0,"sub.example","127.0.0.1:9405"]' ]
	[ "$(jqc '.[1].modifier2')" = 1 ]
	[ "$(jqc '.[2].reason')" = '"size past end: datasize 101, but the datagram holds 26 bytes after the header"' ]
}

@test "--summary: per modifier, per status, top URIs, latency percentiles, malformed, gaps" {
	mkpcap pipelined
	run --separate-stderr DUMP -r "$T/pipelined.pcap" --summary --top 2
	assert_success
	assert_line "requests     5 (0 without a response)"
	assert_line "responses    5 (0 whose request was not captured)"
	assert_line "malformed    0"
	assert_line --regexp "^ +2  0 wsgi$"
	assert_line --regexp "^ +1  17 spooler$"
	assert_line --regexp "^ +1  100 ping$"
	assert_line --regexp "^ +1  173 rpc$"
	assert_line --regexp "^ +2  200$"
	assert_line --regexp "^ +3  \(not HTTP: uwsgi packets, raw bytes\)$"
	assert_line "top URIs (path, query left out):"
	assert_line --regexp "^latency ms   p50 2\.000  p90 [0-9.]+  p99 [0-9.]+  max [0-9.]+  \(5 exchanges\)$"
	mkpcap garbage
	run --separate-stderr DUMP -r "$T/garbage.pcap" --summary
	assert_line "malformed    6"
	assert_line --regexp "^gaps         2 "
}

@test "-v shows every var and response header; -X and -A show the bodies" {
	mkpcap basic
	run --separate-stderr DUMP -r "$T/basic.pcap" -v
	assert_line "    modifier1 0 (wsgi), datasize 364, modifier2 0"
	assert_line "    REQUEST_URI: /hello?x=1"
	assert_line '    HTTP_X_TEST: t\xe9st'
	assert_line "    < HTTP/1.1 200 OK"
	assert_line "    < Content-Length: 5"
	run --separate-stderr DUMP -r "$T/basic.pcap" -X
	assert_line "	0x0000:  6865 6c6c 6f                             hello"
	assert_line "	0x0000:  4242 4242 4242 4242 4242 4242 4242 4242  BBBBBBBBBBBBBBBB"
	run --separate-stderr DUMP -r "$T/basic.pcap" -A
	assert_line "stored"
}

@test "--json: every object has the documented fields" {
	for s in basic pipelined garbage midstream udp http_features; do
		mkpcap $s
		DUMP -r "$T/$s.pcap" --json >>"$T/out.json"
	done
	jq -e -s 'all(has("kind") and has("ts") and has("src") and has("dst"))' "$T/out.json"
	jq -e -s 'map(select(.kind == "request")) | length > 10 and all(has("modifier1") and has("modifier2") and (.vars | type == "object") and has("body_len"))' "$T/out.json"
	jq -e -s 'map(select(.kind == "response")) | length > 10 and all(has("status") and (.headers | type == "object") and has("body_len") and has("latency_ms"))' "$T/out.json"
	jq -e -s 'map(select(.kind == "malformed" or .kind == "gap")) | length > 5 and all(.reason | type == "string")' "$T/out.json"
	jq -e -s '[.[].kind] | unique == ["gap","malformed","request","response"]' "$T/out.json"
}

@test "a BPF filter selects packets, -c stops, -r - reads stdin, -tt prints epoch times" {
	mkpcap basic
	run --separate-stderr DUMP -r "$T/basic.pcap" port 40001
	assert_success
	assert_output --partial "wsgi POST /upload body 3000"
	refute_output --partial "GET /hello"
	run --separate-stderr DUMP -r "$T/basic.pcap" -c 1
	assert_output --regexp "GET /hello\?x=1 → 200 5 bytes 2\.000 ms$"
	run --separate-stderr DUMP -r - -tt <"$T/basic.pcap"
	assert_line --index 0 --regexp "^1700000000\.004000 127\.0\.0\.1:40000 > "
	[ "${#lines[@]}" = 2 ]
}

@test "the long names do what the letters do; options may follow the filter" {
	mkpcap basic
	DUMP -r "$T/basic.pcap" -c 1 -tt port 40000 >"$T/short"
	DUMP port 40000 --read "$T/basic.pcap" --exchanges=1 --time-format -t >"$T/long"
	[ -s "$T/short" ]
	grep -q "^1700000000\.004000 " "$T/short"
	cmp "$T/short" "$T/long"
	DUMP -Xvl -r "$T/basic.pcap" >"$T/short"
	DUMP --hex --verbose --line-buffered --read "$T/basic.pcap" >"$T/long"
	cmp "$T/short" "$T/long"
	run --separate-stderr DUMP --exchanges 0 -r "$T/basic.pcap"
	assert_failure 1
	[[ "$stderr" == "uwsgi-dump: --exchanges: '0' is not between 1 and 2000000000" ]]
}

@test "usage errors exit 1; an unopenable capture or a bad filter 2; a damaged file 3" {
	run --separate-stderr DUMP
	assert_failure 1
	[[ "$stderr" == *"give one of -r FILE and -i IFACE"* ]]
	run --separate-stderr DUMP -r x -i lo
	assert_failure 1
	run --separate-stderr DUMP -r x --json --summary
	assert_failure 1
	run --separate-stderr DUMP -r x --max-flow-bytes 12
	assert_failure 1
	run --separate-stderr DUMP -r "$T/none.pcap"
	assert_failure 2
	[[ "$stderr" == "uwsgi-dump: $T/none.pcap: No such file or directory" ]]
	run --separate-stderr DUMP -r "$MKPCAP"
	assert_failure 2
	[[ "$stderr" == "uwsgi-dump: $MKPCAP: unknown file format" ]]
	mkpcap basic
	run --separate-stderr DUMP -r "$T/basic.pcap" port nonsense
	assert_failure 2
	[[ "$stderr" == "uwsgi-dump: filter 'port nonsense': unknown port 'nonsense'" ]]
	run --separate-stderr DUMP -i nosuchif0
	assert_failure 2
	[[ "$stderr" == "uwsgi-dump: nosuchif0: No such device exists" ]]
	if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
		run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$UP_BIN/uwsgi-dump" -i lo
		assert_failure 2
		[[ "$stderr" == "uwsgi-dump: lo: permission denied (capturing needs root or CAP_NET_RAW)" ]]
	fi
	head -c 2000 "$T/basic.pcap" >"$T/cut.pcap"
	run --separate-stderr DUMP -r "$T/cut.pcap"
	assert_failure 3
	assert_output --partial "GET /hello?x=1 → 200 5 bytes"
	[[ "$stderr" == *"truncated dump file"* ]]
}

@test "every hand-crafted capture runs clean under ASan and UBSan (no leak, exit 0)" {
	san=$UP_ROOT/build/san/bin/uwsgi-dump
	if [ "$UP_BUILD" != build/san ]; then
		make -C "$UP_ROOT" --no-print-directory -s SANITIZE=1 build/san/bin/uwsgi-dump >"$T/make.log" 2>&1 ||
			{ cat "$T/make.log"; false; }
	fi
	for s in $("$PY" "$MKPCAP" --list | cut -d' ' -f1); do
		mkpcap "$s" --snaplen "$([ "$s" = bigvars ] && echo 96 || echo 262144)"
		for o in "" --json "-v -X" "--summary" "-A --max-flow-bytes 128K --max-total-bytes 1M"; do
			ASAN_OPTIONS=detect_leaks=1 "$san" -r "$T/$s.pcap" $o >/dev/null 2>"$T/err" ||
				{ echo "$s $o"; cat "$T/err"; false; }
			[ "$(grep -vc '^reading from file' "$T/err")" = 0 ] || { cat "$T/err"; false; }
		done
	done
}

@test "--dump-streams needs a directory; --help lists every option" {
	run --separate-stderr DUMP -r x --dump-streams /nonexistent/dir
	assert_failure 1
	run --separate-stderr DUMP --help
	assert_success
	for o in -r -i -c -s --port --detect --no-detect -v -X -A -t -n -l --json --summary \
		--top --max-flow-bytes --max-total-bytes --flow-timeout --dump-streams; do
		[[ "$output" == *"$o"* ]]
		grep -q -e "^\.It Fl ${o#-}" -e "Fl -${o#--}" "$UP_ROOT/man/uwsgi-dump.1" ||
			{ echo "man page lacks $o"; false; }
	done
}
