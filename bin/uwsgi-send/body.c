#include "body.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "uwsgiproto/tmpfile.h"

#define CHUNK (64 * 1024)

static int temp_file(void)
{
	up_err_t err;
	int fd = up_tmpfile(NULL, &err);
	if (fd < 0)
		die(EXIT_SEND_USAGE, "%s", err.msg);
	return fd;
}

static void append(int tmp, const void *p, size_t n)
{
	if (up_write_all(tmp, p, n, -1, NULL, NULL) < 0)
		die(EXIT_SEND_USAGE, "write temporary file: %s", strerror(errno));
}

static void copy_fd(int from, const char *name, int to)
{
	static uint8_t buf[CHUNK];
	ssize_t n;
	while ((n = read(from, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(EXIT_SEND_USAGE, "read %s: %s", name, strerror(errno));
		append(to, buf, (size_t)n);
	}
}

/* Open one -d argument as a file descriptor positioned at its start. */
static int open_source(const char *arg, const char **name)
{
	if (strcmp(arg, "@-") == 0) {
		*name = "stdin";
		return STDIN_FILENO;
	}
	*name = arg + 1;
	int fd = open(arg + 1, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_SEND_USAGE, "-d %s: %s", arg, strerror(errno));
	return fd;
}

/* A single regular file (or stdin redirected from one) streams directly;
 * everything else is gathered into a temporary file first. */
static int direct_file(int fd, uint64_t *len)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	off_t pos = lseek(fd, 0, SEEK_CUR);
	if (pos < 0)
		return 0;
	*len = st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
	return 1;
}

/* Rewind a temporary file and make it the body. */
static void use_temp(struct body *b, int tmp)
{
	struct stat st;
	if (fstat(tmp, &st) < 0 || lseek(tmp, 0, SEEK_SET) < 0)
		die(EXIT_SEND_USAGE, "temporary file: %s", strerror(errno));
	b->fd = tmp;
	b->len = (uint64_t)st.st_size;
}

/* The body is what fd holds; a pipe is gathered first to learn its size. */
static void from_fd(struct body *b, int fd, const char *name)
{
	b->present = 1;
	b->name = name;
	b->fd = fd;
	if (direct_file(fd, &b->len))
		return;
	int tmp = temp_file();
	copy_fd(fd, name, tmp);
	if (fd != STDIN_FILENO)
		close(fd);
	use_temp(b, tmp);
}

static void body_clear(struct body *b)
{
	memset(b, 0, sizeof *b);
	b->fd = -1;
}

void body_open_file(struct body *b, const char *path)
{
	body_clear(b);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_SEND_USAGE, "%s: %s", path, strerror(errno));
	from_fd(b, fd, path);
}

void body_open(struct body *b, const struct up_opt_list *list)
{
	body_clear(b);
	if (!list || !list->n)
		return;
	char *const *data = list->v;
	size_t n = list->n;
	if (n == 1 && data[0][0] != '@') {
		b->present = 1;
		b->mem = (const uint8_t *)data[0];
		b->len = strlen(data[0]);
		b->name = "-d";
		return;
	}
	if (n == 1) {
		const char *name;
		int fd = open_source(data[0], &name);
		from_fd(b, fd, name);
		return;
	}
	/* Several -d: joined with '&', as curl does. */
	int tmp = temp_file();
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			append(tmp, "&", 1);
		if (data[i][0] != '@') {
			append(tmp, data[i], strlen(data[i]));
			continue;
		}
		const char *name;
		int fd = open_source(data[i], &name);
		copy_fd(fd, name, tmp);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	b->present = 1;
	b->name = "-d";
	use_temp(b, tmp);
}

size_t body_next(struct body *b, uint8_t *buf, size_t cap)
{
	uint64_t left = b->len - b->pos;
	size_t want = left < cap ? (size_t)left : cap;
	if (!b->present || want == 0)
		return 0;
	if (b->fd < 0) {
		memcpy(buf, b->mem + b->pos, want);
		b->pos += want;
		return want;
	}
	for (;;) {
		ssize_t n = read(b->fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(EXIT_SEND_USAGE, "read %s: %s", b->name, strerror(errno));
		if (n == 0)
			die(EXIT_SEND_USAGE, "%s shrank while being sent", b->name);
		b->pos += (uint64_t)n;
		return (size_t)n;
	}
}

int body_send(struct body *b, struct conn *c)
{
	static uint8_t buf[CHUNK];
	size_t n;
	while ((n = body_next(b, buf, sizeof buf)) > 0) {
		int rc = conn_send(c, buf, n);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void body_load(struct body *b, uint64_t max)
{
	if (!b->present || b->fd < 0)
		return;
	if (b->len > max)
		die(EXIT_SEND_USAGE, "%s: a --bench body is kept in memory: "
		    "%llu bytes is over the %llu limit", b->name,
		    (unsigned long long)b->len, (unsigned long long)max);
	char *m = malloc(b->len ? b->len : 1);
	if (!m)
		die(EXIT_SEND_USAGE, "out of memory");
	if (b->len && up_read_exact(b->fd, m, b->len, -1, b->name, NULL) < 0)
		die(EXIT_SEND_USAGE, "read %s: %s", b->name, strerror(errno));
	if (b->fd != STDIN_FILENO)
		close(b->fd);
	b->fd = -1;
	b->owned = m;
	b->mem = (const uint8_t *)m;
}

void body_close(struct body *b)
{
	if (b->fd >= 0 && b->fd != STDIN_FILENO)
		close(b->fd);
	free(b->owned);
	body_clear(b);
}
