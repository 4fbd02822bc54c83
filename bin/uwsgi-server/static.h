/* Static files: --static-map /url=DIR and --check-static DIR, answered in
 * C before the app sees the request (no Python), with sendfile().
 *
 * What is served: GET and HEAD only (other methods always go to the app, as
 * in uWSGI). A --static-map prefix matches PATH_INFO on a segment boundary
 * ("/s" matches "/s" and "/s/x", not "/sx") and owns what it matches: a file
 * missing under every map of that prefix is a 404 (uWSGI would hand it to
 * the app). A map whose target is a regular file serves that file for the
 * exact URL only (/favicon.ico=/srv/favicon.ico). --check-static DIRs are
 * tried in order after the maps; a missing file or a directory there goes
 * to the app.
 *
 * What is refused with 403: a PATH_INFO with a ".." segment or a NUL byte,
 * a path whose symlinks lead out of the directory (resolved with
 * openat2(RESOLVE_BENEATH), or realpath() and a prefix check where openat2
 * is missing or the link is absolute), unreadable files, special files,
 * and directories under a map (no listings).
 *
 * Answers carry Content-Type (from /etc/mime.types, then a builtin table,
 * else application/octet-stream), Content-Length and Last-Modified; an
 * If-Modified-Since not older than the file gives 304 (ignored when the
 * request has If-None-Match, RFC 9110 §13.1.3). */
#ifndef UWSGI_SERVER_STATIC_H
#define UWSGI_SERVER_STATIC_H

#include "config.h"
#include "request.h"

struct static_files;   /* opaque; built once per worker from the config */

/* Parse the config's static-map/check-static entries and open their
 * directories; exits 1 with one line naming the entry on a malformed entry
 * ("--static-map 'x': expected /url=DIR") or a target that cannot be
 * opened. NULL when none is configured. */
struct static_files *static_init(const struct config *c);

/* Close the directories and free everything (NULL is fine). */
void static_free(struct static_files *s);

/* Serve r from the static maps if it maps to a file. Returns 1 when a
 * response was sent (200, 304, 403, 404, 500; r->err says why for the
 * errors), 0 when the request is not static and belongs to the app. Reads
 * PATH_INFO (already percent-decoded); never reads the body. */
int static_serve(const struct static_files *s, struct request *r);

#endif
