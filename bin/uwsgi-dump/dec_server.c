/* The server's side of a conversation: what answers each request. uWSGI
 * answers requests with a raw HTTP response, pings, RPC, spooler and
 * signal packets with a uwsgi packet, echo with raw bytes; the first bytes
 * and the request being answered tell which. */
#include "decode_int.h"

#include <string.h>

#include "uwsgiproto/error.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/vars.h"

#define HEADERS_MAX 100

/* Requests whose answer is a uwsgi packet rather than HTTP or raw bytes. */
static int answers_with_packet(const struct req *r, uint8_t first)
{
	if (!r)
		return first == UP_MOD_PING || first == UP_MOD_RPC || first == UP_MOD_RESPONSE;
	switch (r->hdr.modifier1) {
	case UP_MOD_PING: case UP_MOD_RPC: case UP_MOD_SPOOL: case UP_MOD_SIGNAL:
	case UP_MOD_CONFIG: case UP_MOD_BRUTAL_RELOAD: case UP_MOD_GRACEFUL_RELOAD:
		return 1;
	}
	return 0;
}

static void resp_start(struct conv *cv, int kind, uint64_t ts)
{
	struct resp *rs = &cv->resp;
	int interim = rs->interim;
	up_buf_t head = rs->head, body = rs->body;
	memset(rs, 0, sizeof *rs);
	rs->head = head;
	rs->body = body;
	up_buf_reset(&rs->head);
	up_buf_reset(&rs->body);
	rs->kind = kind;
	rs->ts = ts;
	rs->interim = interim;
}

static void response_done(struct conv *cv, uint64_t ts, int complete)
{
	struct half *h = &cv->h[DIR_S2C];
	struct resp *rs = &cv->resp;
	rs->end_ts = ts;
	rs->complete = complete;
	struct req *r = dec_queue_pop(cv);
	if (r && !r->emitted) {
		r->emitted = 1;
		dec_emit(cv, DIR_C2S, EV_REQUEST, r->ts, r, NULL);
	}
	dec_emit(cv, DIR_S2C, EV_RESPONSE, rs->ts, r, NULL);
	if (r) {
		r->answered = 1;
		dec_req_release(cv, r);
	}
	rs->interim = 0;
	h->state = S_START;
	h->in_unit = 0;
}

/* The answer to the oldest request was cut: that request gets none. */
static void response_lost(struct conv *cv, const char *why)
{
	struct req *r = dec_queue_pop(cv);
	if (r)
		dec_unanswered(cv, r, why);
	cv->resp.interim = 0;
}

static size_t start(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[DIR_S2C];
	size_t m = n < 5 ? n : 5;
	if (memcmp(p, "HTTP/", m) == 0) {
		if (n < 5)
			return 0;
		resp_start(cv, RESP_HTTP, ts);
		h->state = S_HTTP_HEAD;
	} else if (answers_with_packet(cv->q, p[0])) {
		resp_start(cv, RESP_PACKET, ts);
		h->state = S_PACKET;
	} else {
		resp_start(cv, RESP_RAW, ts);
		h->state = S_EOF;
	}
	h->in_unit = 1;
	return 1;  /* the state changed; no byte was used */
}

/* REQUEST_METHOD of the request being answered ("GET" when unknown). */
static void method_of(const struct req *r, const uint8_t **m, size_t *mlen)
{
	up_var_t v;
	*m = (const uint8_t *)"GET";
	*mlen = 3;
	if (r && up_modifier_payload(r->hdr.modifier1) == UP_PAYLOAD_VARS &&
	    up_vars_find(up_buf_head(&r->head) + UP_HEADER_SIZE, r->head.len - UP_HEADER_SIZE,
			 "REQUEST_METHOD", 14, &v) == 1) {
		*m = v.val;
		*mlen = v.vlen;
	}
}

