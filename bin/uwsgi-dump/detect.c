#include "detect.h"

#include <string.h>

#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"
#include "uwsgiproto/stream.h"

int ports_has(const struct ports *p, unsigned port)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->v[i] == port)
			return 1;
	return 0;
}

void ports_add(struct ports *p, unsigned port)
{
	if (!ports_has(p, port) && p->n < PORTS_MAX)
		p->v[p->n++] = (uint16_t)port;
}

static int printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return 0;
	return 1;
}

/* Walk a vars block (keys = 1) or an array (keys = 0) of ds bytes of which
 * avail are present, checking each field as far as it is there. */
static int walk(const uint8_t *b, size_t ds, size_t avail, int keys)
{
	size_t pos = 0;
	int complete = 0, first = 1;
	while (pos < ds) {
		for (int field = 0; field < 1 + keys; field++) {
			if (2 > ds - pos)
				return DETECT_NO;
			if (2 > avail - pos)
				return complete ? DETECT_PARTIAL : DETECT_MORE;
			size_t n = up_get_le16(b + pos);
			pos += 2;
			if (n > ds - pos)
				return DETECT_NO;
			/* Keys, and an RPC call's function name, are names. */
			int name = keys ? field == 0 : first;
			if (name && (n == 0 || n > DETECT_KEY_MAX))
				return DETECT_NO;
			size_t have = avail - pos < n ? avail - pos : n;
			if (name && !printable(b + pos, have))
				return DETECT_NO;
			if (have < n)
				return complete ? DETECT_PARTIAL : DETECT_MORE;
			pos += n;
			first = 0;
		}
		complete = 1;
	}
	return DETECT_YES;
}

int detect_packet(const uint8_t *buf, size_t len, size_t *plen)
{
	if (len < UP_HEADER_SIZE)
		return DETECT_MORE;
	if (up_looks_like_http(buf, len))
		return DETECT_NO;
	const up_modifier_info_t *m = up_modifier_info(buf[0]);
	if (!m || strcmp(m->name, "reserved") == 0)
		return DETECT_NO;
	size_t ds = up_get_le16(buf + 1);
	size_t avail = len - UP_HEADER_SIZE < ds ? len - UP_HEADER_SIZE : ds;
	int rc;
	switch (m->payload) {
	case UP_PAYLOAD_NONE:
		rc = ds == 0 ? DETECT_YES : DETECT_NO;
		break;
	case UP_PAYLOAD_VARS:
		rc = ds < 4 ? DETECT_NO : walk(buf + UP_HEADER_SIZE, ds, avail, 1);
		break;
	case UP_PAYLOAD_ARRAY:
		rc = ds < 2 ? DETECT_NO : walk(buf + UP_HEADER_SIZE, ds, avail, 0);
		break;
	default:
		return DETECT_NO;  /* raw payloads have nothing to check */
	}
	if (rc == DETECT_YES && plen)
		*plen = UP_HEADER_SIZE + ds;
	return rc;
}
