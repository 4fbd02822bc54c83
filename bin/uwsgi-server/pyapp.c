#include "pyapp.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
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
"def load_paste(uri):\n"
"    from paste.deploy import loadapp\n"
"    if uri.startswith('config:') and not os.path.isabs(uri[7:]):\n"
"        uri = 'config:' + os.path.abspath(uri[7:])\n"
"    return loadapp(uri)\n";

static PyObject *bootstrap;    /* the loader functions' namespace */
static const char *callable_name = "application";

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

void py_init(const struct config *c)
{
	PyConfig pc;
	pymod_register();
	setup_config(&pc, c);
	PyStatus st = Py_InitializeFromConfig(&pc);
	PyConfig_Clear(&pc);
	if (PyStatus_Exception(st))
		die(1, "cannot start Python: %s", st.err_msg ? st.err_msg : "unknown error");
	extend_sys_path(c);
	if (c->callable)
		callable_name = c->callable;
	bootstrap = PyDict_New();
	PyDict_SetItemString(bootstrap, "__builtins__", PyEval_GetBuiltins());
	PyObject *r = PyRun_String(bootstrap_src, Py_file_input, bootstrap, bootstrap);
	if (!r) {
		py_log_exception("loader bootstrap");
		die(1, "cannot start the app loader");
	}
	Py_DECREF(r);
}

static void add_app(struct apps *apps, const char *mount, size_t ml, const char *source)
{
	struct app *v = realloc(apps->v, (apps->n + 1) * sizeof *v);
	if (!v)
		die(1, "out of memory");
	apps->v = v;
	struct app *a = &v[apps->n++];
	a->mountpoint = strndup(mount, ml);
	/* "/" and "" both mean the root: keep one spelling. */
	if (strcmp(a->mountpoint, "/") == 0)
		a->mountpoint[0] = 0;
	a->mlen = strlen(a->mountpoint);
	a->source = strdup(source);
	a->callable = NULL;
	if (!a->mountpoint || !a->source)
		die(1, "out of memory");
}

void py_declare_apps(const struct config *c, struct apps *apps)
{
	apps->v = NULL;
	apps->n = 0;
	if (c->paste) {
		char src[PATH_MAX + 8];
		snprintf(src, sizeof src, "paste=%s", c->paste);
		add_app(apps, "", 0, src);
	}
	if (c->wsgi_file) {
		char src[PATH_MAX + 8];
		snprintf(src, sizeof src, "file=%s", c->wsgi_file);
		add_app(apps, "", 0, src);
	}
	if (c->module) {
		char src[PATH_MAX + 8];
		snprintf(src, sizeof src, "module=%s", c->module);
		add_app(apps, "", 0, src);
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
		add_app(apps, m, (size_t)(eq - m), src);
	}
}

static PyObject *load_one(const struct app *a)
{
	const char *kind_end = strchr(a->source, '=');
	size_t kl = (size_t)(kind_end - a->source);
	const char *arg = kind_end + 1;
	const char *fn = kl == 4 && memcmp(a->source, "file", 4) == 0 ? "load_file"
		: kl == 5 && memcmp(a->source, "paste", 5) == 0 ? "load_paste" : "load_module";
	PyObject *f = PyDict_GetItemString(bootstrap, fn);  /* borrowed */
	if (strcmp(fn, "load_paste") == 0)
		return PyObject_CallFunction(f, "s", arg);
	return PyObject_CallFunction(f, "ss", arg, callable_name);
}

/* A --module whose module has an `applications` dict mounts each entry as
 * --mount would. 1 when it did, 0 when there is no such dict; a bad entry
 * stops the start with one line naming it. */
static int load_table(struct apps *apps, size_t i)
{
	const char *spec = apps->v[i].source + strlen("module=");
	PyObject *f = PyDict_GetItemString(bootstrap, "module_applications");
	PyObject *list = PyObject_CallFunction(f, "s", spec);
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
			add_app(apps, mount, strlen(mount), source);
			a = &apps->v[apps->n - 1];
		}
		Py_INCREF(app);
		a->callable = app;
		warn("WSGI app %zu (mountpoint='%s') ready: %s (applications dict)",
		     (size_t)(a - apps->v), a->mountpoint, source);
	}
	free(source);
	Py_DECREF(list);
	return 1;
}

size_t py_load_apps(struct apps *apps)
{
	size_t ok = 0, declared = apps->n;
	for (size_t i = 0; i < declared; i++) {
		struct app *a = &apps->v[i];
		if (a->callable) {
			ok++;
			continue;
		}
		int table = strncmp(a->source, "module=", 7) == 0 ? load_table(apps, i) : 0;
		a = &apps->v[i];  /* load_table may have moved the array */
		if (table == 0)
			a->callable = load_one(a);
		if (!a->callable) {
			char what[PATH_MAX + 64];
			snprintf(what, sizeof what, "cannot load app %zu (%s, mountpoint='%s')",
				 i, a->source, a->mountpoint);
			py_log_exception(what);
			continue;
		}
		if (table == 0)
			warn("WSGI app %zu (mountpoint='%s') ready: %s", i, a->mountpoint, a->source);
		ok++;
	}
	return ok + (apps->n - declared);
}

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
