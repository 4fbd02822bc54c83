# An app whose import raises: the master must log the traceback and keep
# running; workers answer 500 until the file is fixed and reloaded.
raise RuntimeError("this app is broken on purpose")


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"unreachable\n"]
