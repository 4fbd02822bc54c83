/* The client's side of a conversation: uwsgi packets, each followed by
 * CONTENT_LENGTH bytes of body. */
#include "decode_int.h"

#include <stdint.h>
#include <string.h>

#include "detect.h"
#include "uwsgiproto/error.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/vars.h"

/* CONTENT_LENGTH of a vars-framed packet: 0 when absent or empty (nginx
 * sends it empty for a GET), -1 when it is not a number. */
static int64_t content_length(const up_packet_t *pkt)
{
	up_var_t v;
	if (up_modifier_payload(pkt->hdr.modifier1) != UP_PAYLOAD_VARS)
		return 0;
	if (up_vars_find(pkt->payload, pkt->payload_len, "CONTENT_LENGTH", 14, &v) != 1)
		return 0;
	int64_t n = 0;
	for (size_t i = 0; i < v.vlen; i++) {
		if (v.val[i] < '0' || v.val[i] > '9' || n > (INT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (v.val[i] - '0');
	}
	return n;
}

/* A packet is complete: record it and expect its body. */
static void request_head(struct conv *cv, const uint8_t *start, const up_packet_t *pkt,
			 uint64_t ts)
{
	struct half *h = &cv->h[DIR_C2S];
	struct req *r = dec_req_new(cv);
	if (!r || mem_buf_append(cv->mem, &r->head, DECODE_HOLD_MAX, start, pkt->head_len) < 0) {
		if (r) {
			r->answered = 1;
			dec_req_release(cv, r);
		}
		dec_resync(h, C_RESYNC, ts, "a packet not kept (memory limit of the flow)");
		h->lost += pkt->head_len;
		return;
	}
	r->ts = h->unit_ts;
	r->end_ts = ts;
	r->hdr = pkt->hdr;
	r->nvars = pkt->nvars;
	r->declared = content_length(pkt);
	h->in_unit = 0;
	dec_queue_push(cv, r);
	if (r->declared < 0)
		dec_malformed(cv, DIR_C2S, ts, "request %llu: CONTENT_LENGTH is not a number, "
			      "so where its body ends is unknown",
			      (unsigned long long)r->id);
	if (r->declared > 0) {
		r->reading = 1;
		cv->cur = r;
		h->remain = (uint64_t)r->declared;
		h->state = C_BODY;
		return;
	}
	dec_request_done(cv, r, ts);
}

/* Skip to the first offset where a whole packet validates. Returns the
 * bytes passed over; the state says whether the search is over. */
static size_t find_packet(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[DIR_C2S];
	for (size_t k = 0; k < n; k++) {
		int d = detect_packet(p + k, n - k, NULL);
		if (d == DETECT_NO)
			continue;
		h->skipped += k;
		if (d == DETECT_YES) {
			dec_resync_done(cv, DIR_C2S, ts, 0);
			h->state = C_HEAD;
		}
		return k;  /* found, or undecided until more bytes come */
	}
	h->skipped += n;
	return n;
}

/* The first line of an HTTP request, printable, for the message. */
static int http_line(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t i = 0;
	for (; i < n && i + 1 < cap && i < 60 && p[i] >= 0x20 && p[i] < 0x7f; i++)
		out[i] = (char)p[i];
	out[i] = 0;
	return (int)i;
}

/* The bytes at p do not start a packet we can read. */
static size_t bad_start(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[DIR_C2S];
	if (up_looks_like_http(p, n)) {
		char line[64];
		http_line(p, n, line, sizeof line);
		dec_malformed(cv, DIR_C2S, ts, "an HTTP request on a uwsgi port (\"%s\"): the "
			      "front end speaks HTTP here, not uwsgi", line);
		h->state = C_SKIP;
		return n;
	}
	dec_malformed(cv, DIR_C2S, ts, "modifier1 %u is not assigned (datasize %u): not a "
		      "uwsgi packet", p[0], n >= 3 ? up_get_le16(p + 1) : 0);
	dec_resync(h, C_RESYNC, ts, "after a malformed packet");
	return 1;
}

/* What a vars or array framing error means, in the operator's words. */
static const char *framing_text(int rc, int array)
{
	switch (rc) {
	case UP_ETRUNC:
		return array ? "truncated item (a length cut by the end of the block)"
			     : "truncated var (a length cut by the end of the block)";
	case UP_ELENGTH:
		return array ? "item length past the end of the block"
			     : "var length past the end of the block";
	case UP_EEMPTYKEY:
		return "var with an empty key";
	}
	return up_strerror(rc);
}

/* Whether m1 starts a packet worth parsing: assigned, not reserved. */
static int known(unsigned m1)
{
	const up_modifier_info_t *m = up_modifier_info(m1);
	return m && strcmp(m->name, "reserved") != 0;
}

static size_t head(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[DIR_C2S];
	if (!h->in_unit) {
		h->in_unit = 1;
		h->unit_ts = ts;
	}
	if (!known(p[0]) && n < UP_HEADER_SIZE)
		return 0;  /* "GE" may become "GET ": wait to say which */
	if (!known(p[0]) || up_looks_like_http(p, n))
		return bad_start(cv, p, n, ts);
	up_packet_t pkt;
	int rc = up_stream_parse(&h->ps, p, n, &pkt);
	if (rc == 0)
		return 0;
	size_t bad_at = h->ps.bad_at;
	up_stream_reset(&h->ps);
	if (rc > 0) {
		request_head(cv, p, &pkt, ts);
		return (size_t)rc;
	}
	size_t ds = up_get_le16(p + 1);
	dec_malformed(cv, DIR_C2S, ts, "modifier1 %u (%s), datasize %zu: %s at offset %zu "
		      "of the payload", p[0], up_modifier_name(p[0]), ds,
		      framing_text(rc, up_modifier_payload(p[0]) == UP_PAYLOAD_ARRAY), bad_at);
	/* Its size is known, its body is not: look for the next packet. */
	dec_resync(h, C_RESYNC, ts, "after a malformed packet");
	return UP_HEADER_SIZE + ds;
}

size_t dec_client_run(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[DIR_C2S];
	size_t off = 0;
	while (off < n) {
		const uint8_t *q = p + off;
		size_t len = n - off, used;
		switch (h->state) {
		case C_SKIP:
			return n;
		case C_RESYNC:
			off += find_packet(cv, q, len, ts);
			if (h->state == C_RESYNC)
				return off;
			break;
		case C_BODY: {
			struct req *r = cv->cur;
			used = h->remain < len ? (size_t)h->remain : len;
			dec_keep(cv, &r->body, q, used);
			r->body_len += used;
			h->remain -= used;
			off += used;
			if (h->remain == 0) {
				h->state = C_HEAD;
				dec_request_done(cv, r, ts);
			}
			break;
		}
		default:
			used = head(cv, q, len, ts);
			if (used == 0)
				return off;
			off += used;
		}
	}
	return off;
}

void dec_client_gap(struct conv *cv, uint64_t n, uint64_t ts, const char *why)
{
	struct half *h = &cv->h[DIR_C2S];
	if (h->state == C_BODY && h->hold.len == 0) {
		/* Inside a body only the count matters: the framing survives. */
		struct req *r = cv->cur;
		uint64_t take = n < h->remain ? n : h->remain;
		r->body_len += take;
		r->body_lost += take;
		h->remain -= take;
		n -= take;
		if (h->remain == 0) {
			h->state = C_HEAD;
			dec_request_done(cv, r, ts);
		}
		if (n == 0)
			return;
	}
	if (h->state == C_SKIP)
		return;
	if (h->state == C_HEAD && h->hold.len >= UP_HEADER_SIZE) {
		const uint8_t *p = up_buf_head(&h->hold);
		dec_malformed(cv, DIR_C2S, ts, "a packet incomplete in the capture (%s): modifier1 %u (%s), "
			      "datasize %u, %zu of its bytes captured", why, p[0],
			      up_modifier_name(p[0]), up_get_le16(p + 1), h->hold.len);
	}
	/* Whatever was being gathered cannot be completed. */
	h->skipped += h->hold.len;
	up_buf_reset(&h->hold);
	dec_resync(h, C_RESYNC, ts, why);
	h->lost += n;
}

void dec_client_end(struct conv *cv, uint64_t ts)
{
	struct half *h = &cv->h[DIR_C2S];
	uint64_t last = h->last_ts ? h->last_ts : ts;
	const uint8_t *p = up_buf_head(&h->hold);
	size_t n = h->hold.len;
	switch (h->state) {
	case C_HEAD:
		if (n >= UP_HEADER_SIZE)
			dec_malformed(cv, DIR_C2S, last, "size past end: modifier1 %u (%s) announces "
				      "%u bytes, the stream ends after %zu", p[0],
				      up_modifier_name(p[0]), up_get_le16(p + 1), n - UP_HEADER_SIZE);
		else if (n > 0)
			dec_malformed(cv, DIR_C2S, last, "the stream ends inside a packet header "
				      "(%zu of 4 bytes)", n);
		break;
	case C_BODY:
		dec_malformed(cv, DIR_C2S, last, "request %llu: the body ends after %llu of "
			      "%lld bytes", (unsigned long long)cv->cur->id,
			      (unsigned long long)cv->cur->body_len, (long long)cv->cur->declared);
		dec_request_done(cv, cv->cur, last);
		break;
	case C_RESYNC:
		h->skipped += n;
		dec_resync_done(cv, DIR_C2S, ts, 1);
		break;
	}
	up_buf_reset(&h->hold);
}
