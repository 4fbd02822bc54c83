/* PEP 3333 on top of a request: environ, start_response, write(), the
 * response iterable, wsgi.input, wsgi.file_wrapper. Called with the GIL
 * held; the GIL is released around every blocking read and write. */
#ifndef UWSGI_SERVER_WSGI_H
#define UWSGI_SERVER_WSGI_H

#include <Python.h>

#include "config.h"
#include "pyapp.h"
#include "request.h"

/* One per serving thread: its thread state and the per-thread callables. */
struct wsgi_thread {
	PyThreadState *ts;
	PyObject *start_response;    /* bound to this struct */
	PyObject *write;             /* the write() callable start_response returns */
	struct request *r;           /* the request being served, or NULL */
	unsigned long gen;           /* counts requests: stale callables refuse */
	PyObject *status;            /* bytes "200 OK" once start_response ran */
	PyObject *headers;           /* list of (bytes, bytes) */
	int64_t declared_cl;         /* the app's Content-Length, -1 if none */
	int multithread, multiprocess;
	PyObject *env_template;      /* environ_template()'s dict */
};

/* Create the types (once, GIL held). */
void wsgi_types_init(void);

/* Prepare t for the calling thread; ts is its Python thread state. */
void wsgi_thread_init(struct wsgi_thread *t, PyThreadState *ts, int multithread,
		      int multiprocess);

/* Serve r with the app chosen for it; *app gets its index (-1: none).
 * Returns 1 when the app raised (the client got a 500 if nothing was sent
 * yet), 0 otherwise. */
int wsgi_handle(struct wsgi_thread *t, struct request *r, const struct apps *apps,
		const struct config *c, int *app);

/* Serve r with app itself, no routing (FastFuncs); strip as for
 * environ_build. Returns what wsgi_handle returns. */
int wsgi_call(struct wsgi_thread *t, struct request *r, const struct app *app, size_t strip);

/* wsgi.input (pyinput.c): a file-like object reading r's body. */
PyObject *input_new(struct wsgi_thread *t, struct request *r);
int input_type_init(void);

/* Environ (environ.c): the dict for r, with PEP 3333's defaults filled in.
 * strip is how many bytes of PATH_INFO move into SCRIPT_NAME. */
PyObject *environ_build(struct wsgi_thread *t, struct request *r, const struct app *app,
			size_t strip);
void environ_init(void);

/* The environ keys every request of a thread shares (wsgi.version, ...),
 * in a dict each environ_build starts from; new reference or NULL. */
PyObject *environ_template(int multithread, int multiprocess);

#endif
