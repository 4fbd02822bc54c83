#include "subs_msg.h"

#include <stdio.h>
#include <string.h>

#include "uwsgiproto/error.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"
#include "uwsgiproto/vars.h"

static int small_int(const up_var_t *v)
{
	int x = 0;
	for (size_t i = 0; i < v->vlen && i < 9; i++) {
		if (v->val[i] < '0' || v->val[i] > '9')
			return 0;
		x = x * 10 + (v->val[i] - '0');
	}
	return x;
}

/* The vars; the address is left in *addr, *alen. */
static int parse_vars(const uint8_t *block, size_t len, struct sub_msg *m,
		      const uint8_t **addr, size_t *alen)
{
	up_vars_iter_t it;
	up_var_t v;
	int rc;
	up_vars_iter_init(&it, block, len);
	while ((rc = up_vars_next(&it, &v)) == 1) {
		if (up_var_is(&v, "key")) {
			m->key = v.val;
			m->klen = v.vlen;
		} else if (up_var_is(&v, "address")) {
			*addr = v.val;
			*alen = v.vlen;
		} else if (up_var_is(&v, "modifier1")) {
			m->prm.modifier1 = small_int(&v);
		} else if (up_var_is(&v, "modifier2")) {
			m->prm.modifier2 = small_int(&v);
		} else if (up_var_is(&v, "cores")) {
			m->prm.cores = small_int(&v);
		} else if (up_var_is(&v, "load")) {
			m->prm.load = small_int(&v);
		} else if (up_var_is(&v, "weight")) {
			m->prm.weight = small_int(&v);
		}
	}
	return rc;
}

/* Only numeric addresses and socket paths: resolving a name would stall
 * the event loop (and a datagram should not make us query DNS). No control
 * bytes either: the address is logged and shown in the stats. */
static int numeric_addr(const char *a)
{
	for (const char *p = a; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	if (a[0] == '/' || a[0] == '@' || a[0] == '.' || a[0] == '[')
		return 1;
	for (const char *p = a; *p; p++)
		if (!strchr("0123456789.:", *p))
			return 0;
	return 1;
}

int sub_msg_decode(const uint8_t *p, size_t n, struct sub_msg *m, char *why, size_t cap)
{
	up_header_t h;
	const uint8_t *address = NULL;
	size_t alen = 0;
	char text[UP_ADDR_TEXT_MAX], shown[UP_ADDR_TEXT_MAX];
	up_err_t err;
	memset(m, 0, sizeof *m);
	if (up_header_decode(p, n, &h) != UP_HEADER_SIZE || h.modifier1 != UP_MOD_SUBSCRIBE ||
	    h.datasize != n - UP_HEADER_SIZE) {
		snprintf(why, cap, "not a subscription packet");
		return -1;
	}
	int rc = parse_vars(p + UP_HEADER_SIZE, h.datasize, m, &address, &alen);
	if (rc < 0 || !m->key || !m->klen || !address || !alen || alen >= sizeof text) {
		snprintf(why, cap, "%s", rc < 0 ? up_strerror(rc) : "no key or no address");
		return -1;
	}
	memcpy(text, address, alen);
	text[alen] = 0;
	if (memchr(address, 0, alen) || !numeric_addr(text) ||
	    up_addr_parse(text, &m->addr, &err) < 0) {
		snprintf(why, cap, "bad node address '%s'", up_safe_text(shown, sizeof shown, address,
								       alen));
		return -1;
	}
	m->unsubscribe = h.modifier2 == 1;
	return 0;
}
