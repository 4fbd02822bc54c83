/* uwsgi module basics: version, hostname, numproc, opt, worker_id(),
 * masterpid(), workers(), total_requests(), request_id(), log(), mem(),
 * reload(). */
#include <signal.h>
#include <unistd.h>

#include "pymod.h"
#include "procmem.h"
#include "scoreboard.h"

static PyObject *m_worker_id(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	return PyLong_FromLong(pymod_worker_id());
}

static PyObject *m_masterpid(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	struct server *s = pymod_server();
	return PyLong_FromLong(s && (s->c->master || s->c->processes > 1) ? s->master_pid : 0);
}

static PyObject *m_total_requests(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	struct server *s = pymod_server();
	return PyLong_FromUnsignedLongLong(s ? s->sb->total_requests : 0);
}

/* uWSGI's is its worker's request counter too; threads of one worker may
 * see the same number, as there. */
uint64_t pymod_request_id(void)
{
	struct server *s = pymod_server();
	int wid = pymod_worker_id();
	if (!s || wid < 1 || wid > s->sb->capacity)
		return 0;
	return s->sb->w[wid - 1].requests + 1;
}

static PyObject *m_request_id(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	return PyLong_FromUnsignedLongLong(pymod_request_id());
}

/* A tuple of dicts with the keys of the stats server's workers. */
static PyObject *m_workers(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	struct server *s = pymod_server();
	int n = s ? s->sb->nworkers : 0;
	PyObject *t = PyTuple_New(n);
	for (int i = 0; t && i < n; i++) {
		const struct worker_slot *w = &s->sb->w[i];
		uint64_t rss = 0, vsz = 0;
		if (w->pid > 0)
			proc_memory(w->pid, &rss, &vsz);
		PyObject *d = Py_BuildValue(
			"{s:i,s:i,s:i,s:K,s:K,s:K,s:K,s:i,s:i,s:s,s:K,s:K,s:K,s:L,s:K,s:K,s:K}",
			"id", i + 1, "pid", (int)w->pid, "accepting", w->pid > 0,
			"requests", (unsigned long long)w->requests,
			"delta_requests", (unsigned long long)w->delta_requests,
			"exceptions", (unsigned long long)w->exceptions,
			"harakiri_count", (unsigned long long)w->harakiri_count,
			"signals", 0, "signal_queue", 0,
			"status", scoreboard_status_name(w->status),
			"rss", (unsigned long long)rss, "vsz", (unsigned long long)vsz,
			"running_time", (unsigned long long)w->running_time_us,
			"last_spawn", (long long)w->last_spawn,
			"respawn_count", (unsigned long long)w->respawn_count,
			"tx", (unsigned long long)w->tx,
			"avg_rt", (unsigned long long)w->avg_rt_us);
		if (!d) {
			Py_CLEAR(t);
			break;
		}
		PyTuple_SET_ITEM(t, i, d);
	}
	return t;
}

static PyObject *m_log(PyObject *self, PyObject *args)
{
	(void)self;
	const char *msg;
	if (!PyArg_ParseTuple(args, "s:log", &msg))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	dprintf(2, "%s\n", msg);
	Py_END_ALLOW_THREADS
	Py_RETURN_TRUE;
}

/* (rss, vsz) in bytes, as uWSGI returns them. */
static PyObject *m_mem(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	uint64_t rss, vsz;
	proc_memory(0, &rss, &vsz);
	return Py_BuildValue("(KK)", (unsigned long long)rss, (unsigned long long)vsz);
}

/* Ask the master for a graceful reload (as SIGHUP). */
static PyObject *m_reload(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	struct server *s = pymod_server();
	if (!s || !(s->c->master || s->c->processes > 1))
		Py_RETURN_FALSE;
	return PyBool_FromLong(kill(s->master_pid, SIGHUP) == 0);
}

static PyMethodDef methods[] = {
	{ "worker_id", m_worker_id, METH_NOARGS, "this worker's id (0 in the master)" },
	{ "masterpid", m_masterpid, METH_NOARGS, "the master's pid (0 without one)" },
	{ "total_requests", m_total_requests, METH_NOARGS, "requests served by all workers" },
	{ "request_id", m_request_id, METH_NOARGS, "the number of this worker's current request" },
	{ "workers", m_workers, METH_NOARGS, "a tuple of dicts, one per worker" },
	{ "log", m_log, METH_VARARGS, "write a line to the server's log" },
	{ "mem", m_mem, METH_NOARGS, "(rss, vsz) of this process in bytes" },
	{ "reload", m_reload, METH_NOARGS, "ask the master for a graceful reload" },
	{ NULL, NULL, 0, NULL },
};

/* uwsgi.opt: the options as given, str values, lists for repeated ones. */
static PyObject *options(const struct config *c)
{
	PyObject *d = PyDict_New();
#define PUT_S(k, v) do { if (v) { PyObject *o_ = PyBytes_FromString(v); PyDict_SetItemString(d, k, o_); Py_XDECREF(o_); } } while (0)
	PUT_S("wsgi-file", c->wsgi_file);
	PUT_S("module", c->module);
	PUT_S("chdir", c->chdir);
	PUT_S("home", c->home);
	PUT_S("logto", c->logto);
	PUT_S("stats", c->stats);
#undef PUT_S
	for (int proto = 0; proto < 2; proto++) {
		PyObject *socks = PyList_New(0);
		for (size_t i = 0; i < c->nsockets; i++) {
			if ((int)c->sockets[i].proto != (proto ? PROTO_HTTP : PROTO_UWSGI))
				continue;
			PyObject *o = PyBytes_FromString(c->sockets[i].addr);
			PyList_Append(socks, o);
			Py_XDECREF(o);
		}
		if (PyList_GET_SIZE(socks))
			PyDict_SetItemString(d, proto ? "http-socket" : "socket", socks);
		Py_DECREF(socks);
	}
	PyObject *p = PyLong_FromLong(c->processes);
	PyDict_SetItemString(d, "processes", p);
	Py_DECREF(p);
	return d;
}

static int init(PyObject *m)
{
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	struct server *s = pymod_server();
	if (PyModule_AddStringConstant(m, "version", UP_VERSION) < 0 ||
	    PyModule_AddObject(m, "hostname", PyBytes_FromString(host)) < 0 ||
	    PyModule_AddIntConstant(m, "numproc", s ? s->c->processes : 1) < 0)
		return -1;
	return PyModule_AddObject(m, "opt", s ? options(s->c) : PyDict_New());
}

const struct pymod_part pymod_core = { "core", methods, init };
