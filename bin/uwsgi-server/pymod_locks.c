/* uwsgi.lock(num=0), uwsgi.unlock(num=0), uwsgi.is_locked(num=0): locks
 * shared by every worker (and their threads), as uWSGI's user locks: lock 0
 * always, --locks N adds 1..N. A worker that dies holding one does not
 * block the others (shm.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pymod_shared.h"
#include "shm.h"

static struct shm_lock *locks;
static int nlocks;              /* lock numbers are 0 .. nlocks - 1 */

void locks_setup(int extra)
{
	nlocks = extra + 1;
	locks = shm_map((size_t)nlocks * sizeof *locks, "--locks");
	for (int i = 0; i < nlocks; i++)
		shm_lock_init(&locks[i]);
}

/* The lock numbered by the optional argument, or NULL with ValueError. */
static struct shm_lock *lock_arg(PyObject *args, const char *fmt, int *num)
{
	*num = 0;
	if (!PyArg_ParseTuple(args, fmt, num))
		return NULL;
	if (*num < 0 || *num >= nlocks) {
		PyErr_Format(PyExc_ValueError, "Invalid lock number %d: there are locks 0 to %d "
			     "(--locks N adds 1 to N)", *num, nlocks - 1);
		return NULL;
	}
	return &locks[*num];
}

static PyObject *m_lock(PyObject *self, PyObject *args)
{
	(void)self;
	int num, rc;
	char what[32];
	struct shm_lock *l = lock_arg(args, "|i:lock", &num);
	if (!l)
		return NULL;
	snprintf(what, sizeof what, "uwsgi lock %d", num);
	/* The holder may run for long: let this process's other threads on. */
	Py_BEGIN_ALLOW_THREADS
	rc = shm_lock_take(l, what);
	Py_END_ALLOW_THREADS
	if (rc == EDEADLK)
		return PyErr_Format(PyExc_RuntimeError, "uwsgi lock %d is already held by this "
				    "thread", num);
	if (rc)
		return PyErr_Format(PyExc_OSError, "uwsgi lock %d: %s", num, strerror(rc));
	Py_RETURN_NONE;
}

static PyObject *m_unlock(PyObject *self, PyObject *args)
{
	(void)self;
	int num;
	struct shm_lock *l = lock_arg(args, "|i:unlock", &num);
	if (!l)
		return NULL;
	if (shm_lock_give(l))
		return PyErr_Format(PyExc_RuntimeError, "uwsgi lock %d is not held by this thread",
				    num);
	Py_RETURN_NONE;
}

static PyObject *m_is_locked(PyObject *self, PyObject *args)
{
	(void)self;
	int num;
	char what[32];
	struct shm_lock *l = lock_arg(args, "|i:is_locked", &num);
	if (!l)
		return NULL;
	snprintf(what, sizeof what, "uwsgi lock %d", num);
	return PyBool_FromLong(shm_lock_busy(l, what));
}

static PyMethodDef methods[] = {
	{ "lock", m_lock, METH_VARARGS, "lock(num=0): take a lock shared by all workers" },
	{ "unlock", m_unlock, METH_VARARGS, "unlock(num=0): release it" },
	{ "is_locked", m_is_locked, METH_VARARGS, "is_locked(num=0): whether someone holds it" },
	{ NULL, NULL, 0, NULL },
};

static int init(PyObject *m)
{
	char n[16];
	if (nlocks <= 1)
		return 0;
	snprintf(n, sizeof n, "%d", nlocks - 1);
	return pymod_opt_put(m, "locks", n);
}

const struct pymod_part pymod_locks = { "locks", methods, init };
