"""The WSGI app uwsgi-stats' suite serves: /sleep?N holds its worker busy
for N seconds (how the suite gets a "busy" row), /boom raises (an
exception for the counters), anything else answers at once."""
import time


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path.startswith("/sleep"):
        time.sleep(float(environ.get("QUERY_STRING") or "5"))
    elif path == "/boom":
        raise RuntimeError("boom, as the test asked")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\n"]
