#include "streams.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void streams_write(struct streams *st, struct flow *f, int side,
		   const uint8_t *p, size_t n)
{
	if (!st->dir || st->error[0])
		return;
	if (!f->out[side]) {
		char path[4096];
		snprintf(path, sizeof path, "%.3000s/%s-%s", st->dir, f->name[side], f->name[!side]);
		f->out[side] = fopen(path, "ab");
		if (!f->out[side]) {
			snprintf(st->error, sizeof st->error, "--dump-streams: %.3100s: %s",
				 path, strerror(errno));
			return;
		}
	}
	if (fwrite(p, 1, n, f->out[side]) != n)
		snprintf(st->error, sizeof st->error, "--dump-streams: write %s-%s: %s",
			 f->name[side], f->name[!side], strerror(errno));
}

void streams_close(struct flow *f)
{
	for (int i = 0; i < 2; i++)
		if (f->out[i]) {
			fclose(f->out[i]);
			f->out[i] = NULL;
		}
}
