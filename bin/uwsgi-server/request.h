/* One request on one connection, whatever the socket's protocol: its vars
 * (pointing into the connection's buffers), a body reader bounded by
 * CONTENT_LENGTH or the chunked framing, and a response writer that frames
 * the answer the way the socket needs (raw HTTP for uwsgi sockets; keep-alive,
 * chunked or close-delimited HTTP/1.1 for HTTP sockets). */
#ifndef UWSGI_SERVER_REQUEST_H
#define UWSGI_SERVER_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "uwsgiproto/buf.h"
#include "uwsgiproto/http.h"

struct parked;

struct var {
	const char *k, *v;
	uint16_t kl, vl;
};

/* What a worker thread keeps from one request to the next. */
struct conn {
	int fd;
	int http;                 /* the socket speaks HTTP, not uwsgi */
	int unix_socket;          /* accepted on a UNIX socket */
	char peer[64];            /* "127.0.0.1" (REMOTE_ADDR for HTTP) */
	char peer_port[8];        /* REMOTE_PORT for HTTP sockets */
	char local_port[8];       /* SERVER_PORT for HTTP sockets */
	uint8_t *buf;             /* bytes read from the socket */
	size_t len, cap;          /* bytes held, size of buf */
	size_t used;              /* bytes of buf consumed so far */
	size_t keep;              /* buf[0..keep) holds the current request's
				     head, which its vars point into: reads
				     of the body never move it */
	int timeout_ms;           /* --socket-timeout */
	struct parked *slot;      /* its idle-time record (worker.c), or NULL */
	volatile const int *closing; /* set when the worker is about to stop:
				     answers then end their connection */
	up_buf_t head;            /* response head waiting to go out with the
				     first body bytes (one write per response) */
};

struct request {
	struct conn *c;
	/* vars */
	struct var *vars;
	size_t nvars, maxvars;
	size_t vars_bytes;        /* size of the vars block (for logs) */
	uint8_t *scratch;         /* HTTP: decoded PATH_INFO, HTTP_* names */
	size_t scratch_cap;
	/* request facts used for framing and logs */
	const char *method, *uri, *proto;
	uint16_t method_len, uri_len, proto_len;
	int http_minor;           /* 0 or 1 (HTTP sockets) */
	int head_only;            /* HEAD: no body goes out */
	int keep_alive;           /* HTTP: the connection may stay open */
	int expect_continue;      /* HTTP: "100 Continue" owed before the body */
	int strip_script_name;    /* modifier1 30: PATH_INFO loses SCRIPT_NAME */
	uint8_t modifier1, modifier2; /* the packet's (0 on HTTP sockets) */
	/* body */
	int64_t content_length;   /* -1: none */
	int chunked;              /* HTTP chunked request body */
	up_chunked_t chunk;
	uint64_t body_read;       /* bytes handed to the app */
	int body_done;
	/* response */
	int head_sent;
	int status;
	int resp_chunked;         /* we frame the body as chunked */
	int64_t resp_left;        /* Content-Length still to send; -1 unknown */
	uint64_t resp_bytes;      /* body bytes sent */
	size_t resp_head_bytes;   /* head bytes sent */
	int resp_headers;         /* header count */
	int write_error;          /* the client went away: stop sending */
	char err[160];            /* why the request failed, for the log */
};

/* Find a var (exact, case-sensitive); NULL if absent. *len gets its size. */
const char *req_var(const struct request *r, const char *key, size_t *len);

/* Read up to n body bytes into p. Returns > 0, 0 at the end of the body,
 * or -1 on a timeout or broken connection (r->err says which). Never reads
 * past CONTENT_LENGTH or the last chunk. Sends "100 Continue" first when
 * the client asked for it. */
ssize_t req_body_read(struct request *r, void *p, size_t n);

/* Read and drop what is left of the body, so the next pipelined request
 * starts at the right byte. Returns 0, or -1 when the connection cannot be
 * reused (then it must be closed). */
int req_body_drain(struct request *r);

/* Send the response head. status_line is "200 OK"; hdrs are the app's
 * headers (name, value) already validated; content_length is what the app
 * declared (-1 when none), known_length a length we computed ourselves
 * (-1 when unknown). Adds the framing headers an HTTP socket needs.
 * Returns 0 or -1 (client gone; r->write_error set). */
int resp_head(struct request *r, const char *status_line, size_t status_len,
	      const struct var *hdrs, size_t nhdrs, int64_t content_length,
	      int64_t known_length);

/* Send body bytes (after resp_head). Returns 0 or -1. */
int resp_body(struct request *r, const void *p, size_t n);

/* Send n bytes of file fd from offset off with sendfile(). 0 or -1. */
int resp_sendfile(struct request *r, int fd, off_t off, uint64_t n);

/* Finish the body (the chunked terminator). Returns 0 or -1. */
int resp_end(struct request *r);

/* A complete plain-text error response (e.g. 400, 413, 500) when no head
 * was sent yet; closes the keep-alive. */
void resp_error(struct request *r, int status, const char *text);

#endif
