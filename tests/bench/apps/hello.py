# The benchmarks' hello world, served unchanged by uwsgi-server and by
# Debian's uWSGI. Content-Length is set because uWSGI's --http11-socket
# keeps a connection alive only when the application gives the length.
BODY = b"Hello, World!\n"
HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
