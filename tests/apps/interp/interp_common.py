# Shared by the apps of tests/server_interp.bats: each app imports this
# module and istate; in sub-interpreters each gets its own copies, with
# --single-interpreter they share one.
import json
import sys
import time

import istate
import uwsgi


def _export(name):
    # Called from C with no request: each must run in the interpreter that
    # registered it, where its import lands in that sys.modules.
    def owner():
        import rpc_marker  # noqa: F401
        return istate.owner

    def on_signal(num):
        import sig_marker  # noqa: F401

    def on_message(payload, modifier2):
        import msg_marker  # noqa: F401
        return {b'owner': istate.owner.encode()}

    uwsgi.register_rpc('owner_' + name, owner)
    if name == 'b':
        uwsgi.register_message_handler(31, on_message)
    try:
        uwsgi.register_signal(20 if name == 'a' else 21, 'workers', on_signal)
    except ValueError:
        pass  # signals need --master


def _spooler(job):
    # Set by app_b only: the spooler must run it in app_b's interpreter.
    with open(job[b'out'], 'w') as f:
        f.write('spooled by %s only_a=%s only_b=%s' % (
            istate.owner, 'only_a' in sys.modules, 'only_b' in sys.modules))
    return uwsgi.SPOOL_OK


def make_app(name):
    if istate.owner is None:
        istate.owner = name
    _export(name)
    if name == 'b':
        uwsgi.spooler = _spooler

    def application(environ, start_response):
        path = environ.get('PATH_INFO', '')
        istate.hits += 1
        out = {
            'app': name,
            'owner': istate.owner,
            'hits': istate.hits,
            'only_a': 'only_a' in sys.modules,
            'only_b': 'only_b' in sys.modules,
            'rpc_marker': 'rpc_marker' in sys.modules,
            'sig_marker': 'sig_marker' in sys.modules,
            'msg_marker': 'msg_marker' in sys.modules,
            'script_name': environ.get('SCRIPT_NAME'),
            'path_info': path,
            'worker': uwsgi.worker_id(),
        }
        if path.endswith('/slow'):
            time.sleep(0.05)
            out['after_sleep_owner'] = istate.owner
        elif path.endswith('/set'):
            uwsgi.cache_update('interp-key', name)
        elif path.endswith('/get'):
            v = uwsgi.cache_get('interp-key')
            out['cached'] = v.decode() if v is not None else None
        body = json.dumps(out, sort_keys=True).encode()
        start_response('200 OK', [('Content-Type', 'application/json'),
                                  ('Content-Length', str(len(body)))])
        return [body]

    return application
