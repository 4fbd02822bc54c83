/* Memory and locks shared by the master and every worker: anonymous
 * MAP_SHARED mappings made in the master before the first fork, and
 * process-shared robust mutexes living in them. A worker killed while it
 * holds one (harakiri, a crash, SIGKILL) does not block the others: the next
 * process to lock it takes it over and is told so. */
#ifndef UWSGI_SERVER_SHM_H
#define UWSGI_SERVER_SHM_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

/* A mutex in shared memory and the pid of the process holding it (0 when
 * free), kept for the message when a holder dies. */
struct shm_lock {
	pthread_mutex_t m;
	volatile pid_t holder;
};

/* Map size zeroed bytes shared with the children to come; exits 1 naming
 * what (e.g. "--cache") when the system refuses. */
void *shm_map(size_t size, const char *what);

/* Make *l a process-shared, robust, error-checking mutex. */
void shm_lock_init(struct shm_lock *l);

/* Lock, blocking. Returns 0; EDEADLK when the calling thread holds it
 * already. When the previous holder died with it, the lock is taken over,
 * made consistent and a warning naming what and the dead pid is logged.
 * Call without the GIL: it may wait. */
int shm_lock_take(struct shm_lock *l, const char *what);

/* Unlock. Returns 0, or EPERM when the calling thread does not hold it. */
int shm_lock_give(struct shm_lock *l);

/* 1 when some thread (of any process) holds it now, else 0. */
int shm_lock_busy(struct shm_lock *l, const char *what);

#endif
