# A FastFunc set by an app that lives in a sub-interpreter
# (tests/server_fastfunc.bats): sys is per interpreter, so the mark set here
# shows which interpreter the FastFunc runs in.
import sys

import uwsgi

sys.fastfunc_owner = "sub"


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"sub app\n"]


def fast(environ, start_response):
    owner = getattr(sys, "fastfunc_owner", "main")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [("fastfunc 9 runs in the %s interpreter\n" % owner).encode()]


uwsgi.fastfuncs[9] = fast
