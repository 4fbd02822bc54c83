#include "pyapp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "interp.h"
#include "pymod.h"

/* The loaders are a few lines of Python: importlib does the real work, and
 * errors come back as ordinary Python exceptions with tracebacks. */
static const char bootstrap_src[] =
"import importlib, importlib.util, os, sys\n"
"def _pick(mod, name, where):\n"
"    app = getattr(mod, name, None)\n"
"    if app is None:\n"
"        raise LookupError('%s has no callable named %r' % (where, name))\n"
"    if not callable(app):\n"
"        raise TypeError('%s.%s is not callable' % (where, name))\n"
"    return app\n"
"def load_file(path, name):\n"
"    path = os.path.abspath(path)\n"
"    modname = 'uwsgi_file_' + ''.join(c if c.isalnum() else '_' for c in path)\n"
"    spec = importlib.util.spec_from_file_location(modname, path)\n"
"    if spec is None or spec.loader is None:\n"
"        raise ImportError('cannot load %s as Python code' % path)\n"
"    mod = importlib.util.module_from_spec(spec)\n"
"    sys.modules[modname] = mod\n"
"    try:\n"
"        spec.loader.exec_module(mod)\n"
"    except BaseException:\n"
"        del sys.modules[modname]\n"
"        raise\n"
"    return _pick(mod, name, path)\n"
"def load_module(spec, name):\n"
"    modname, _, attr = spec.partition(':')\n"
"    mod = importlib.import_module(modname)\n"
"    return _pick(mod, attr or name, modname)\n"
"def module_applications(spec):\n"
"    modname, _, attr = spec.partition(':')\n"
"    if attr:\n"
"        return None\n"
"    mod = importlib.import_module(modname)\n"
"    table = getattr(mod, 'applications', None)\n"
"    if not isinstance(table, dict):\n"
"        return None\n"
"    out = []\n"
"    for mount, app in table.items():\n"
"        try:\n"
"            if not isinstance(mount, str) or (mount and not mount.startswith('/')):\n"
"                raise ValueError('a mountpoint must be a str starting with /')\n"
"            if isinstance(app, str):\n"
"                app = load_module(app, 'application')\n"
"            elif not callable(app):\n"
"                raise TypeError('%r is not callable' % (app,))\n"
"        except Exception as e:\n"
"            raise RuntimeError('applications[%r]: %s: %s' % (mount, type(e).__name__, e))\n"
"        out.append((mount.rstrip('/') if mount != '/' else '', app))\n"
"    if not out:\n"
"        raise RuntimeError('the applications dict is empty')\n"
"    return out\n"
"def add_dir(d):\n"
"    d = os.path.abspath(d)\n"
"    if d not in sys.path:\n"
"        sys.path.insert(0, d)\n"
"def add_pyhome(home):\n"
"    import site\n"
"    sp = os.path.join(home, 'lib', 'python%d.%d' % sys.version_info[:2], 'site-packages')\n"
"    if not os.path.isdir(sp):\n"
"        raise FileNotFoundError('UWSGI_PYHOME %s: no %s' % (home, sp))\n"
"    site.addsitedir(sp)\n"
"def load_paste(uri):\n"
"    from paste.deploy import loadapp\n"
"    if uri.startswith('config:') and not os.path.isabs(uri[7:]):\n"
"        uri = 'config:' + os.path.abspath(uri[7:])\n"
"    return loadapp(uri)\n";

/* Each interpreter has its own copy of the loader (importlib of the main
 * interpreter would import into the main sys.modules), kept in the
 * interpreter's dict under this key. */
#define LOADER_KEY "uwsgi-server.loader"
static const char *callable_name = "application";
static const struct config *cfg;

/* One of the loader's functions in the current interpreter (borrowed). */
static PyObject *loader_fn(const char *name)
{
	PyObject *d = PyInterpreterState_GetDict(PyInterpreterState_Get());
	PyObject *ns = d ? PyDict_GetItemString(d, LOADER_KEY) : NULL;
	PyObject *f = ns ? PyDict_GetItemString(ns, name) : NULL;
	if (!f)
		PyErr_Format(PyExc_RuntimeError, "the app loader has no %s here", name);
	return f;
}

