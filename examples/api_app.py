# The uwsgi module in one small app: a page-view counter in the shared
# cache, slow work handed to the spooler, and an RPC function other nodes
# (or `uwsgi-send --rpc`) can call. Run it with examples/api.ini:
#   build/bin/uwsgi-server examples/api.ini
#   curl http://127.0.0.1:9090/            # counts views in the cache
#   curl http://127.0.0.1:9090/report      # queues a job for the spooler
#   build/bin/uwsgi-send --rpc 127.0.0.1:3031 views
import time
import uwsgi


def views():
    value = uwsgi.cache_get("views")
    return value or b"0"


uwsgi.register_rpc("views", views)


def make_report(job):
    # Runs in the spooler process, not in a worker: a request never waits.
    time.sleep(1)
    uwsgi.log("report for %s written" % job[b"who"].decode())
    return uwsgi.SPOOL_OK


uwsgi.spooler = make_report


def application(environ, start_response):
    uwsgi.lock()
    try:
        count = int(views()) + 1
        uwsgi.cache_update("views", str(count))
    finally:
        uwsgi.unlock()
    if environ["PATH_INFO"] == "/report":
        uwsgi.spool({b"who": environ.get("REMOTE_ADDR", "?").encode()})
        body = b"report queued\n"
    else:
        body = b"views: %d\n" % count
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
