# The backend app of the uwsgi-proxy suite and bench. Every answer names
# the node that made it (the NODE environment variable, set per backend
# with --env), so a test can count where the proxy sent each request.
#   /env        the CGI vars the request arrived with, as JSON (so does
#               any path with an X-Env header)
#   /big?N      N bytes (a repeating pattern) with a Content-Length
#   /chunked    three parts and no Content-Length (the server frames it)
#   /stream?N   N bytes of the pattern, no Content-Length
#   /sleep?S    answers after S seconds
#   /echo       the request body back
#   anything    "node=NAME METHOD PATH?QUERY"
import json
import os
import time

NODE = os.environ.get("NODE", "?")
PATTERN = bytes(range(256)) * 256  # 64 KiB


def big(n):
    full, rest = divmod(n, len(PATTERN))
    for _ in range(full):
        yield PATTERN
    if rest:
        yield PATTERN[:rest]


def echo(environ):
    left = int(environ.get("CONTENT_LENGTH") or 0)
    inp = environ["wsgi.input"]
    while left > 0:
        part = inp.read(min(left, 65536))
        if not part:
            break
        left -= len(part)
        yield part


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    head = [("Content-Type", "text/plain"), ("X-Node", NODE)]
    if path == "/env" or "HTTP_X_ENV" in environ:
        keys = {k: v for k, v in environ.items() if isinstance(v, str)}
        out = json.dumps(keys).encode()
    elif path == "/big":
        n = int(query or 0)
        start_response("200 OK", head + [("Content-Length", str(n))])
        return big(n)
    elif path == "/stream":
        start_response("200 OK", head)
        return big(int(query or 0))
    elif path == "/chunked":
        start_response("200 OK", head)
        return [b"part one\n", b"part two\n", ("node=%s\n" % NODE).encode()]
    elif path == "/echo":
        n = environ.get("CONTENT_LENGTH") or "0"
        start_response("200 OK", head + [("Content-Length", n)])
        return echo(environ)
    else:
        if path == "/sleep":
            time.sleep(float(query or 1))
        out = ("node=%s %s %s?%s\n" % (NODE, environ["REQUEST_METHOD"], path,
                                       query)).encode("latin-1")
    start_response("200 OK", head + [("Content-Length", str(len(out)))])
    return [out]
