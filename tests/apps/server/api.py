# The uwsgi module's locks, shared area and cache as routes, for
# tests/server_api.bats. Every answer is text/plain; the worker id that
# served it is in the X-Worker header. /try runs one expression and answers
# "ok REPR" or "ExceptionName: message", so the suite can check both
# results and misuse without a route per case.
import os
import time
from urllib.parse import parse_qs

import uwsgi

# Offsets in sharedarea 0.
ATOMIC = 0          # /inc: sharedarea_inclong
LOCKED = 8          # /locked_inc: read, sleep, write under uwsgi.lock()
UNLOCKED = 16       # /unlocked_inc: the same without the lock
DECORATED = 24      # /deco_inc: under uwsgidecorators' @lock
PER_WORKER = 64     # /inc also counts per worker: 8 bytes per worker id


def slow_increment(offset):
    # Read, give the others time to read the same value, write: without a
    # lock around it, concurrent calls lose updates.
    value = uwsgi.sharedarea_readlong(0, offset)
    time.sleep(0.001)
    uwsgi.sharedarea_writelong(0, offset, value + 1)


def locked_increment(offset):
    uwsgi.lock()
    try:
        slow_increment(offset)
    finally:
        uwsgi.unlock()


_decorated = None


def decorated_increment():
    # Imported on first use: the module insists on a master, and only this
    # route needs it.
    global _decorated
    if _decorated is None:
        import uwsgidecorators

        _decorated = uwsgidecorators.lock(slow_increment)
    _decorated(DECORATED)


def hold(seconds, num):
    uwsgi.lock(num)
    time.sleep(seconds)
    uwsgi.unlock(num)
    return "held"


def lock_and_die(num):
    # Die holding the lock: the next process to take it must get it.
    uwsgi.lock(num)
    os._exit(3)


def attempt(code):
    try:
        return "ok " + repr(eval(code, {"uwsgi": uwsgi}))
    except Exception as e:
        return "%s: %s" % (type(e).__name__, e)


def route(path, q):
    if path == "/inc":
        uwsgi.sharedarea_inclong(0, PER_WORKER + 8 * uwsgi.worker_id())
        return str(uwsgi.sharedarea_inclong(0, ATOMIC))
    if path == "/locked_inc":
        locked_increment(LOCKED)
        return "done"
    if path == "/unlocked_inc":
        slow_increment(UNLOCKED)
        return "done"
    if path == "/deco_inc":
        decorated_increment()
        return "done"
    if path == "/long":
        return str(uwsgi.sharedarea_readlong(0, int(q["off"])))
    if path == "/per_worker":
        n = int(q["n"])
        return " ".join(str(uwsgi.sharedarea_readlong(0, PER_WORKER + 8 * w))
                        for w in range(1, n + 1))
    if path == "/hold":
        return hold(float(q["s"]), int(q.get("n", 0)))
    if path == "/lock_and_die":
        lock_and_die(int(q.get("n", 0)))
    if path == "/lock_unlock":
        n = int(q.get("n", 0))
        uwsgi.lock(n)
        uwsgi.unlock(n)
        return "locked and unlocked %d" % n
    if path == "/try":
        return attempt(q["code"])
    if path == "/sleep":
        time.sleep(float(q["s"]))
        return str(uwsgi.worker_id())
    if path == "/pid":
        return str(os.getpid())
    return "routes: /inc /locked_inc /unlocked_inc /deco_inc /long /try ..."


def application(environ, start_response):
    q = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
    body = route(environ["PATH_INFO"], q).encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("X-Worker", str(uwsgi.worker_id()))])
    return [body]
