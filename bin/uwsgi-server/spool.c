#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "uwsgiproto/error.h"
#include "log.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"
#include "uwsgiproto/vars.h"

/* ---- writing ------------------------------------------------------------ */

/* The job's name, uWSGI's shape: uwsgi_spoolfile_on_HOST_PID_COUNTER_RAND_SEC_USEC. */
static void job_name(char *buf, size_t cap)
{
	static unsigned long counter;
	char host[64] = "localhost";
	unsigned r = 0;
	struct timeval tv;
	gethostname(host, sizeof host - 1);
	host[strcspn(host, "/")] = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
		r = (unsigned)rand();
	gettimeofday(&tv, NULL);
	snprintf(buf, cap, SPOOL_PREFIX "%s_%d_%lu_%u_%lld_%ld", host, (int)getpid(),
		 __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED), r, (long long)tv.tv_sec,
		 (long)tv.tv_usec);
}

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The value of key in the vars as a NUL-terminated string, or NULL. */
static const char *var_text(const uint8_t *vars, size_t vlen, const char *key, char *buf,
			    size_t cap)
{
	up_var_t v;
	if (up_vars_find(vars, vlen, key, strlen(key), &v) != 1)
		return NULL;
	if (v.vlen >= cap)
		v.vlen = cap - 1;
	memcpy(buf, v.val, v.vlen);
	buf[v.vlen] = 0;
	return buf;
}

/* A priority is a directory name: digits only, so it cannot leave dir. */
static int valid_priority(const char *p)
{
	return *p && strlen(p) <= 9 && strspn(p, "0123456789") == strlen(p);
}

/* Open the directory the job goes to (dir or dir/PRIO, made if missing). */
static int job_dir(const char *dir, const char *prio, char *err, size_t errcap)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* A job can come before the spooler processes have made the directory,
	 * or while they make it: EEXIST is one of them winning the race. */
	if (dfd < 0 && errno == ENOENT && (mkdir(dir, 0700) == 0 || errno == EEXIST))
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || !prio) {
		if (dfd < 0)
			snprintf(err, errcap, "spooler directory %s: %s", dir, strerror(errno));
		return dfd;
	}
	if (mkdirat(dfd, prio, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errcap, "%s/%s: %s", dir, prio, strerror(errno));
		close(dfd);
		return -1;
	}
	int sub = openat(dfd, prio, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (sub < 0)
		snprintf(err, errcap, "%s/%s: %s", dir, prio, strerror(errno));
	close(dfd);
	return sub;
}

/* Write the packet into an unnamed file of dfd, then name it. */
static int write_job(int dfd, const char *name, const uint8_t head[4], const uint8_t *vars,
		     size_t vlen, const void *body, size_t blen, long long at)
{
	char tmp[300] = "";
	int fd = openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		/* No O_TMPFILE here: a hidden name the scanners never look at. */
		snprintf(tmp, sizeof tmp, ".tmp_%s", name);
		fd = openat(dfd, tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			return -1;
	}
	int rc = write_all(fd, head, 4) | write_all(fd, vars, vlen) |
		 (blen ? write_all(fd, body, blen) : 0);
	if (rc == 0 && at > 0) {
		struct timespec ts[2] = { { (time_t)at, 0 }, { (time_t)at, 0 } };
		rc = futimens(fd, ts);
	}
	if (rc == 0)
		rc = fsync(fd);
	if (rc == 0 && tmp[0]) {
		rc = renameat(dfd, tmp, dfd, name);
	} else if (rc == 0) {
		/* Naming an unnamed file: AT_EMPTY_PATH needs a capability,
		 * the /proc path needs /proc. */
		char proc[64];
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
		rc = linkat(fd, "", dfd, name, AT_EMPTY_PATH);
		if (rc < 0)
			rc = linkat(AT_FDCWD, proc, dfd, name, AT_SYMLINK_FOLLOW);
	}
	int saved = errno;
	if (rc < 0 && tmp[0])
		unlinkat(dfd, tmp, 0);
	close(fd);
	/* The name itself must survive a crash once the job is acknowledged. */
	if (rc == 0)
		rc = fsync(dfd);
	else
		errno = saved;
	return rc;
}

