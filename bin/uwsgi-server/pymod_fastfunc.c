/* uwsgi.fastfuncs: a list of 256 slots, None when free. An app puts a WSGI
 * callable at index N and requests with modifier1 27 and modifier2 N go
 * straight to it (h_fastfunc.c). The slot is looked up through the module
 * attribute at each request, so rebinding `uwsgi.fastfuncs` to another
 * sequence works as well as assigning items. */
#include <stdio.h>

#include "fastfunc.h"
#include "pymod.h"

/* Every interpreter has its own uwsgi module and so its own list; a slot
 * is served by the first interpreter (the main one first) whose list holds
 * a callable there, and its request runs in that interpreter. */
#define MAX_MODULES 128
static struct {
	PyObject *module;           /* owned */
	PyInterpreterState *is;
} mods[MAX_MODULES];
static size_t nmods;
static PyObject *attr;     /* "fastfuncs", interned */

static int init(PyObject *m)
{
	PyObject *list = PyList_New(FASTFUNC_SLOTS);
	if (!list)
		return -1;
	for (Py_ssize_t i = 0; i < FASTFUNC_SLOTS; i++) {
		Py_INCREF(Py_None);
		PyList_SET_ITEM(list, i, Py_None);
	}
	if (PyModule_AddObject(m, "fastfuncs", list) < 0) {
		Py_DECREF(list);
		return -1;
	}
	if (!attr && !(attr = PyUnicode_InternFromString("fastfuncs")))
		return -1;
	if (nmods == MAX_MODULES) {
		PyErr_Format(PyExc_RuntimeError, "more than %d interpreters import uwsgi: "
			     "this one's uwsgi.fastfuncs would not be served", MAX_MODULES);
		return -1;
	}
	mods[nmods].module = Py_NewRef(m);
	mods[nmods].is = PyInterpreterState_Get();
	nmods++;
	return 0;
}

void pymod_fastfunc_forget(PyInterpreterState *is)
{
	size_t k = 0;
	for (size_t i = 0; i < nmods; i++) {
		if (mods[i].is == is)
			Py_CLEAR(mods[i].module);
		else
			mods[k++] = mods[i];
	}
	nmods = k;
}

/* Slot n of one module's fastfuncs when it is callable (a new reference);
 * else NULL, with why saying what is there. */
static PyObject *slot(PyObject *module, int n, char *why, size_t whycap)
{
	PyObject *seq = PyObject_GetAttr(module, attr);
	PyObject *f = seq && PySequence_Check(seq) ? PySequence_GetItem(seq, n) : NULL;
	if (!seq)
		snprintf(why, whycap, "uwsgi.fastfuncs is gone");
	else if (!f)
		snprintf(why, whycap, "uwsgi.fastfuncs (a %.40s) has no slot %d",
			 Py_TYPE(seq)->tp_name, n);
	else if (!PyCallable_Check(f))
		snprintf(why, whycap, "slot %d of uwsgi.fastfuncs is free (holds %.40s)", n,
			 f == Py_None ? "None" : Py_TYPE(f)->tp_name);
	PyErr_Clear();
	Py_XDECREF(seq);
	if (f && !PyCallable_Check(f))
		Py_CLEAR(f);
	return f;
}

PyObject *fastfunc_get(int n, PyInterpreterState **is, char *why, size_t whycap)
{
	char dummy[1];
	if (!why) {
		why = dummy;
		whycap = sizeof dummy;
	}
	snprintf(why, whycap, "no app imported the uwsgi module");
	char other[120];
	for (size_t i = 0; i < nmods; i++) {
		PyObject *f = slot(mods[i].module, n, i ? other : why, i ? sizeof other : whycap);
		if (f) {
			if (is)
				*is = mods[i].is;
			return f;
		}
	}
	return NULL;
}

const struct pymod_part pymod_fastfunc = { "fastfunc", NULL, init };
