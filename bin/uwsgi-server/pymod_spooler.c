/* uwsgi.spool(dict or **kwargs) (also send_to_spooler), the spooler
 * callable uwsgi.spooler the app sets, uwsgi.SPOOL_OK/SPOOL_RETRY/
 * SPOOL_IGNORE, uwsgi.i_am_the_spooler(), and uwsgi.opt["spooler"] (which
 * uwsgidecorators looks for).
 *
 * As in uWSGI 2.0 under Python 3: the job's keys and values are bytes
 * (str is taken as UTF-8); a "body" value goes after the vars as the job's
 * body; an int "at" (run not before that Unix time) or int "priority" is
 * taken out of the vars, a bytes one stays in them and works the same.
 * spool() returns the job file's full path as bytes. The callable gets a
 * dict of bytes keys and values, plus the str keys "spooler_task_name"
 * (the file's name, bytes) and "body" (bytes, when there is one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "log.h"
#include "pymod.h"
#include "pymod_shared.h"
#include "spool.h"
#include "spooler.h"
#include "uwsgiproto/vars.h"

static int key_is(const void *k, Py_ssize_t kl, const char *name)
{
	return (size_t)kl == strlen(name) && memcmp(k, name, (size_t)kl) == 0;
}

struct job_args {
	long long at;
	char prio[24];
	PyObject *body;            /* a bytes copy, or NULL */
};

/* at/priority given as numbers, and body: the ones that are not vars. */
static int special(const void *k, Py_ssize_t kl, PyObject *v, struct job_args *a)
{
	if (key_is(k, kl, "body")) {
		Py_buffer b;
		if (pyarg_bytes(v, &b, "a spooler job's body") < 0)
			return -1;
		/* A copy: spool_write runs without the GIL. */
		Py_XSETREF(a->body, PyBytes_FromStringAndSize(b.buf, b.len));
		PyBuffer_Release(&b);
		return a->body ? 1 : -1;
	}
	if (key_is(k, kl, "at") && (PyLong_Check(v) || PyFloat_Check(v))) {
		a->at = PyLong_Check(v) ? PyLong_AsLongLong(v) : (long long)PyFloat_AsDouble(v);
		return PyErr_Occurred() ? -1 : 1;
	}
	if (key_is(k, kl, "priority") && PyLong_Check(v)) {
		long long p = PyLong_AsLongLong(v);
		if (PyErr_Occurred())
			return -1;
		snprintf(a->prio, sizeof a->prio, "%lld", p);
		return 1;
	}
	return 0;
}

/* One key and value into b, or into *a when special. 0 or -1. */
static int add_item(PyObject *key, PyObject *val, up_vars_builder_t *b, struct job_args *a)
{
	Py_buffer k, v;
	if (pyarg_bytes(key, &k, "a spooler job's key") < 0)
		return -1;
	int rc = special(k.buf, k.len, val, a);
	if (rc == 0 && pyarg_bytes(val, &v, "a spooler job's value") < 0)
		rc = -1;
	else if (rc == 0) {
		if (up_vars_add(b, k.buf, (size_t)k.len, v.buf, (size_t)v.len) < 0) {
			PyErr_SetString(PyExc_ValueError, k.len ? "spooler packet cannot be more "
					"than 65535 bytes (use 'body' for big values)"
					: "spooler keys cannot be empty");
			rc = -1;
		}
		PyBuffer_Release(&v);
	}
	PyBuffer_Release(&k);
	return rc < 0 ? -1 : 0;
}

/* The job's vars into b (a packet buffer), the rest into *a. */
static int build(PyObject *dict, up_vars_builder_t *b, struct job_args *a)
{
	Py_ssize_t pos = 0;
	PyObject *key, *val;
	while (PyDict_Next(dict, &pos, &key, &val))
		if (add_item(key, val, b, a) < 0)
			return -1;
	return 0;
}

static PyObject *m_spool(PyObject *self, PyObject *args, PyObject *kwargs)
{
	(void)self;
	PyObject *dict = kwargs;
	if (PyTuple_GET_SIZE(args) > 0)
		dict = PyTuple_GET_ITEM(args, 0);
	if (PyTuple_GET_SIZE(args) > 1 || !dict || !PyDict_Check(dict))
		return PyErr_Format(PyExc_ValueError, "The argument of spooler callable must be "
				    "a dictionary");
	const char *dir = spooler_dir();
	if (!dir)
		return PyErr_Format(PyExc_ValueError, "unable to spool job: no spooler "
				    "(--spooler DIR)");
	static const size_t cap = 4 + 65535;
	uint8_t *pkt = malloc(cap);
	if (!pkt)
		return PyErr_NoMemory();
	up_vars_builder_t b;
	up_vars_builder_init(&b, pkt, cap);
	struct job_args a = { .at = -1 };
	char path[4200], err[300];
	int rc = build(dict, &b, &a);
	if (rc == 0) {
		const char *body = a.body ? PyBytes_AS_STRING(a.body) : NULL;
		size_t blen = a.body ? (size_t)PyBytes_GET_SIZE(a.body) : 0;
		const char *prio = a.prio[0] ? a.prio : NULL;
		Py_BEGIN_ALLOW_THREADS
		rc = spool_write(dir, pkt + 4, b.len, body, blen, a.at, prio, path, sizeof path,
				 err, sizeof err);
		Py_END_ALLOW_THREADS
		if (rc < 0)
			PyErr_Format(PyExc_ValueError, "unable to spool job: %s", err);
	}
	free(pkt);
	Py_XDECREF(a.body);
	return rc < 0 ? NULL : PyBytes_FromString(path);
}

