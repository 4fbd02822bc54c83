# An app whose import kills the process importing it, unless that process
# is the master (its pid is in the file named by HEALING_MASTER_PIDFILE):
# with --lazy-apps every worker dies with status 3 right after its spawn,
# which must make the master back off instead of forking in a loop. Each
# dying worker first appends the time (Unix seconds) to the file named by
# HEALING_SPAWN_LOG, so the test can measure the pauses between tries.
import os
import time

with open(os.environ["HEALING_MASTER_PIDFILE"]) as f:
    if os.getpid() != int(f.read().split()[0]):
        with open(os.environ["HEALING_SPAWN_LOG"], "a") as log:
            log.write("%.3f\n" % time.time())
        os._exit(3)


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"master loaded me\n"]
