/* uwsgi.register_rpc(name, func[, argc]), uwsgi.rpc(node, name, *args),
 * uwsgi.call(name, *args), uwsgi.rpc_list(): uWSGI 2.0's RPC. Arguments
 * travel as bytes (str is sent as UTF-8); a function's result is bytes (str
 * is sent as UTF-8, None as nothing). The wire format is modifier1 173: an
 * uwsgi array [name, args...] out, `ad SS SS 00` + the result back, or
 * modifier2 5 (a CONTENT_LENGTH dict, then the bytes) past 65535 bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interp.h"
#include "log.h"
#include "pymod.h"
#include "pymod_shared.h"
#include "rpc.h"
#include "uclient.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"

/* The largest result read from another node (a modifier2 5 answer). */
#define RPC_MAX_RESULT (64u << 20)

/* name (bytes) -> (callable, capsule of the interpreter that registered
 * it), this process's: a function runs in its own interpreter. */
static PyObject *functions;

/* o as a bytes object (a new reference): bytes as they are, str as UTF-8,
 * other bytes-like objects copied. NULL with TypeError. */
static PyObject *to_bytes(PyObject *o, const char *what)
{
	if (PyBytes_Check(o))
		return Py_NewRef(o);
	Py_buffer v;
	if (pyarg_bytes(o, &v, what) < 0)
		return NULL;
	PyObject *b = PyBytes_FromStringAndSize(v.buf, v.len);
	PyBuffer_Release(&v);
	return b;
}

static PyObject *m_register_rpc(PyObject *self, PyObject *args)
{
	(void)self;
	PyObject *name, *func;
	unsigned char argc = 0;
	if (!PyArg_ParseTuple(args, "OO|b:register_rpc", &name, &func, &argc))
		return NULL;
	PyObject *key = to_bytes(name, "the RPC function's name");
	if (!key)
		return NULL;
	Py_ssize_t n = PyBytes_GET_SIZE(key);
	if (n == 0 || n > 255 || !PyCallable_Check(func)) {
		Py_DECREF(key);
		return PyErr_Format(PyExc_ValueError, "unable to register rpc function: %s",
				    PyCallable_Check(func) ? "the name must have 1 to 255 bytes"
							   : "it is not callable");
	}
	PyObject *where = PyCapsule_New(PyInterpreterState_Get(), NULL, NULL);
	PyObject *entry = where ? PyTuple_Pack(2, func, where) : NULL;
	Py_XDECREF(where);
	if (!entry || PyDict_SetItem(functions, key, entry) < 0) {
		Py_XDECREF(entry);
		Py_DECREF(key);
		return NULL;
	}
	Py_DECREF(entry);
	int wid = pymod_worker_id();
	if (wid)
		log_line("registered RPC function \"%.*s\" on worker %d", (int)n,
			 PyBytes_AS_STRING(key), wid);
	else
		log_line("registered shared/inherited RPC function \"%.*s\"", (int)n,
			 PyBytes_AS_STRING(key));
	Py_DECREF(key);
	Py_RETURN_TRUE;
}

static PyObject *m_rpc_list(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	PyObject *keys = PyDict_Keys(functions);
	PyObject *t = keys ? PyList_AsTuple(keys) : NULL;
	Py_XDECREF(keys);
	return t;
}

/* A call's result as bytes (None and an empty result: b''). */
static PyObject *result_bytes(PyObject *r)
{
	if (r == Py_None)
		return PyBytes_FromStringAndSize("", 0);
	return to_bytes(r, "an RPC function's result");
}

/* Call the local function `name` with args[first..]: a new bytes object or
 * NULL with an exception. */
static PyObject *call_local(PyObject *name, PyObject *args, Py_ssize_t first)
{
	PyObject *entry = PyDict_GetItemWithError(functions, name);
	if (!entry) {
		if (!PyErr_Occurred())
			PyErr_Format(PyExc_ValueError, "no RPC function %R in this process", name);
		return NULL;
	}
	PyObject *callargs = PyTuple_GetSlice(args, first, PyTuple_GET_SIZE(args));
	if (!callargs)
		return NULL;
	Py_INCREF(entry);
	PyObject *r = interp_call(PyCapsule_GetPointer(PyTuple_GET_ITEM(entry, 1), NULL),
				  PyTuple_GET_ITEM(entry, 0), callargs);
	Py_DECREF(entry);
	Py_DECREF(callargs);
	if (!r)
		return NULL;
	PyObject *b = result_bytes(r);
	Py_DECREF(r);
	return b;
}

/* The packet [name, args[first]...]: 4 + datasize bytes in a malloc'd
 * buffer, or NULL with an exception. */
