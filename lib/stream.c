#include "uwsgiproto/stream.h"
#include "uwsgiproto/error.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/vars.h"

#include <string.h>

void up_stream_init(up_stream_t *s, size_t max_block, unsigned flags)
{
	s->max_block = (max_block == 0 || max_block > UP_MAX_DATASIZE)
		? UP_MAX_DATASIZE : max_block;
	s->flags = flags;
	up_stream_reset(s);
}

void up_stream_reset(up_stream_t *s)
{
	s->need = UP_HEADER_SIZE;
	s->bad_at = 0;
}

int up_looks_like_http(const uint8_t *buf, size_t len)
{
	static const char *const starts[] = {
		"GET ", "POST", "PUT ", "HEAD", "DELE", "OPTI", "PATC",
		"CONN", "TRAC", "PRI ",
	};
	if (len < 4)
		return 0;
	for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
		if (memcmp(buf, starts[i], 4) == 0)
			return 1;
	return 0;
}

static int check_payload(up_stream_t *s, up_packet_t *pkt)
{
	if (s->flags & UP_STREAM_RAW)
		return 0;
	size_t bad = 0;
	int rc = 0;
	switch (up_modifier_payload(pkt->hdr.modifier1)) {
	case UP_PAYLOAD_VARS:
		rc = up_vars_check(pkt->payload, pkt->payload_len, &bad);
		break;
	case UP_PAYLOAD_ARRAY:
		rc = up_array_check(pkt->payload, pkt->payload_len, &bad);
		break;
	default:
		return 0;
	}
	if (rc < 0) {
		s->bad_at = bad;
		return rc;
	}
	pkt->nvars = rc;
	return 0;
}

int up_stream_parse(up_stream_t *s, const uint8_t *buf, size_t len, up_packet_t *pkt)
{
	if (len < s->need)
		return 0;
	if (s->need == UP_HEADER_SIZE) {
		if ((s->flags & UP_STREAM_DETECT_HTTP) && up_looks_like_http(buf, len))
			return UP_EHTTPONUWSGI;
		up_header_t h;
		up_header_decode(buf, len, &h);
		if (h.datasize > s->max_block)
			return UP_ETOOBIG;
		s->need = UP_HEADER_SIZE + (size_t)h.datasize;
		if (len < s->need)
			return 0;
	}
	memset(pkt, 0, sizeof *pkt);
	up_header_decode(buf, len, &pkt->hdr);
	pkt->payload = buf + UP_HEADER_SIZE;
	pkt->payload_len = pkt->hdr.datasize;
	pkt->head_len = s->need;
	pkt->extra = buf + s->need;
	pkt->extra_len = len - s->need;
	int rc = check_payload(s, pkt);
	return rc < 0 ? rc : (int)pkt->head_len;
}
