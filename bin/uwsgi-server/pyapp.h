/* The embedded interpreter and the WSGI applications it serves: start-up
 * (PyConfig), loading apps from a file, a module, a PasteDeploy config or
 * --mount entries, choosing the app for a request, and the fork hooks. */
#ifndef UWSGI_SERVER_PYAPP_H
#define UWSGI_SERVER_PYAPP_H

#include <Python.h>

#include "config.h"

struct app {
	char *mountpoint;        /* "" for the default app, else "/prefix" */
	size_t mlen;
	char *source;            /* what it was loaded from, for logs */
	char *cname;             /* its callable's name; NULL: --callable */
	PyObject *callable;      /* NULL until loaded */
	int own_interp;          /* wants a sub-interpreter of its own */
	PyInterpreterState *interp;  /* where it lives, once loaded */
};

struct apps {
	struct app *v;
	size_t n, cap;           /* cap: no move while n < cap (dynamic apps) */
};

/* Start the interpreter: --home (virtualenv), --pythonpath, the working
 * directory on sys.path. Leaves the GIL held by the calling thread. Exits 1
 * with a message if Python cannot start. */
void py_init(const struct config *c);

/* Register every app the config names (wsgi-file, module, paste, mounts)
 * without loading them. */
void py_declare_apps(const struct config *c, struct apps *apps);

/* How many apps the config declares (before any applications dict). */
size_t py_app_count(const struct config *c);

/* Import every declared app (GIL held), each in its interpreter. Each
 * failure is logged with its traceback; returns the number of apps now
 * loaded. */
size_t py_load_apps(struct apps *apps);

/* Before the fork: only the apps that live in the main interpreter (a
 * sub-interpreter does not survive a fork, see interp.h). */
size_t py_preload_apps(struct apps *apps);

/* An app added while serving (dynamic apps). */
struct app_spec {
	const char *mount;       /* "" or "/prefix" */
	const char *source;      /* "file=PATH" or "module=MOD[:CALLABLE]" */
	const char *cname;       /* its callable; NULL: --callable */
	const char *dir;         /* load it from there (UWSGI_CHDIR), or NULL */
	const char *pyhome;      /* a virtualenv it sees (UWSGI_PYHOME), or NULL */
	int own_interp;          /* in a sub-interpreter of its own */
};

/* Append the app s describes (apps->n < apps->cap) and load it: the app,
 * or NULL (logged) when it did not load. Not in the ROCK_SOLID build. */
const struct app *py_add_app(struct apps *apps, const struct app_spec *s);

/* The app for a request: with manage_script_name the longest mountpoint
 * prefixing PATH_INFO (at a '/' boundary), else the one whose mountpoint
 * equals the SCRIPT_NAME the front end sent, else the default app. Sets
 * *strip to the bytes of PATH_INFO that become SCRIPT_NAME (0 for none).
 * NULL when no loaded app matches. */
const struct app *py_pick_app(const struct apps *apps, int manage_script_name,
			      const char *script_name, size_t sl,
			      const char *path_info, size_t pl, size_t *strip);

/* Around fork(): called with the GIL held; the child keeps it. */
void py_fork_prepare(void);
void py_fork_parent(void);
void py_fork_child(void);

/* Print a Python exception (and clear it) on the log, prefixed by what. */
void py_log_exception(const char *what);

#endif
