# A paste.deploy factory: paste.ini says "use = call:paste_app:make_app"
# and passes "greeting", which the app answers with.


def make_app(global_conf, greeting="(no greeting)", **local_conf):
    body = ("%s (here=%s)\n" % (greeting, global_conf.get("here", "?"))).encode()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", str(len(body)))])
        return [body]
    return app
