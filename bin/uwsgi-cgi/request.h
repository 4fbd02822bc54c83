/* The uwsgi request made from the CGI environment: which variables are
 * forwarded, REQUEST_URI rebuilt when missing, and where the body comes
 * from and how long it is. */
#ifndef UWSGI_CGI_REQUEST_H
#define UWSGI_CGI_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "cgi.h"

/* The largest packet: header and a full vars block. */
#define REQUEST_MAX (4 + 65535)

struct request {
	const char *method;    /* REQUEST_METHOD, "GET" when unset */
	int nph;               /* the script's name starts with "nph-" */
	int body_fd;           /* the body's source: stdin or a spool file */
	uint64_t body_len;     /* exactly this many bytes are read and sent */
	size_t pkt_len;        /* bytes of the packet in the caller's buffer */
};

/* Decide the body (CONTENT_LENGTH, or a spooled chunked upload) and build
 * the packet into pkt[0..REQUEST_MAX). Failures exit via reply_fail. */
void request_build(struct request *r, const struct conf *c, uint8_t *pkt);

#endif
