/* Calling a WSGI application (PEP 3333) for one request: start_response
 * with its exc_info rules and header validation, write(), the response
 * iterable (a list's length becomes Content-Length; a file wrapper over a
 * regular file goes out with sendfile), close() always called, and a 500
 * with a logged traceback when the app raises. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "interp.h"
#include "profiler.h"
#include "wsgi.h"

extern PyObject *wsgi_file_wrapper_type;

typedef struct {
	PyObject_HEAD
	struct wsgi_thread *t;
} Responder;

typedef struct {
	PyObject_HEAD
	PyObject *filelike;
	Py_ssize_t blksize;
} FileWrapper;

static PyTypeObject ResponderType, FileWrapperType;

/* ---- start_response and write ---------------------------------------- */

static PyObject *latin1(PyObject *s, const char *what)
{
	if (!PyUnicode_Check(s)) {
		PyErr_Format(PyExc_TypeError, "%s must be str, not %.100s", what,
			     Py_TYPE(s)->tp_name);
		return NULL;
	}
	return PyUnicode_AsLatin1String(s);
}

static int check_status(PyObject *b)
{
	const char *s = PyBytes_AS_STRING(b);
	Py_ssize_t n = PyBytes_GET_SIZE(b);
	if (n < 4 || s[3] != ' ' || s[0] < '1' || s[0] > '9' || s[1] < '0' ||
	    s[1] > '9' || s[2] < '0' || s[2] > '9' ||
	    !up_http_header_value_ok((const uint8_t *)s, (size_t)n)) {
		PyErr_Format(PyExc_ValueError, "invalid status %R: expected '200 OK'", b);
		return -1;
	}
	return 0;
}

/* Validate one (name, value) header and append it to out as bytes. */
static int add_header(struct wsgi_thread *t, PyObject *out, PyObject *item)
{
	if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) != 2) {
		PyErr_SetString(PyExc_TypeError, "headers must be (name, value) tuples");
		return -1;
	}
	PyObject *n = latin1(PyTuple_GET_ITEM(item, 0), "header name");
	PyObject *v = n ? latin1(PyTuple_GET_ITEM(item, 1), "header value") : NULL;
	int rc = -1;
	if (!v)
		goto out;
	const uint8_t *np = (const uint8_t *)PyBytes_AS_STRING(n);
	const uint8_t *vp = (const uint8_t *)PyBytes_AS_STRING(v);
	size_t nl = (size_t)PyBytes_GET_SIZE(n), vl = (size_t)PyBytes_GET_SIZE(v);
	if (!up_http_header_name_ok(np, nl) || !up_http_header_value_ok(vp, vl) ||
	    nl > 65535 || vl > 65535) {
		/* CR or LF in a header would let the app's data split the
		 * response: refuse it instead of sending it. */
		PyErr_Format(PyExc_ValueError, "invalid header %R: %R", n, v);
		goto out;
	}
	if (nl == 14 && strncasecmp((const char *)np, "Content-Length", 14) == 0) {
		int64_t cl = 0;
		for (size_t i = 0; i < vl; i++) {
			if (vp[i] < '0' || vp[i] > '9' || cl > INT64_MAX / 10 - 9) {
				PyErr_Format(PyExc_ValueError, "invalid Content-Length %R", v);
				goto out;
			}
			cl = cl * 10 + (vp[i] - '0');
		}
		t->declared_cl = vl ? cl : -1;
	}
	PyObject *pair = PyTuple_Pack(2, n, v);
	rc = pair ? PyList_Append(out, pair) : -1;
	Py_XDECREF(pair);
out:
	Py_XDECREF(n);
	Py_XDECREF(v);
	return rc;
}

