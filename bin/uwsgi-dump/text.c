#include "text.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "fields.h"
#include "mem.h"
#include "uwsgiproto/http.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/vars.h"

#define INLINE_MAX 100  /* bytes of a value shown on the summary line */
#define VALUE_MAX 4096  /* bytes of a value shown with -v */

void text_escaped(up_buf_t *o, const uint8_t *s, size_t n, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t shown = n < max ? n : max;
	for (size_t i = 0; i < shown; i++) {
		uint8_t c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			up_buf_append(o, &c, 1);
		} else {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
			if (c == '\\')
				up_buf_append(o, "\\\\", 2);
			else
				up_buf_append(o, e, 4);
		}
	}
	if (shown < n)
		up_buf_puts(o, "...");
}

static void put_time(up_buf_t *o, struct text_opts *t, uint64_t ts)
{
	time_t sec = (time_t)(ts / 1000000);
	unsigned us = (unsigned)(ts % 1000000);
	struct tm tm;
	switch (t->ts_mode) {
	case TS_NONE:
		return;
	case TS_EPOCH:
		up_buf_printf(o, "%lld.%06u ", (long long)sec, us);
		return;
	case TS_DELTA: {
		uint64_t d = t->prev_ts && ts > t->prev_ts ? ts - t->prev_ts : 0;
		t->prev_ts = ts;
		up_buf_printf(o, "%" PRIu64 ".%06u ", d / 1000000, (unsigned)(d % 1000000));
		return;
	}
	}
	localtime_r(&sec, &tm);
	if (t->ts_mode == TS_DATE)
		up_buf_printf(o, "%04d-%02d-%02d ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	up_buf_printf(o, "%02d:%02d:%02d.%06u ", tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

static void put_start(up_buf_t *o, struct text_opts *t, const struct event *ev)
{
	put_time(o, t, ev->ts);
	up_buf_printf(o, "%s > %s ", ev->src, ev->dst);
	if (ev->udp)
		up_buf_puts(o, "udp ");
}

/* "k=v k=v ..." for vars-framed packets that are not HTTP requests. */
static void inline_vars(up_buf_t *o, const uint8_t *p, size_t n)
{
	up_vars_iter_t it;
	up_var_t v;
	size_t start = o->len;
	up_vars_iter_init(&it, p, n);
	while (up_vars_next(&it, &v) > 0) {
		if (o->len - start > INLINE_MAX) {
			up_buf_puts(o, " ...");
			return;
		}
		up_buf_puts(o, " ");
		text_escaped(o, v.key, v.klen, INLINE_MAX);
		up_buf_puts(o, "=");
		text_escaped(o, v.val, v.vlen, INLINE_MAX);
	}
}

static void describe_req(up_buf_t *o, const struct req *r)
{
	size_t n;
	const uint8_t *p = req_payload(r, &n);
	up_var_t m, u, v;
	const uint8_t *q;
	size_t qlen;
	up_buf_puts(o, req_name(r));
	switch (req_kind(r)) {
	case UP_PAYLOAD_VARS:
		if (req_method_uri(r, &m, &u, &q, &qlen)) {
			up_buf_puts(o, " ");
			text_escaped(o, m.val, m.vlen, INLINE_MAX);
			up_buf_puts(o, " ");
			text_escaped(o, u.val, u.vlen, VALUE_MAX);
			if (qlen) {
				up_buf_puts(o, "?");
				text_escaped(o, q, qlen, VALUE_MAX);
			}
		} else {
			if (r->hdr.modifier2)
				up_buf_printf(o, " m2=%u", r->hdr.modifier2);
			inline_vars(o, p, n);
		}
		break;
	case UP_PAYLOAD_ARRAY: {
		up_vars_iter_t it;
		int i = 0;
		up_vars_iter_init(&it, p, n);
		while (up_array_next(&it, &v) > 0) {
			up_buf_puts(o, i == 0 ? " " : i == 1 ? "(\"" : ", \"");
			text_escaped(o, v.val, v.vlen, INLINE_MAX);
			if (i++ > 0)
				up_buf_puts(o, "\"");
		}
		up_buf_puts(o, i > 1 ? ")" : "()");
		break;
	}
	case UP_PAYLOAD_NONE:
		if (r->hdr.modifier1 != UP_MOD_PING)
			up_buf_printf(o, " %u", r->hdr.modifier2);
		break;
	default:
		if (!up_modifier_info(r->hdr.modifier1))
			up_buf_printf(o, " %u/%u", r->hdr.modifier1, r->hdr.modifier2);
		else if (r->hdr.modifier2)
			up_buf_printf(o, " m2=%u", r->hdr.modifier2);
		up_buf_printf(o, " %zu bytes", n);
	}
	if (r->declared > 0 || r->body_len)
		up_buf_printf(o, " body %" PRIu64, r->body_len);
	if (r->body_lost)
		up_buf_printf(o, " [%" PRIu64 " not captured]", r->body_lost);
	if (r->body_done && r->declared > 0 && r->body_len < (uint64_t)r->declared)
		up_buf_printf(o, " (of %lld)", (long long)r->declared);
}

/* What a uwsgi packet answer says. */
static void describe_packet(up_buf_t *o, const struct resp *rs, const struct req *r)
{
	unsigned m1 = rs->hdr.modifier1, m2 = rs->hdr.modifier2;
	const uint8_t *pay = up_buf_head(&rs->head) + UP_HEADER_SIZE;
	size_t n = rs->head.len >= UP_HEADER_SIZE ? rs->head.len - UP_HEADER_SIZE : 0;
	if (m1 == UP_MOD_PING && m2 == 1) {
		up_buf_puts(o, "pong");
	} else if (m1 == UP_MOD_RESPONSE) {
		const char *ok = r && r->hdr.modifier1 == UP_MOD_SPOOL ? "accepted" : "done";
		if (m2 == 1)
			up_buf_puts(o, ok);
		else
			up_buf_printf(o, "refused (modifier2 %u)", m2);
	} else if (m1 == UP_MOD_RPC) {
		up_buf_puts(o, "\"");
		text_escaped(o, pay, n, INLINE_MAX);
		up_buf_printf(o, "\" %zu bytes", n);
	} else {
		up_buf_printf(o, "%s/%u %zu bytes", up_modifier_name(m1), m2, n);
	}
}

static void describe_resp(up_buf_t *o, const struct resp *rs, const struct req *r)
{
	if (rs->kind == RESP_HTTP)
		up_buf_printf(o, "%d %" PRIu64 " bytes%s", rs->status, rs->body_len,
			      rs->chunked ? " chunked" : "");
	else if (rs->kind == RESP_PACKET)
		describe_packet(o, rs, r);
	else
		up_buf_printf(o, "%" PRIu64 " bytes", rs->body_len);
	if (rs->body_lost)
		up_buf_printf(o, " [%" PRIu64 " not captured]", rs->body_lost);
	if (!rs->complete)
		up_buf_puts(o, " (incomplete)");
}

static void hexdump(up_buf_t *o, const uint8_t *p, size_t n)
{
	for (size_t off = 0; off < n; off += 16) {
		size_t k = n - off < 16 ? n - off : 16;
		up_buf_printf(o, "\t0x%04zx:  ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i < k)
				up_buf_printf(o, "%02x", p[off + i]);
			else
				up_buf_puts(o, "  ");
			if (i & 1)
				up_buf_puts(o, " ");
		}
		up_buf_puts(o, " ");
		for (size_t i = 0; i < k; i++) {
			char c = p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : '.';
			up_buf_append(o, &c, 1);
		}
		up_buf_puts(o, "\n");
	}
}

static void asciidump(up_buf_t *o, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = (char)p[i];
		if (c == '\r')
			continue;
		if (c != '\n' && c != '\t' && (p[i] < 0x20 || p[i] >= 0x7f))
			c = '.';
		up_buf_append(o, &c, 1);
	}
	if (n && p[n - 1] != '\n')
		up_buf_puts(o, "\n");
}

static void dump(up_buf_t *o, const struct text_opts *t, const char *what,
		 const up_buf_t *kept, uint64_t total)
{
	if ((!t->hex && !t->ascii) || total == 0)
		return;
	up_buf_printf(o, "    %s:\n", what);
	if (t->hex)
		hexdump(o, up_buf_head(kept), kept->len);
	else
		asciidump(o, up_buf_head(kept), kept->len);
	if (kept->len < total)
		up_buf_printf(o, "    (%" PRIu64 " more bytes not shown)\n", total - kept->len);
}

static void verbose_req(up_buf_t *o, const struct text_opts *t, const struct req *r)
{
	size_t n;
	const uint8_t *p = req_payload(r, &n);
	up_vars_iter_t it;
	up_var_t v;
	if (t->verbose) {
		up_buf_printf(o, "    modifier1 %u (%s), datasize %u, modifier2 %u\n",
			      r->hdr.modifier1, up_modifier_name(r->hdr.modifier1),
			      r->hdr.datasize, r->hdr.modifier2);
		up_vars_iter_init(&it, p, n);
		int kind = req_kind(r), i = 0;
		while (kind == UP_PAYLOAD_VARS ? up_vars_next(&it, &v) > 0
		       : kind == UP_PAYLOAD_ARRAY && up_array_next(&it, &v) > 0) {
			up_buf_puts(o, "    ");
			if (v.key)
				text_escaped(o, v.key, v.klen, VALUE_MAX);
			else
				up_buf_printf(o, "[%d]", i++);
			up_buf_puts(o, ": ");
			text_escaped(o, v.val, v.vlen, VALUE_MAX);
			up_buf_puts(o, "\n");
		}
	}
	if (req_kind(r) == UP_PAYLOAD_RAW) {
		up_buf_t pay = { .data = (uint8_t *)p, .len = n, .cap = n };
		dump(o, t, "payload", &pay, n);
	}
	dump(o, t, "body", &r->body, r->body_len - r->body_lost);
}

static void verbose_resp(up_buf_t *o, const struct text_opts *t, const struct resp *rs,
			 const struct req *r)
{
	if (t->verbose && rs->kind == RESP_HTTP) {
		up_http_header_t hdrs[100];
		up_http_response_t hr;
		if (up_http_parse_response(up_buf_head(&rs->head), rs->head.len, NULL, &hr,
					   hdrs, 100) > 0) {
			up_buf_printf(o, "    < HTTP/1.%d %d ", hr.version_minor, hr.status);
			text_escaped(o, hr.reason.ptr, hr.reason.len, VALUE_MAX);
			up_buf_puts(o, "\n");
			for (size_t i = 0; i < hr.num_headers; i++) {
				up_buf_puts(o, "    < ");
				text_escaped(o, hdrs[i].name.ptr, hdrs[i].name.len, VALUE_MAX);
				up_buf_puts(o, ": ");
				text_escaped(o, hdrs[i].value.ptr, hdrs[i].value.len, VALUE_MAX);
				up_buf_puts(o, "\n");
			}
		}
	} else if (t->verbose && rs->kind == RESP_PACKET) {
		up_buf_printf(o, "    < modifier1 %u (%s), datasize %u, modifier2 %u\n",
			      rs->hdr.modifier1, up_modifier_name(rs->hdr.modifier1),
			      rs->hdr.datasize, rs->hdr.modifier2);
	}
	if (t->verbose) {
		up_buf_printf(o, "    < %" PRIu64 " bytes", rs->body_len);
		if (r)
			up_buf_printf(o, ", first byte %.3f ms after the request's last, "
				      "last byte %.3f ms after its first",
				      ms_between(r->end_ts, rs->ts), ms_between(r->ts, rs->end_ts));
		up_buf_puts(o, "\n");
	}
	if (rs->kind == RESP_PACKET) {
		const uint8_t *pay = up_buf_head(&rs->head) + UP_HEADER_SIZE;
		size_t n = rs->head.len >= UP_HEADER_SIZE ? rs->head.len - UP_HEADER_SIZE : 0;
		up_buf_t b = { .data = (uint8_t *)pay, .len = n, .cap = n };
		dump(o, t, "answer payload", &b, n);
	} else {
		dump(o, t, "response body", &rs->body, rs->body_len - rs->body_lost);
	}
}

void text_event(up_buf_t *o, struct text_opts *t, const struct event *ev)
{
	const struct req *r = ev->req;
	switch (ev->kind) {
	case EV_REQUEST:
		if (!ev->udp)
			return;  /* printed with its answer */
		put_start(o, t, ev);
		describe_req(o, r);
		up_buf_puts(o, "\n");
		verbose_req(o, t, r);
		return;
	case EV_RESPONSE:
		if (!r) {
			put_start(o, t, ev);
			up_buf_puts(o, "response ");
			describe_resp(o, ev->resp, NULL);
			up_buf_puts(o, " (its request was not captured)\n");
			verbose_resp(o, t, ev->resp, NULL);
			return;
		}
		/* The exchange, from the client's side, at the request's time. */
		{
			struct event rq = *ev;
			rq.src = ev->dst;
			rq.dst = ev->src;
			rq.ts = r->ts;
			put_start(o, t, &rq);
		}
		describe_req(o, r);
		up_buf_puts(o, " \xe2\x86\x92 ");
		describe_resp(o, ev->resp, r);
		up_buf_printf(o, " %.3f ms\n", ms_between(r->ts, ev->resp->end_ts));
		verbose_req(o, t, r);
		verbose_resp(o, t, ev->resp, r);
		return;
	case EV_UNANSWERED:
		put_start(o, t, ev);
		describe_req(o, r);
		up_buf_printf(o, " \xe2\x86\x92 no response (%s)\n", ev->reason);
		verbose_req(o, t, r);
		return;
	case EV_MALFORMED:
		put_start(o, t, ev);
		up_buf_printf(o, "malformed: %s\n", ev->reason);
		return;
	case EV_GAP:
		put_start(o, t, ev);
		up_buf_puts(o, "gap:");
		if (ev->lost)
			up_buf_printf(o, " %" PRIu64 " bytes not captured", ev->lost);
		if (ev->skipped)
			up_buf_printf(o, "%s %" PRIu64 " bytes skipped", ev->lost ? "," : "",
				      ev->skipped);
		up_buf_printf(o, ": %s\n", ev->reason);
		return;
	}
}
