#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "send.h"
#include "uwsgiproto/net.h"

void output_init(struct output *out, const char *path)
{
	out->path = path && strcmp(path, "-") != 0 ? path : NULL;
	out->fd = -1;
}

void output_write(struct output *out, const void *p, size_t n)
{
	if (out->fd < 0) {
		out->fd = STDOUT_FILENO;
		if (out->path)
			out->fd = open(out->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (out->fd < 0)
			die(EXIT_SEND_USAGE, "-o %s: %s", out->path, strerror(errno));
	}
	up_err_t err;
	if (n && up_write_all(out->fd, p, n, -1, out->path ? out->path : "stdout", &err) < 0)
		die(EXIT_SEND_USAGE, "%s", err.msg);
}

void output_close(struct output *out)
{
	if (out->path && out->fd < 0)
		output_write(out, "", 0);  /* an empty answer still makes the file */
	if (out->path && out->fd >= 0 && close(out->fd) < 0)
		die(EXIT_SEND_USAGE, "write %s: %s", out->path, strerror(errno));
	out->fd = -1;
}