static PyObject *start_response(Responder *self, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "status", "headers", "exc_info", NULL };
	struct wsgi_thread *t = self->t;
	PyObject *status, *headers, *exc_info = Py_None;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|O:start_response", kwlist,
					 &status, &headers, &exc_info))
		return NULL;
	if (!t->r) {
		PyErr_SetString(PyExc_RuntimeError, "start_response called outside a request");
		return NULL;
	}
	if (exc_info != Py_None) {
		if (t->r->head_sent) {
			/* Too late to change the response: re-raise, as PEP 3333 says. */
			PyObject *tp, *val, *tb;
			if (!PyArg_ParseTuple(exc_info, "OOO", &tp, &val, &tb))
				return NULL;
			Py_INCREF(tp);
			Py_INCREF(val);
			Py_INCREF(tb);
			PyErr_Restore(tp, val, tb);
			return NULL;
		}
	} else if (t->status) {
		PyErr_SetString(PyExc_AssertionError, "start_response was already called "
				"(pass exc_info to replace the response)");
		return NULL;
	}
	if (!PyList_Check(headers) && !PyTuple_Check(headers)) {
		PyErr_SetString(PyExc_TypeError, "headers must be a list of (name, value) tuples");
		return NULL;
	}
	PyObject *sb = latin1(status, "status");
	if (!sb || check_status(sb) < 0) {
		Py_XDECREF(sb);
		return NULL;
	}
	PyObject *list = PyList_New(0);
	t->declared_cl = -1;
	Py_ssize_t n = PySequence_Fast_GET_SIZE(headers);
	for (Py_ssize_t i = 0; list && i < n; i++)
		if (add_header(t, list, PySequence_Fast_GET_ITEM(headers, i)) < 0)
			Py_CLEAR(list);
	if (!list) {
		Py_DECREF(sb);
		return NULL;
	}
	Py_XSETREF(t->status, sb);
	Py_XSETREF(t->headers, list);
	Py_INCREF(t->write);
	return t->write;
}

#define MAX_HEADERS 256

static int send_head(struct wsgi_thread *t, int64_t known)
{
	struct var h[MAX_HEADERS];
	Py_ssize_t n = PyList_GET_SIZE(t->headers);
	if (n > MAX_HEADERS) {
		PyErr_Format(PyExc_ValueError, "more than %d response headers", MAX_HEADERS);
		return -1;
	}
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *pair = PyList_GET_ITEM(t->headers, i);
		PyObject *k = PyTuple_GET_ITEM(pair, 0), *v = PyTuple_GET_ITEM(pair, 1);
		h[i] = (struct var){ PyBytes_AS_STRING(k), PyBytes_AS_STRING(v),
				     (uint16_t)PyBytes_GET_SIZE(k), (uint16_t)PyBytes_GET_SIZE(v) };
	}
	if (resp_head(t->r, PyBytes_AS_STRING(t->status), (size_t)PyBytes_GET_SIZE(t->status),
		      h, (size_t)n, t->declared_cl, known) < 0) {
		PyErr_Format(PyExc_OSError, "%s", t->r->err);
		return -1;
	}
	return 0;
}

/* Send body bytes, the head first if it has not gone yet. */
static int send_body(struct wsgi_thread *t, const char *p, size_t n, int64_t known)
{
	struct request *r = t->r;
	if (!r->head_sent && send_head(t, known) < 0)
		return -1;
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = resp_body(r, p, n);
	Py_END_ALLOW_THREADS
	if (rc < 0) {
		PyErr_Format(PyExc_OSError, "write error: %s", r->err);
		return -1;
	}
	return 0;
}

static PyObject *write_cb(PyObject *self, PyObject *data)
{
	struct wsgi_thread *t = PyCapsule_GetPointer(self, NULL);
	if (!t || !t->r || !t->status) {
		PyErr_SetString(PyExc_RuntimeError, "write() before start_response()");
		return NULL;
	}
	if (!PyBytes_Check(data)) {
		PyErr_Format(PyExc_TypeError, "write() takes bytes, not %.100s",
			     Py_TYPE(data)->tp_name);
		return NULL;
	}
	if (send_body(t, PyBytes_AS_STRING(data), (size_t)PyBytes_GET_SIZE(data), -1) < 0)
		return NULL;
	Py_RETURN_NONE;
}

static PyMethodDef write_def = { "write", write_cb, METH_O, "write(bytes)" };

/* ---- wsgi.file_wrapper ------------------------------------------------ */

static PyObject *fw_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
	static char *kwlist[] = { "filelike", "blksize", NULL };
	PyObject *f;
	Py_ssize_t blk = 8192;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|n:file_wrapper", kwlist, &f, &blk))
		return NULL;
	FileWrapper *w = (FileWrapper *)type->tp_alloc(type, 0);
	if (!w)
		return NULL;
	Py_INCREF(f);
	w->filelike = f;
	w->blksize = blk > 0 ? blk : 8192;
	return (PyObject *)w;
}

