/* Interpreters and the thread states that enter them (interp.h). The
 * registry of interpreters is the process's, touched with the GIL held;
 * the table of thread states is each thread's own (thread-local), so a
 * switch costs a short scan and a PyThreadState_Swap, no lock. */
#include "interp.h"

#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "pyapp.h"

static PyInterpreterState *main_is;
static PyInterpreterState **all;    /* main first; grows, never shrinks but by discard */
static size_t nall, capall;

/* This thread's state in each sub-interpreter it entered (the main
 * interpreter's is the GILState one). Kept until the worker exits. */
struct tslot {
	PyInterpreterState *is;
	PyThreadState *ts;
};
static __thread struct tslot *tslots;
static __thread size_t ntslots, captslots;

static void registry_add(PyInterpreterState *is)
{
	if (nall == capall) {
		size_t cap = capall ? capall * 2 : 8;
		PyInterpreterState **v = realloc(all, cap * sizeof *v);
		if (!v)
			die(1, "out of memory");
		all = v;
		capall = cap;
	}
	all[nall++] = is;
}

void interp_init(void)
{
	main_is = PyInterpreterState_Main();
	registry_add(main_is);
}

PyInterpreterState *interp_main(void)
{
	return main_is;
}

static void remember(PyInterpreterState *is, PyThreadState *ts)
{
	if (ntslots == captslots) {
		size_t cap = captslots ? captslots * 2 : 8;
		struct tslot *v = realloc(tslots, cap * sizeof *v);
		if (!v)
			die(1, "out of memory");
		tslots = v;
		captslots = cap;
	}
	tslots[ntslots++] = (struct tslot){ is, ts };
}

/* The calling thread's state in is, made on first use. */
static PyThreadState *ts_for(PyInterpreterState *is)
{
	if (is == main_is) {
		PyThreadState *ts = PyGILState_GetThisThreadState();
		/* The first state a thread gets becomes its GILState one. */
		return ts ? ts : PyThreadState_New(is);
	}
	for (size_t i = 0; i < ntslots; i++)
		if (tslots[i].is == is)
			return tslots[i].ts;
	PyThreadState *ts = PyThreadState_New(is);
	if (!ts)
		die(1, "cannot create a Python thread state");
	remember(is, ts);
	return ts;
}

#ifdef UP_ROCK_SOLID
/* This build has no sub-interpreters: main() refuses what would need one. */
PyInterpreterState *interp_new(int (*setup)(void))
{
	(void)setup;
	warn("this ROCK_SOLID build has no sub-interpreters");
	return NULL;
}

void interp_discard(PyInterpreterState *is)
{
	(void)is;
}
#else
PyInterpreterState *interp_new(int (*setup)(void))
{
	PyThreadState *caller = PyThreadState_Get();
	PyThreadState *ts = Py_NewInterpreter();
	if (!ts) {
		PyThreadState_Swap(caller);
		warn("cannot create a Python sub-interpreter");
		return NULL;
	}
	if (setup() < 0) {
		py_log_exception("cannot set a sub-interpreter up");
		Py_EndInterpreter(ts);
		PyThreadState_Swap(caller);
		return NULL;
	}
	registry_add(ts->interp);
	remember(ts->interp, ts);
	PyThreadState_Swap(caller);
	return ts->interp;
}

void interp_discard(PyInterpreterState *is)
{
	size_t i = 0;
	while (i < ntslots && tslots[i].is != is)
		i++;
	if (is == main_is || i == ntslots)
		return;
	PyThreadState *ts = tslots[i].ts;
	tslots[i] = tslots[--ntslots];
	for (size_t k = 0; k < nall; k++)
		if (all[k] == is) {
			memmove(&all[k], &all[k + 1], (nall - k - 1) * sizeof *all);
			nall--;
			break;
		}
	PyThreadState *caller = PyThreadState_Swap(ts);
	Py_EndInterpreter(ts);
	PyThreadState_Swap(caller);
}
#endif

const char *interp_name(PyInterpreterState *is, char *buf, size_t cap)
{
	if (is == main_is)
		snprintf(buf, cap, "the main interpreter");
	else
		snprintf(buf, cap, "sub-interpreter %lld", (long long)PyInterpreterState_GetID(is));
	return buf;
}

PyThreadState *interp_enter(PyInterpreterState *is)
{
	PyThreadState *cur = PyThreadState_Get();
	if (!is || cur->interp == is)
		return NULL;
	return PyThreadState_Swap(ts_for(is));
}

void interp_leave(PyThreadState *prev)
{
	if (prev)
		PyThreadState_Swap(prev);
}

PyObject *interp_call(PyInterpreterState *is, PyObject *f, PyObject *args)
{
	PyThreadState *prev = interp_enter(is);
	PyObject *r = PyObject_Call(f, args, NULL);
	if (!prev)
		return r;
	/* The error indicator is per thread state: carry it across. */
	PyObject *type, *val, *tb;
	PyErr_Fetch(&type, &val, &tb);
	interp_leave(prev);
	PyErr_Restore(type, val, tb);
	return r;
}

size_t interp_count(void)
{
	return nall;
}

PyInterpreterState *interp_at(size_t i)
{
	return i < nall ? all[i] : NULL;
}
