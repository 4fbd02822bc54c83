"""Debian's uwsgidecorators (written for real uWSGI) on this server: @spool,
@rpc, @timer and @signal write marker lines to $DECO_OUT."""
import os

import uwsgi
from uwsgidecorators import rpc, signal, spool, timer

OUT = os.environ["DECO_OUT"]


def mark(line):
    fd = os.open(OUT, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.write(fd, line.encode() + b"\n")
    os.close(fd)


@spool
def task(args):
    mark("spooled %s in spooler %s" % (args["what"], uwsgi.i_am_the_spooler()))


@spool(pass_arguments=True)
def task_args(a, b, c=None):
    mark("spooled args %r %r %r" % (a, b, c))


@rpc("deco_hello")
def deco_hello(who):
    return b"deco hello " + who


@timer(1)
def tick(num):
    mark("timer %d" % num)


@signal(99, target="workers")
def sig99(num):
    mark("signal %d worker %d" % (num, uwsgi.worker_id()))


def application(environ, start_response):
    path, qs = environ["PATH_INFO"], environ.get("QUERY_STRING", "")
    if path == "/spool":
        body = repr(task.spool(what=qs))
        task_args.spool(1, "two", c=[3])
    elif path == "/signal":
        body = repr(uwsgi.signal(99))
    else:
        body = "deco app"
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body.encode() + b"\n"]
