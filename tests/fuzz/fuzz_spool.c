/* libFuzzer target for the server's spool files (spool.c): a job file
 * anyone able to write the spool directory controls, and a modifier1 17
 * packet's vars (h_spool.c hands them to spool_write as they came).
 *
 * Input: a control byte, then the file's bytes. The bytes are written as
 * a job file in a directory under /dev/shm and taken with spool_take: a
 * file that is not a job must be renamed bad_NAME, a job must frame
 * inside the file with well-formed vars. When the control byte's bit 0 is
 * set, the bytes after the 4-byte header are also given to spool_write as
 * a packet's vars (the rest as the body), as a peer's packet would be: if
 * it is accepted, taking the job back must give the same vars and body.
 *
 * The real file system calls run (on tmpfs); log_line is a stub.
 */
#include "../../bin/uwsgi-server/spool.c"

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static char dir[64];
static int dfd = -1;
static int logged;

void log_line(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ASSERT(!strchr(line, '\n'));
	logged++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void empty_dir(int fd);

/* At the end of a run, nothing is left under /dev/shm. */
static void remove_dir(void)
{
	empty_dir(dfd);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof dir, "/dev/shm/fuzz_spool.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		abort();
	atexit(remove_dir);
	return 0;
}

/* Remove whatever a run left in dfd (jobs, bad_ files, priority dirs). */
static void empty_dir(int fd)
{
	int copy = dup(fd);
	DIR *d = fdopendir(copy);
	struct dirent *e;
	ASSERT(d);
	/* The copy shares its offset with fd, left at the end last time. */
	rewinddir(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, "..")))
			continue;
		if (e->d_type == DT_DIR) {
			int sub = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY);
			ASSERT(sub >= 0);
			empty_dir(sub);
			close(sub);
			unlinkat(fd, e->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(fd, e->d_name, 0);
		}
	}
	closedir(d);
}

/* Take the job file `name` of d: 1 a job (removed), -1 not one. */
static int take(int d, const char *name, const uint8_t *data, size_t size)
{
	struct spool_job j;
	time_t due = 0;
	int before = logged;
	int rc = spool_take(d, name, time(NULL) + 1, &j, &due);
	ASSERT(rc == 1 || rc == -1);
	if (rc < 0) {
		struct stat st;
		char bad[300];
		snprintf(bad, sizeof bad, "bad_%s", name);
		ASSERT(logged == before + 1);
		ASSERT(fstatat(d, bad, &st, 0) == 0);
		return -1;
	}
	ASSERT(j.len == size && (size == 0 || !memcmp(j.data, data, size)));
	ASSERT(j.vars == j.data + 4 && j.body == j.vars + j.vlen);
	ASSERT(4 + j.vlen + j.blen == j.len);
	ASSERT(up_vars_check(j.vars, j.vlen, NULL) >= 0);
	spool_remove(&j);
	return 1;
}

static void file_job(const uint8_t *data, size_t size)
{
	int fd = openat(dfd, "job", O_CREAT | O_TRUNC | O_WRONLY, 0600);
	ASSERT(fd >= 0);
	ASSERT(write_all(fd, data, size) == 0);
	close(fd);
	take(dfd, "job", data, size);
}

/* A peer's packet: vars, then a body. */
static void packet_job(const uint8_t *vars, size_t vlen, const uint8_t *body, size_t blen)
{
	char path[4200], err[300] = "";
	if (spool_write(dir, vars, vlen, body, blen, -1, NULL, path, sizeof path, err,
			sizeof err) < 0) {
		ASSERT(err[0] && !strchr(err, '\n'));
		return;
	}
	/* path is dir/[PRIO/]NAME: take it back from its directory. */
	char *slash = strrchr(path, '/');
	ASSERT(slash && !strncmp(path, dir, strlen(dir)));
	*slash = 0;
	int d = open(path, O_RDONLY | O_DIRECTORY);
	ASSERT(d >= 0);
	uint8_t *want = malloc(4 + vlen + blen);
	ASSERT(want);
	up_header_write(want, 4, UP_MOD_SPOOL, vlen, 0);
	memcpy(want + 4, vars, vlen);
	if (blen)
		memcpy(want + 4 + vlen, body, blen);
	/* A job due later ("at" in the future) is not taken: only the
	 * bytes are checked then, by reading the file. */
	struct stat st;
	ASSERT(fstatat(d, slash + 1, &st, 0) == 0);
	if (st.st_mtime <= time(NULL) + 1)
		ASSERT(take(d, slash + 1, want, 4 + vlen + blen) == 1);
	else
		ASSERT((size_t)st.st_size == 4 + vlen + blen);
	free(want);
	close(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int control = data[0];
	data++;
	size--;
	file_job(data, size);
	if ((control & 1) && size >= 4) {
		size_t vlen = up_get_le16(data + 1);
		if (vlen > size - 4)
			vlen = size - 4;
		packet_job(data + 4, vlen, data + 4 + vlen, size - 4 - vlen);
	}
	empty_dir(dfd);
	return 0;
}
