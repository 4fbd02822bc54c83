/* FastFuncs: `uwsgi.fastfuncs`, a list of 256 slots (pymod_fastfunc.c),
 * and the modifier1 27 handler (h_fastfunc.c) that serves a request with
 * the WSGI callable in slot modifier2, without mountpoint routing. Each
 * interpreter's uwsgi module has its own list; a request runs in the
 * interpreter whose list serves its slot. */
#ifndef UWSGI_SERVER_FASTFUNC_H
#define UWSGI_SERVER_FASTFUNC_H

#include <Python.h>

#include "request.h"
#include "wsgi.h"

#define FASTFUNC_SLOTS 256

/* The callable in slot n (a new reference) and in *is (if not NULL) the
 * interpreter whose uwsgi.fastfuncs holds it; NULL when the slot is free
 * everywhere, and then why (if not NULL) says how ("holds None"...) in the
 * main interpreter. Never raises. GIL held. */
PyObject *fastfunc_get(int n, PyInterpreterState **is, char *why, size_t whycap);

/* Serve r (modifier1 27) with the callable in slot r->modifier2, as
 * wsgi_handle serves an app; GIL held. Returns 1 when the callable raised. */
int fastfunc_handle(struct wsgi_thread *t, struct request *r);

#endif
