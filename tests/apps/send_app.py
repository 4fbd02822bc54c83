# The peer of tests/send.bats, served by Debian's real uWSGI 2.0.
#   /env      the request's CGI vars, one "KEY=value" a line, sorted; the
#             method again in the header X-Method (seen with HEAD too)
#   /echo     the body streamed back as it is read (64 KiB chunks)
#   /short    announces Content-Length 100 and sends 10 bytes
#   /chunked  a chunked body (no Content-Length), in three writes
#   anything else: 404 with a one-line body, and X-Method too
# Under uWSGI it also offers the RPC function "hello" (--plugin rpc), a
# spooler callable (--plugin spooler) and signal 17 (--plugin signal).
# SEND_OUT (uWSGI --env) names the directory the spooler and the signal
# handler write to.
import os

try:
    import uwsgi
except ImportError:  # imported outside uWSGI
    uwsgi = None

OUT = os.environ.get("SEND_OUT", "/nonexistent")
CHUNK = 64 * 1024


def env_text(environ):
    lines = []
    for k in sorted(environ):
        v = environ[k]
        if isinstance(v, str) and "." not in k:
            lines.append("%s=%s\n" % (k, v))
    return "".join(lines).encode("latin-1")


def echo(environ):
    left = int(environ.get("CONTENT_LENGTH") or 0)
    inp = environ["wsgi.input"]
    while left > 0:
        data = inp.read(min(CHUNK, left))
        if not data:
            break
        left -= len(data)
        yield data


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/env":
        out = env_text(environ)
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", str(len(out))),
                                  ("X-Method", environ["REQUEST_METHOD"])])
        return [out]
    if path == "/echo":
        start_response("200 OK", [("Content-Type", "application/octet-stream"),
                                  ("Content-Length",
                                   environ.get("CONTENT_LENGTH") or "0")])
        return echo(environ)
    if path == "/short":
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", "100")])
        return [b"only ten.\n"]
    if path == "/chunked":
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Transfer-Encoding", "chunked")])
        return [b"5\r\none, \r\n", b"4\r\ntwo\n\r\n", b"0\r\n\r\n"]
    out = b"no such page\n"
    start_response("404 Not Found", [("Content-Type", "text/plain"),
                                     ("Content-Length", str(len(out))),
                                     ("X-Method", environ["REQUEST_METHOD"])])
    return [out]


def hello(*args):
    return b"hello " + b",".join(args)


def text(s):
    # Job dicts hold bytes, except spooler_task_name (a str).
    return s.decode("latin-1") if isinstance(s, bytes) else s


def spool(job):
    # Write to a temporary name, then rename: the test sees a whole file.
    name = os.path.join(OUT, "spooled")
    with open(name + ".tmp", "w") as f:
        for k, v in sorted((text(k), text(v)) for k, v in job.items()):
            f.write("%s=%s\n" % (k, v))
    os.rename(name + ".tmp", name)
    return uwsgi.SPOOL_OK


def on_signal(num):
    with open(os.path.join(OUT, "signal-%d" % num), "w") as f:
        f.write("%d\n" % os.getpid())


if uwsgi is not None:
    uwsgi.register_rpc("hello", hello)
    uwsgi.spooler = spool
    uwsgi.register_signal(17, "workers", on_signal)
