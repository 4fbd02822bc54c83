# Load for the uwsgi-proxy suite: C client threads, each on one keep-alive
# HTTP connection (a new one after any failure), send GET /r/<n> and check
# that the answer is "node=NAME GET /r/<n>?" exactly. Runs for COUNT
# requests in all, or for SECONDS when the count is given as "20s".
# Prints one JSON object: ok, failed, per-node counts, and each failure's
# time (seconds since start) and reason; the exit status is 0 either way.
#   proxy_load.py HOST PORT COUNT|SECONDSs CONCURRENCY [HOST-HEADER]
import http.client
import json
import sys
import threading
import time

host, port = sys.argv[1], int(sys.argv[2])
spec, conc = sys.argv[3], int(sys.argv[4])
vhost = sys.argv[5] if len(sys.argv) > 5 else None
timed = spec.endswith("s")
limit = float(spec[:-1]) if timed else int(spec)
lock = threading.Lock()
state = {"next": 0, "ok": 0, "failed": 0, "nodes": {}, "failures": []}
t0 = time.monotonic()


def take():
    with lock:
        if timed and time.monotonic() - t0 >= limit:
            return None
        if not timed and state["next"] >= limit:
            return None
        state["next"] += 1
        return state["next"]


def record(n, node=None, err=None):
    with lock:
        if err is None:
            state["ok"] += 1
            state["nodes"][node] = state["nodes"].get(node, 0) + 1
        else:
            state["failed"] += 1
            if len(state["failures"]) < 50:
                state["failures"].append([round(time.monotonic() - t0, 3), n, err])


def worker():
    conn = None
    while True:
        n = take()
        if n is None:
            break
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=10)
            path = "/r/%d" % n
            conn.request("GET", path, headers={"Host": vhost} if vhost else {})
            resp = conn.getresponse()
            body = resp.read().decode("latin-1")
            node = body.split(" ", 1)[0][5:]
            if resp.status != 200 or body != "node=%s GET %s?\n" % (node, path):
                raise ValueError("status %d body %r" % (resp.status, body[:80]))
            record(n, node=node)
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except Exception as e:  # one failed request; go on with a new connection
            record(n, err="%s: %s" % (type(e).__name__, e))
            if conn is not None:
                conn.close()
            conn = None


threads = [threading.Thread(target=worker) for _ in range(conc)]
for t in threads:
    t.start()
for t in threads:
    t.join()
state["seconds"] = round(time.monotonic() - t0, 3)
del state["next"]
print(json.dumps(state))
