/* Where answers go: stdout, or the -o file opened on first write. */
#ifndef UWSGI_SEND_OUTPUT_H
#define UWSGI_SEND_OUTPUT_H

#include <stddef.h>

struct output {
	const char *path;   /* -o FILE, or NULL for stdout */
	int fd;             /* -1 until the first write */
};

void output_init(struct output *out, const char *path);

/* Write n bytes; exits 1 naming the file on failure. */
void output_write(struct output *out, const void *p, size_t n);

/* Close the -o file, reporting a failed final write. */
void output_close(struct output *out);

#endif
