/* uwsgi.fastfuncs: a list of 256 slots, None when free. An app puts a WSGI
 * callable at index N and requests with modifier1 27 and modifier2 N go
 * straight to it (h_fastfunc.c). The slot is looked up through the module
 * attribute at each request, so rebinding `uwsgi.fastfuncs` to another
 * sequence works as well as assigning items. */
#include <stdio.h>

#include "fastfunc.h"
#include "pymod.h"

static PyObject *module;   /* the main interpreter's uwsgi module (owned) */
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
	/* FastFuncs run in the main interpreter: its module is the one read. */
	if (!module) {
		attr = PyUnicode_InternFromString("fastfuncs");
		if (!attr)
			return -1;
		Py_INCREF(m);
		module = m;
	}
	return 0;
}

PyObject *fastfunc_get(int n, char *why, size_t whycap)
{
	char dummy[1];
	if (!why) {
		why = dummy;
		whycap = sizeof dummy;
	}
	PyObject *seq = module ? PyObject_GetAttr(module, attr) : NULL;
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

const struct pymod_part pymod_fastfunc = { "fastfunc", NULL, init };