static void setup_config(PyConfig *pc, const struct config *c)
{
	PyConfig_InitPythonConfig(pc);
	/* Signals belong to the server; argv is not Python's to parse. */
	pc->install_signal_handlers = 0;
	pc->parse_argv = 0;
	if (c->home) {
		/* A virtualenv: let Python find pyvenv.cfg next to its python, as
		 * if that interpreter had been started. */
		char exe[PATH_MAX];
		snprintf(exe, sizeof exe, "%s/bin/python3", c->home);
		if (access(exe, X_OK) != 0)
			snprintf(exe, sizeof exe, "%s/bin/python", c->home);
		PyStatus st = PyConfig_SetBytesString(pc, &pc->executable, exe);
		if (PyStatus_Exception(st))
			die(1, "--home %s: %s", c->home, st.err_msg ? st.err_msg : "invalid");
	}
	static wchar_t *argv[] = { L"uwsgi", NULL };
	PyConfig_SetArgv(pc, 1, argv);
}

static void extend_sys_path(const struct config *c)
{
	/* c->chdir is already the working directory: "" is enough. */
	PyObject *path = PySys_GetObject("path");  /* borrowed */
	if (!path)
		return;
	/* The working directory first, as `python -m` has it, then each
	 * --pythonpath in the order given. */
	PyObject *cwd = PyUnicode_FromString("");
	PyList_Insert(path, 0, cwd);
	Py_XDECREF(cwd);
	for (size_t i = 0; i < c->pythonpath.n; i++) {
		PyObject *p = PyUnicode_DecodeFSDefault(c->pythonpath.v[i]);
		if (p)
			PyList_Insert(path, (Py_ssize_t)(i + 1), p);
		Py_XDECREF(p);
	}
}

/* What every interpreter gets before an app loads in it: sys.path and
 * its own loader. 0, or -1 with a Python exception. */
static int interp_setup(void)
{
	extend_sys_path(cfg);
	PyObject *ns = PyDict_New();
	PyObject *d = PyInterpreterState_GetDict(PyInterpreterState_Get());
	if (!ns || !d || PyDict_SetItemString(ns, "__builtins__", PyEval_GetBuiltins()) < 0) {
		Py_XDECREF(ns);
		if (!PyErr_Occurred())
			PyErr_SetString(PyExc_RuntimeError, "no interpreter dict");
		return -1;
	}
	PyObject *r = PyRun_String(bootstrap_src, Py_file_input, ns, ns);
	int rc = r ? PyDict_SetItemString(d, LOADER_KEY, ns) : -1;
	Py_XDECREF(r);
	Py_DECREF(ns);
	return rc;
}

void py_init(const struct config *c)
{
	PyConfig pc;
	pymod_register();
	setup_config(&pc, c);
	PyStatus st = Py_InitializeFromConfig(&pc);
	PyConfig_Clear(&pc);
	if (PyStatus_Exception(st))
		die(1, "cannot start Python: %s", st.err_msg ? st.err_msg : "unknown error");
	cfg = c;
	if (c->callable)
		callable_name = c->callable;
	interp_init();
	if (interp_setup() < 0) {
		py_log_exception("loader bootstrap");
		die(1, "cannot start the app loader");
	}
}

/* Fill the free slot apps->v[apps->n] (growing the array when full)
 * without counting it yet: the caller publishes it with apps->n++. */
static struct app *new_slot(struct apps *apps, const char *mount, size_t ml,
			    const char *source, const char *cname)
{
	if (apps->n == apps->cap) {
		size_t cap = apps->cap ? apps->cap * 2 : 4;
		struct app *v = realloc(apps->v, cap * sizeof *v);
		if (!v)
			die(1, "out of memory");
		apps->v = v;
		apps->cap = cap;
	}
	struct app *a = &apps->v[apps->n];
	memset(a, 0, sizeof *a);
	a->mountpoint = strndup(mount, ml);
	a->source = strdup(source);
	a->cname = cname ? strdup(cname) : NULL;
	if (!a->mountpoint || !a->source || (cname && !a->cname))
		die(1, "out of memory");
	/* "/" and "" both mean the root: keep one spelling. */
	if (strcmp(a->mountpoint, "/") == 0)
		a->mountpoint[0] = 0;
	a->mlen = strlen(a->mountpoint);
	return a;
}

