"""Message passing (modifier1 31, 32, 33) both ways. Unless MSG_HANDLERS=0,
registers handlers answering in each framing, named after $NODE:
31 returns the dict plus node and m2; 32 the list reversed plus the node;
33 (through uWSGI's message_manager_marshal attribute) a dict with what
came, m2 and the node. Payloads asking for it make a handler raise
("boom") or return what its framing cannot carry ("badtype").

GET /send/M?NODE sends a message of modifier1 M to NODE with modifier2 7
and answers repr() of the answer (or "ExceptionName: message"); /pair
tries send_message/recv_message over a socketpair; /timeout sends to a
socket that never answers; /misuse/N runs one bad call."""
import os
import socket

import uwsgi

NODE = os.environ.get("NODE", "ours").encode()


def on_vars(d, m2):
    if d.get(b"do") == b"boom":
        raise RuntimeError("the vars handler failed on purpose")
    if d.get(b"do") == b"badtype":
        return 42
    out = dict(d)
    out[b"node"] = NODE
    out[b"m2"] = str(m2)
    return out


def on_chars(items, m2):
    return list(reversed(items)) + [NODE, str(m2)]


def on_marshal(obj, m2):
    return {"got": obj, "m2": m2, "node": NODE}


if os.environ.get("MSG_HANDLERS") != "0":
    uwsgi.register_message_handler(31, on_vars)
    uwsgi.register_message_handler(32, on_chars)
    uwsgi.message_manager_marshal = on_marshal

PAYLOADS = {
    31: {"k": "v", b"bin": b"\x00\xff"},
    32: [b"one", "two", b""],
    33: {"a": [1, 2.5, None], "b": (True, b"x"), "c": {3, 4}},
    100: b"",
}

MISUSE = [
    lambda: uwsgi.send_message("127.0.0.1:1", 31, 0, [b"not", b"a dict"]),
    lambda: uwsgi.send_message("127.0.0.1:1", 32, 0, {"not": "a list"}),
    lambda: uwsgi.send_message("127.0.0.1:1", 33, 0, object()),
    lambda: uwsgi.send_message("127.0.0.1:1", 31, 0, {"k": "v" * 70000}),
    lambda: uwsgi.send_message("127.0.0.1:1", 256, 0, {}),
    lambda: uwsgi.send_message("127.0.0.1:1", 31, 0, {}, -1),
    lambda: uwsgi.send_message("", 31, 0, {}),
    lambda: uwsgi.register_message_handler(30, print),
    lambda: uwsgi.register_message_handler(31, "not callable"),
    lambda: uwsgi.recv_message(-1),
]


def pair():
    a, b = socket.socketpair()
    with a, b:
        uwsgi.send_message(a, 31, 9, {"over": "a socketpair"})
        first = uwsgi.recv_message(b.fileno(), 2)
        uwsgi.send_message(a.fileno(), 33, 1, [1, "two"])
        second = uwsgi.recv_message(b)
    return (first, second)


def timeout():
    # A node that accepts (the kernel's backlog) and never answers.
    s = socket.socket()
    with s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        node = "127.0.0.1:%d" % s.getsockname()[1]
        return uwsgi.send_message(node, 31, 0, {"k": "v"}, 0.5)


def run(path, query):
    parts = path.strip("/").split("/")
    if parts[0] == "send":
        m1 = int(parts[1])
        payload = PAYLOADS.get(m1, b"raw")
        if len(parts) > 2:
            payload = {"do": parts[2]}
        return uwsgi.send_message(query, m1, 7, payload)
    if parts[0] == "pair":
        return pair()
    if parts[0] == "timeout":
        return timeout()
    if parts[0] == "misuse":
        return MISUSE[int(parts[1])]()
    if parts[0] == "id":
        return (uwsgi.worker_id(), os.getpid())
    return "routes: /send/M /pair /timeout /misuse/N /id"


def application(environ, start_response):
    try:
        body = repr(run(environ["PATH_INFO"], environ.get("QUERY_STRING", "")))
    except Exception as e:
        body = "%s: %s" % (type(e).__name__, e)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode() + b"\n"]
