# A dynamic app that cannot load: its import raises, after registering an
# RPC function that must not outlive its discarded interpreter.
import uwsgi

uwsgi.register_rpc('broken_fn', lambda: b'still here')
raise RuntimeError('dyn_broken refuses to load')
