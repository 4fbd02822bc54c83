# The app of tests/server_healing.bats: routes that sleep, grow, allocate
# and report which worker answered, for harakiri, recycling and memory
# limits.
#   /            "ok PID" (and VERSION, which the reload test edits)
#   /pid         the worker's pid
#   /sleep?s=N   sleeps N seconds (fractions allowed), then "slept N"; with
#                &mark=FILE it first writes its pid to FILE (the test then
#                knows the request started, and which worker holds it)
#   /grow?mb=N   keeps N more MB alive in a global list; answers the RSS in MB
#   /alloc?mb=N  allocates N MB once and frees it (MemoryError under
#                --limit-as becomes the server's 500)
import os
import time
from urllib.parse import parse_qs

VERSION = "v0"
KEEP = []


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


def application(environ, start_response):
    q = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    path = environ.get("PATH_INFO", "/")
    if path == "/pid":
        body = "%d" % os.getpid()
    elif path == "/sleep":
        if "mark" in q:
            with open(q["mark"] + ".tmp", "w") as f:
                f.write("%d\n" % os.getpid())
            os.rename(q["mark"] + ".tmp", q["mark"])
        time.sleep(float(q.get("s", "1")))
        body = "slept %s" % q.get("s", "1")
    elif path == "/grow":
        # bytearray pages are written, so they count in the RSS.
        KEEP.append(bytearray(int(q.get("mb", "20")) << 20))
        body = "rss %d" % rss_mb()
    elif path == "/alloc":
        big = bytearray(int(q.get("mb", "100")) << 20)
        body = "allocated %d" % (len(big) >> 20)
        del big
    else:
        body = "%s %d" % (VERSION, os.getpid())
    data = body.encode() + b"\n"
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(data)))])
    return [data]
