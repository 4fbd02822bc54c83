#include "pymod.h"

#include "die.h"

static struct server *server;
static int worker_id;

/* Every feature's methods and init hook: one line per feature. */
static const struct pymod_part *const parts[] = {
	&pymod_core,
	&pymod_locks,
	&pymod_sharedarea,
	&pymod_cache,
	&pymod_spooler,
	&pymod_rpc,
	&pymod_signal,
	&pymod_msg,
	&pymod_fastfunc,
};

#define NPARTS (sizeof parts / sizeof parts[0])

static PyMethodDef all_methods[256];

static struct PyModuleDef def = {
	PyModuleDef_HEAD_INIT, "uwsgi",
	"The uwsgi-server API: workers, locks, shared memory, cache, spooler, "
	"RPC and signals, as uWSGI's module offers them.",
	/* 0, not -1: each interpreter gets a module of its own, made by
	 * init_module, instead of a copy of the first one's dict. */
	0, all_methods, NULL, NULL, NULL, NULL,
};

/* Built once: the module of every interpreter shares the table. */
static void build_methods(void)
{
	static int built;
	size_t n = 0;
	if (built)
		return;
	for (size_t i = 0; i < NPARTS; i++)
		for (PyMethodDef *m = parts[i]->methods; m && m->ml_name; m++) {
			if (n + 1 >= sizeof all_methods / sizeof all_methods[0])
				Py_FatalError("uwsgi module: too many methods");
			all_methods[n++] = *m;
		}
	all_methods[n] = (PyMethodDef){ NULL, NULL, 0, NULL };
	built = 1;
}

static PyObject *init_module(void)
{
	build_methods();
	PyObject *m = PyModule_Create(&def);
	for (size_t i = 0; m && i < NPARTS; i++)
		if (parts[i]->init && parts[i]->init(m) < 0)
			Py_CLEAR(m);
	return m;
}

void pymod_forget(PyInterpreterState *is)
{
	pymod_rpc_forget(is);
	pymod_signal_forget(is);
	pymod_msg_forget(is);
	pymod_fastfunc_forget(is);
}

void pymod_register(void)
{
	if (PyImport_AppendInittab("uwsgi", init_module) < 0)
		die(1, "cannot register the uwsgi module");
}

void pymod_set_server(struct server *s)
{
	server = s;
}

struct server *pymod_server(void)
{
	return server;
}

void pymod_set_worker(int wid)
{
	worker_id = wid;
}

int pymod_worker_id(void)
{
	return worker_id;
}