static uint8_t *build_call(PyObject *args, Py_ssize_t first, size_t *len)
{
	static const size_t cap = 4 + UP_MAX_DATASIZE;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return (uint8_t *)PyErr_NoMemory();
	up_vars_builder_t b;
	up_vars_builder_init(&b, buf, cap);
	for (Py_ssize_t i = first; i < PyTuple_GET_SIZE(args); i++) {
		Py_buffer v;
		if (pyarg_bytes(PyTuple_GET_ITEM(args, i), &v,
				i == first ? "the function's name" : "an RPC argument") < 0) {
			free(buf);
			return NULL;
		}
		up_array_add(&b, v.buf, (size_t)v.len);
		PyBuffer_Release(&v);
	}
	int rc = up_vars_finish(&b, UP_MOD_RPC, 0);
	if (rc < 0) {
		free(buf);
		PyErr_SetString(PyExc_ValueError, "RPC packet length overflow: the name and "
				"arguments must fit in 65535 bytes");
		return NULL;
	}
	*len = (size_t)rc;
	return buf;
}

/* After the header of a modifier2 5 answer: its CONTENT_LENGTH dict. */
static int big_length(int fd, const up_header_t *h, int timeout_ms, size_t *len,
		      char *err, size_t errcap)
{
	uint8_t dict[UP_MAX_DATASIZE];
	up_err_t e;
	if (up_read_exact(fd, dict, h->datasize, timeout_ms, NULL, &e) < 0) {
		snprintf(err, errcap, "%s", e.msg);
		return -1;
	}
	return rpc_answer_length(dict, h->datasize, RPC_MAX_RESULT, len, err, errcap);
}

/* Send pkt to node and read the answer into *out (malloc'd) without the
 * GIL. 0, or -1 with err. */
static int exchange(const char *node, const uint8_t *pkt, size_t n, int timeout_ms,
		    uint8_t **out, size_t *outlen, char *err, size_t errcap)
{
	up_header_t h;
	up_err_t e;
	int fd = uclient_send(node, timeout_ms, pkt, n, &h, err, errcap);
	if (fd < 0)
		return -1;
	size_t len = h.datasize;
	int rc = -1;
	if (h.modifier1 != UP_MOD_RPC)
		snprintf(err, errcap, "answered modifier1 %u instead of an RPC answer (173)",
			 h.modifier1);
	else if (h.modifier2 != 5 || big_length(fd, &h, timeout_ms, &len, err, errcap) == 0)
		rc = 0;
	*out = NULL;
	if (rc == 0 && len) {
		*out = malloc(len);
		if (!*out) {
			snprintf(err, errcap, "out of memory for %zu bytes", len);
			rc = -1;
		} else if (up_read_exact(fd, *out, len, timeout_ms, NULL, &e) < 0) {
			snprintf(err, errcap, "%s", e.msg);
			free(*out);
			*out = NULL;
			rc = -1;
		}
	}
	*outlen = len;
	close(fd);
	return rc;
}

static PyObject *call_remote(const char *node, PyObject *args)
{
	const struct server *s = pymod_server();
	int timeout_ms = s ? s->c->socket_timeout * 1000 : 4000;
	size_t n = 0, outlen = 0;
	uint8_t *out = NULL;
	char err[300];
	uint8_t *pkt = build_call(args, 1, &n);
	if (!pkt)
		return NULL;
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = exchange(node, pkt, n, timeout_ms, &out, &outlen, err, sizeof err);
	Py_END_ALLOW_THREADS
	free(pkt);
	if (rc < 0)
		return PyErr_Format(PyExc_OSError, "rpc to %s: %s", node, err);
	if (!outlen)
		Py_RETURN_NONE;  /* uWSGI: an empty answer is None */
	PyObject *r = PyBytes_FromStringAndSize((const char *)out, (Py_ssize_t)outlen);
	free(out);
	return r;
}

