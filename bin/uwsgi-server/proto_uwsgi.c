#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "proto.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"
#include "uwsgiproto/stream.h"
#include "uwsgiproto/vars.h"

void proto_begin(struct request *r, struct conn *c)
{
	struct var *vars = r->vars;
	size_t maxvars = r->maxvars;
	uint8_t *scratch = r->scratch;
	size_t scap = r->scratch_cap;
	memset(r, 0, sizeof *r);
	r->vars = vars;
	r->maxvars = maxvars;
	r->scratch = scratch;
	r->scratch_cap = scap;
	r->c = c;
	c->keep = 0;
	r->content_length = -1;
	r->resp_left = -1;
}

/* Read from the socket until `need` bytes past c->used are buffered.
 * Returns 1, 0 on EOF before any byte of this request, -1 on error. */
static int want(struct request *r, size_t need, uint64_t deadline)
{
	struct conn *c = r->c;
	up_err_t err;
	while (c->len - c->used < need) {
		/* One deadline for the whole head: a client sending a byte at a
		 * time cannot hold the worker longer than --socket-timeout. */
		ssize_t n = up_read_some(c->fd, c->buf + c->len, c->cap - c->len,
					 up_ms_left(deadline), c->peer, &err);
		if (n == 0 && c->len == c->used)
			return 0;
		if (n == 0) {
			snprintf(r->err, sizeof r->err, "client closed the connection "
				 "after %zu of %zu header bytes", c->len - c->used, need);
			return -1;
		}
		if (n < 0) {
			snprintf(r->err, sizeof r->err, "%.150s", err.msg);
			return -1;
		}
		c->len += (size_t)n;
	}
	return 1;
}

static const char *var_or(const struct request *r, const char *k, const char *dflt,
			  uint16_t *len)
{
	size_t l;
	const char *v = req_var(r, k, &l);
	if (!v) {
		*len = (uint16_t)strlen(dflt);
		return dflt;
	}
	*len = (uint16_t)l;
	return v;
}

static int parse_length(struct request *r)
{
	size_t l;
	const char *v = req_var(r, "CONTENT_LENGTH", &l);
	if (!v || l == 0)
		return 0;
	if (up_parse_length(v, l, &r->content_length) < 0) {
		snprintf(r->err, sizeof r->err, "invalid CONTENT_LENGTH '%.*s'",
			 (int)(l > 32 ? 32 : l), v);
		return -1;
	}
	return 0;
}

static int collect_vars(struct request *r, const uint8_t *block, size_t len)
{
	up_vars_iter_t it;
	up_var_t v;
	int rc;
	up_vars_iter_init(&it, block, len);
	while ((rc = up_vars_next(&it, &v)) > 0) {
		if (r->nvars == r->maxvars) {
			snprintf(r->err, sizeof r->err, "more than %zu vars", r->maxvars);
			return -1;
		}
		r->vars[r->nvars++] = (struct var){ (const char *)v.key, (const char *)v.val,
						    (uint16_t)v.klen, (uint16_t)v.vlen };
	}
	r->vars_bytes = len;
	return 0;
}

static void not_uwsgi(struct request *r)
{
	static const char msg[] = "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\n"
		"Connection: close\r\n\r\nThis is a uwsgi protocol socket, not an HTTP one: "
		"point the client at an --http-socket.\n";
	up_write_all(r->c->fd, msg, sizeof msg - 1, r->c->timeout_ms, r->c->peer, NULL);
}

int proto_uwsgi_read(struct request *r, size_t buffer_size)
{
	struct conn *c = r->c;
	up_stream_t st;
	up_packet_t pkt;
	uint64_t deadline = up_now_ms() + (uint64_t)c->timeout_ms;
	int rc = want(r, UP_HEADER_SIZE, deadline);
	if (rc <= 0)
		return rc;
	up_stream_init(&st, buffer_size, UP_STREAM_DETECT_HTTP);
	rc = up_stream_parse(&st, c->buf + c->used, c->len - c->used, &pkt);
	if (rc == 0 && want(r, st.need, deadline) < 0)
		return PROTO_ERROR;
	if (rc == 0)
		rc = up_stream_parse(&st, c->buf + c->used, c->len - c->used, &pkt);
	if (rc == UP_EHTTPONUWSGI) {
		snprintf(r->err, sizeof r->err, "HTTP request on a uwsgi socket: "
			 "use --http-socket for HTTP clients");
		not_uwsgi(r);
		return PROTO_ERROR;
	}
	if (rc == UP_ETOOBIG) {
		snprintf(r->err, sizeof r->err, "invalid request block size: %u "
			 "(max %zu): raise --buffer-size",
			 up_get_le16(c->buf + c->used + 1), buffer_size);
		return PROTO_ERROR;
	}
	if (rc < 0) {
		snprintf(r->err, sizeof r->err, "malformed vars block: %s at offset %zu",
			 up_strerror(rc), st.bad_at);
		return PROTO_ERROR;
	}
	c->used += (size_t)rc;
	c->keep = c->used;
	const struct mod_handler *h = handlers_find(pkt.hdr.modifier1);
	if (!h) {
		snprintf(r->err, sizeof r->err, "unavailable modifier requested: %u (%s)",
			 pkt.hdr.modifier1, up_modifier_name(pkt.hdr.modifier1));
		return PROTO_ERROR;
	}
	if (h->kind == HANDLER_PACKET)
		return h->serve(r, &pkt);
	if (h->kind == HANDLER_CALLABLE && h->serve(r, &pkt) != PROTO_REQUEST)
		return PROTO_ERROR;
	r->modifier1 = pkt.hdr.modifier1;
	r->modifier2 = pkt.hdr.modifier2;
	if (collect_vars(r, pkt.payload, pkt.payload_len) < 0 || parse_length(r) < 0)
		return PROTO_ERROR;
	r->method = var_or(r, "REQUEST_METHOD", "GET", &r->method_len);
	r->uri = var_or(r, "REQUEST_URI", "", &r->uri_len);
	if (r->uri_len == 0)
		r->uri = var_or(r, "PATH_INFO", "/", &r->uri_len);
	r->proto = var_or(r, "SERVER_PROTOCOL", "HTTP/1.0", &r->proto_len);
	r->head_only = r->method_len == 4 && memcmp(r->method, "HEAD", 4) == 0;
	r->strip_script_name = pkt.hdr.modifier1 == UP_MOD_WSGI_STRIP;
	return PROTO_REQUEST;
}
