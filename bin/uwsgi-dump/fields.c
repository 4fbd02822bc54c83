#include "fields.h"
#include "mem.h"

#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"

const uint8_t *req_payload(const struct req *r, size_t *n)
{
	if (r->head.len < UP_HEADER_SIZE) {
		*n = 0;
		return up_buf_head(&r->head);
	}
	*n = r->head.len - UP_HEADER_SIZE;
	return up_buf_head(&r->head) + UP_HEADER_SIZE;
}

int req_kind(const struct req *r)
{
	return up_modifier_payload(r->hdr.modifier1);
}

int req_var(const struct req *r, const char *key, up_var_t *v)
{
	size_t n, klen = 0;
	const uint8_t *p = req_payload(r, &n);
	if (req_kind(r) != UP_PAYLOAD_VARS)
		return 0;
	while (key[klen])
		klen++;
	return up_vars_find(p, n, key, klen, v) == 1;
}

int req_method_uri(const struct req *r, up_var_t *method, up_var_t *uri,
		   const uint8_t **q, size_t *qlen)
{
	up_var_t qs;
	*q = NULL;
	*qlen = 0;
	if (!req_var(r, "REQUEST_METHOD", method))
		return 0;
	if (req_var(r, "REQUEST_URI", uri))
		return 1;
	if (!req_var(r, "PATH_INFO", uri))
		uri->val = (const uint8_t *)"", uri->vlen = 0;
	if (req_var(r, "QUERY_STRING", &qs) && qs.vlen) {
		*q = qs.val;
		*qlen = qs.vlen;
	}
	return 1;
}

double ms_between(uint64_t a, uint64_t b)
{
	return b > a ? (double)(b - a) / 1000.0 : 0.0;
}

const char *req_name(const struct req *r)
{
	unsigned m1 = r->hdr.modifier1, m2 = r->hdr.modifier2;
	if (m1 == UP_MOD_SUBSCRIBE && m2 == 1)
		return "unsubscribe";
	if (m1 == UP_MOD_PING && m2 == 1)
		return "pong";
	return up_modifier_name(m1);
}
