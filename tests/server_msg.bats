#!/usr/bin/env bats
# Message passing over the protocol (modifier1 31: a vars dict, 32: an
# array of strings, 33: a marshalled object) to the handlers an app
# registers: between two uwsgi-server instances with uwsgi.send_message,
# from the shell with uwsgi-send's raw mode, and the refusals: no handler,
# malformed payloads, failing handlers; the worker serves on after each.
# The app is tests/apps/msg/msg_app.py.

bats_require_minimum_version 1.5.0
load helpers/common

APP=$BATS_TEST_DIRNAME/apps/msg/msg_app.py
SEND=$UP_BIN/uwsgi-send

setup() { T=$BATS_TEST_TMPDIR; }

teardown() { stop_all_checked; }

# node NAME OPTIONS...: a server with a master and the app on a uwsgi
# socket, its address in NAME_addr; the environment variable NODE=NAME
# names its answers.
node() {
	local name=$1 port
	shift
	port=$(free_port)
	NODE=$name up_server "$name" --master --socket "127.0.0.1:$port" --wsgi-file "$APP" "$@"
	wait_port "$port" || { show_log "$name"; return 1; }
	wait_grep "$T/$name.log" "spawned worker 1" || { show_log "$name"; return 1; }
	printf -v "${name}_addr" '%s' "127.0.0.1:$port"
}

get() { "$SEND" -t 20 "$@"; }

# The worker of a node answers a normal request, with the same pid as
# before: it survived what the test did to it.
same_worker() {
	run get "$1" /id
	assert_success
	assert_output "$2"
}

@test "messages 31, 32 and 33 between two servers with uwsgi.send_message: the handler's answer comes back decoded" {
	node a
	node b
	run get "$a_addr" "/send/31?$b_addr"
	assert_output "{b'k': b'v', b'bin': b'\\x00\\xff', b'node': b'b', b'm2': b'7'}"
	run get "$a_addr" "/send/32?$b_addr"
	assert_output "[b'', b'two', b'one', b'b', b'7']"
	# 33 goes to uWSGI's message_manager_marshal attribute.
	run get "$a_addr" "/send/33?$b_addr"
	assert_output "{'got': {'a': [1, 2.5, None], 'b': (True, b'x'), 'c': {3, 4}}, 'm2': 7, 'node': b'b'}"
	# Other modifiers: every byte the node sent, raw (here a pong).
	run get "$a_addr" "/send/100?$b_addr"
	assert_output "b'd\\x00\\x00\\x01'"
	# And the other way.
	run get "$b_addr" "/send/31?$a_addr"
	assert_output --partial "b'node': b'a'"
}

@test "send_message and recv_message over the app's own socket; errors raise the fitting exceptions" {
	node a
	run get "$a_addr" /pair
	assert_output "((31, 9, {b'over': b'a socketpair'}), (33, 1, [1, 'two']))"
	run get "$a_addr" /timeout
	assert_output --regexp "^TimeoutError: send_message to 127.0.0.1:[0-9]+: .*timed out after 500 ms$"
	local closed
	closed=$(free_port)
	run get "$a_addr" "/send/31?127.0.0.1:$closed"
	assert_output --regexp "^ConnectionRefusedError: .*127.0.0.1:$closed.*Connection refused"
	run get "$a_addr" "/send/31?no-such-host.invalid:1"
	assert_output --regexp "^(OSError|ValueError): send_message to no-such-host.invalid:1: "
	local i expected=(
		"TypeError: a message for this modifier1 must be a dict, not list"
		"TypeError: a message for this modifier1 must be a list or tuple, not dict"
		"ValueError: unmarshallable object"
		"ValueError: a message has at most 65535 bytes of payload"
		"ValueError: modifier1 must be 0 to 255, not 256"
		"ValueError: the timeout must be over 0 and at most 86400 seconds"
		"ValueError: the node must be \"host:port\" or a UNIX socket path"
		"ValueError: message handlers are for modifier1 31 (dict), 32 (list) or 33 (marshal), not 30"
		"TypeError: the message handler must be callable or None, not str"
		"ValueError: file descriptor cannot be a negative integer (-1)"
	)
	for i in "${!expected[@]}"; do
		run get "$a_addr" "/misuse/$i"
		assert_output "${expected[$i]}"
	done
}

