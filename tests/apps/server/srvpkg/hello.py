# Loaded with --module srvpkg.hello:app (a callable not named "application").


def app(environ, start_response):
    body = b"hello from srvpkg.hello:app\n"
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    body = b"wrong callable: application\n"
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
