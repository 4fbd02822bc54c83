# FastFuncs for tests/server_fastfunc.bats: slot 5 answers through
# wsgiref.validate (so its environ is a complete PEP 3333 one) with what it
# saw, slot 6 raises, slot 7 holds something that is not callable; the
# mounted app answers every ordinary request.
import threading
import time
from wsgiref.validate import validator

import uwsgi


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/slots":
        slots = uwsgi.fastfuncs
        text = "%s of %d, %d free" % (type(slots).__name__, len(slots),
                                      sum(f is None for f in slots))
        try:
            slots[256] = fast
        except IndexError as e:
            text += ", slot 256: IndexError: %s" % e
    else:
        text = "app " + path
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [text.encode("latin-1")]


def fast(environ, start_response):
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    if environ["QUERY_STRING"] == "slow":
        time.sleep(0.2)
    text = "fastfunc %s %s script=%r query=%s body=%s thread=%s\n" % (
        environ["REQUEST_METHOD"], environ["PATH_INFO"], environ["SCRIPT_NAME"],
        environ["QUERY_STRING"], body.decode("latin-1"), threading.get_ident())
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Slot", "5")])
    return [text.encode("latin-1")]


def broken(environ, start_response):
    raise RuntimeError("fastfunc 6 fails on purpose")


uwsgi.fastfuncs[5] = validator(fast)
uwsgi.fastfuncs[6] = broken
uwsgi.fastfuncs[7] = 42
