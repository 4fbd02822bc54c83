/* The uwsgi packet header: modifier1, a 16-bit little-endian datasize and
 * modifier2, four bytes in all. For requests datasize counts the vars block
 * only; the body (CONTENT_LENGTH bytes) follows it unframed.
 */
#ifndef UWSGIPROTO_PACKET_H
#define UWSGIPROTO_PACKET_H

#include <stddef.h>
#include <stdint.h>

#define UP_HEADER_SIZE 4
#define UP_MAX_DATASIZE 65535u
/* uWSGI's default --buffer-size: the largest vars block it accepts. */
#define UP_DEFAULT_BUFFER_SIZE 4096u

typedef struct up_header {
	uint8_t modifier1;
	uint16_t datasize;
	uint8_t modifier2;
} up_header_t;

static inline uint16_t up_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline void up_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v & 0xff);
	p[1] = (uint8_t)(v >> 8);
}

/* Decode the header at buf. Returns UP_HEADER_SIZE, or 0 if len < 4. */
int up_header_decode(const uint8_t *buf, size_t len, up_header_t *h);

/* Encode h into out[0..3]. */
void up_header_encode(uint8_t out[UP_HEADER_SIZE], const up_header_t *h);

/* Encode the header from its parts into a caller buffer of cap bytes.
 * Returns UP_HEADER_SIZE, UP_ENOSPACE when cap < 4, UP_ETOOBIG when
 * datasize > 65535. */
int up_header_write(uint8_t *out, size_t cap, uint8_t m1, size_t datasize, uint8_t m2);

#endif
