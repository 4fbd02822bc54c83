/* What the decoder reports: requests, responses, malformed packets and
 * gaps, each as one event handed to the output. The records point into
 * the decoder's buffers and are valid only during the call. */
#ifndef UWSGI_DUMP_EVENT_H
#define UWSGI_DUMP_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "uwsgiproto/buf.h"
#include "uwsgiproto/packet.h"

/* A uwsgi packet sent by a client, with what followed it. */
struct req {
	struct req *next;       /* in the conversation's queue */
	uint64_t id;            /* pairs the request with its response */
	uint64_t ts;            /* first byte seen */
	uint64_t end_ts;        /* last byte seen (body included) */
	up_header_t hdr;
	up_buf_t head;          /* the packet: header and payload */
	int nvars;              /* vars or array items */
	int64_t declared;       /* CONTENT_LENGTH, -1 when absent or invalid */
	uint64_t body_len;      /* body bytes on the wire so far */
	uint64_t body_lost;     /* of which the capture lacks these */
	up_buf_t body;          /* the body's first bytes, for -X and -A */
	uint8_t body_done;      /* the whole body has passed */
	uint8_t emitted;        /* EV_REQUEST was sent */
	uint8_t answered;       /* off the queue: answered or given up */
	uint8_t reading;        /* its body is still arriving */
};

enum resp_kind {
	RESP_HTTP = 1,          /* "HTTP/1.x NNN ...": a raw HTTP response */
	RESP_PACKET = 2,        /* a uwsgi packet (pong, RPC result, 255...) */
	RESP_RAW = 3,           /* bytes until the connection closes (echo) */
};

/* The answer to a request. */
struct resp {
	int kind;
	uint64_t ts;            /* first byte */
	uint64_t end_ts;        /* last byte */
	up_buf_t head;          /* HTTP head, or the uwsgi packet */
	int status;             /* HTTP status, 0 for other kinds */
	int chunked;
	int interim;            /* 1xx responses seen before this one */
	up_header_t hdr;        /* RESP_PACKET */
	uint64_t body_len;      /* body (HTTP, raw) or payload (packet) */
	uint64_t body_lost;
	up_buf_t body;          /* first bytes, for -X and -A */
	int complete;           /* framing said where it ends, and it did */
};

enum ev_kind {
	EV_REQUEST,             /* req complete (body included) */
	EV_RESPONSE,            /* resp complete; req is NULL when unknown */
	EV_UNANSWERED,          /* req will get no response; reason says why */
	EV_MALFORMED,
	EV_GAP,
};

struct event {
	enum ev_kind kind;
	uint64_t ts;
	const char *src, *dst;  /* "ip:port": sender and receiver */
	int udp;
	const struct req *req;
	const struct resp *resp;
	const char *reason;     /* EV_MALFORMED, EV_GAP, EV_UNANSWERED */
	uint64_t skipped;       /* EV_GAP: captured bytes passed over */
	uint64_t lost;          /* EV_GAP: bytes the capture does not have */
};

typedef void (*emit_fn)(void *ctx, const struct event *ev);

#endif
