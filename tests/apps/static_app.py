# The app behind the static files in tests/server_static.bats: it answers
# "app METHOD PATH_INFO", so a test sees when a request fell through to it.
def application(environ, start_response):
    out = ("app %s %s\n" % (environ["REQUEST_METHOD"],
                            environ.get("PATH_INFO", ""))).encode("latin-1")
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(out)))])
    return [out]
