/* Where the request body comes from and how long it is. */
#ifndef UWSGI_CGI_BODY_H
#define UWSGI_CGI_BODY_H

#include <stdint.h>

/* CONTENT_LENGTH bytes of stdin, never more. When the web server sent a
 * de-chunked upload without CONTENT_LENGTH (Apache does, and sets
 * HTTP_TRANSFER_ENCODING), all of stdin is first copied to an unlinked
 * file in TMPDIR, since the uwsgi packet must announce the length before
 * the body; *fd is then that file. Without a body *len is 0. Failures exit
 * via reply_fail: 400 for a bad CONTENT_LENGTH, 408 for a stalled upload,
 * 500 when the spool file cannot be written. */
void body_find(int *fd, uint64_t *len, int timeout_ms);

#endif
