/* The backend's HTTP response turned into a CGI response, incrementally:
 * bytes are fed as they arrive from the socket and leave on stdout at once.
 * The status line becomes "Status: NNN Reason" (nph- scripts pass the head
 * through untouched), hop-by-hop fields are dropped, a chunked body is
 * decoded; the body ends at Content-Length, the last chunk or the backend's
 * close. Failures exit via reply_fail. */
#ifndef UWSGI_CGI_RELAY_H
#define UWSGI_CGI_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "uwsgiproto/http.h"

#define RELAY_HEAD_MAX (64 * 1024)
#define RELAY_MAX_HEADERS 200

enum relay_state { RELAY_HEAD, RELAY_BODY, RELAY_DONE };
enum relay_framing { FRAME_LENGTH, FRAME_CHUNKED, FRAME_EOF };

struct relay {
	const char *peer;         /* the backend, for messages */
	const char *method;       /* the request's, to know if a body follows */
	int nph;
	enum relay_state state;
	enum relay_framing framing;
	uint64_t left;            /* FRAME_LENGTH: body bytes still due */
	uint64_t sent;            /* body bytes relayed */
	up_chunked_t chunked;
	size_t hlen;              /* bytes gathered in head[] */
	up_http_response_t resp;
	up_http_header_t hdrs[RELAY_MAX_HEADERS];
	uint8_t head[RELAY_HEAD_MAX];
};

void relay_init(struct relay *r, const char *peer, const char *method, int nph);

/* Take n bytes from the backend. Returns 1 once the response is complete
 * (later bytes are ignored), 0 while more are due. */
int relay_feed(struct relay *r, const uint8_t *p, size_t n);

/* The backend closed the connection: fine when the body runs to the end
 * of the connection, a 502 or a truncated response otherwise. */
void relay_eof(struct relay *r);

/* 1 while not a byte of the answer has arrived. */
static inline int relay_waiting(const struct relay *r)
{
	return r->state == RELAY_HEAD && r->hlen == 0;
}

#endif