static size_t http_head(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[DIR_S2C];
	struct resp *rs = &cv->resp;
	up_http_header_t hdrs[HEADERS_MAX];
	up_http_response_t hr;
	ssize_t r = up_http_parse_response(p, n, NULL, &hr, hdrs, HEADERS_MAX);
	if (r == 0)
		return 0;
	if (r < 0) {
		dec_malformed(cv, DIR_S2C, ts, "HTTP response head: %s", up_strerror((int)r));
		response_lost(cv, "its response is malformed");
		dec_resync(h, S_RESYNC, ts, "after a malformed response");
		return 1;  /* so that the search does not find this head again */
	}
	size_t used = (size_t)r;
	if (hr.status < 200 && hr.status != 101) {
		rs->interim++;  /* 100 Continue and friends: the answer follows */
		h->state = S_START;
		return used;
	}
	(void)mem_buf_append(cv->mem, &rs->head, DECODE_HOLD_MAX, p, used);
	rs->status = hr.status;
	rs->chunked = hr.chunked;
	const uint8_t *m;
	size_t mlen;
	method_of(cv->q, &m, &mlen);
	if (hr.status == 101) {
		response_done(cv, ts, 1);
		h->state = S_SKIP;  /* another protocol from here on */
	} else if (!up_http_response_has_body(m, mlen, hr.status)) {
		response_done(cv, ts, 1);
	} else if (hr.chunked) {
		up_chunked_init(&h->ch, 0);
		h->state = S_CHUNKED;
	} else if (hr.content_length > 0) {
		h->remain = (uint64_t)hr.content_length;
		h->state = S_BODY;
	} else if (hr.content_length == 0) {
		response_done(cv, ts, 1);
	} else {
		h->state = S_EOF;
	}
	return used;
}

static size_t packet(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[DIR_S2C];
	struct resp *rs = &cv->resp;
	up_packet_t pkt;
	int rc = up_stream_parse(&h->ps, p, n, &pkt);
	if (rc <= 0)
		return 0;  /* raw framing: only "need more" is possible */
	up_stream_reset(&h->ps);
	(void)mem_buf_append(cv->mem, &rs->head, DECODE_HOLD_MAX, p, (size_t)rc);
	rs->hdr = pkt.hdr;
	rs->body_len = pkt.payload_len;
	response_done(cv, ts, 1);
	return (size_t)rc;
}

static size_t chunked(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[DIR_S2C];
	struct resp *rs = &cv->resp;
	const uint8_t *data;
	size_t dlen;
	ssize_t rc = up_chunked_parse(&h->ch, p, n, &data, &dlen);
	if (rc < 0) {
		dec_malformed(cv, DIR_S2C, ts, "chunked response body: %s", up_strerror((int)rc));
		response_done(cv, ts, 0);
		dec_resync(h, S_RESYNC, ts, "after a malformed chunked body");
		return 0;  /* the state changed: the search starts here */
	}
	if (dlen) {
		dec_keep(cv, &rs->body, data, dlen);
		rs->body_len += dlen;
	}
	if (up_chunked_done(&h->ch))
		response_done(cv, ts, 1);
	return (size_t)rc;
}

/* Look for the next "HTTP/1." */
static size_t find_http(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[DIR_S2C];
	static const char mark[] = "HTTP/1.";
	const uint8_t *at = memmem(p, n, mark, sizeof mark - 1);
	if (at) {
		h->skipped += (size_t)(at - p);
		dec_resync_done(cv, DIR_S2C, ts, 0);
		h->state = S_START;
		return (size_t)(at - p);
	}
	/* Keep a tail that may be the start of the mark. */
	size_t drop = n > sizeof mark - 2 ? n - (sizeof mark - 2) : 0;
	h->skipped += drop;
	return drop;
}

size_t dec_server_run(struct conv *cv, const uint8_t *p, size_t n, uint64_t ts)
{
	struct half *h = &cv->h[DIR_S2C];
	struct resp *rs = &cv->resp;
	size_t off = 0;
	while (off < n) {
		const uint8_t *q = p + off;
		size_t len = n - off, used;
		int before = h->state;
		switch (h->state) {
		case S_SKIP:
			return n;
		case S_START:
			if (!start(cv, q, len, ts))
				return off;
			continue;
		case S_HTTP_HEAD:
			used = http_head(cv, q, len, ts);
			break;
		case S_PACKET:
			used = packet(cv, q, len, ts);
			break;
		case S_CHUNKED:
			used = chunked(cv, q, len, ts);
			break;
		case S_BODY:
			used = h->remain < len ? (size_t)h->remain : len;
			dec_keep(cv, &rs->body, q, used);
			rs->body_len += used;
			h->remain -= used;
			if (h->remain == 0)
				response_done(cv, ts, 1);
			break;
		case S_EOF:
			dec_keep(cv, &rs->body, q, len);
			rs->body_len += len;
			return n;
		default:  /* S_RESYNC */
			used = find_http(cv, q, len, ts);
			if (h->state == S_RESYNC)
				return off + used;
			break;
		}
		if (used == 0 && h->state == before)
			return off;  /* needs more bytes */
		off += used;
	}
	return off;
}

