/* libpcap: open a capture file or an interface, apply the BPF filter,
 * and hand every frame to the engine until the end, a signal, or -c. */
#ifndef UWSGI_DUMP_CAPTURE_H
#define UWSGI_DUMP_CAPTURE_H

#include "engine.h"

struct capture_opts {
	char *file;            /* -r (may be "-") */
	char *iface;           /* -i */
	int snaplen;           /* -s, live only */
	char *filter;          /* BPF expression or NULL */
};

/* Read frames into e. Returns an exit status (enum dump_exit); dies with
 * EXIT_DUMP_CAPTURE when the source cannot be opened. *interrupted is set
 * when a signal ended a live capture. */
int capture_run(struct engine *e, const struct capture_opts *o, int *interrupted);

#endif
