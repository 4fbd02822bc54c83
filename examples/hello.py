# The smallest WSGI application: what `make run` serves.
def application(environ, start_response):
    body = b"Hello from uwsgi-server\n"
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
