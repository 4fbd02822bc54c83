def app(env, sr):
    sr("200 OK", [("Content-Type", "text/plain")])
    return [("api SN=%r PI=%r" % (env["SCRIPT_NAME"], env["PATH_INFO"])).encode()]
