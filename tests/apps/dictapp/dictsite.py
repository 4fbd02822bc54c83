# An applications dict: the root is a callable, /api a "module:callable".
def root(env, sr):
    sr("200 OK", [("Content-Type", "text/plain")])
    return [("root SN=%r PI=%r" % (env["SCRIPT_NAME"], env["PATH_INFO"])).encode()]
applications = {"/": root, "/api": "dictapi:app"}
