# The PEP 3333 rules as routes, for tests/server.bats and server_fronts.bats.
# Everything but /raw/... runs under wsgiref.validate.validator, with its
# warnings turned into errors, so any breach of the spec by the server
# (a missing environ key, a wrong type, read() past the body...) turns the
# answer into a 500 with a traceback in the log. /raw/... routes break the
# rules on purpose (the validator would stop them before the server sees
# them): the server itself must catch those.
import hashlib
import json
import os
import sys
import time
import warnings
from urllib.parse import parse_qs
from wsgiref.validate import WSGIWarning, validator

warnings.simplefilter("error", WSGIWarning)

TEXT = [("Content-Type", "text/plain")]
BLOCK = 65536


def query(environ):
    return {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}


def reply(start_response, body, status="200 OK", ctype="text/plain"):
    if isinstance(body, str):
        body = body.encode("utf-8")
    start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))])
    return [body]


def read_all(inp):
    """The body in BLOCK-sized read(n) calls (the validator wants one
    argument), up to the end the server signals with b''."""
    parts = []
    while True:
        b = inp.read(BLOCK)
        if not b:
            return b"".join(parts)
        parts.append(b)


def download_block(i):
    """Block i of /download: 64 KiB, different for every i."""
    return hashlib.sha256(b"%d" % i).digest() * (BLOCK // 32)


class Closing:
    """An iterable whose close() leaves a marker file; mode 'raise' fails
    after the first chunk, 'endless' never ends (for a client that leaves)."""

    def __init__(self, marker, mode):
        self.marker, self.mode = marker, mode

    def __iter__(self):
        yield b"first chunk\n"
        if self.mode == "raise":
            raise RuntimeError("failing in the middle of the response")
        if self.mode == "endless":
            while True:
                time.sleep(0.01)
                yield b"x" * BLOCK
        yield b"last chunk\n"

    def close(self):
        with open(self.marker, "w") as f:
            f.write("closed %s\n" % self.mode)


def env_report(environ):
    out = {}
    for k, v in environ.items():
        if isinstance(v, str):
            out[k] = v
        elif k in ("wsgi.version", "wsgi.multithread", "wsgi.multiprocess",
                   "wsgi.run_once", "wsgi.input_terminated"):
            out[k] = v
        else:
            out[k] = type(v).__name__
    out["has_input_methods"] = all(hasattr(environ["wsgi.input"], m)
                                   for m in ("read", "readline", "readlines", "__iter__"))
    out["has_errors_methods"] = all(hasattr(environ["wsgi.errors"], m)
                                    for m in ("write", "writelines", "flush"))
    return out


def checked(environ, start_response):
    path = environ["PATH_INFO"]
    q = query(environ)
    inp = environ["wsgi.input"]
    if path == "/env":
        return reply(start_response, json.dumps(env_report(environ), sort_keys=True),
                     ctype="application/json")
    if path == "/echo":
        return reply(start_response, read_all(inp), ctype="application/octet-stream")
    if path == "/readline":
        lines = []
        while True:
            line = inp.readline()
            if not line:
                break
            lines.append(line.decode("latin-1"))
        return reply(start_response, json.dumps(lines), ctype="application/json")
    if path == "/readline-size":
        size = int(q.get("n", "4"))
        pieces = []
        while True:
            piece = inp.readline(size)
            if not piece:
                break
            pieces.append(piece.decode("latin-1"))
        return reply(start_response, json.dumps(pieces), ctype="application/json")
    if path == "/readlines":
        lines = [l.decode("latin-1") for l in inp.readlines()]
        return reply(start_response, json.dumps(lines), ctype="application/json")
    if path == "/iter":
        lines = [l.decode("latin-1") for l in inp]
        return reply(start_response, json.dumps(lines), ctype="application/json")
    if path == "/overread":
        # Ask for far more than CONTENT_LENGTH, twice.
        first = inp.read(1 << 20)
        second = inp.read(1 << 20)
        return reply(start_response, "first=%r second=%r\n" % (first, second))
    if path == "/errors":
        err = environ["wsgi.errors"]
        err.write("app says via wsgi.errors: %s\n" % q.get("tag", ""))
        err.writelines(["second line %s\n" % q.get("tag", "")])
        err.flush()
        return reply(start_response, "logged\n")
    if path == "/write":
        write = start_response("200 OK", TEXT)
        write(b"written 1,")
        write(b"written 2,")
        return [b"returned 3\n"]
    if path == "/stream":
        # A generator: no Content-Length can be known in advance.
        n = int(q.get("n", "3"))
        start_response("200 OK", TEXT)
        return (b"chunk %d\n" % i for i in range(n))
    if path == "/upload":
        h, size = hashlib.sha256(), 0
        while True:
            b = inp.read(BLOCK)
            if not b:
                break
            h.update(b)
            size += len(b)
        return reply(start_response, "%d %s\n" % (size, h.hexdigest()))
    if path == "/download":
        n = int(q.get("mb", "1")) * (1 << 20) // BLOCK
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return (download_block(i) for i in range(n))
    if path == "/file":
        f = open(q["path"], "rb")
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return environ["wsgi.file_wrapper"](f, BLOCK)
    if path == "/close":
        start_response("200 OK", TEXT)
        return Closing(q["marker"], q.get("mode", "ok"))
    if path == "/pid":
        return reply(start_response, "%d\n" % os.getpid())
    if path == "/sleep":
        time.sleep(float(q.get("s", "1")))
        return reply(start_response, "slept %s in %d\n" % (q.get("s", "1"), os.getpid()))
    if path == "/getenv":
        return reply(start_response, "%s\n" % os.environ.get(q["name"], "(unset)"))
    if path == "/nvars":
        return reply(start_response, "%d\n" % len(environ))
    if path == "/head":
        return reply(start_response, "a body HEAD must not carry\n")
    return reply(start_response, "no route %s\n" % path, status="404 Not Found")


checked_app = validator(checked)


def raw(environ, start_response):
    path = environ["PATH_INFO"]
    q = query(environ)
    if path == "/raw/twice":
        start_response("200 OK", TEXT)
        try:
            start_response("201 Created", TEXT)
        except Exception as e:
            return [b"second call refused: %s\n" % type(e).__name__.encode()]
        return [b"second call accepted\n"]
    if path == "/raw/excinfo-early":
        start_response("200 OK", TEXT)
        try:
            raise ValueError("before any byte was sent")
        except ValueError:
            start_response("503 Service Unavailable", TEXT, sys.exc_info())
        return [b"replaced by the error page\n"]
    if path == "/raw/excinfo-late":
        return late_error(start_response, q["marker"])
    if path == "/raw/split":
        value = {"crlf": "ok\r\nX-Injected: yes", "lf": "ok\nX-Injected: yes",
                 "cr": "ok\rX-Injected: yes", "nul": "ok\0X-Injected: yes"}[q["mode"]]
        start_response("200 OK", [("Content-Type", "text/plain"), ("X-Test", value)])
        return [b"this body must not follow an injected header\n"]
    if path == "/raw/split-name":
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("X-Injected: yes\r\nX-Test", "1")])
        return [b"body\n"]
    if path == "/raw/split-status":
        start_response("200 OK\r\nX-Injected: yes", TEXT)
        return [b"body\n"]
    if path == "/raw/raise":
        raise RuntimeError("boom from pid %d" % os.getpid())
    if path == "/raw/sendfile":
        f = open(q["path"], "rb")
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return environ["wsgi.file_wrapper"](f, int(q.get("blksize", "1024")))
    return reply(start_response, "no route %s\n" % path, status="404 Not Found")


def late_error(start_response, marker):
    """The head and a chunk are out when the error comes: start_response
    with exc_info must re-raise it (PEP 3333)."""
    start_response("200 OK", TEXT)
    yield b"partial body\n"
    try:
        raise KeyError("after the head was sent")
    except KeyError:
        try:
            start_response("500 Internal Server Error", TEXT, sys.exc_info())
        except KeyError:
            with open(marker, "w") as f:
                f.write("start_response re-raised KeyError\n")
            raise
        with open(marker, "w") as f:
            f.write("start_response returned\n")
    yield b"must never be sent\n"


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith("/raw/"):
        return raw(environ, start_response)
    return checked_app(environ, start_response)
