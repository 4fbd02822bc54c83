#include "profiler.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "log.h"
#include "pymod.h"

/* Functions listed per request in the log. */
#define PROFILER_TOP 10

int profiler_enabled;
static char *dir;     /* --profiler-dir made absolute: workers run after --chdir */
static int keep;      /* --profiler-keep: files kept per worker */

void profiler_init(const struct config *c)
{
	const char *mode = c->profiler;
	if (!mode && !c->profiler_dir)
		return;
	if (mode && strcmp(mode, "pycall") && strcmp(mode, "pyline") && strcmp(mode, "cprofile"))
		die(1, "--profiler %s: unknown mode (pycall, pyline or cprofile)", mode);
	if (mode && strcmp(mode, "pyline") == 0)
		warn("--profiler pyline: lines are not traced; each request is profiled by "
		     "function (cProfile), as with pycall");
	if (c->profiler_dir) {
		if (mkdir(c->profiler_dir, 0755) < 0 && errno != EEXIST)
			die(1, "--profiler-dir %s: %m", c->profiler_dir);
		dir = realpath(c->profiler_dir, NULL);
		if (!dir || access(dir, W_OK | X_OK) < 0)
			die(1, "--profiler-dir %s: %m", c->profiler_dir);
		keep = c->profiler_keep;
		warn("profiler: every request under cProfile, a pstats file each in %s "
		     "(the newest %d per worker kept)", dir, keep);
	} else {
		warn("profiler: every request under cProfile, its top %d functions logged",
		     PROFILER_TOP);
	}
	profiler_enabled = 1;
}

PyObject *profiler_begin(void)
{
	PyObject *mod = PyImport_ImportModule("cProfile");
	PyObject *prof = mod ? PyObject_CallMethod(mod, "Profile", NULL) : NULL;
	PyObject *r = prof ? PyObject_CallMethod(prof, "enable", NULL) : NULL;
	Py_XDECREF(mod);
	if (!r) {
		py_log_exception("profiler: cannot start cProfile");
		Py_CLEAR(prof);
	}
	Py_XDECREF(r);
	return prof;
}

/* ---- the log -------------------------------------------------------------- */

struct row {
	double cum, own;
	long calls;
	PyObject *code;    /* borrowed from the stats list */
};

static int by_cumulative(const void *a, const void *b)
{
	double x = ((const struct row *)a)->cum, y = ((const struct row *)b)->cum;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* "name (file:line)" for a code object, its text for a built-in. */
static void label(PyObject *code, char *out, size_t cap)
{
	if (PyCode_Check(code)) {
		PyCodeObject *co = (PyCodeObject *)code;
		snprintf(out, cap, "%s (%s:%d)", PyUnicode_AsUTF8(co->co_name),
			 PyUnicode_AsUTF8(co->co_filename), co->co_firstlineno);
	} else {
		PyObject *s = PyObject_Str(code);
		snprintf(out, cap, "%s", s ? PyUnicode_AsUTF8(s) : "?");
		Py_XDECREF(s);
	}
	PyErr_Clear();
}

/* The entries of prof.getstats() (code, callcount, reccallcount,
 * totaltime, inlinetime, calls) into rows; their count or -1. */
static Py_ssize_t rows_of(PyObject *stats, struct row *rows, long *calls, double *total)
{
	Py_ssize_t n = PyList_GET_SIZE(stats);
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *e = PyList_GET_ITEM(stats, i);
		if (!PyTuple_Check(e) || PyTuple_GET_SIZE(e) < 5)
			return -1;
		rows[i].code = PyTuple_GET_ITEM(e, 0);
		rows[i].calls = PyLong_AsLong(PyTuple_GET_ITEM(e, 1));
		rows[i].cum = PyFloat_AsDouble(PyTuple_GET_ITEM(e, 3));
		rows[i].own = PyFloat_AsDouble(PyTuple_GET_ITEM(e, 4));
		*calls += rows[i].calls;
		*total += rows[i].own;
	}
	return PyErr_Occurred() ? -1 : n;
}

static void log_top(PyObject *prof, const struct request *r, unsigned long long id)
{
	PyObject *stats = PyObject_CallMethod(prof, "getstats", NULL);
	Py_ssize_t n = stats && PyList_Check(stats) ? PyList_GET_SIZE(stats) : -1;
	struct row *rows = n > 0 ? malloc((size_t)n * sizeof *rows) : NULL;
	long calls = 0;
	double total = 0;
	if (!rows || rows_of(stats, rows, &calls, &total) < 0) {
		if (PyErr_Occurred())
			py_log_exception("profiler: cannot read the stats");
		goto out;
	}
	qsort(rows, (size_t)n, sizeof *rows, by_cumulative);
	int pid = (int)getpid();
	log_line("[pid: %d|req: %llu] profile of %.*s %.*s: %ld calls in %.3f ms, top %d by "
		 "cumulative time:", pid, id, (int)r->method_len, r->method,
		 (int)(r->uri_len > 200 ? 200 : r->uri_len), r->uri, calls, total * 1000,
		 PROFILER_TOP);
	log_line("[pid: %d|req: %llu]     calls    cum ms    own ms  function", pid, id);
	for (Py_ssize_t i = 0; i < n && i < PROFILER_TOP; i++) {
		char what[512];
		label(rows[i].code, what, sizeof what);
		log_line("[pid: %d|req: %llu] %9ld %9.3f %9.3f  %s", pid, id, rows[i].calls,
			 rows[i].cum * 1000, rows[i].own * 1000, what);
	}
out:
	free(rows);
	Py_XDECREF(stats);
}

/* ---- pstats files --------------------------------------------------------- */

/* Remove this worker's files numbered id - keep or lower, whatever left
 * them (gaps from requests without a profile, an earlier life of the
 * worker): the directory holds at most `keep` per worker. */
static void sweep(int wid, unsigned long long id)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		int w, end = 0;
		unsigned long long n;
		if (sscanf(e->d_name, "worker%d-req%llu.prof%n", &w, &n, &end) == 2 &&
		    e->d_name[end] == 0 && end > 0 && w == wid && n + (unsigned)keep <= id)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d)
		closedir(d);
}

static void write_file(PyObject *prof, unsigned long long id)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	int wid = pymod_worker_id();
	snprintf(path, sizeof path, "%s/worker%d-req%llu.prof", dir, wid, id);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	/* Written aside and renamed: a reader never loads half a file. */
	PyObject *r = PyObject_CallMethod(prof, "dump_stats", "s", tmp);
	if (!r) {
		py_log_exception("profiler: cannot write a pstats file");
		unlink(tmp);
		return;
	}
	Py_DECREF(r);
	if (rename(tmp, path) < 0) {
		warn("profiler: rename %s: %s", tmp, strerror(errno));
		unlink(tmp);
	}
	sweep(wid, id);
}

void profiler_end(PyObject *prof, const struct request *r)
{
	PyObject *res = PyObject_CallMethod(prof, "disable", NULL);
	if (!res) {
		py_log_exception("profiler: cannot stop cProfile");
	} else if (dir) {
		write_file(prof, (unsigned long long)pymod_request_id());
	} else {
		log_top(prof, r, (unsigned long long)pymod_request_id());
	}
	Py_XDECREF(res);
	Py_DECREF(prof);
}
