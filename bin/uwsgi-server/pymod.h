/* The `uwsgi` Python module, importable by apps inside the server only.
 * Each feature lives in its own file and contributes a table of methods
 * and an init hook; pymod.c assembles the module from the parts listed in
 * its `parts` table, so adding a feature is one line there. */
#ifndef UWSGI_SERVER_PYMOD_H
#define UWSGI_SERVER_PYMOD_H

#include <Python.h>

#include "server.h"

struct pymod_part {
	const char *name;
	PyMethodDef *methods;             /* NULL-terminated, may be NULL */
	int (*init)(PyObject *module);    /* constants, attributes; may be NULL */
};

/* Make `import uwsgi` possible: call before Py_Initialize. */
void pymod_register(void);

/* The server the module describes (set once in the master before apps
 * load; inherited by the workers). */
void pymod_set_server(struct server *s);
struct server *pymod_server(void);

/* Before a sub-interpreter ends (an app that failed to load in it): drop
 * the callables it registered (RPC functions, signal handlers), which
 * would outlive it. Called in that interpreter. */
void pymod_forget(PyInterpreterState *is);
void pymod_rpc_forget(PyInterpreterState *is);
void pymod_signal_forget(PyInterpreterState *is);
void pymod_msg_forget(PyInterpreterState *is);
void pymod_fastfunc_forget(PyInterpreterState *is);

/* This process's worker id (1-based), 0 in the master. */
void pymod_set_worker(int wid);
int pymod_worker_id(void);

/* The number of the request this worker is serving (or will serve next),
 * counted over all its lives: the N of the request log's "req: N/TOTAL",
 * uwsgi.request_id(). 0 outside a worker. */
uint64_t pymod_request_id(void);

/* The parts (pymod_core.c and the feature files). */
extern const struct pymod_part pymod_core;
extern const struct pymod_part pymod_locks, pymod_sharedarea, pymod_cache;
extern const struct pymod_part pymod_spooler, pymod_rpc, pymod_signal;
extern const struct pymod_part pymod_msg;
extern const struct pymod_part pymod_fastfunc;

/* Map the locks, the shared area and the cache the config asks for (in the
 * master, before the first fork; pymod_shared.c). Exits 1 on a bad --cache2. */
void pymod_shared_setup(const struct config *c);

#endif
