# poll_stats.py PORT OUT STOPFILE [INTERVAL]: read the stats server on
# 127.0.0.1:PORT every INTERVAL seconds (default 0.5), each read bounded by
# one second, until STOPFILE exists (or 60 s pass). One line per poll goes
# to OUT: "ok SECONDS LISTEN_QUEUE LISTEN_QUEUE_ERRORS" (SECONDS the poll
# took) or "FAIL reason".
import json
import os
import socket
import sys
import time

port, out, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5


def poll():
    t0 = time.monotonic()
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
        s.settimeout(max(0.01, 1 - (time.monotonic() - t0)))
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if time.monotonic() - t0 > 1:
                raise TimeoutError("the answer took over a second")
    doc = json.loads(data)
    return "ok %.3f %d %d" % (time.monotonic() - t0, doc["listen_queue"],
                              doc["listen_queue_errors"])


deadline = time.monotonic() + 60
with open(out, "w", buffering=1) as f:
    while not os.path.exists(stop) and time.monotonic() < deadline:
        start = time.monotonic()
        try:
            f.write(poll() + "\n")
        except Exception as e:  # noqa: BLE001 - every failure is a finding
            f.write("FAIL %s: %s\n" % (type(e).__name__, e))
        time.sleep(max(0, interval - (time.monotonic() - start)))
