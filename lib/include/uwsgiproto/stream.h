/* Incremental framing of uwsgi packets arriving on a byte stream.
 *
 * The caller keeps the bytes received so far in its own buffer and calls
 * up_stream_parse() after each read, with the whole buffer. Until a complete
 * header and payload are there it returns 0 (cheaply: it remembers how many
 * bytes it is waiting for); then it validates the payload against the
 * modifier's framing and fills an up_packet_t whose pointers point into the
 * caller's buffer. Any split of the input gives the same result.
 */
#ifndef UWSGIPROTO_STREAM_H
#define UWSGIPROTO_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "uwsgiproto/packet.h"

typedef struct up_packet {
	up_header_t hdr;
	const uint8_t *payload;  /* datasize bytes after the header */
	size_t payload_len;
	int nvars;               /* vars or array items found, 0 for raw payloads */
	size_t head_len;         /* 4 + datasize: where a request body starts */
	const uint8_t *extra;    /* bytes in the buffer after the packet (body) */
	size_t extra_len;
} up_packet_t;

enum up_stream_flags {
	/* Refuse an HTTP request line ("GET /...") with UP_EHTTPONUWSGI. */
	UP_STREAM_DETECT_HTTP = 1u << 0,
	/* Do not validate the payload's framing (treat every payload as raw). */
	UP_STREAM_RAW = 1u << 1,
};

typedef struct up_stream {
	size_t max_block;   /* largest datasize accepted (--buffer-size) */
	unsigned flags;     /* enum up_stream_flags */
	size_t need;        /* total bytes needed before parsing again */
	size_t bad_at;      /* after a framing error: offset of the bad var
			     * (or array item) from the start of the payload */
} up_stream_t;

/* Prepare s for a new packet. max_block 0 means 65535. */
void up_stream_init(up_stream_t *s, size_t max_block, unsigned flags);

/* Start over for the next packet, keeping max_block and flags. */
void up_stream_reset(up_stream_t *s);

/* Parse the packet at the start of buf (len bytes received so far).
 * Returns pkt->head_len (> 0) when complete; 0 when more bytes are needed
 * (s->need is then the total wanted, 4 while the header is incomplete);
 * UP_ETOOBIG when datasize > max_block (known from the header alone),
 * UP_EHTTPONUWSGI, or the vars/array framing error (UP_ETRUNC, UP_ELENGTH,
 * UP_EEMPTYKEY, with s->bad_at set). */
int up_stream_parse(up_stream_t *s, const uint8_t *buf, size_t len, up_packet_t *pkt);

/* 1 if the first four bytes are the start of an HTTP request line
 * ("GET ", "POST", ...), which a uwsgi socket would misread as a header. */
int up_looks_like_http(const uint8_t *buf, size_t len);

#endif