#ifndef UP_ROCK_SOLID
static void free_slot(struct app *a)
{
	free(a->mountpoint);
	free(a->source);
	free(a->cname);
	a->mountpoint = a->source = a->cname = NULL;
}
#endif

/* As uWSGI: the first app lives in the main interpreter, every further
 * one in a sub-interpreter of its own unless --single-interpreter. */
static void add_app(struct apps *apps, const char *mount, size_t ml, const char *source,
		    int single)
{
	struct app *a = new_slot(apps, mount, ml, source, NULL);
	a->own_interp = apps->n > 0 && !single;
	apps->n++;
}

size_t py_app_count(const struct config *c)
{
	return (c->paste != NULL) + (c->wsgi_file != NULL) + (c->module != NULL) + c->mounts.n;
}

void py_declare_apps(const struct config *c, struct apps *apps)
{
	memset(apps, 0, sizeof *apps);
	if (c->paste) {
		char src[PATH_MAX + 8];
		snprintf(src, sizeof src, "paste=%s", c->paste);
		add_app(apps, "", 0, src, c->single_interpreter);
	}
	if (c->wsgi_file) {
		char src[PATH_MAX + 8];
		snprintf(src, sizeof src, "file=%s", c->wsgi_file);
		add_app(apps, "", 0, src, c->single_interpreter);
	}
	if (c->module) {
		char src[PATH_MAX + 8];
		snprintf(src, sizeof src, "module=%s", c->module);
		add_app(apps, "", 0, src, c->single_interpreter);
	}
	for (size_t i = 0; i < c->mounts.n; i++) {
		const char *m = c->mounts.v[i], *eq = strchr(m, '=');
		if (!eq || (m[0] != '/' && eq != m))
			die(1, "--mount '%s': expected /prefix=FILE_OR_MODULE", m);
		const char *target = eq + 1;
		size_t tl = strlen(target);
		int is_file = strchr(target, '/') || (tl > 3 && strcmp(target + tl - 3, ".py") == 0) ||
			      (tl > 5 && strcmp(target + tl - 5, ".wsgi") == 0);
		char src[PATH_MAX + 8];
		snprintf(src, sizeof src, "%s=%s", is_file ? "file" : "module", target);
		add_app(apps, m, (size_t)(eq - m), src, c->single_interpreter);
	}
	if (apps->n > (size_t)c->max_apps)
		die(1, "%zu apps configured: over --max-apps %d", apps->n, c->max_apps);
	/* Room for every dynamic app now, so that adding one never moves
	 * the array under a thread that holds a pointer into it. */
	if (c->dynamic_apps && apps->cap < (size_t)c->max_apps + 1) {
		struct app *v = realloc(apps->v, ((size_t)c->max_apps + 1) * sizeof *v);
		if (!v)
			die(1, "out of memory");
		apps->v = v;
		apps->cap = (size_t)c->max_apps + 1;
	}
}

static PyObject *load_one(const struct app *a)
{
	const char *kind_end = strchr(a->source, '=');
	size_t kl = (size_t)(kind_end - a->source);
	const char *arg = kind_end + 1;
	const char *fn = kl == 4 && memcmp(a->source, "file", 4) == 0 ? "load_file"
		: kl == 5 && memcmp(a->source, "paste", 5) == 0 ? "load_paste" : "load_module";
	PyObject *f = loader_fn(fn);  /* borrowed */
	if (!f)
		return NULL;
	if (strcmp(fn, "load_paste") == 0)
		return PyObject_CallFunction(f, "s", arg);
	return PyObject_CallFunction(f, "ss", arg, a->cname ? a->cname : callable_name);
}

