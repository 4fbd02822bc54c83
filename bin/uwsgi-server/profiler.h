/* The integrated profiler (--profiler, --profiler-dir): each request runs
 * under cProfile; its top functions go to the log, or its stats to one
 * pstats file per request. Without the options the request path pays one
 * test of profiler_enabled. */
#ifndef UWSGI_SERVER_PROFILER_H
#define UWSGI_SERVER_PROFILER_H

#include <Python.h>

#include "config.h"
#include "request.h"

/* Set once by profiler_init, before the workers fork. */
extern int profiler_enabled;

/* Check the options (exits 1 with one line on a bad mode or an unusable
 * directory; the directory is made if missing) and say what will happen. */
void profiler_init(const struct config *c);

/* GIL held. Start profiling the calling thread: a new profiler, or NULL
 * (the failure is logged: the request runs unprofiled). */
PyObject *profiler_begin(void);

/* GIL held. Stop prof, report it for r (the log or a pstats file) and
 * release it. */
void profiler_end(PyObject *prof, const struct request *r);

#endif
