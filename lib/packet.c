#include "uwsgiproto/packet.h"
#include "uwsgiproto/error.h"

int up_header_decode(const uint8_t *buf, size_t len, up_header_t *h)
{
	if (len < UP_HEADER_SIZE)
		return 0;
	h->modifier1 = buf[0];
	h->datasize = up_get_le16(buf + 1);
	h->modifier2 = buf[3];
	return UP_HEADER_SIZE;
}

void up_header_encode(uint8_t out[UP_HEADER_SIZE], const up_header_t *h)
{
	out[0] = h->modifier1;
	up_put_le16(out + 1, h->datasize);
	out[3] = h->modifier2;
}

int up_header_write(uint8_t *out, size_t cap, uint8_t m1, size_t datasize, uint8_t m2)
{
	if (datasize > UP_MAX_DATASIZE)
		return UP_ETOOBIG;
	if (cap < UP_HEADER_SIZE)
		return UP_ENOSPACE;
	up_header_t h = { m1, (uint16_t)datasize, m2 };
	up_header_encode(out, &h);
	return UP_HEADER_SIZE;
}