/* A --module whose module has an `applications` dict mounts each entry as
 * --mount would, all in the module's interpreter. 1 when it did, 0 when
 * there is no such dict; a bad entry stops the start with one line naming
 * it. */
static int load_table(struct apps *apps, size_t i)
{
	const char *spec = apps->v[i].source + strlen("module=");
	PyObject *f = loader_fn("module_applications");
	PyObject *list = f ? PyObject_CallFunction(f, "s", spec) : NULL;
	if (!list) {
		PyObject *type, *val, *tb;
		PyErr_Fetch(&type, &val, &tb);
		PyObject *str = val ? PyObject_Str(val) : NULL;
		const char *msg = str ? PyUnicode_AsUTF8(str) : NULL;
		if (msg && strncmp(msg, "applications[", 13) == 0)
			die(1, "--module %s: %s", spec, msg);
		PyErr_Restore(type, val, tb);
		Py_XDECREF(str);
		return -1;
	}
	if (list == Py_None) {
		Py_DECREF(list);
		return 0;
	}
	char *source = strdup(apps->v[i].source);
	for (Py_ssize_t k = 0; k < PyList_GET_SIZE(list); k++) {
		PyObject *pair = PyList_GET_ITEM(list, k);
		const char *mount = PyUnicode_AsUTF8(PyTuple_GET_ITEM(pair, 0));
		PyObject *app = PyTuple_GET_ITEM(pair, 1);
		struct app *a;
		if (k == 0) {
			a = &apps->v[i];
			free(a->mountpoint);
			a->mountpoint = strdup(mount);
			a->mlen = strlen(mount);
		} else {
			a = new_slot(apps, mount, strlen(mount), source, NULL);
			apps->n++;
		}
		Py_INCREF(app);
		a->callable = app;
		a->interp = PyInterpreterState_Get();
		char in[64];
		warn("WSGI app %zu (mountpoint='%s') ready: %s (applications dict), in %s",
		     (size_t)(a - apps->v), a->mountpoint, source,
		     interp_name(a->interp, in, sizeof in));
	}
	free(source);
	Py_DECREF(list);
	return 1;
}

/* UWSGI_CHDIR and UWSGI_PYHOME, in the app's interpreter. The working
 * directory is the process's: it is changed for the load only (*cwd gets
 * the old one back), and the directory stays on the app's sys.path. */
static int apply_extra(const struct app_spec *x, int *cwd)
{
	*cwd = -1;
	if (x->pyhome) {
		PyObject *f = loader_fn("add_pyhome");
		PyObject *r = f ? PyObject_CallFunction(f, "s", x->pyhome) : NULL;
		if (!r)
			return -1;
		Py_DECREF(r);
	}
	if (!x->dir)
		return 0;
	PyObject *f = loader_fn("add_dir");
	PyObject *r = f ? PyObject_CallFunction(f, "s", x->dir) : NULL;
	if (!r)
		return -1;
	Py_DECREF(r);
	/* No way back, no going there. */
	*cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*cwd < 0 || chdir(x->dir) < 0) {
		PyErr_Format(PyExc_OSError, "UWSGI_CHDIR %s: %s", *cwd < 0 ? "." : x->dir,
			     strerror(errno));
		return -1;
	}
	return 0;
}

static void restore_cwd(int cwd)
{
	if (cwd < 0)
		return;
	if (fchdir(cwd) < 0)
		warn("cannot return to the working directory: %m");
	close(cwd);
}

/* Load apps->v[i] in its interpreter (a new one when it wants one). With
 * x (a dynamic app) there is no applications dict to look for. 1 when the
 * app is ready, 0 when it failed (logged). */
