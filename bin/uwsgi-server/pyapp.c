#include "pyapp.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"

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

size_t py_load_apps(struct apps *apps)
{
	size_t ok = 0;
	for (size_t i = 0; i < apps->n; i++) {
		struct app *a = &apps->v[i];
		if (a->callable) {
			ok++;
			continue;
		}
		a->callable = load_one(a);
		if (!a->callable) {
			char what[PATH_MAX + 64];
			snprintf(what, sizeof what, "cannot load app %zu (%s, mountpoint='%s')",
				 i, a->source, a->mountpoint);
			py_log_exception(what);
			continue;
		}
		warn("WSGI app %zu (mountpoint='%s') ready: %s", i, a->mountpoint, a->source);
		ok++;
	}
	return ok;
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
