/* wsgi.input: read(), readline(), readlines() and line iteration over the
 * request body, never past CONTENT_LENGTH (or the last chunk). Bytes read
 * ahead by readline wait in a small buffer; read(n) of a large n goes
 * straight from the socket into the result. The GIL is released for every
 * read from the socket. */
#include <stdlib.h>
#include <string.h>

#include "wsgi.h"

typedef struct {
	PyObject_HEAD
	struct wsgi_thread *t;
	struct request *r;
	unsigned long gen;     /* the request this object belongs to */
	char *buf;             /* read ahead, not yet returned */
	size_t off, len, cap;
	int eof;
} Input;

static PyTypeObject InputType;

/* Read up to n body bytes into p, GIL released. 0 at the end, -1 with a
 * Python exception set. */
static Py_ssize_t body_read(Input *in, char *p, size_t n)
{
	if (in->eof || in->t->gen != in->gen || in->t->r != in->r)
		return 0;
	ssize_t got;
	Py_BEGIN_ALLOW_THREADS
	got = req_body_read(in->r, p, n);
	Py_END_ALLOW_THREADS
	if (got < 0) {
		PyErr_Format(PyExc_OSError, "error reading the request body: %s",
			     in->r->err[0] ? in->r->err : "connection lost");
		return -1;
	}
	if (got == 0)
		in->eof = 1;
	return got;
}

/* Make sure the read-ahead buffer can take `more` bytes after its data. */
static int reserve(Input *in, size_t more)
{
	if (in->off == in->len)
		in->off = in->len = 0;
	if (in->cap - in->len >= more)
		return 0;
	if (in->off) {
		memmove(in->buf, in->buf + in->off, in->len - in->off);
		in->len -= in->off;
		in->off = 0;
		if (in->cap - in->len >= more)
			return 0;
	}
	size_t ncap = in->cap ? in->cap : 8192;
	while (ncap - in->len < more)
		ncap *= 2;
	char *nb = realloc(in->buf, ncap);
	if (!nb) {
		PyErr_NoMemory();
		return -1;
	}
	in->buf = nb;
	in->cap = ncap;
	return 0;
}

/* Add at least one more byte to the read-ahead buffer. 0 at EOF. */
static Py_ssize_t fill(Input *in)
{
	if (reserve(in, 8192) < 0)
		return -1;
	Py_ssize_t got = body_read(in, in->buf + in->len, in->cap - in->len);
	if (got > 0)
		in->len += (size_t)got;
	return got;
}

static PyObject *take(Input *in, size_t n)
{
	if (n == 0)
		return PyBytes_FromStringAndSize("", 0);  /* buf may still be NULL */
	PyObject *o = PyBytes_FromStringAndSize(in->buf + in->off, (Py_ssize_t)n);
	if (o)
		in->off += n;
	return o;
}

static PyObject *read_all(Input *in)
{
	Py_ssize_t got;
	while ((got = fill(in)) > 0)
		;
	return got < 0 ? NULL : take(in, in->len - in->off);
}

static PyObject *Input_read(Input *in, PyObject *args)
{
	Py_ssize_t size = -1;
	if (!PyArg_ParseTuple(args, "|n:read", &size))
		return NULL;
	if (size < 0)
		return read_all(in);
	size_t have = in->len - in->off;
	if ((size_t)size <= have)
		return take(in, (size_t)size);
	PyObject *out = PyBytes_FromStringAndSize(NULL, size);
	if (!out)
		return NULL;
	char *p = PyBytes_AS_STRING(out);
	if (have)
		memcpy(p, in->buf + in->off, have);
	in->off += have;
	size_t done = have;
	while (done < (size_t)size) {
		Py_ssize_t got = body_read(in, p + done, (size_t)size - done);
		if (got < 0) {
			Py_DECREF(out);
			return NULL;
		}
		if (got == 0)
			break;
		done += (size_t)got;
	}
	if (done < (size_t)size)
		_PyBytes_Resize(&out, (Py_ssize_t)done);
	return out;
}

