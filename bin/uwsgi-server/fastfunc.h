/* FastFuncs: `uwsgi.fastfuncs`, a list of 256 slots (pymod_fastfunc.c),
 * and the modifier1 27 handler (h_fastfunc.c) that serves a request with
 * the WSGI callable in slot modifier2, without mountpoint routing. The
 * slots are read from the main interpreter's uwsgi module. */
#ifndef UWSGI_SERVER_FASTFUNC_H
#define UWSGI_SERVER_FASTFUNC_H

#include <Python.h>

#include "request.h"
#include "wsgi.h"

#define FASTFUNC_SLOTS 256

/* The callable in slot n (a new reference), or NULL when the slot is free;
 * then why (if not NULL) says how ("holds None"...). Never raises. GIL
 * held. */
PyObject *fastfunc_get(int n, char *why, size_t whycap);

/* Serve r (modifier1 27) with the callable in slot r->modifier2, as
 * wsgi_handle serves an app; GIL held. Returns 1 when the callable raised. */
int fastfunc_handle(struct wsgi_thread *t, struct request *r);

#endif
