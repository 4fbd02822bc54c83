/* A client connection and the backend connection serving its current
 * request. Bytes move through two bounded buffers, one each way; a side
 * is read only while its buffer has room, so a slow reader holds the
 * other side back (backpressure) instead of the proxy buffering for it.
 *
 *   uwsgi front: the packet is framed (to find the routing key), then
 *     both directions are relayed raw until the backend ends its answer.
 *   HTTP front:  the head becomes a uwsgi packet (hdr), followed by
 *     exactly Content-Length body bytes; the answer's head is rewritten
 *     for keep-alive and its body framed (length, chunked, or until the
 *     backend closes) to know where it ends.
 */
#ifndef UWSGI_PROXY_CONN_H
#define UWSGI_PROXY_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "proxy.h"
#include "uwsgiproto/http.h"
#include "uwsgiproto/stream.h"

/* The most nodes one request tries before it is answered 502. */
#define CONN_MAX_TRIES 8

enum conn_state {
	CS_HEAD,       /* reading a request head */
	CS_CONNECT,    /* connecting to a node */
	CS_RELAY,      /* request and answer on their way */
	CS_LINGER,     /* written all, write side shut: reading to EOF */
};

enum resp_mode {
	RESP_HEAD,     /* waiting for the answer's head (HTTP) */
	RESP_LENGTH,   /* resp_left bytes to go */
	RESP_CHUNKED,  /* until the chunked body's end */
	RESP_EOF,      /* until the backend closes */
	RESP_DONE,     /* all of it is in the out buffer */
};

/* Bytes in flight one way: buf[start..end) waits to be written. */
struct half {
	uint8_t *buf;
	size_t cap, start, end;
};

struct conn {
	struct proxy *px;
	struct io cio, bio;          /* client, backend (fd -1 when none) */
	struct timer tm;
	enum front front;
	enum conn_state st;
	unsigned c_rd : 1, c_wr : 1, c_eof : 1;   /* client readiness */
	unsigned b_rd : 1, b_wr : 1, b_eof : 1;   /* backend readiness */
	unsigned b_shut : 1;         /* we shut the backend's write side */
	unsigned b_err : 1;          /* the backend reset or failed */
	unsigned keepalive : 1;      /* HTTP: serve another request after */
	unsigned head_req : 1;       /* HTTP: a HEAD request */
	unsigned closing : 1;        /* close once out is flushed */
	unsigned dead : 1;           /* closed, waiting for conn_reap */
	unsigned counted : 1;        /* counted in node->active */
	unsigned hdr_resp : 1;       /* hdr holds the answer head, not the packet */
	unsigned retry_ok : 1;       /* the request can be sent again whole */
	unsigned reparse : 1;        /* in holds bytes of a next request */
	unsigned c_hup : 1, b_hup : 1;  /* the peer's FIN was signalled */
	unsigned minor : 1;          /* HTTP/1.minor of the request */
	unsigned tunnel : 1;         /* HTTP 101: raw both ways from now */
	unsigned chunk_out : 1;      /* we chunk a close-delimited answer */
	unsigned last_chunk : 1;     /* ... and its end marker is due */
	unsigned bulk : 1;           /* a read filled the out buffer */
	unsigned splicing : 1;       /* the answer goes through the pipe */
	struct half in, out;         /* client -> backend, backend -> client */
	struct half hdr;             /* HTTP: the packet built from the head,
	                                then the rewritten answer head */
	int pipe[2];                 /* zero-copy path (-1: none yet) */
	size_t pipe_len;             /* answer bytes in the pipe */
	up_stream_t ps;              /* uwsgi front: the packet framer */
	long long body_left;         /* HTTP: request body still to forward */
	enum resp_mode resp;
	long long resp_left;
	up_chunked_t chunk;
	long long resp_bytes;        /* answer bytes written to the client */
	int status;                  /* HTTP: the answer's status (log) */
	/* routing */
	struct pool *pool;
	struct node *node;           /* the node of this attempt (a ref) */
	struct node *tried[CONN_MAX_TRIES];
	size_t ntried;
	int last_errno;              /* why the last connect failed */
	int timed_out;               /* ... by --connect-timeout */
	uint8_t hkey[128];           /* --balance hash key */
	size_t hklen;
	char peer[64];               /* REMOTE_ADDR */
	int peer_port;
	int local_port;              /* SERVER_PORT for HTTP */
	char local[64];              /* the listener's host (SERVER_NAME) */
	int retries;                 /* resends after a node broke off */
	uint64_t last_io, t_start;
	struct conn *next;           /* free or dead list */
	struct conn *lprev, *lnext;  /* the open connections */
};

/* The listener callback: accept every pending connection. */
void conn_accept(struct loop *l, struct io *io, uint32_t events);

/* Free the connections closed during the last batch (the loop's after
 * hook): events already fetched may still name them until then. */
void conn_reap(struct proxy *px);

/* Draining: close idle keep-alive connections now; busy ones end after
 * their current answer. */
void conn_drain(struct proxy *px);

/* Close every connection (exit after the drain timeout). */
void conn_close_all(struct proxy *px);

/* Release the pooled free connections at exit. */
void conn_pool_free(void);

/* -- between conn.c, flow.c and the front modules -- */

/* The pool for a routing key (UWSGI_FASTROUTER_KEY or the Host): its
 * subscribed nodes, else (also for a Host with a :port whose bare name
 * has nodes) the static pool, else NULL. key may be NULL. */
struct pool *conn_route(struct proxy *px, const uint8_t *key, size_t klen);

/* Keep the --balance hash key of the request (truncated to fit). */
void conn_set_hkey(struct conn *c, const uint8_t *v, size_t n);

/* Route the parsed request (c->pool, c->hkey set) and start connecting;
 * answers 502/503 itself when no node can take it. */
void conn_dispatch(struct conn *c);

/* Move bytes both ways until nothing moves; then see whether the request
 * or the connection is over. */
void conn_pump(struct conn *c);

/* The node broke off before answering: send the request again to
 * another node when that is safe. 1 if it did (state changed), else 0. */
int conn_retry(struct conn *c);

/* Close everything now. */
void conn_close(struct conn *c);

/* The request is over (answer flushed): next request or close. */
void conn_finish(struct conn *c);

/* Reply an error of our own: HTTP gets a small status page and the
 * connection closes after it; uwsgi gets the log line only. */
void conn_fail(struct conn *c, int status, const char *why);

/* Process the bytes in c->in as a request head (CS_HEAD). */
void front_uwsgi_head(struct conn *c);
void front_http_head(struct conn *c);

/* HTTP: the answer's head is in c->out; parse and rewrite it into c->hdr.
 * 1 done, 0 need more, -1 bad (502 already handled). */
int front_http_response(struct conn *c);

/* HTTP: frame n newly read answer bytes at c->out.buf + from. */
void front_http_frame(struct conn *c, size_t from, size_t n);

/* Chunking a close-delimited answer for an HTTP/1.1 client (so its
 * connection can stay open): each read's bytes get a fixed-width size line
 * in front ("%08zx\r\n") and CRLF behind, written in place in c->out. */
#define CHUNK_HEAD 10
#define CHUNK_OVERHEAD (CHUNK_HEAD + 2)

/* Write the CHUNK_HEAD bytes of the size line of an n-byte chunk. */
void chunk_head(uint8_t *dst, size_t n);

/* Room helpers for struct half. */
static inline size_t half_len(const struct half *h) { return h->end - h->start; }
void half_make_room(struct half *h);

#endif
