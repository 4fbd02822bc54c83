# An app that, while the master imports it, starts a short-lived child
# process it never waits for (a stray, as a library's helper process would
# be): the master must reap it (--reaper) rather than leave a zombie.
# STRAY_SECONDS says how long the stray lives; / answers its pid.
import os
import subprocess

STRAY = subprocess.Popen(["/bin/sleep", os.environ.get("STRAY_SECONDS", "1")])
# Forget it: no wait() from Python, so only the server can reap it.
STRAY_PID = STRAY.pid
subprocess._active = []
STRAY = None


def application(environ, start_response):
    body = b"%d\n" % STRAY_PID
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body]