int spool_write(const char *dir, const uint8_t *vars, size_t vlen, const void *body,
		size_t blen, long long at, const char *prio, char *path, size_t pathcap,
		char *err, size_t errcap)
{
	char buf[1024], name[200];
	if (vlen > UP_MAX_DATASIZE || up_vars_check(vars, vlen, NULL) < 0) {
		snprintf(err, errcap, "the job's vars are malformed or over 65535 bytes");
		return -1;
	}
	const char *which = var_text(vars, vlen, "spooler", buf, sizeof buf);
	if (which && *which) {
		char *real = realpath(which, NULL);
		int same = real && strcmp(real, dir) == 0;
		free(real);
		if (!same) {
			char shown[200];
			snprintf(err, errcap, "unknown spooler \"%s\" (this one is %s)",
				 up_safe_text(shown, sizeof shown, which, strlen(which)), dir);
			return -1;
		}
	}
	char pbuf[16];
	if (!prio)
		prio = var_text(vars, vlen, "priority", pbuf, sizeof pbuf);
	if (prio && !valid_priority(prio)) {
		char shown[64];
		snprintf(err, errcap, "priority \"%s\": a number of up to 9 digits",
			 up_safe_text(shown, sizeof shown, prio, strlen(prio)));
		return -1;
	}
	if (at < 0 && var_text(vars, vlen, "at", buf, sizeof buf))
		at = atoll(buf);  /* uWSGI takes "12.5" as 12 */
	int dfd = job_dir(dir, prio, err, errcap);
	if (dfd < 0)
		return -1;
	uint8_t head[4];
	up_header_write(head, sizeof head, UP_MOD_SPOOL, vlen, 0);
	job_name(name, sizeof name);
	int rc = write_job(dfd, name, head, vars, vlen, body, blen, at);
	close(dfd);
	if (rc < 0) {
		snprintf(err, errcap, "cannot write a job in %s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, pathcap, "%s/%s%s%s", dir, prio ? prio : "", prio ? "/" : "", name);
	return 0;
}

/* ---- taking -------------------------------------------------------------- */

static int bad_job(struct spool_job *j, const char *why)
{
	char bad[300];
	snprintf(bad, sizeof bad, "bad_%s", j->name);
	log_line("[spooler] %s is not a job (%s): renamed to %s", j->name, why, bad);
	renameat(j->dfd, j->name, j->dfd, bad);
	free(j->data);
	close(j->fd);
	return -1;
}

/* Read the whole file and frame it: header (modifier1 17), vars, body. */
static int load(struct spool_job *j, off_t size)
{
	if (size < 4 || (uint64_t)size > SPOOL_MAX_FILE)
		return bad_job(j, size < 4 ? "shorter than a header" : "too large");
	j->len = (size_t)size;
	j->data = malloc(j->len);
	if (!j->data) {
		close(j->fd);
		return 0;  /* try again later */
	}
	if (pread(j->fd, j->data, j->len, 0) != (ssize_t)j->len)
		return bad_job(j, "short read");
	up_header_t h;
	up_header_decode(j->data, j->len, &h);
	if (h.modifier1 != UP_MOD_SPOOL || h.datasize > j->len - 4)
		return bad_job(j, "not a modifier1 17 packet");
	j->vars = j->data + 4;
	j->vlen = h.datasize;
	j->body = j->vars + j->vlen;
	j->blen = j->len - 4 - j->vlen;
	if (up_vars_check(j->vars, j->vlen, NULL) < 0)
		return bad_job(j, "malformed vars");
	return 1;
}

int spool_take(int dfd, const char *name, time_t now, struct spool_job *j, time_t *due)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (st.st_mtime > now) {
		if (!*due || st.st_mtime < *due)
			*due = st.st_mtime;
		return 0;
	}
	memset(j, 0, sizeof *j);
	j->dfd = dfd;
	snprintf(j->name, sizeof j->name, "%s", name);
	j->fd = openat(dfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (j->fd < 0)
		return 0;
	/* Locked: another spooler runs it. Unlinked meanwhile: it finished. A
	 * new time meanwhile: it asked for a retry. */
	if (flock(j->fd, LOCK_EX | LOCK_NB) < 0 || fstat(j->fd, &st) < 0 || st.st_nlink == 0 ||
	    st.st_mtime > now) {
		close(j->fd);
		return 0;
	}
	return load(j, st.st_size);
}

void spool_remove(struct spool_job *j)
{
	/* Unlinked before the lock goes, so nobody can take it again. */
	if (unlinkat(j->dfd, j->name, 0) < 0)
		log_line("[spooler] cannot remove %s: %m", j->name);
	free(j->data);
	close(j->fd);
}

void spool_keep(struct spool_job *j, time_t when)
{
	struct timespec ts[2] = { { when, 0 }, { when, 0 } };
	futimens(j->fd, ts);
	free(j->data);
	close(j->fd);
}
