import only_b  # noqa: F401  (a marker app_a must not see)
from interp_common import make_app

application = make_app('b')