static PyObject *fw_next(FileWrapper *w)
{
	PyObject *d = PyObject_CallMethod(w->filelike, "read", "n", w->blksize);
	if (d && PyBytes_Check(d) && PyBytes_GET_SIZE(d) == 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

static PyObject *fw_close(FileWrapper *w, PyObject *unused)
{
	(void)unused;
	if (PyObject_HasAttrString(w->filelike, "close"))
		return PyObject_CallMethod(w->filelike, "close", NULL);
	Py_RETURN_NONE;
}

static void fw_dealloc(FileWrapper *w)
{
	Py_XDECREF(w->filelike);
	Py_TYPE(w)->tp_free((PyObject *)w);
}

static PyMethodDef fw_methods[] = {
	{ "close", (PyCFunction)fw_close, METH_NOARGS, "close the file" },
	{ NULL, NULL, 0, NULL },
};

void wsgi_types_init(void)
{
	ResponderType.tp_name = "uwsgi_server.StartResponse";
	ResponderType.tp_basicsize = sizeof(Responder);
	ResponderType.tp_flags = Py_TPFLAGS_DEFAULT;
	ResponderType.tp_call = (ternaryfunc)start_response;
	FileWrapperType.tp_name = "uwsgi_server.FileWrapper";
	FileWrapperType.tp_basicsize = sizeof(FileWrapper);
	FileWrapperType.tp_flags = Py_TPFLAGS_DEFAULT;
	FileWrapperType.tp_new = fw_new;
	FileWrapperType.tp_dealloc = (destructor)fw_dealloc;
	FileWrapperType.tp_iter = PyObject_SelfIter;
	FileWrapperType.tp_iternext = (iternextfunc)fw_next;
	FileWrapperType.tp_methods = fw_methods;
	if (PyType_Ready(&ResponderType) < 0 || PyType_Ready(&FileWrapperType) < 0 ||
	    input_type_init() < 0)
		Py_FatalError("cannot create the WSGI types");
	wsgi_file_wrapper_type = (PyObject *)&FileWrapperType;
	environ_init();
}

void wsgi_thread_init(struct wsgi_thread *t, PyThreadState *ts, int multithread,
		      int multiprocess)
{
	memset(t, 0, sizeof *t);
	t->ts = ts;
	t->multithread = multithread;
	t->multiprocess = multiprocess;
	Responder *r = PyObject_New(Responder, &ResponderType);
	PyObject *cap = PyCapsule_New(t, NULL, NULL);
	if (!r || !cap)
		Py_FatalError("cannot create start_response");
	r->t = t;
	t->start_response = (PyObject *)r;
	t->write = PyCFunction_New(&write_def, cap);
	Py_DECREF(cap);
	if (!t->write)
		Py_FatalError("cannot create write()");
	t->env_template = environ_template(multithread, multiprocess);
	if (!t->env_template)
		Py_FatalError("cannot create the environ template");
}

/* ---- the response iterable -------------------------------------------- */

/* A list or tuple of bytes has a length we can announce. */
static int64_t known_length(PyObject *result)
{
	if (!PyList_Check(result) && !PyTuple_Check(result))
		return -1;
	int64_t total = 0;
	Py_ssize_t n = PySequence_Fast_GET_SIZE(result);
	for (Py_ssize_t i = 0; i < n; i++) {
		PyObject *b = PySequence_Fast_GET_ITEM(result, i);
		if (!PyBytes_Check(b))
			return -1;
		total += PyBytes_GET_SIZE(b);
	}
	return total;
}

/* A file wrapper over a regular file: sendfile() from its position. 1 when
 * sent that way, 0 when it must be iterated, -1 on error. */
static int try_sendfile(struct wsgi_thread *t, PyObject *result)
{
	if (Py_TYPE(result) != &FileWrapperType)
		return 0;
	PyObject *f = ((FileWrapper *)result)->filelike;
	PyObject *fdo = PyObject_CallMethod(f, "fileno", NULL);
	PyObject *pos = fdo ? PyObject_CallMethod(f, "tell", NULL) : NULL;
	if (!fdo || !pos) {
		Py_XDECREF(fdo);
		PyErr_Clear();
		return 0;
	}
	int fd = (int)PyLong_AsLong(fdo);
	long long off = PyLong_AsLongLong(pos);
	Py_DECREF(fdo);
	Py_DECREF(pos);
	struct stat st;
	if (PyErr_Occurred() || fd < 0 || off < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		PyErr_Clear();
		return 0;
	}
	uint64_t n = st.st_size > off ? (uint64_t)(st.st_size - off) : 0;
	if (t->declared_cl >= 0 && (uint64_t)t->declared_cl < n)
		n = (uint64_t)t->declared_cl;
	if (!t->r->head_sent && send_head(t, (int64_t)n) < 0)
		return -1;
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = resp_sendfile(t->r, fd, (off_t)off, n);
	Py_END_ALLOW_THREADS
	if (rc < 0) {
		PyErr_Format(PyExc_OSError, "write error: %s", t->r->err);
		return -1;
	}
	return 1;
}

static int consume(struct wsgi_thread *t, PyObject *result)
{
	int rc = try_sendfile(t, result);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	int64_t known = known_length(result);
	PyObject *it = PyObject_GetIter(result), *item;
	if (!it)
		return -1;
	while ((item = PyIter_Next(it))) {
		if (!PyBytes_Check(item)) {
			PyErr_Format(PyExc_TypeError, "the response must yield bytes, "
				     "not %.100s", Py_TYPE(item)->tp_name);
			Py_DECREF(item);
			break;
		}
		if (!t->status) {
			PyErr_SetString(PyExc_RuntimeError, "the app yielded data before "
					"calling start_response()");
			Py_DECREF(item);
			break;
		}
		Py_ssize_t n = PyBytes_GET_SIZE(item);
		/* Headers wait for the first non-empty chunk (PEP 3333). */
		if (n && send_body(t, PyBytes_AS_STRING(item), (size_t)n, known) < 0) {
			Py_DECREF(item);
			break;
		}
		Py_DECREF(item);
	}
	Py_DECREF(it);
	return PyErr_Occurred() ? -1 : 0;
}

static int finish(struct wsgi_thread *t)
{
	struct request *r = t->r;
	if (!r->head_sent) {
		if (!t->status) {
			PyErr_SetString(PyExc_RuntimeError, "the app returned without "
					"calling start_response()");
			return -1;
		}
		if (send_head(t, 0) < 0)
			return -1;
	}
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = resp_end(r);
	Py_END_ALLOW_THREADS
	return rc;
}

static void call_close(PyObject *result)
{
	/* Lists and tuples have no close(); asking would raise and discard an
	 * AttributeError per request. */
	if (!result || PyList_CheckExact(result) || PyTuple_CheckExact(result) ||
	    PyBytes_CheckExact(result) || !PyObject_HasAttrString(result, "close"))
		return;
	PyObject *r = PyObject_CallMethod(result, "close", NULL);
	if (!r)
		py_log_exception("exception in the response's close()");
	Py_XDECREF(r);
}

static void app_failed(struct wsgi_thread *t, struct request *r)
{
	if (r->write_error) {
		/* The client left: nothing to report to it, little to the log. */
		PyErr_Clear();
		return;
	}
	char what[300];
	snprintf(what, sizeof what, "exception in the app for %.*s %.*s",
		 (int)r->method_len, r->method, (int)(r->uri_len > 200 ? 200 : r->uri_len), r->uri);
	py_log_exception(what);
	if (!r->head_sent)
		resp_error(r, 500, "Internal Server Error\n");
	else
		r->keep_alive = 0;  /* the response is cut: the client must see it end */
	(void)t;
}

int wsgi_handle(struct wsgi_thread *t, struct request *r, const struct apps *apps,
		const struct config *c, int *app_index)
{
	size_t sl = 0, pl = 0, strip;
	const char *sn = req_var(r, "SCRIPT_NAME", &sl);
	const char *pi = req_var(r, "PATH_INFO", &pl);
	const struct app *app = py_pick_app(apps, c->manage_script_name, sn, sl,
					    pi ? pi : "", pl, &strip);
	*app_index = app ? (int)(app - apps->v) : -1;
	if (!app) {
		snprintf(r->err, sizeof r->err, "no app loaded for this request");
		resp_error(r, 500, "Internal Server Error: no app loaded\n");
		return 0;
	}
	return wsgi_call(t, r, app, strip);
}

int wsgi_call(struct wsgi_thread *t, struct request *r, const struct app *app, size_t strip)
{
	/* The request runs in its app's interpreter (interp.h). */
	PyThreadState *caller = interp_enter(app->interp);
	t->r = r;
	t->gen++;
	t->declared_cl = -1;
	int failed = 0;
	PyObject *result = NULL;
	PyObject *env = environ_build(t, r, app, strip);
	PyObject *prof = profiler_enabled && env ? profiler_begin() : NULL;
	if (env)
		result = PyObject_CallFunctionObjArgs(app->callable, env, t->start_response, NULL);
	if (!result || consume(t, result) < 0 || finish(t) < 0)
		failed = 1;
	if (failed)
		app_failed(t, r);
	call_close(result);
	if (prof)
		profiler_end(prof, r);
	Py_XDECREF(result);
	Py_XDECREF(env);
	Py_CLEAR(t->status);
	Py_CLEAR(t->headers);
	t->r = NULL;
	t->gen++;
	interp_leave(caller);
	return failed && !r->write_error;
}
