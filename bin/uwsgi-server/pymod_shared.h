/* What the uwsgi module's shared-memory parts (locks, sharedarea, cache)
 * have in common: their set-up in the master before the first fork
 * (pymod_shared_setup, declared in pymod.h, calls these) and small helpers
 * for their arguments. */
#ifndef UWSGI_SERVER_PYMOD_SHARED_H
#define UWSGI_SERVER_PYMOD_SHARED_H

#include "pymod.h"

/* Lock 0 and `extra` more (--locks), as uWSGI numbers them: 0..extra. */
void locks_setup(int extra);

/* --sharedarea: area 0, pages of the system page size (0: none). */
void sharedarea_setup(int pages);

/* Borrow the bytes of o (bytes or any bytes-like object, or a str as UTF-8)
 * into *view; release with PyBuffer_Release. 0, or -1 with a TypeError
 * naming what. */
int pyarg_bytes(PyObject *o, Py_buffer *view, const char *what);

/* Add KEY: b"VALUE" to the module's uwsgi.opt dict (uWSGI gives option
 * values as bytes). 0 or -1 with an exception set. */
int pymod_opt_put(PyObject *module, const char *key, const char *value);

#endif
