#include "jsonout.h"
#include "mem.h"

#include <inttypes.h>

#include "fields.h"
#include "uwsgiproto/http.h"
#include "uwsgiproto/json.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/vars.h"

static void begin(up_buf_t *o, const char *kind, const struct event *ev, uint64_t ts)
{
	up_buf_puts(o, "{\"kind\":");
	up_json_cstr(o, kind);
	up_buf_printf(o, ",\"ts\":%" PRIu64 ".%06u,\"src\":", ts / 1000000,
		      (unsigned)(ts % 1000000));
	up_json_cstr(o, ev->src);
	up_buf_puts(o, ",\"dst\":");
	up_json_cstr(o, ev->dst);
	up_buf_puts(o, ev->udp ? ",\"transport\":\"udp\"" : ",\"transport\":\"tcp\"");
}

static void id(up_buf_t *o, const struct req *r)
{
	if (r)
		up_buf_printf(o, ",\"id\":%" PRIu64, r->id);
	else
		up_buf_puts(o, ",\"id\":null");
}

/* "vars":{...} (keys in wire order; a repeated key appears repeatedly),
 * and "args":[...] for array payloads. */
static void payload(up_buf_t *o, const struct req *r)
{
	size_t n;
	const uint8_t *p = req_payload(r, &n);
	up_vars_iter_t it;
	up_var_t v;
	int kind = req_kind(r), first = 1;
	up_buf_puts(o, ",\"vars\":{");
	up_vars_iter_init(&it, p, n);
	while (kind == UP_PAYLOAD_VARS && up_vars_next(&it, &v) > 0) {
		if (!first)
			up_buf_puts(o, ",");
		first = 0;
		up_json_str(o, v.key, v.klen);
		up_buf_puts(o, ":");
		up_json_str(o, v.val, v.vlen);
	}
	up_buf_puts(o, "}");
	if (kind == UP_PAYLOAD_ARRAY) {
		up_buf_puts(o, ",\"args\":[");
		up_vars_iter_init(&it, p, n);
		for (first = 1; up_array_next(&it, &v) > 0; first = 0) {
			if (!first)
				up_buf_puts(o, ",");
			up_json_str(o, v.val, v.vlen);
		}
		up_buf_puts(o, "]");
	}
}

static void request(up_buf_t *o, const struct event *ev)
{
	const struct req *r = ev->req;
	begin(o, "request", ev, r->ts);
	id(o, r);
	up_buf_printf(o, ",\"modifier1\":%u,\"modifier1_name\":", r->hdr.modifier1);
	up_json_cstr(o, up_modifier_name(r->hdr.modifier1));
	up_buf_printf(o, ",\"modifier2\":%u,\"datasize\":%u", r->hdr.modifier2,
		      r->hdr.datasize);
	payload(o, r);
	up_buf_printf(o, ",\"body_len\":%" PRIu64, r->body_len);
	if (r->declared >= 0 && !ev->udp)
		up_buf_printf(o, ",\"content_length\":%lld", (long long)r->declared);
	up_buf_printf(o, ",\"body_lost\":%" PRIu64 ",\"body_complete\":%s}\n",
		      r->body_lost, r->body_done && (r->declared < 0 ||
		      r->body_len >= (uint64_t)r->declared) ? "true" : "false");
}

static void headers(up_buf_t *o, const struct resp *rs)
{
	up_http_header_t hdrs[100];
	up_http_response_t hr;
	up_buf_puts(o, ",\"headers\":{");
	if (rs->kind == RESP_HTTP &&
	    up_http_parse_response(up_buf_head(&rs->head), rs->head.len, NULL, &hr,
				   hdrs, 100) > 0) {
		for (size_t i = 0; i < hr.num_headers; i++) {
			if (i)
				up_buf_puts(o, ",");
			up_json_str(o, hdrs[i].name.ptr, hdrs[i].name.len);
			up_buf_puts(o, ":");
			up_json_str(o, hdrs[i].value.ptr, hdrs[i].value.len);
		}
	}
	up_buf_puts(o, "}");
}

static void response(up_buf_t *o, const struct event *ev)
{
	const struct resp *rs = ev->resp;
	const struct req *r = ev->req;
	static const char *const kinds[] = { "", "http", "packet", "raw" };
	begin(o, "response", ev, rs->ts);
	id(o, r);
	up_buf_puts(o, ",\"type\":");
	up_json_cstr(o, kinds[rs->kind]);
	if (rs->kind == RESP_HTTP)
		up_buf_printf(o, ",\"status\":%d", rs->status);
	else
		up_buf_puts(o, ",\"status\":null");
	if (rs->kind == RESP_PACKET) {
		up_buf_printf(o, ",\"modifier1\":%u,\"modifier1_name\":", rs->hdr.modifier1);
		up_json_cstr(o, up_modifier_name(rs->hdr.modifier1));
		up_buf_printf(o, ",\"modifier2\":%u,\"payload\":", rs->hdr.modifier2);
		size_t n = rs->head.len >= UP_HEADER_SIZE ? rs->head.len - UP_HEADER_SIZE : 0;
		up_json_str(o, up_buf_head(&rs->head) + UP_HEADER_SIZE, n);
	}
	headers(o, rs);
	up_buf_printf(o, ",\"body_len\":%" PRIu64 ",\"body_lost\":%" PRIu64
		      ",\"chunked\":%s,\"complete\":%s", rs->body_len, rs->body_lost,
		      rs->chunked ? "true" : "false", rs->complete ? "true" : "false");
	if (r)
		up_buf_printf(o, ",\"latency_ms\":%.3f,\"ttfb_ms\":%.3f}\n",
			      ms_between(r->ts, rs->end_ts), ms_between(r->end_ts, rs->ts));
	else
		up_buf_puts(o, ",\"latency_ms\":null,\"ttfb_ms\":null}\n");
}

void json_event(up_buf_t *o, const struct event *ev)
{
	switch (ev->kind) {
	case EV_REQUEST:
		request(o, ev);
		return;
	case EV_RESPONSE:
		response(o, ev);
		return;
	case EV_UNANSWERED:
		begin(o, "unanswered", ev, ev->ts);
		id(o, ev->req);
		break;
	case EV_MALFORMED:
		begin(o, "malformed", ev, ev->ts);
		break;
	case EV_GAP:
		begin(o, "gap", ev, ev->ts);
		up_buf_printf(o, ",\"skipped\":%" PRIu64 ",\"lost\":%" PRIu64, ev->skipped,
			      ev->lost);
		break;
	}
	up_buf_puts(o, ",\"reason\":");
	up_json_cstr(o, ev->reason);
	up_buf_puts(o, "}\n");
}