static PyObject *m_rpc(PyObject *self, PyObject *args)
{
	(void)self;
	Py_ssize_t nlen = 0;
	if (PyTuple_GET_SIZE(args) < 2)
		return PyErr_Format(PyExc_TypeError, "rpc(node, name, *args) takes at least 2 "
				    "arguments");
	if (PyTuple_GET_SIZE(args) - 2 > RPC_MAX_ARGS)
		return PyErr_Format(PyExc_ValueError, "rpc: at most %d arguments", RPC_MAX_ARGS);
	PyObject *node = PyTuple_GET_ITEM(args, 0);
	PyObject *addr = node == Py_None ? PyBytes_FromString("") : to_bytes(node, "the node");
	if (!addr)
		return NULL;
	nlen = PyBytes_GET_SIZE(addr);
	if (nlen) {
		char buf[UP_ADDR_TEXT_MAX];
		int ok = (size_t)nlen < sizeof buf && !memchr(PyBytes_AS_STRING(addr), 0,
							      (size_t)nlen);
		if (ok)
			memcpy(buf, PyBytes_AS_STRING(addr), (size_t)nlen + 1);
		Py_DECREF(addr);
		return ok ? call_remote(buf, args)
			  : PyErr_Format(PyExc_ValueError, "rpc: invalid node address");
	}
	Py_DECREF(addr);
	PyObject *key = to_bytes(PyTuple_GET_ITEM(args, 1), "the function's name");
	PyObject *r = key ? call_local(key, args, 2) : NULL;
	Py_XDECREF(key);
	if (r && PyBytes_GET_SIZE(r) == 0)
		Py_SETREF(r, Py_NewRef(Py_None));
	return r;
}

/* uwsgi.call(name, *args): rpc(None, name, *args). */
static PyObject *m_call(PyObject *self, PyObject *args)
{
	PyObject *full = PyTuple_New(PyTuple_GET_SIZE(args) + 1);
	if (!full)
		return NULL;
	PyTuple_SET_ITEM(full, 0, Py_NewRef(Py_None));
	for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args); i++)
		PyTuple_SET_ITEM(full, i + 1, Py_NewRef(PyTuple_GET_ITEM(args, i)));
	PyObject *r = m_rpc(self, full);
	Py_DECREF(full);
	return r;
}

int rpc_call_local(const up_var_t *items, size_t n, uint8_t **out, size_t *outlen,
		   char *err, size_t errcap)
{
	int rc = -1;
	*out = NULL;
	*outlen = 0;
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *args = PyTuple_New((Py_ssize_t)n), *r = NULL;
	for (size_t i = 0; args && i < n; i++) {
		PyObject *b = PyBytes_FromStringAndSize((const char *)items[i].val,
						       (Py_ssize_t)items[i].vlen);
		if (!b)
			Py_CLEAR(args);
		else
			PyTuple_SET_ITEM(args, (Py_ssize_t)i, b);
	}
	if (args && !PyDict_GetItemWithError(functions, PyTuple_GET_ITEM(args, 0))) {
		PyErr_Clear();
		snprintf(err, errcap, "unknown RPC function \"%.*s\"", (int)items[0].vlen,
			 (const char *)items[0].val);
		goto done;
	}
	r = args ? call_local(PyTuple_GET_ITEM(args, 0), args, 1) : NULL;
	if (!r) {
		snprintf(err, errcap, "RPC function \"%.*s\" failed", (int)items[0].vlen,
			 (const char *)items[0].val);
		py_log_exception(err);
		goto done;
	}
	*outlen = (size_t)PyBytes_GET_SIZE(r);
	if (*outlen && !(*out = malloc(*outlen))) {
		snprintf(err, errcap, "out of memory for a %zu-byte result", *outlen);
		goto done;
	}
	if (*outlen)
		memcpy(*out, PyBytes_AS_STRING(r), *outlen);
	rc = 0;
done:
	Py_XDECREF(r);
	Py_XDECREF(args);
	PyGILState_Release(g);
	return rc;
}

static PyMethodDef methods[] = {
	{ "register_rpc", m_register_rpc, METH_VARARGS,
	  "register_rpc(name, func[, argc]): export func to other nodes as name" },
	{ "rpc", m_rpc, METH_VARARGS,
	  "rpc(node, name, *args): call name on node (host:port; None or b'' for here)" },
	{ "call", m_call, METH_VARARGS, "call(name, *args): call a local RPC function" },
	{ "rpc_list", m_rpc_list, METH_NOARGS, "the names of this process's RPC functions" },
	{ NULL, NULL, 0, NULL },
};

static int init(PyObject *m)
{
	(void)m;
	if (!functions)
		functions = PyDict_New();
	return functions ? 0 : -1;
}

void pymod_rpc_forget(PyInterpreterState *is)
{
	PyObject *key, *entry;
	Py_ssize_t pos = 0;
	PyObject *gone = functions ? PyList_New(0) : NULL;
	while (gone && PyDict_Next(functions, &pos, &key, &entry))
		if (PyCapsule_GetPointer(PyTuple_GET_ITEM(entry, 1), NULL) == is &&
		    PyList_Append(gone, key) < 0)
			break;
	for (Py_ssize_t i = 0; gone && i < PyList_GET_SIZE(gone); i++)
		PyDict_DelItem(functions, PyList_GET_ITEM(gone, i));
	Py_XDECREF(gone);
	PyErr_Clear();
}

const struct pymod_part pymod_rpc = { "rpc", methods, init };