/* Say what is known of an HTTP head that a gap cut: its status line. */
static void cut_head(struct conv *cv, uint64_t ts, const char *why)
{
	struct half *h = &cv->h[DIR_S2C];
	const uint8_t *p = up_buf_head(&h->hold);
	size_t n = 0;
	while (n < h->hold.len && n < 100 && p[n] >= 0x20 && p[n] < 0x7f)
		n++;
	dec_malformed(cv, DIR_S2C, ts, "a response incomplete in the capture (%s): \"%.*s\", %zu "
		      "bytes of its head captured", why, (int)n, (const char *)p, h->hold.len);
}

void dec_server_gap(struct conv *cv, uint64_t n, uint64_t ts, const char *why)
{
	struct half *h = &cv->h[DIR_S2C];
	struct resp *rs = &cv->resp;
	if ((h->state == S_BODY || h->state == S_EOF) && h->hold.len == 0) {
		uint64_t take = h->state == S_EOF || n < h->remain ? n : h->remain;
		rs->body_len += take;
		rs->body_lost += take;
		n -= take;
		if (h->state == S_BODY) {
			h->remain -= take;
			if (h->remain == 0)
				response_done(cv, ts, 1);
		}
		if (n == 0)
			return;
	}
	switch (h->state) {
	case S_SKIP:
		return;
	case S_BODY:
	case S_CHUNKED:
		/* The head was seen: report the response as far as it went. */
		rs->body_lost += n;
		response_done(cv, ts, 0);
		break;
	case S_HTTP_HEAD:
		cut_head(cv, ts, why);
		/* fall through */
	case S_PACKET:
		response_lost(cv, "its response was not captured whole");
		break;
	}
	h->skipped += h->hold.len;
	up_buf_reset(&h->hold);
	dec_resync(h, S_RESYNC, ts, why);
	h->lost += n;
}

void dec_server_end(struct conv *cv, uint64_t ts, const char *why, int closed)
{
	struct half *h = &cv->h[DIR_S2C];
	struct resp *rs = &cv->resp;
	uint64_t last = h->last_ts ? h->last_ts : ts;
	size_t n = h->hold.len;
	switch (h->state) {
	case S_START:
		if (n)
			dec_malformed(cv, DIR_S2C, last, "the response ends after %zu bytes", n);
		break;
	case S_EOF:
		response_done(cv, last, closed);  /* the close is its end */
		break;
	case S_HTTP_HEAD:
		dec_malformed(cv, DIR_S2C, last, "the response ends inside its HTTP head "
			      "(%zu bytes)", n);
		response_lost(cv, "its response ends inside its head");
		break;
	case S_PACKET:
		dec_malformed(cv, DIR_S2C, last, "size past end: the answer's header announces "
			      "%u bytes, the stream ends after %zu",
			      n >= UP_HEADER_SIZE ? up_get_le16(up_buf_head(&h->hold) + 1) : 0,
			      n >= UP_HEADER_SIZE ? n - UP_HEADER_SIZE : 0);
		response_lost(cv, "its answer ends inside its packet");
		break;
	case S_BODY:
		dec_malformed(cv, DIR_S2C, last, "the response body ends after %llu of %llu bytes",
			      (unsigned long long)rs->body_len,
			      (unsigned long long)(rs->body_len + h->remain));
		response_done(cv, last, 0);
		break;
	case S_CHUNKED:
		dec_malformed(cv, DIR_S2C, last, "the chunked response body ends before its "
			      "last chunk");
		response_done(cv, last, 0);
		break;
	case S_RESYNC:
		h->skipped += n;
		dec_resync_done(cv, DIR_S2C, ts, 1);
		break;
	}
	up_buf_reset(&h->hold);
	/* Nothing more can come from the server. */
	while (cv->q)
		dec_unanswered(cv, dec_queue_pop(cv), why);
}
