/* uwsgi.register_signal(num, target, func), uwsgi.signal(num[, node]),
 * uwsgi.signal_registered(num), uwsgi.add_timer(num, seconds),
 * uwsgi.add_rb_timer(num, seconds[, iterations]): uWSGI 2.0's signal API
 * over usig.c. The handlers are this process's Python objects (see
 * usig.h for who inherits them). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "interp.h"
#include "log.h"
#include "pymod.h"
#include "spooler.h"
#include "uclient.h"
#include "usig.h"

static PyObject *handlers[256];
static PyInterpreterState *handler_interp[256];  /* where each was registered */

void usig_run_handler(int num)
{
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *h = handlers[num];
	if (!h) {
		log_line("[uwsgi-signal] signal %d: no handler in this process (pid %d); "
			 "it was registered in another one", num, (int)getpid());
	} else {
		Py_INCREF(h);
		PyObject *args = Py_BuildValue("(i)", num);
		PyObject *r = args ? interp_call(handler_interp[num], h, args) : NULL;
		Py_XDECREF(args);
		if (!r) {
			char what[64];
			snprintf(what, sizeof what, "uwsgi signal %d handler", num);
			py_log_exception(what);
		}
		Py_XDECREF(r);
		Py_DECREF(h);
	}
	PyGILState_Release(g);
}

static int ensure_setup(void)
{
	if (usig_setup(pymod_server()) == 0)
		return 0;
	PyErr_SetString(PyExc_ValueError, "uwsgi signals need a master process (--master)");
	return -1;
}

static PyObject *m_register_signal(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned char num;
	const char *target;
	PyObject *func;
	char err[128];
	if (!PyArg_ParseTuple(args, "bsO:register_signal", &num, &target, &func))
		return NULL;
	if (!PyCallable_Check(func))
		return PyErr_Format(PyExc_TypeError, "signal %d: the handler is not callable", num);
	if (ensure_setup() < 0)
		return NULL;
	/* A spooler process keeps the handler for "spooler" signals but leaves
	 * the routing to the master and the workers. */
	if (!spooler_self() && usig_register(num, target, pymod_worker_id(), err,
						   sizeof err) < 0)
		return PyErr_Format(PyExc_ValueError, "unable to register signal %d: %s", num, err);
	Py_INCREF(func);
	Py_XSETREF(handlers[num], func);
	handler_interp[num] = PyInterpreterState_Get();
	Py_RETURN_NONE;
}

static PyObject *m_signal_registered(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned char num;
	if (!PyArg_ParseTuple(args, "b:signal_registered", &num))
		return NULL;
	return PyBool_FromLong(handlers[num] != NULL);
}

/* modifier1 110 to another node; it answers a generic response (255),
 * modifier2 1 when it raised the signal. */
static PyObject *remote_signal(int num, const char *node)
{
	const struct server *s = pymod_server();
	uint8_t pkt[4] = { 110, 0, 0, (uint8_t)num };
	up_header_t h;
	char err[256];
	int fd;
	Py_BEGIN_ALLOW_THREADS
	fd = uclient_send(node, s ? s->c->socket_timeout * 1000 : 4000, pkt, sizeof pkt, &h,
			  err, sizeof err);
	Py_END_ALLOW_THREADS
	if (fd < 0)
		return PyErr_Format(PyExc_OSError, "unable to deliver signal %d to node %s: %s", num,
				    node, err);
	close(fd);
	if (h.modifier1 != 255 || h.modifier2 != 1)
		return PyErr_Format(PyExc_ValueError, "node %s rejected signal %d", node, num);
	Py_RETURN_NONE;
}

static PyObject *m_signal(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned char num;
	const char *node = NULL;
	if (!PyArg_ParseTuple(args, "b|z:signal", &num, &node))
		return NULL;
	if (node && *node)
		return remote_signal(num, node);
	if (ensure_setup() < 0)
		return NULL;
	if (usig_raise(num) < 0)
		return PyErr_Format(PyExc_OSError, "signal %d lost: the master's queue is full", num);
	Py_RETURN_NONE;
}

static PyObject *add_timer(int num, int secs, int iterations)
{
	char err[128];
	if (ensure_setup() < 0)
		return NULL;
	if (spooler_self())
		Py_RETURN_NONE;  /* the master's and the workers' timers fire already */
	if (usig_add_timer(num, secs, iterations, err, sizeof err) < 0)
		return PyErr_Format(PyExc_ValueError, "unable to add timer for signal %d: %s", num,
				    err);
	Py_RETURN_NONE;
}

static PyObject *m_add_timer(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned char num;
	int secs;
	if (!PyArg_ParseTuple(args, "bi:add_timer", &num, &secs))
		return NULL;
	return add_timer(num, secs, 0);
}

static PyObject *m_add_rb_timer(PyObject *self, PyObject *args)
{
	(void)self;
	unsigned char num;
	int secs, iterations = 0;
	if (!PyArg_ParseTuple(args, "bi|i:add_rb_timer", &num, &secs, &iterations))
		return NULL;
	return add_timer(num, secs, iterations);
}

static PyMethodDef methods[] = {
	{ "register_signal", m_register_signal, METH_VARARGS,
	  "register_signal(num, target, func): run func(num) when signal num is raised" },
	{ "signal", m_signal, METH_VARARGS,
	  "signal(num[, node]): raise signal num here (or on the uwsgi node host:port)" },
	{ "signal_registered", m_signal_registered, METH_VARARGS,
	  "signal_registered(num): this process has a handler for num" },
	{ "add_timer", m_add_timer, METH_VARARGS,
	  "add_timer(num, seconds): raise num every seconds" },
	{ "add_rb_timer", m_add_rb_timer, METH_VARARGS,
	  "add_rb_timer(num, seconds[, iterations]): as add_timer, iterations times (0: ever)" },
	{ NULL, NULL, 0, NULL },
};

void pymod_signal_forget(PyInterpreterState *is)
{
	for (int i = 0; i < 256; i++)
		if (handler_interp[i] == is) {
			Py_CLEAR(handlers[i]);
			handler_interp[i] = NULL;
		}
}

const struct pymod_part pymod_signal = { "signal", methods, NULL };
