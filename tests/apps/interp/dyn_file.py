# Loaded by a request's UWSGI_FILE (or UWSGI_SCRIPT=dyn_file) under
# --dynamic-apps: says which app it is and how often it was loaded.
import sys

import istate

istate.loads = getattr(istate, 'loads', 0) + 1


def application(environ, start_response):
    body = ('dynamic %s loads=%d main=%s\n' % (
        environ.get('SCRIPT_NAME'), istate.loads, 'only_a' in sys.modules)).encode()
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [body]


def other(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'dynamic other callable\n']
