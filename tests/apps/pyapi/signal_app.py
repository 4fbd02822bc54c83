"""uwsgi signals. Handlers append "sig N worker W pid P" to $SIG_OUT.
Registered at import (in the master): 10 -> "workers", 11 -> "worker",
12 -> "worker2", 13 -> "spooler" (with --spooler); a timer raises 20 every
second, an rb_timer raises 21 twice, 2 s apart. GET /raise?N raises N from a
worker; GET /registered?N answers uwsgi.signal_registered(N)."""
import os

import uwsgi

OUT = os.environ["SIG_OUT"]


def handler(num):
    fd = os.open(OUT, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, b"sig %d worker %d pid %d\n" % (num, uwsgi.worker_id(), os.getpid()))
    os.close(fd)


for num, target in ((10, "workers"), (11, "worker"), (12, "worker2"), (13, "spooler"),
                    (20, ""), (21, "worker")):
    uwsgi.register_signal(num, target, handler)
uwsgi.add_timer(20, 1)
uwsgi.add_rb_timer(21, 2, 2)
uwsgi.spooler = lambda job: uwsgi.SPOOL_OK


def application(environ, start_response):
    path, qs = environ["PATH_INFO"], environ.get("QUERY_STRING", "")
    if path == "/raise":
        body = repr(uwsgi.signal(int(qs)))
    elif path == "/registered":
        body = repr(uwsgi.signal_registered(int(qs)))
    else:
        body = "worker %d" % uwsgi.worker_id()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode() + b"\n"]
