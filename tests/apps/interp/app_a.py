import only_a  # noqa: F401  (a marker app_b must not see)
from interp_common import make_app

application = make_app('a')
