# The peer of tests/dump.bats, served by Debian's real uWSGI 2.0: its
# answers are predictable so the suite can check what uwsgi-dump decodes.
#   /upload   reads the whole body, answers "got N bytes"
#   /chunked  a body in three writes without Content-Length (chunked)
#   anything else: "hello " and the query string, with X-Path
# With DUMP_OUT set (uWSGI --env), every request's vars (the environ keys
# without a dot: what the uwsgi packet carried) are written, one sorted
# "KEY=value" a line, to DUMP_OUT/<first path segment>.env, so the suite can
# compare them with what uwsgi-dump decoded from the capture.
# Under uWSGI it also offers the RPC function "hello" (--plugin rpc) and a
# spooler callable (--plugin spooler).
import os

try:
    import uwsgi
except ImportError:  # imported outside uWSGI
    uwsgi = None


def record(environ):
    out = os.environ.get("DUMP_OUT")
    if not out:
        return
    name = environ.get("PATH_INFO", "").strip("/").split("/")[0] or "root"
    lines = sorted("%s=%s\n" % (k, v) for k, v in environ.items()
                   if "." not in k and isinstance(v, str))
    with open(os.path.join(out, name + ".env"), "w", encoding="latin-1") as f:
        f.writelines(lines)


def application(environ, start_response):
    record(environ)
    path = environ.get("PATH_INFO", "")
    if path == "/upload":
        left = int(environ.get("CONTENT_LENGTH") or 0)
        got = 0
        while left > 0:
            data = environ["wsgi.input"].read(min(65536, left))
            if not data:
                break
            got += len(data)
            left -= len(data)
        out = ("got %d bytes\n" % got).encode()
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", str(len(out)))])
        return [out]
    if path == "/chunked":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"one ", b"two ", b"three\n"]
    out = ("hello %s\n" % environ.get("QUERY_STRING", "")).encode()
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(out))),
                              ("X-Path", path)])
    return [out]


if uwsgi is not None:
    def hello(*args):
        return b"hello " + b",".join(args)

    def spool(job):
        return uwsgi.SPOOL_OK

    if hasattr(uwsgi, "register_rpc"):
        uwsgi.register_rpc("hello", hello)
    uwsgi.spooler = spool
