/* Is this uwsgi? The ports that carry it, and the test that recognises a
 * request at the start of a stream (the heuristic for other ports, and the
 * resynchronisation after a gap).
 *
 * A port number proves nothing and first bytes fool easily (PROTOCOL.md
 * §11): an HTTP response starts with 'H' (modifier1 72), a TLS record with
 * 0x16 (22), "GET " reads as datasize 21573. So only modifiers whose
 * payload has a structure are believed (vars, array, or an empty payload),
 * and the structure is checked: every key non-empty, printable and short,
 * every length inside the block, the block ending exactly at datasize.
 */
#ifndef UWSGI_DUMP_DETECT_H
#define UWSGI_DUMP_DETECT_H

#include <stddef.h>
#include <stdint.h>

#define PORTS_MAX 64
#define DETECT_KEY_MAX 1024  /* longer keys are not believed */

struct ports {
	uint16_t v[PORTS_MAX];
	unsigned n;
};

int ports_has(const struct ports *p, unsigned port);
/* Add port (ignored when present or the set is full). */
void ports_add(struct ports *p, unsigned port);

enum detect_result {
	DETECT_NO = -1,
	DETECT_MORE = 0,     /* consistent so far, nothing complete yet */
	DETECT_PARTIAL = 1,  /* consistent so far, at least one var complete */
	DETECT_YES = 2,      /* a whole packet validated */
};

/* Judge the bytes buf[0..len) as the start of a uwsgi packet. With
 * *plen, a YES also gives the packet's length (4 + datasize). */
int detect_packet(const uint8_t *buf, size_t len, size_t *plen);

#endif
