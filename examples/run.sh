#!/usr/bin/env bash
# `make run`: serve examples/hello.py over HTTP on :9090 and the uwsgi
# protocol on :3031, master + 2 workers, stats on :9191.
set -euo pipefail
server=$(realpath "$1")
cd "$(dirname "$0")"
exec "$server" --master --processes 2 \
	--http-socket 127.0.0.1:9090 --socket 127.0.0.1:3031 \
	--stats 127.0.0.1:9191 --wsgi-file hello.py
