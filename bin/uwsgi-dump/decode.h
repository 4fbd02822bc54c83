/* The conversation on one uwsgi connection: the client's byte stream
 * decoded into requests (header, vars, body of CONTENT_LENGTH bytes), the
 * server's into responses (raw HTTP, a uwsgi packet, or bytes until the
 * close), responses paired with requests in order, and everything that
 * does not fit reported as malformed or as a gap instead of guessed at.
 *
 * Bytes arrive in order from the reassembly, in pieces of any size; a unit
 * that straddles pieces (a header, an HTTP head) is gathered in a small
 * per-direction buffer, everything else is consumed where it lies. Body
 * bytes are counted, not kept (except the first ones, for -X and -A).
 */
#ifndef UWSGI_DUMP_DECODE_H
#define UWSGI_DUMP_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "mem.h"
#include "uwsgiproto/http.h"
#include "uwsgiproto/stream.h"

/* What every conversation shares. */
struct dec_env {
	emit_fn emit;
	void *ctx;
	uint64_t next_id;     /* the next request's id (starts at 1) */
	size_t keep_body;     /* body bytes kept per message for -X/-A */
};

/* One direction's decoder. */
struct half {
	int state;
	up_buf_t hold;        /* the start of a unit waiting for more bytes */
	up_stream_t ps;       /* framing of the packet being read */
	uint64_t unit_ts;     /* first byte of the unit being read */
	int in_unit;
	uint64_t remain;      /* body bytes still to come */
	up_chunked_t ch;
	uint64_t skipped;     /* bytes dropped while looking for a start */
	uint64_t lost;        /* bytes the capture lacks, meanwhile */
	uint64_t gap_ts;
	const char *gap_why;  /* why the search started */
	uint64_t last_ts;     /* time of the latest bytes */
	int ended;
};

enum { DIR_C2S = 0, DIR_S2C = 1 };

struct conv {
	struct dec_env *env;
	struct mem_acct *mem;
	const char *name[2];  /* client, server */
	struct half h[2];
	struct req *q;        /* waiting for an answer, oldest first */
	struct req *cur;      /* the request whose body is arriving */
	struct req *spare;    /* records to reuse */
	unsigned nspare;
	struct resp resp;
};

/* Start a conversation. A direction whose start was not captured begins by
 * looking for the first packet (or HTTP response) instead of trusting its
 * first bytes. name[] must outlive the conversation. */
void conv_init(struct conv *cv, struct dec_env *env, struct mem_acct *mem,
	       const char *client, const char *server, int cli_mid, int srv_mid);

/* Bytes of direction dir, in order. */
void conv_data(struct conv *cv, int dir, const uint8_t *p, size_t n, uint64_t ts);

/* n bytes of direction dir that the capture does not have. */
void conv_gap(struct conv *cv, int dir, uint64_t n, uint64_t ts, const char *why);

/* Direction dir ended with a FIN: it has no more bytes. */
void conv_end(struct conv *cv, int dir, uint64_t ts, const char *why);

/* Give the conversation up (RST, idle, memory, end of capture): end both
 * directions and report requests left without an answer. */
void conv_close(struct conv *cv, uint64_t ts, const char *why);

/* Free everything (after conv_close). */
void conv_free(struct conv *cv);

/* One UDP datagram: a whole packet (subscriptions, legion, SNMP...). */
void decode_datagram(struct dec_env *env, const char *src, const char *dst,
		     const uint8_t *p, size_t cap, size_t len, uint64_t ts);

/* Bytes a conversation may hold in one direction's buffer: a whole packet
 * (4 + 65535) or an HTTP head (64 KiB), with room to spare. */
#define DECODE_HOLD_MAX 65544

#endif
