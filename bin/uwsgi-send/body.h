/* The request body: -d text, @FILE or @- (stdin), sent as bytes untouched.
 * Files are streamed, never loaded whole; a pipe on stdin is first copied to
 * an unlinked temporary file, because CONTENT_LENGTH must be known before
 * the first byte goes out. */
#ifndef UWSGI_SEND_BODY_H
#define UWSGI_SEND_BODY_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "uwsgiproto/opt.h"

struct body {
	int present;          /* 0: no body at all */
	uint64_t len;         /* bytes in the body */
	int fd;               /* source to stream from, or -1 */
	const uint8_t *mem;   /* in-memory body when fd < 0 */
	char *owned;          /* memory body_close frees */
	const char *name;     /* source, for messages */
	uint64_t pos;         /* bytes handed out by body_next */
};

/* Open the body of the -d arguments in list (joined with '&' as curl does
 * when there are several; NULL or empty: no body). Exits 1 naming the file
 * when one cannot be read. */
void body_open(struct body *b, const struct up_opt_list *list);

/* Open one file (any kind: a FIFO is gathered first) as the body; exits 1
 * naming it when it cannot be read. */
void body_open_file(struct body *b, const char *path);

/* The next piece of the body, at most cap bytes, into buf. Returns the
 * count, 0 when all of it was handed out; exits 1 when the file shrank or
 * failed. */
size_t body_next(struct body *b, uint8_t *buf, size_t cap);

/* Stream the body to the connection. Returns 0, or the conn_send error
 * when the node stopped reading; exits 1 when the file shrank or failed. */
int body_send(struct body *b, struct conn *c);

/* Load the whole body into memory (for --bench), at most max bytes;
 * exits 1 when it is larger. */
void body_load(struct body *b, uint64_t max);

void body_close(struct body *b);

#endif
