/* What decode.c, dec_client.c and dec_server.c share inside the decoder. */
#ifndef UWSGI_DUMP_DECODE_INT_H
#define UWSGI_DUMP_DECODE_INT_H

#include "decode.h"

/* Client states. */
enum { C_HEAD, C_BODY, C_RESYNC, C_SKIP };
/* Server states. */
enum { S_START, S_HTTP_HEAD, S_PACKET, S_BODY, S_CHUNKED, S_EOF, S_RESYNC, S_SKIP };

#define QUEUE_MAX 64  /* requests waiting for an answer on one connection */

void dec_emit(struct conv *cv, int dir, enum ev_kind kind, uint64_t ts,
	      const struct req *req, const char *reason);
void dec_malformed(struct conv *cv, int dir, uint64_t ts, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Copy up to the -X/-A allowance of p into b. */
void dec_keep(struct conv *cv, up_buf_t *b, const uint8_t *p, size_t n);

/* Start looking for the next unit (state: C_RESYNC or S_RESYNC). */
void dec_resync(struct half *h, int state, uint64_t ts, const char *why);
/* Report what the search passed over (if anything); at_end: it found
 * nothing before the stream ended. */
void dec_resync_done(struct conv *cv, int dir, uint64_t ts, int at_end);

/* The queue of requests waiting for an answer. */
void dec_queue_push(struct conv *cv, struct req *r);
struct req *dec_queue_pop(struct conv *cv);
/* r will get no answer: report it and let it go. */
void dec_unanswered(struct conv *cv, struct req *r, const char *why);

struct req *dec_req_new(struct conv *cv);
/* Recycle r once it is neither waiting for an answer nor being read. */
void dec_req_release(struct conv *cv, struct req *r);
void dec_request_done(struct conv *cv, struct req *r, uint64_t ts);

/* The per-direction state machines: consume what they can of p[0..n). */
size_t dec_client_run(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts);
size_t dec_server_run(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts);
void dec_client_gap(struct conv *cv, uint64_t n, uint64_t ts, const char *why);
void dec_server_gap(struct conv *cv, uint64_t n, uint64_t ts, const char *why);
void dec_client_end(struct conv *cv, uint64_t ts);
void dec_server_end(struct conv *cv, uint64_t ts, const char *why, int closed);

#endif