@test "uwsgi-send's raw mode talks to the handlers: the answer has the same modifier1 and modifier2" {
	node b
	run -0 bash -c "'$SEND' -m 31 --modifier2 5 --var k=v $b_addr | od -An -tx1 | tr -s ' \n' ' '"
	# 1f, datasize 22, modifier2 5, then k=v, node=b, m2=5.
	assert_output " 1f 16 00 05 01 00 6b 01 00 76 04 00 6e 6f 64 65 01 00 62 02 00 6d 32 01 00 35 "
	printf '\x03\x00one\x03\x00two' >"$T/array"
	run -0 bash -c "'$SEND' -m message-chars --modifier2 2 --body-file '$T/array' $b_addr | od -An -tx1 | tr -s ' \n' ' '"
	assert_output " 20 10 00 02 03 00 74 77 6f 03 00 6f 6e 65 01 00 62 01 00 32 "
	"$PY" -c 'import marshal, sys; sys.stdout.buffer.write(marshal.dumps({"x": [1, 2]}))' >"$T/marshal"
	"$SEND" -m 33 --modifier2 3 --body-file "$T/marshal" "$b_addr" >"$T/answer"
	run "$PY" -c 'import marshal, sys; d = open(sys.argv[1], "rb").read(); print(d[0], int.from_bytes(d[1:3], "little") == len(d) - 4, d[3], marshal.loads(d[4:]))' "$T/answer"
	assert_output "33 True 3 {'got': {'x': [1, 2]}, 'm2': 3, 'node': b'b'}"
}

@test "without a registered handler a message is refused like an unknown modifier; the worker serves on" {
	MSG_HANDLERS=0 node a
	run get "$a_addr" /id
	local before=$output
	run --separate-stderr "$SEND" -m 31 --var k=v "$a_addr"
	assert_failure 4
	[[ "$stderr" == *"empty reply from server"* ]]
	grep -q "127.0.0.1: unavailable modifier requested: 31 (message): the app registered no message handler for it" "$T/a.log"
	run --separate-stderr "$SEND" -m 32 --var k=v "$a_addr"
	assert_failure 4
	grep -q "unavailable modifier requested: 32 (message-chars)" "$T/a.log"
	same_worker "$a_addr" "$before"
}

@test "malformed payloads, failing handlers and unencodable answers are logged and closed; the worker serves on" {
	node a
	run get "$a_addr" /id
	local before=$output
	printf '\x05\x00ab' >"$T/badarray"
	run --separate-stderr "$SEND" -m 32 --body-file "$T/badarray" "$a_addr"
	assert_failure 4
	grep -q "127.0.0.1: message (modifier1 32, modifier2 0): malformed array: .* at offset 0" "$T/a.log"
	printf '\xff\xfe' >"$T/badmarshal"
	run --separate-stderr "$SEND" -m 33 --body-file "$T/badmarshal" "$a_addr"
	assert_failure 4
	grep -q "127.0.0.1: message (modifier1 33, modifier2 0): cannot unmarshal the payload: bad marshal data" "$T/a.log"
	# A vars block whose length points past its end, by hand.
	run "$PY" -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"\x1f\x05\x00\x00\x05\x00abc")
print(repr(s.recv(100)))' "${a_addr##*:}"
	assert_output "b''"
	wait_grep "$T/a.log" "127.0.0.1: malformed vars block: .* at offset 0"
	run --separate-stderr "$SEND" -m 31 --var do=boom "$a_addr"
	assert_failure 4
	grep -q "RuntimeError: the vars handler failed on purpose" "$T/a.log"
	grep -q "127.0.0.1: the handler of a message (modifier1 31, modifier2 0) raised" "$T/a.log"
	run --separate-stderr "$SEND" -m 31 --var do=badtype "$a_addr"
	assert_failure 4
	grep -q "127.0.0.1: the answer to a modifier1 31 message: a message for this modifier1 must be a dict, not int" "$T/a.log"
	# The client side reports a node that closes without an answer.
	node b
	run get "$b_addr" "/send/31/boom?$a_addr"
	assert_output --regexp "^ConnectionError: send_message to $a_addr: .*connection closed after 0 of 4 bytes"
	same_worker "$a_addr" "$before"
}