static PyObject *readline_n(Input *in, Py_ssize_t size)
{
	size_t scanned = 0;
	for (;;) {
		size_t have = in->len - in->off;
		size_t limit = size >= 0 && (size_t)size < have ? (size_t)size : have;
		char *nl = limit > scanned ? memchr(in->buf + in->off + scanned, '\n',
						    limit - scanned) : NULL;
		if (nl)
			return take(in, (size_t)(nl - (in->buf + in->off)) + 1);
		if (size >= 0 && have >= (size_t)size)
			return take(in, (size_t)size);
		scanned = limit;
		Py_ssize_t got = fill(in);
		if (got < 0)
			return NULL;
		if (got == 0)
			return take(in, in->len - in->off);
	}
}

static PyObject *Input_readline(Input *in, PyObject *args)
{
	Py_ssize_t size = -1;
	if (!PyArg_ParseTuple(args, "|n:readline", &size))
		return NULL;
	return readline_n(in, size);
}

static PyObject *Input_readlines(Input *in, PyObject *args)
{
	Py_ssize_t hint = -1, total = 0;
	if (!PyArg_ParseTuple(args, "|n:readlines", &hint))
		return NULL;
	PyObject *lines = PyList_New(0);
	while (lines) {
		PyObject *line = readline_n(in, -1);
		if (!line) {
			Py_CLEAR(lines);
			break;
		}
		Py_ssize_t l = PyBytes_GET_SIZE(line);
		if (l == 0) {
			Py_DECREF(line);
			break;
		}
		int rc = PyList_Append(lines, line);
		Py_DECREF(line);
		if (rc < 0)
			Py_CLEAR(lines);
		total += l;
		if (hint > 0 && total >= hint)
			break;
	}
	return lines;
}

static PyObject *Input_iternext(Input *in)
{
	PyObject *line = readline_n(in, -1);
	if (line && PyBytes_GET_SIZE(line) == 0) {
		Py_DECREF(line);
		return NULL;  /* StopIteration */
	}
	return line;
}

static void Input_dealloc(Input *in)
{
	free(in->buf);
	Py_TYPE(in)->tp_free((PyObject *)in);
}

static PyObject *Input_close(Input *in, PyObject *unused)
{
	(void)in;
	(void)unused;
	Py_RETURN_NONE;
}

static PyMethodDef input_methods[] = {
	{ "read", (PyCFunction)Input_read, METH_VARARGS, "read([size]) -> bytes" },
	{ "readline", (PyCFunction)Input_readline, METH_VARARGS, "readline([size]) -> bytes" },
	{ "readlines", (PyCFunction)Input_readlines, METH_VARARGS, "readlines([hint]) -> list" },
	{ "close", (PyCFunction)Input_close, METH_NOARGS, "does nothing" },
	{ NULL, NULL, 0, NULL },
};

int input_type_init(void)
{
	InputType.tp_name = "uwsgi_server.Input";
	InputType.tp_basicsize = sizeof(Input);
	InputType.tp_flags = Py_TPFLAGS_DEFAULT;
	InputType.tp_doc = "wsgi.input: the request body";
	InputType.tp_dealloc = (destructor)Input_dealloc;
	InputType.tp_iter = PyObject_SelfIter;
	InputType.tp_iternext = (iternextfunc)Input_iternext;
	InputType.tp_methods = input_methods;
	return PyType_Ready(&InputType);
}

PyObject *input_new(struct wsgi_thread *t, struct request *r)
{
	Input *in = PyObject_New(Input, &InputType);
	if (!in)
		return NULL;
	in->t = t;
	in->r = r;
	in->gen = t->gen;
	in->buf = NULL;
	in->off = in->len = in->cap = 0;
	in->eof = 0;
	return (PyObject *)in;
}
