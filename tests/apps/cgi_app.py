# The application behind tests/cgi.bats and tests/bench/cgi.sh, served by
# Debian's real uWSGI 2.0 (later: uwsgi-server). Routes, by PATH_INFO:
#   /env        the string vars of environ, "KEY=value" a line, sorted
#   /form       a POSTed urlencoded form, "key=value" a line, as parsed
#   /sha256     reads the body in 64 KiB pieces: "<bytes> <sha256 hex>"
#   /file       streams the file named by QUERY_STRING, with Content-Length
#   /echo       the body streamed back as it is read (no Content-Length)
#   /redirect   302 to http://example.invalid/elsewhere
#   /cookies    200 with two Set-Cookie fields
#   /status     the status given as QUERY_STRING ("418 I'm a teapot")
#   /sleep      sleeps QUERY_STRING seconds, then answers "awake"
#   /hello      the bench's hello world
#   anything else: 404 with a one-line body
import hashlib
import time
import urllib.parse

CHUNK = 64 * 1024


def text(start_response, status, body, extra=()):
    body = body.encode("latin-1") if isinstance(body, str) else body
    start_response(status, [("Content-Type", "text/plain"),
                            ("Content-Length", str(len(body)))] + list(extra))
    return [body]


def read_body(environ):
    left = int(environ.get("CONTENT_LENGTH") or 0)
    inp = environ["wsgi.input"]
    while left > 0:
        data = inp.read(min(CHUNK, left))
        if not data:
            break
        left -= len(data)
        yield data


def env_page(environ, start_response):
    lines = ["%s=%s\n" % (k, v) for k, v in sorted(environ.items())
             if isinstance(v, str) and "." not in k]
    return text(start_response, "200 OK", "".join(lines))


def form_page(environ, start_response):
    raw = b"".join(read_body(environ)).decode("latin-1")
    pairs = urllib.parse.parse_qsl(raw, keep_blank_values=True)
    return text(start_response, "200 OK", "".join("%s=%s\n" % p for p in pairs))


def sha_page(environ, start_response):
    h, n = hashlib.sha256(), 0
    for data in read_body(environ):
        h.update(data)
        n += len(data)
    return text(start_response, "200 OK", "%d %s\n" % (n, h.hexdigest()))


def file_page(environ, start_response):
    path = urllib.parse.unquote(environ.get("QUERY_STRING", ""))
    f = open(path, "rb")
    f.seek(0, 2)
    size = f.tell()
    f.seek(0)
    start_response("200 OK", [("Content-Type", "application/octet-stream"),
                              ("Content-Length", str(size))])

    def chunks():
        with f:
            while True:
                data = f.read(CHUNK)
                if not data:
                    return
                yield data
    return chunks()


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    if path == "/env":
        return env_page(environ, start_response)
    if path == "/form":
        return form_page(environ, start_response)
    if path == "/sha256":
        return sha_page(environ, start_response)
    if path == "/file":
        return file_page(environ, start_response)
    if path == "/echo":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return read_body(environ)
    if path == "/redirect":
        return text(start_response, "302 Found", "moved\n",
                    [("Location", "http://example.invalid/elsewhere")])
    if path == "/cookies":
        return text(start_response, "200 OK", "cookies\n",
                    [("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/")])
    if path == "/status":
        status = urllib.parse.unquote(query) or "200 OK"
        return text(start_response, status, status + "\n", [("X-Custom", "yes")])
    if path == "/sleep":
        time.sleep(float(query or "1"))
        return text(start_response, "200 OK", "awake\n")
    if path == "/hello":
        return text(start_response, "200 OK", "Hello, world!\n")
    return text(start_response, "404 Not Found", "no such page: %s\n" % path)