static PyObject *m_i_am_the_spooler(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	return PyBool_FromLong(spooler_self());
}

static int put(PyObject *d, const char *key, PyObject *v)
{
	int rc = v ? PyDict_SetItemString(d, key, v) : -1;
	Py_XDECREF(v);
	return rc;
}

/* The callable's argument. */
static PyObject *job_dict(const char *name, const uint8_t *vars, size_t vlen,
			  const uint8_t *body, size_t blen)
{
	PyObject *d = PyDict_New();
	up_vars_iter_t it;
	up_var_t v;
	up_vars_iter_init(&it, vars, vlen);
	while (d && up_vars_next(&it, &v) > 0) {
		PyObject *k = PyBytes_FromStringAndSize((const char *)v.key, (Py_ssize_t)v.klen);
		PyObject *val = PyBytes_FromStringAndSize((const char *)v.val, (Py_ssize_t)v.vlen);
		if (!k || !val || PyDict_SetItem(d, k, val) < 0)
			Py_CLEAR(d);
		Py_XDECREF(k);
		Py_XDECREF(val);
	}
	if (d && put(d, "spooler_task_name", PyBytes_FromString(name)) < 0)
		Py_CLEAR(d);
	if (d && blen &&
	    put(d, "body", PyBytes_FromStringAndSize((const char *)body, (Py_ssize_t)blen)) < 0)
		Py_CLEAR(d);
	return d;
}

/* uwsgi.spooler as an app set it, in whichever interpreter the app lives
 * (each has its own uwsgi module): the first one found, and *is gets its
 * interpreter. */
static PyObject *the_callable(PyInterpreterState **is)
{
	static int said;
	for (size_t i = 0; i < interp_count(); i++) {
		PyThreadState *prev = interp_enter(interp_at(i));
		PyObject *mod = PyImport_ImportModule("uwsgi");
		PyObject *cb = mod ? PyObject_GetAttrString(mod, "spooler") : NULL;
		Py_XDECREF(mod);
		PyErr_Clear();
		interp_leave(prev);
		if (cb) {
			*is = interp_at(i);
			return cb;
		}
	}
	if (!said) {
		said = 1;
		log_line("[spooler] no spooler callable: the jobs wait until the app sets "
			 "uwsgi.spooler");
	}
	return NULL;
}

int spooler_call(const char *name, const uint8_t *vars, size_t vlen, const uint8_t *body,
		 size_t blen)
{
	PyInterpreterState *is;
	PyObject *cb = the_callable(&is);
	if (!cb)
		return SPOOL_RETRY;
	PyObject *d = job_dict(name, vars, vlen, body, blen);
	PyObject *args = d ? PyTuple_Pack(1, d) : NULL;
	PyObject *r = args ? interp_call(is, cb, args) : NULL;
	int ret = SPOOL_RETRY;
	if (!r) {
		py_log_exception("[spooler] the spooler callable raised (the job is retried)");
	} else if (!PyLong_Check(r)) {
		log_line("[spooler] the spooler callable returned %.40s, not uwsgi.SPOOL_*: the "
			 "job is retried", Py_TYPE(r)->tp_name);
	} else {
		long v = PyLong_AsLong(r);
		PyErr_Clear();
		ret = v == SPOOL_OK || v == SPOOL_IGNORE ? (int)v : SPOOL_RETRY;
	}
	Py_XDECREF(r);
	Py_XDECREF(args);
	Py_XDECREF(d);
	Py_DECREF(cb);
	return ret;
}

static PyMethodDef methods[] = {
	{ "spool", (PyCFunction)(void (*)(void))m_spool, METH_VARARGS | METH_KEYWORDS,
	  "spool(dict or **kwargs): enqueue a spooler job; returns its file's path" },
	{ "send_to_spooler", (PyCFunction)(void (*)(void))m_spool, METH_VARARGS | METH_KEYWORDS,
	  "the same as spool()" },
	{ "i_am_the_spooler", m_i_am_the_spooler, METH_NOARGS,
	  "True in a spooler process" },
	{ NULL, NULL, 0, NULL },
};

static int init(PyObject *m)
{
	const struct server *s = pymod_server();
	if (PyModule_AddIntConstant(m, "SPOOL_OK", SPOOL_OK) < 0 ||
	    PyModule_AddIntConstant(m, "SPOOL_RETRY", SPOOL_RETRY) < 0 ||
	    PyModule_AddIntConstant(m, "SPOOL_IGNORE", SPOOL_IGNORE) < 0)
		return -1;
	if (!s || !s->c->spooler)
		return 0;
	char n[16];
	snprintf(n, sizeof n, "%d", s->c->spooler_processes);
	return pymod_opt_put(m, "spooler", s->c->spooler) < 0 ||
	       pymod_opt_put(m, "spooler-processes", n) < 0 ? -1 : 0;
}

const struct pymod_part pymod_spooler = { "spooler", methods, init };
