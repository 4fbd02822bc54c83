/* Spool files: one job per file, the file holding one modifier1 17 packet
 * (the 4-byte header, the vars, then an optional body), so any tool that
 * speaks the protocol can read or write a spool directory.
 *
 * Writing is atomic: the job is written into an unnamed file in the target
 * directory (O_TMPFILE; a hidden temporary name where the filesystem lacks
 * it), fsynced, and only then given its name (linkat, or rename), so a
 * crash leaves no job or a whole one, never half a job. `at` (run not
 * before that Unix time) is the file's mtime; `priority` N puts the job in
 * the subdirectory N, run before the jobs of higher numbers and before
 * jobs without a priority.
 *
 * Taking a job is an exclusive flock on the open file, held while the job
 * runs, then checked against a removal that happened meanwhile (the link
 * count). The lock dies with its process, so a job whose spooler was
 * killed is free again at once, with nothing to recover after a restart;
 * a finished job is unlinked before its lock is released, so no other
 * spooler can take it again. See spooler.c for what that guarantees. */
#ifndef UWSGI_SERVER_SPOOL_H
#define UWSGI_SERVER_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SPOOL_PREFIX "uwsgi_spoolfile_on_"

/* The largest job file read (header, vars and body). */
#define SPOOL_MAX_FILE (64u << 20)

/* Write a job into dir (an absolute path). vars is a vars block; `at`,
 * `priority` and `spooler` found in it are honoured unless at >= 0 or prio
 * override them (at -1 and prio NULL: look in the vars). On success returns
 * 0 with the job's full path in path; -1 with one line in err. */
int spool_write(const char *dir, const uint8_t *vars, size_t vlen, const void *body,
		size_t blen, long long at, const char *prio, char *path, size_t pathcap,
		char *err, size_t errcap);

/* A job taken by this process: its open, locked file and its bytes. */
struct spool_job {
	int fd;
	int dfd;                  /* its directory (not owned) */
	char name[256];
	uint8_t *data;            /* the whole file */
	size_t len;
	const uint8_t *vars, *body;
	size_t vlen, blen;
};

/* Try to take job `name` of the directory dfd. Returns 1 with *j filled;
 * 0 when it is not for now (gone, taken by another spooler, or due later:
 * then *due gets the smaller of itself and the job's time); -1 when the
 * file is not a job (it is renamed to "bad_NAME" and logged). */
int spool_take(int dfd, const char *name, time_t now, struct spool_job *j, time_t *due);

/* Finish a taken job: remove it (done or dropped), or keep it for a later
 * pass not before `when`. Both release the lock and free *j. */
void spool_remove(struct spool_job *j);
void spool_keep(struct spool_job *j, time_t when);

#endif
