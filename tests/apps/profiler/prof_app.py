"""An app for the profiler: GET / spends its time in slow_part() (sleeps
?ms milliseconds, default 20) through helper_layer(), so both names must
head the per-request profile; it answers the request id."""
import time

import uwsgi


def slow_part(ms):
    time.sleep(ms / 1000.0)
    return sum(range(1000))


def helper_layer(ms):
    return slow_part(ms)


def application(environ, start_response):
    q = environ.get("QUERY_STRING", "")
    helper_layer(int(q) if q.isdigit() else 20)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"%d\n" % uwsgi.request_id()]
