# An app that takes a second to import, so a test can signal the server
# while it is still starting (sockets bound, pidfile written, app loading).
import time

time.sleep(1)


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "6")])
    return [b"ready\n"]
