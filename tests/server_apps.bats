#!/usr/bin/env bats
# Apps from a module's `applications` dict, mounted as --mount would.

bats_require_minimum_version 1.5.0
load helpers/common

DIR=$UP_ROOT/tests/apps/dictapp

teardown() { stop_all; }

@test "an applications dict mounts each entry; SCRIPT_NAME and PATH_INFO split right" {
	port=$(free_port)
	up_server srv --http-socket "127.0.0.1:$port" --pythonpath "$DIR" \
		--module dictsite --manage-script-name
	wait_port "$port" || { show_log srv; false; }
	run curl -s "http://127.0.0.1:$port/api/v1/items"
	assert_output "api SN='/api' PI='/v1/items'"
	run curl -s "http://127.0.0.1:$port/other"
	assert_output "root SN='' PI='/other'"
	run curl -s "http://127.0.0.1:$port/apiary"
	assert_output "root SN='' PI='/apiary'"
	grep -q "mountpoint='/api') ready: module=dictsite (applications dict)" "$BATS_TEST_TMPDIR/srv.log"
}

@test "the same through nginx's uwsgi_pass" {
	port=$(free_port)
	web=$(free_port)
	up_server srv --socket "127.0.0.1:$port" --pythonpath "$DIR" \
		--module dictsite --manage-script-name
	wait_port "$port" || { show_log srv; false; }
	start_nginx web "$web" "127.0.0.1:$port"
	run curl -s "http://127.0.0.1:$web/api/x?q=1"
	assert_output "api SN='/api' PI='/x'"
	run curl -s "http://127.0.0.1:$web/"
	assert_output "root SN='' PI='/'"
}

@test "a bad entry stops the start with one line naming the mountpoint" {
	run --separate-stderr "$UP_BIN/uwsgi-server" --http-socket 127.0.0.1:0 \
		--pythonpath "$DIR" --module dictbad
	assert_failure 1
	[[ "$stderr" == *"uwsgi-server: --module dictbad: applications['/x']: TypeError: 42 is not callable"* ]]
	run --separate-stderr "$UP_BIN/uwsgi-server" --http-socket 127.0.0.1:0 \
		--pythonpath "$DIR" --module dictmissing
	assert_failure 1
	[[ "$stderr" == *"applications['/y']: ModuleNotFoundError: No module named 'dictnothere'"* ]]
}
