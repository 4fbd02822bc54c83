# Three apps that say who they are and how the path was split, for the
# --mount / --manage-script-name tests: root (the --module app), a (/a)
# and b (/a/b).


def _named(name):
    def app(environ, start_response):
        body = ("%s SCRIPT_NAME=%r PATH_INFO=%r\n" % (
            name, environ["SCRIPT_NAME"], environ["PATH_INFO"])).encode()
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", str(len(body)))])
        return [body]
    return app


root = _named("root")
app_a = _named("a")
app_b = _named("b")
