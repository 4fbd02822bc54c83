/* The conversation's plumbing: feeding bytes through the hold buffer,
 * request records and their queue, gaps, resynchronisation reports, the
 * end of a connection, and UDP datagrams. The two state machines are in
 * dec_client.c and dec_server.c. */
#include "decode_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uwsgiproto/error.h"
#include "uwsgiproto/modifiers.h"

#define SPARE_MAX 4

void dec_emit(struct conv *cv, int dir, enum ev_kind kind, uint64_t ts,
	      const struct req *req, const char *reason)
{
	struct event ev = {
		.kind = kind, .ts = ts, .src = cv->name[dir], .dst = cv->name[!dir],
		.req = req, .reason = reason,
	};
	if (kind == EV_RESPONSE)
		ev.resp = &cv->resp;
	cv->env->emit(cv->env->ctx, &ev);
}

void dec_malformed(struct conv *cv, int dir, uint64_t ts, const char *fmt, ...)
{
	char why[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	dec_emit(cv, dir, EV_MALFORMED, ts, NULL, why);
}

void dec_keep(struct conv *cv, up_buf_t *b, const uint8_t *p, size_t n)
{
	size_t max = cv->env->keep_body;
	if (b->len >= max)
		return;
	if (n > max - b->len)
		n = max - b->len;
	/* Short of memory, -X shows less: nothing else depends on it. */
	(void)mem_buf_append(cv->mem, b, max, p, n);
}

/* ---------------------------------------------------------------------- */
/* Request records */

struct req *dec_req_new(struct conv *cv)
{
	struct req *r = cv->spare;
	if (r) {
		cv->spare = r->next;
		cv->nspare--;
	} else {
		r = calloc(1, sizeof *r);
		if (!r)
			return NULL;
		mem_take(cv->mem, sizeof *r);
	}
	up_buf_t head = r->head, body = r->body;
	memset(r, 0, sizeof *r);
	r->head = head;
	r->body = body;
	up_buf_reset(&r->head);
	up_buf_reset(&r->body);
	r->id = cv->env->next_id++;
	return r;
}

static void req_destroy(struct conv *cv, struct req *r)
{
	mem_buf_free(cv->mem, &r->head);
	mem_buf_free(cv->mem, &r->body);
	mem_give(cv->mem, sizeof *r);
	free(r);
}

void dec_req_release(struct conv *cv, struct req *r)
{
	if (r->reading || !r->answered)
		return;
	if (cv->nspare < SPARE_MAX) {
		r->next = cv->spare;
		cv->spare = r;
		cv->nspare++;
		return;
	}
	req_destroy(cv, r);
}

void dec_queue_push(struct conv *cv, struct req *r)
{
	unsigned n = 0;
	struct req **pp = &cv->q;
	for (; *pp; pp = &(*pp)->next)
		n++;
	r->next = NULL;
	*pp = r;
	if (n + 1 > QUEUE_MAX)
		dec_unanswered(cv, dec_queue_pop(cv),
			       "more requests than this tool follows are waiting for answers");
}

struct req *dec_queue_pop(struct conv *cv)
{
	struct req *r = cv->q;
	if (r)
		cv->q = r->next;
	return r;
}

void dec_request_done(struct conv *cv, struct req *r, uint64_t ts)
{
	r->body_done = 1;
	r->reading = 0;
	r->end_ts = ts;
	if (cv->cur == r)
		cv->cur = NULL;
	if (!r->emitted) {
		r->emitted = 1;
		dec_emit(cv, DIR_C2S, EV_REQUEST, r->ts, r, NULL);
	}
	dec_req_release(cv, r);
}

void dec_unanswered(struct conv *cv, struct req *r, const char *why)
{
	if (!r->emitted) {
		r->emitted = 1;
		dec_emit(cv, DIR_C2S, EV_REQUEST, r->ts, r, NULL);
	}
	dec_emit(cv, DIR_C2S, EV_UNANSWERED, r->ts, r, why);
	r->answered = 1;
	dec_req_release(cv, r);
}

/* ---------------------------------------------------------------------- */
/* Resynchronisation */

void dec_resync(struct half *h, int state, uint64_t ts, const char *why)
{
	if (h->state != state) {
		h->state = state;
		h->gap_why = why;
		h->gap_ts = ts;
	}
	h->in_unit = 0;
	up_stream_reset(&h->ps);
}

void dec_resync_done(struct conv *cv, int dir, uint64_t ts, int at_end)
{
	struct half *h = &cv->h[dir];
	if (h->skipped || h->lost) {
		char why[200];
		snprintf(why, sizeof why, "%s; %s", h->gap_why ? h->gap_why : "gap",
			 at_end ? "nothing decodable followed" : dir == DIR_C2S
			 ? "resumed at the next uwsgi packet" : "resumed at the next HTTP response");
		struct event ev = {
			.kind = EV_GAP, .ts = h->gap_ts ? h->gap_ts : ts,
			.src = cv->name[dir], .dst = cv->name[!dir], .reason = why,
			.skipped = h->skipped, .lost = h->lost,
		};
		cv->env->emit(cv->env->ctx, &ev);
	}
	h->skipped = h->lost = 0;
	h->gap_why = NULL;
	h->gap_ts = 0;
}

/* ---------------------------------------------------------------------- */
/* The conversation */

void conv_init(struct conv *cv, struct dec_env *env, struct mem_acct *mem,
	       const char *client, const char *server, int cli_mid, int srv_mid)
{
	memset(cv, 0, sizeof *cv);
	cv->env = env;
	cv->mem = mem;
	cv->name[DIR_C2S] = client;
	cv->name[DIR_S2C] = server;
	for (int d = 0; d < 2; d++) {
		up_buf_init(&cv->h[d].hold, DECODE_HOLD_MAX);
		up_stream_init(&cv->h[d].ps, 0, d == DIR_S2C ? UP_STREAM_RAW : 0);
	}
	cv->h[DIR_C2S].state = C_HEAD;
	cv->h[DIR_S2C].state = S_START;
	if (cli_mid)
		dec_resync(&cv->h[DIR_C2S], C_RESYNC, 0, "capture started mid-stream");
	if (srv_mid)
		dec_resync(&cv->h[DIR_S2C], S_RESYNC, 0, "capture started mid-stream");
	up_buf_init(&cv->resp.head, 0);
	up_buf_init(&cv->resp.body, 0);
}

static size_t run(struct conv *cv, int dir, const uint8_t *p, size_t n, uint64_t ts)
{
	return dir == DIR_C2S ? dec_client_run(cv, p, n, ts) : dec_server_run(cv, p, n, ts);
}

/* The flow has no memory left for the unit being gathered: say so and
 * look for the next one. */
static void hold_overflow(struct conv *cv, int dir, uint64_t n, uint64_t ts)
{
	struct half *h = &cv->h[dir];
	if (dir == DIR_C2S)
		dec_client_gap(cv, h->hold.len + n, ts, "not kept (memory limit of the flow)");
	else
		dec_server_gap(cv, h->hold.len + n, ts, "not kept (memory limit of the flow)");
	up_buf_reset(&h->hold);
}

void conv_data(struct conv *cv, int dir, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[dir];
	if (h->ended)
		return;
	h->last_ts = ts;
	while (n > 0) {
		if (h->hold.len == 0) {
			size_t used = run(cv, dir, p, n, ts);
			p += used;
			n -= used;
			if (n == 0)
				return;
			/* A state waits for at most a whole packet or HTTP head,
			 * so what is left is always smaller than the hold. */
			if (n >= DECODE_HOLD_MAX || mem_buf_append(cv->mem, &h->hold, DECODE_HOLD_MAX, p, n) < 0)
				hold_overflow(cv, dir, n, ts);
			return;
		}
		size_t take = DECODE_HOLD_MAX - h->hold.len;
		if (take > n)
			take = n;
		if (mem_buf_append(cv->mem, &h->hold, DECODE_HOLD_MAX, p, take) < 0) {
			hold_overflow(cv, dir, n, ts);
			return;
		}
		p += take;
		n -= take;
		size_t used = run(cv, dir, up_buf_head(&h->hold), h->hold.len, ts);
		if (used == 0 && h->hold.len >= DECODE_HOLD_MAX) {
			hold_overflow(cv, dir, n, ts);  /* never: every state decides by then */
			return;
		}
		up_buf_consume(&h->hold, used);
	}
}

void conv_gap(struct conv *cv, int dir, uint64_t n, uint64_t ts, const char *why)
{
	if (cv->h[dir].ended)
		return;
	if (dir == DIR_C2S)
		dec_client_gap(cv, n, ts, why);
	else
		dec_server_gap(cv, n, ts, why);
}

/* closed: the direction ended with a FIN, which is where a response
 * without a length ends; otherwise the flow is being given up. */
static void end_dir(struct conv *cv, int dir, uint64_t ts, const char *why, int closed)
{
	struct half *h = &cv->h[dir];
	if (h->ended)
		return;
	if (dir == DIR_C2S)
		dec_client_end(cv, ts);
	else
		dec_server_end(cv, ts, why, closed);
	h->ended = 1;
	mem_buf_free(cv->mem, &h->hold);
}

void conv_end(struct conv *cv, int dir, uint64_t ts, const char *why)
{
	end_dir(cv, dir, ts, why, 1);
}

void conv_close(struct conv *cv, uint64_t ts, const char *why)
{
	end_dir(cv, DIR_C2S, ts, why, 0);
	end_dir(cv, DIR_S2C, ts, why, 0);
	while (cv->q)
		dec_unanswered(cv, dec_queue_pop(cv), why);
}

void conv_free(struct conv *cv)
{
	struct req *lists[2] = { cv->q, cv->spare };
	for (int i = 0; i < 2; i++)
		while (lists[i]) {
			struct req *r = lists[i];
			lists[i] = r->next;
			if (r != cv->cur)
				req_destroy(cv, r);
		}
	if (cv->cur)
		req_destroy(cv, cv->cur);
	cv->q = cv->spare = cv->cur = NULL;
	cv->nspare = 0;
	for (int d = 0; d < 2; d++)
		mem_buf_free(cv->mem, &cv->h[d].hold);
	mem_buf_free(cv->mem, &cv->resp.head);
	mem_buf_free(cv->mem, &cv->resp.body);
}

/* ---------------------------------------------------------------------- */
/* UDP */

void decode_datagram(struct dec_env *env, const char *src, const char *dst,
		     const uint8_t *p, size_t cap, size_t len, uint64_t ts)
{
	char why[200];
	struct event ev = { .kind = EV_MALFORMED, .ts = ts, .src = src, .dst = dst,
			    .udp = 1, .reason = why };
	size_t ds = cap >= UP_HEADER_SIZE ? up_get_le16(p + 1) : 0;
	if (len < UP_HEADER_SIZE) {
		snprintf(why, sizeof why, "datagram of %zu bytes is shorter than a uwsgi header", len);
	} else if (cap < UP_HEADER_SIZE || UP_HEADER_SIZE + ds > cap) {
		if (cap >= UP_HEADER_SIZE && UP_HEADER_SIZE + ds > len)
			snprintf(why, sizeof why, "size past end: datasize %zu, but the datagram "
				 "holds %zu bytes after the header", ds, len - UP_HEADER_SIZE);
		else
			snprintf(why, sizeof why, "datagram cut by the snaplen after %zu of "
				 "%zu bytes", cap, len);
	} else {
		up_stream_t ps;
		up_packet_t pkt;
		up_stream_init(&ps, 0, 0);
		int rc = up_stream_parse(&ps, p, cap, &pkt);
		if (rc > 0) {
			struct req r = { .id = env->next_id++, .ts = ts, .end_ts = ts,
					 .hdr = pkt.hdr, .nvars = pkt.nvars, .declared = -1,
					 .body_len = len - (size_t)rc, .body_done = 1 };
			/* The record borrows the capture's bytes: nothing to free. */
			r.head.data = (uint8_t *)p;
			r.head.len = (size_t)rc;
			up_buf_init(&r.body, 0);
			ev.kind = EV_REQUEST;
			ev.req = &r;
			ev.reason = NULL;
			env->emit(env->ctx, &ev);
			return;
		}
		snprintf(why, sizeof why, "modifier1 %u (%s), datasize %zu: %s at offset %zu "
			 "of the payload", p[0], up_modifier_name(p[0]), ds, up_strerror(rc),
			 ps.bad_at);
	}
	env->emit(env->ctx, &ev);
}
