/* Reading one request head from a connection: the uwsgi packet (vars
 * block) or an HTTP/1.x head turned into the same CGI vars. */
#ifndef UWSGI_SERVER_PROTO_H
#define UWSGI_SERVER_PROTO_H

#include <stddef.h>

#include "request.h"

enum proto_result {
	PROTO_REQUEST = 1,   /* a request to serve */
	PROTO_HANDLED = 2,   /* answered already (ping, protocol error reply) */
	PROTO_EOF = 0,       /* the peer closed before sending anything */
	PROTO_ERROR = -1,    /* bad or slow input: log r->err, close */
};

/* Start a request on c: reset *r, keeping its arrays. */
void proto_begin(struct request *r, struct conn *c);

/* uwsgi socket: read the packet head (4 + datasize, at most buffer_size
 * bytes of vars). WSGI requests (modifier1 0 and 30) come back as
 * PROTO_REQUEST; a ping is answered (PROTO_HANDLED); other modifiers,
 * oversized or malformed blocks and HTTP sent to the uwsgi port give
 * PROTO_ERROR with the reason in r->err. */
int proto_uwsgi_read(struct request *r, size_t buffer_size);

/* HTTP socket: read and parse the head (at most head_max bytes), fill the
 * CGI vars. Malformed requests get their 4xx/5xx answer and PROTO_ERROR. */
int proto_http_read(struct request *r, size_t head_max);

#endif
