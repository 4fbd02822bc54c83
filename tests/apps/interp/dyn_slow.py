# A dynamic app slow to import: concurrent first requests must wait for
# one load instead of loading it once each.
import time

import istate

istate.loads = getattr(istate, 'loads', 0) + 1
time.sleep(0.5)


def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [('slow loads=%d\n' % istate.loads).encode()]
