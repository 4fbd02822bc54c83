"""RPC both ways. Exports hello(*args) -> b"hello a,b" (named after $NODE),
big() -> 100000 bytes, empty() -> b"", boom() raises. GET /call/NAME?NODE
calls NAME on NODE (empty: here) with the arguments a and b and answers
repr() of the result (or the exception's type and text)."""
import os

import uwsgi

NODE = os.environ.get("NODE", "ours").encode()


def hello(*args):
    return NODE + b" hello " + b",".join(args)


def big():
    return b"x" * 100000


uwsgi.register_rpc("hello", hello)
uwsgi.register_rpc("big", big)
uwsgi.register_rpc("empty", lambda *args: b"")
uwsgi.register_rpc("boom", lambda *args: 1 / 0)


def application(environ, start_response):
    name = environ["PATH_INFO"].rsplit("/", 1)[-1]
    node = environ.get("QUERY_STRING", "")
    try:
        if name == "list":
            r = uwsgi.rpc_list()
        elif name == "big":
            r = len(uwsgi.rpc(node.encode(), b"big"))
        else:
            r = uwsgi.rpc(node.encode(), name.encode(), b"a", b"b")
        body = repr(r)
    except Exception as e:
        body = "%s: %s" % (type(e).__name__, e)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode() + b"\n"]
