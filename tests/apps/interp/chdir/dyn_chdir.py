# A dynamic app found through UWSGI_CHDIR (this folder is not on
# --pythonpath): it answers the directory it was loaded from.
import os

HERE = os.getcwd()


def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [('dyn_chdir from %s' % HERE).encode()]
