/* --dump-streams DIR: the reassembled bytes of each uwsgi connection, one
 * file per direction named after its sender and receiver
 * ("127.0.0.1:40000-127.0.0.1:3031"), appended to, so that the bytes can be
 * compared with another tool's reassembly (tshark -z follow,tcp,raw). Gaps
 * are not filled: the file holds only bytes that were captured. */
#ifndef UWSGI_DUMP_STREAMS_H
#define UWSGI_DUMP_STREAMS_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

struct streams {
	const char *dir;      /* NULL: off */
	char error[3300];      /* the first failure, for the tool to report */
};

/* Append p[0..n) to the file of the bytes key side `side` of f sends. */
void streams_write(struct streams *st, struct flow *f, int side,
		   const uint8_t *p, size_t n);

/* Close f's files. */
void streams_close(struct flow *f);

#endif
