# Answers with what it received: method, path, query and body, so tests can
# check what reached a WSGI app.
def application(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    head = "%s %s?%s\n" % (environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""),
                           environ.get("QUERY_STRING", ""))
    out = head.encode("latin-1") + body
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(out)))])
    return [out]
