#include "shm.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "die.h"

void *shm_map(size_t size, const char *what)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die(1, "%s: cannot map %zu bytes of shared memory: %m", what, size);
	return p;
}

void shm_lock_init(struct shm_lock *l)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	/* Relocking by the holder and unlocking by a stranger become errors
	 * the Python API reports, instead of a hang or a silent no-op. */
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	int rc = pthread_mutex_init(&l->m, &a);
	pthread_mutexattr_destroy(&a);
	if (rc)
		die(1, "cannot initialise a shared lock: %s", strerror(rc));
	l->holder = 0;
}

/* The previous holder died: the data it guarded may be half-updated, but a
 * lock nobody can ever take again is worse. Say so and carry on. */
static void recover(struct shm_lock *l, const char *what)
{
	pid_t dead = l->holder;
	pthread_mutex_consistent(&l->m);
	warn("%s: its holder (pid %d) died holding it; taken over by pid %d", what,
	     (int)dead, (int)getpid());
}

int shm_lock_take(struct shm_lock *l, const char *what)
{
	int rc = pthread_mutex_lock(&l->m);
	if (rc == EOWNERDEAD) {
		recover(l, what);
		rc = 0;
	}
	if (rc == 0)
		l->holder = getpid();
	return rc;
}

int shm_lock_give(struct shm_lock *l)
{
	/* Another process's lock: leave its record alone. */
	if (l->holder != getpid())
		return EPERM;
	l->holder = 0;
	int rc = pthread_mutex_unlock(&l->m);
	if (rc)
		l->holder = getpid();  /* another thread of ours holds it */
	return rc;
}

int shm_lock_busy(struct shm_lock *l, const char *what)
{
	int rc = pthread_mutex_trylock(&l->m);
	if (rc == EOWNERDEAD) {
		recover(l, what);
		rc = 0;
	}
	if (rc == 0) {
		pthread_mutex_unlock(&l->m);
		return 0;
	}
	return 1;  /* EBUSY: another thread, or this one, holds it */
}
