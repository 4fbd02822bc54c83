"""The spooler suite's app: uwsgi.spooler writes one marker line per run to
$SPOOL_OUT (one write, O_APPEND), so the suite can count how often each job
ran; with $SPOOL_GATE set, jobs wait until that file exists. A job's "mode" picks what the callable answers; its "pad" and body are
checked against its "id", so a half-written or half-read job shows as BAD.

  GET /enqueue?START:COUNT  spools jobs id START..START+COUNT-1 (mode ok)
  GET /spool?k=v&k2=v2      spools one job with those vars, returns its path
"""
import hashlib
import os
import time
from urllib.parse import parse_qsl

import uwsgi

OUT = os.environ["SPOOL_OUT"]
DELAY = float(os.environ.get("SPOOL_DELAY", "0"))
GATE = os.environ.get("SPOOL_GATE")  # jobs wait until this file exists


def pad(job_id):
    return hashlib.sha256(job_id).hexdigest().encode() * 4


def mark(line):
    fd = os.open(OUT, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, line.encode() + b"\n")
    os.close(fd)


def attempts(name):
    """How many times this job ran before (a counter file per job)."""
    path = "%s.%s" % (OUT, name.decode())
    n = int(open(path).read()) if os.path.exists(path) else 0
    with open(path, "w") as f:
        f.write(str(n + 1))
    return n


def spooler(job):
    mode = job.get(b"mode", b"ok")
    job_id = job.get(b"id", b"-")
    ok = b"pad" not in job or (job[b"pad"] == pad(job_id)
                               and job.get("body", b"") == b"body-" + job_id)
    while GATE and not os.path.exists(GATE):
        time.sleep(0.01)
    if DELAY:
        time.sleep(DELAY)
    name = job["spooler_task_name"]
    if mode == b"retry" and attempts(name) < int(job[b"times"]):
        mark("retry id=%s at=%d" % (job_id.decode(), time.time()))
        return uwsgi.SPOOL_RETRY
    if mode == b"raise" and attempts(name) < 1:
        mark("raise id=%s" % job_id.decode())
        raise RuntimeError("first run of %s fails" % job_id.decode())
    types = ",".join(sorted("%s:%s" % (type(k).__name__, type(v).__name__)
                            for k, v in job.items()))
    mark("%s id=%s mode=%s pid=%d at=%.2f types=%s" % (
        "ran" if ok else "BAD", job_id.decode(), mode.decode(), os.getpid(),
        time.time(), types))
    return uwsgi.SPOOL_IGNORE if mode == b"ignore" else uwsgi.SPOOL_OK


uwsgi.spooler = spooler


def application(environ, start_response):
    path, qs = environ["PATH_INFO"], environ.get("QUERY_STRING", "")
    if path == "/enqueue":
        start, count = (int(x) for x in qs.split(":"))
        for i in range(start, start + count):
            job_id = str(i).encode()
            uwsgi.spool({b"id": job_id, b"pad": pad(job_id), "body": b"body-" + job_id})
        body = b"%d\n" % count
    elif path == "/spool":
        args = dict(parse_qsl(qs))
        if "at" in args and args["at"].startswith("+"):
            args["at"] = str(int(time.time()) + int(args["at"][1:]))
        try:
            body = uwsgi.spool(**args) + b"\n"
        except ValueError as e:
            body = b"ValueError: %s\n" % str(e).encode()
    else:
        body = b"spooler app\n"
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
