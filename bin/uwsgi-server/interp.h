/* Python interpreters: the main one and the sub-interpreters apps get
 * (Py_NewInterpreter), and the thread states that enter them. A thread
 * needs its own PyThreadState in every interpreter it runs code of; they
 * are made on first use and kept for the thread's life. Everything here
 * is called with the GIL held unless it says otherwise.
 *
 * Sub-interpreters never cross a fork: CPython 3.11's PyOS_AfterFork_Child
 * deletes every interpreter but the main one (and can hang doing so), so
 * apps that need one are loaded after the fork, in each worker. */
#ifndef UWSGI_SERVER_INTERP_H
#define UWSGI_SERVER_INTERP_H

#include <Python.h>

/* Record the main interpreter (right after Py_Initialize). */
void interp_init(void);

PyInterpreterState *interp_main(void);

/* A new sub-interpreter; setup() runs inside it first (sys.path, the app
 * loader). Returns with the caller's thread state current again; NULL (the
 * reason logged) when Python cannot make one or setup() fails. */
PyInterpreterState *interp_new(int (*setup)(void));

/* Throw away a sub-interpreter from interp_new that no app uses (its load
 * failed), so a bad request cannot pile interpreters up. */
void interp_discard(PyInterpreterState *is);

/* "the main interpreter" or "sub-interpreter N", for logs. */
const char *interp_name(PyInterpreterState *is, char *buf, size_t cap);

/* Make is current for the calling thread, which holds the GIL in any
 * interpreter; interp_leave(returned) goes back. Cheap when is is already
 * current (NULL is returned, and interp_leave(NULL) does nothing). */
PyThreadState *interp_enter(PyInterpreterState *is);
void interp_leave(PyThreadState *prev);

/* f(*args) in is, the interpreter f belongs to (uwsgi module callbacks:
 * RPC functions, signal handlers, the spooler). A raised exception comes
 * back to the caller's thread state, as if f had run there. */
PyObject *interp_call(PyInterpreterState *is, PyObject *f, PyObject *args);

/* Every interpreter of this process, the main one first. */
size_t interp_count(void);
PyInterpreterState *interp_at(size_t i);

#endif