static int load_at(struct apps *apps, size_t i, const struct app_spec *x)
{
	PyInterpreterState *is = interp_main();
	if (apps->v[i].own_interp && !(is = interp_new(interp_setup)))
		return 0;
	PyThreadState *prev = interp_enter(is);
	int cwd = -1, table = 0;
	struct app *a = &apps->v[i];
	if (x && apply_extra(x, &cwd) < 0)
		table = -1;
	else if (!x && strncmp(a->source, "module=", 7) == 0)
		table = load_table(apps, i);
	a = &apps->v[i];  /* load_table may have moved the array */
	if (table == 0)
		a->callable = load_one(a);
	restore_cwd(cwd);
	char in[64];
	interp_name(is, in, sizeof in);
	if (!a->callable) {
		char what[PATH_MAX + 128];
		snprintf(what, sizeof what, "cannot load app %zu (%s, mountpoint='%s') in %s",
			 i, a->source, a->mountpoint, in);
		py_log_exception(what);
	} else if (table == 0) {
		a->interp = is;
		warn("WSGI app %zu (mountpoint='%s') ready: %s, in %s", i, a->mountpoint,
		     a->source, in);
	}
	/* A failed sub-interpreter goes, with what it registered (after the
	 * log: forgetting must not clear the load's exception). */
	int drop = !a->callable && is != interp_main();
	if (drop)
		pymod_forget(is);
	interp_leave(prev);
	if (drop)
		interp_discard(is);
	return a->callable != NULL;
}

static size_t load_all(struct apps *apps, int after_fork)
{
	size_t ok = 0, declared = apps->n;
	for (size_t i = 0; i < declared; i++) {
		struct app *a = &apps->v[i];
		if (!a->callable && a->own_interp && !after_fork) {
			warn("WSGI app %zu (mountpoint='%s'): loads in each worker, in a "
			     "sub-interpreter of its own", i, a->mountpoint);
			continue;
		}
		ok += a->callable || load_at(apps, i, NULL);
	}
	return ok + (apps->n - declared);
}

size_t py_load_apps(struct apps *apps)
{
	return load_all(apps, 1);
}

size_t py_preload_apps(struct apps *apps)
{
	return load_all(apps, 0);
}

#ifndef UP_ROCK_SOLID
const struct app *py_add_app(struct apps *apps, const struct app_spec *s)
{
	if (apps->n >= apps->cap)
		return NULL;
	struct app *a = new_slot(apps, s->mount, strlen(s->mount), s->source, s->cname);
	a->own_interp = s->own_interp;
	if (!load_at(apps, apps->n, s)) {
		free_slot(a);
		return NULL;
	}
	/* Published only now: pick_app never sees a half-loaded app. */
	return &apps->v[apps->n++];
}
#endif

static int prefix_of(const struct app *a, const char *p, size_t pl)
{
	if (a->mlen > pl || memcmp(a->mountpoint, p, a->mlen) != 0)
		return 0;
	return a->mlen == pl || p[a->mlen] == '/';
}

const struct app *py_pick_app(const struct apps *apps, int manage_script_name,
			      const char *script_name, size_t sl,
			      const char *path_info, size_t pl, size_t *strip)
{
	const struct app *best = NULL, *root = NULL;
	*strip = 0;
	for (size_t i = 0; i < apps->n; i++) {
		const struct app *a = &apps->v[i];
		if (!a->callable)
			continue;
		if (a->mlen == 0 && !root)
			root = a;
		if (manage_script_name && a->mlen && prefix_of(a, path_info, pl) &&
		    (!best || a->mlen > best->mlen))
			best = a;
		if (!manage_script_name && a->mlen && sl && prefix_of(a, script_name, sl) &&
		    (!best || a->mlen > best->mlen))
			best = a;
	}
	if (best && manage_script_name)
		*strip = best->mlen;
	return best ? best : root;
}

void py_fork_prepare(void)
{
	PyOS_BeforeFork();
}

void py_fork_parent(void)
{
	PyOS_AfterFork_Parent();
}

void py_fork_child(void)
{
	PyOS_AfterFork_Child();
}

void py_log_exception(const char *what)
{
	warn("%s:", what);
	PyErr_Print();
	/* PyErr_Print writes through sys.stderr, which buffers. */
	PyObject *err = PySys_GetObject("stderr");
	if (err) {
		PyObject *r = PyObject_CallMethod(err, "flush", NULL);
		Py_XDECREF(r);
	}
	PyErr_Clear();
}
