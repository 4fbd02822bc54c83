/* uwsgi.register_message_handler(modifier1, func), the handlers' caller
 * for other nodes (msg_serve, used by h_msg.c), and the client side:
 * uwsgi.send_message(node, modifier1, modifier2, payload[, timeout]) and
 * uwsgi.recv_message(fd[, timeout]), as uWSGI 1.x named them. For 33,
 * uWSGI's uwsgi.message_manager_marshal attribute works too. */
#include "msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interp.h"
#include "log.h"
#include "pymod.h"
#include "pymod_shared.h"
#include "uclient.h"
#include "uwsgiproto/buf.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"

/* The largest raw answer (modifiers other than 31-33) send_message reads. */
#define MSG_MAX_RAW (16u << 20)

#define FIRST UP_MOD_MSG_VARS
#define LAST UP_MOD_MSG_MARSHAL

/* Strong references or NULL, and the interpreter each was registered in:
 * a handler runs there, like an RPC function. */
static PyObject *handlers[LAST - FIRST + 1];
static PyInterpreterState *handler_interp[LAST - FIRST + 1];

static int is_message(unsigned m1)
{
	return m1 >= FIRST && m1 <= LAST;
}

static PyObject *m_register_message_handler(PyObject *self, PyObject *args)
{
	(void)self;
	int m1;
	PyObject *func;
	if (!PyArg_ParseTuple(args, "iO:register_message_handler", &m1, &func))
		return NULL;
	if (!is_message((unsigned)m1))
		return PyErr_Format(PyExc_ValueError, "message handlers are for modifier1 31 "
				    "(dict), 32 (list) or 33 (marshal), not %d", m1);
	if (func != Py_None && !PyCallable_Check(func))
		return PyErr_Format(PyExc_TypeError, "the message handler must be callable "
				    "or None, not %.80s", Py_TYPE(func)->tp_name);
	Py_XSETREF(handlers[m1 - FIRST], func == Py_None ? NULL : Py_NewRef(func));
	handler_interp[m1 - FIRST] = PyInterpreterState_Get();
	int wid = pymod_worker_id();
	log_line("%s message handler for modifier1 %d (%s)%s", func == Py_None ? "removed the"
		 : "registered a", m1, up_modifier_name((unsigned)m1),
		 wid ? " in a worker: that worker's only" : "");
	Py_RETURN_TRUE;
}

void pymod_msg_forget(PyInterpreterState *is)
{
	for (size_t i = 0; i < sizeof handlers / sizeof *handlers; i++) {
		if (handlers[i] && handler_interp[i] == is) {
			Py_CLEAR(handlers[i]);
			handler_interp[i] = NULL;
		}
	}
}

/* The handler for m1 (a new reference) and its interpreter, or NULL. For
 * 33 uWSGI's way, an attribute the app sets on the main interpreter's
 * module, counts as well. */
static PyObject *find_handler(uint8_t m1, PyInterpreterState **is)
{
	*is = handler_interp[m1 - FIRST];
	if (handlers[m1 - FIRST])
		return Py_NewRef(handlers[m1 - FIRST]);
	*is = PyInterpreterState_Get();
	if (m1 != UP_MOD_MSG_MARSHAL)
		return NULL;
	PyObject *name = PyUnicode_FromString("uwsgi");
	PyObject *mod = name ? PyImport_GetModule(name) : NULL;
	PyObject *f = mod ? PyObject_GetAttrString(mod, "message_manager_marshal") : NULL;
	Py_XDECREF(name);
	Py_XDECREF(mod);
	PyErr_Clear();
	if (f && !PyCallable_Check(f))
		Py_CLEAR(f);
	return f;
}


int msg_serve(uint8_t m1, uint8_t m2, const uint8_t *payload, size_t len, uint8_t **out,
	      size_t *outlen, char *err, size_t errcap)
{
	char what[64];
	int rc = -1;
	PyObject *obj = NULL, *res = NULL;
	PyGILState_STATE g = PyGILState_Ensure();
	PyInterpreterState *is;
	PyObject *f = find_handler(m1, &is), *args = NULL;
	snprintf(what, sizeof what, "message (modifier1 %u, modifier2 %u)", m1, m2);
	if (!f) {
		rc = MSG_NO_HANDLER;
		goto done;
	}
	obj = msg_decode(m1, payload, len);
	if (!obj) {
		msg_exception_text(what, err, errcap);
		goto done;
	}
	args = Py_BuildValue("(Oi)", obj, (int)m2);
	res = args ? interp_call(is, f, args) : NULL;
	if (!res) {
		snprintf(err, errcap, "the handler of a %s raised", what);
		py_log_exception(err);
		goto done;
	}
	if (msg_encode(m1, m2, res, out, outlen) < 0) {
		snprintf(what, sizeof what, "the answer to a modifier1 %u message", m1);
		msg_exception_text(what, err, errcap);
		goto done;
	}
	rc = 0;
done:
	Py_XDECREF(res);
	Py_XDECREF(args);
	Py_XDECREF(obj);
	Py_XDECREF(f);
	PyGILState_Release(g);
	return rc;
}

/* ---- the client side ---------------------------------------------------- */

/* The timeout argument in ms: None is --socket-timeout. */
static int timeout_ms(PyObject *o)
{
	if (!o || o == Py_None) {
		const struct server *s = pymod_server();
		return s ? s->c->socket_timeout * 1000 : 4000;
	}
	double t = PyFloat_AsDouble(o);
	if (t == -1.0 && PyErr_Occurred())
		return -1;
	if (!(t > 0 && t <= 86400)) {
		PyErr_SetString(PyExc_ValueError, "the timeout must be over 0 and at most 86400 "
				"seconds");
		return -1;
	}
	return t * 1000 < 1 ? 1 : (int)(t * 1000);
}

static int check_mod(int v, const char *name)
{
	if (v >= 0 && v <= 255)
		return 0;
	PyErr_Format(PyExc_ValueError, "%s must be 0 to 255, not %d", name, v);
	return -1;
}

/* Raise the exception that fits a failed exchange with `who`. */
/* tmo is the whole exchange's budget: the lib's own message names only
 * what was left of it for the step that ran out. */
static PyObject *raise_net(const char *who, const up_err_t *e, int tmo)
{
	if (e->code == UP_ETIMEDOUT)
		return PyErr_Format(PyExc_TimeoutError, "%s: timed out after %d ms", who, tmo);
	/* A bad address, an answer too big or in the wrong framing. */
	if (e->code == UP_EADDR || e->code == UP_EINVAL || e->code == UP_ETOOBIG ||
	    e->code == UP_EMODIFIER)
		return PyErr_Format(PyExc_ValueError, "%s: %s", who, e->msg);
	if (e->code == UP_ECLOSED && !e->sys_errno)
		return PyErr_Format(PyExc_ConnectionError, "%s: %s", who, e->msg);
	if (!e->sys_errno)
		return PyErr_Format(PyExc_OSError, "%s: %s", who, e->msg);
	/* OSError(errno, text) becomes ConnectionRefusedError and the like. */
	PyObject *v = Py_BuildValue("(iN)", e->sys_errno,
				    PyUnicode_FromFormat("%s: %s", who, e->msg));
	if (v) {
		PyErr_SetObject(PyExc_OSError, v);
		Py_DECREF(v);
	}
	return NULL;
}

/* What node answered: its header and payload, or for modifiers other than
 * 31-33 every byte it sent until it closed, header included. */
struct reply {
	up_header_t h;
	up_buf_t data;
};

static int read_all(int fd, struct reply *rp, uint64_t end, up_err_t *e)
{
	for (;;) {
		int rc = up_buf_reserve(&rp->data, 65536);
		if (rc < 0)
			return up_err_set(e, rc, "an answer over %u bytes", MSG_MAX_RAW);
		ssize_t n = up_read_some(fd, up_buf_tail(&rp->data), up_buf_room(&rp->data),
					 up_ms_left(end), NULL, e);
		if (n <= 0)
			return (int)n;
		up_buf_commit(&rp->data, (size_t)n);
	}
}

/* Without the GIL: send pkt to node and read the reply. 0 or -1 with e. */
static int exchange(const char *node, const uint8_t *pkt, size_t n, int tmo,
		    struct reply *rp, up_err_t *e)
{
	uint64_t end = up_now_ms() + (uint64_t)tmo;
	int fd = uclient_send_err(node, tmo, pkt, n, &rp->h, e);
	if (fd < 0)
		return -1;
	int rc;
	if (!is_message(pkt[0])) {
		uint8_t head[UP_HEADER_SIZE];
		up_header_encode(head, &rp->h);
		rc = up_buf_append(&rp->data, head, sizeof head);
		rc = rc < 0 ? up_err_set(e, rc, "out of memory") : read_all(fd, rp, end, e);
	} else if (rp->h.modifier1 != pkt[0]) {
		rc = up_err_set(e, UP_EMODIFIER, "answered modifier1 %u to a modifier1 %u message",
				rp->h.modifier1, pkt[0]);
	} else if ((rc = up_buf_reserve(&rp->data, rp->h.datasize)) < 0) {
		up_err_set(e, rc, "out of memory");
	} else {
		rc = up_read_exact(fd, up_buf_tail(&rp->data), rp->h.datasize, up_ms_left(end),
				   node, e);
		if (rc == 0)
			up_buf_commit(&rp->data, rp->h.datasize);
	}
	close(fd);
	return rc < 0 ? -1 : 0;
}

/* The node argument as a C string in buf; -1 with an exception. */
static int node_text(PyObject *node, char *buf, size_t cap)
{
	Py_buffer v;
	if (pyarg_bytes(node, &v, "the node") < 0)
		return -1;
	int ok = v.len > 0 && (size_t)v.len < cap && !memchr(v.buf, 0, (size_t)v.len);
	if (ok) {
		memcpy(buf, v.buf, (size_t)v.len);
		buf[v.len] = 0;
	}
	PyBuffer_Release(&v);
	if (!ok)
		PyErr_SetString(PyExc_ValueError, "the node must be \"host:port\" or a UNIX "
				"socket path");
	return ok ? 0 : -1;
}

/* send_message on a socket of the app's own: the packet goes out, the
 * answer (if any) is read with recv_message. */
static PyObject *send_on_fd(int fd, const uint8_t *pkt, size_t n, int tmo)
{
	up_err_t e;
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = up_write_all(fd, pkt, n, tmo, NULL, &e);
	Py_END_ALLOW_THREADS
	if (rc < 0)
		return raise_net("send_message", &e, tmo);
	Py_RETURN_NONE;
}

static PyObject *send_to_node(PyObject *node, const uint8_t *pkt, size_t n, int tmo)
{
	char addr[UP_ADDR_TEXT_MAX], who[UP_ADDR_TEXT_MAX + 32];
	if (node_text(node, addr, sizeof addr) < 0)
		return NULL;
	snprintf(who, sizeof who, "send_message to %s", addr);
	struct reply rp = { .h = { 0 } };
	up_buf_init(&rp.data, MSG_MAX_RAW);
	up_err_t e;
	int rc;
	Py_BEGIN_ALLOW_THREADS
	rc = exchange(addr, pkt, n, tmo, &rp, &e);
	Py_END_ALLOW_THREADS
	PyObject *r = NULL;
	if (rc < 0)
		raise_net(who, &e, tmo);
	else
		r = msg_decode(is_message(pkt[0]) ? pkt[0] : 0, up_buf_head(&rp.data),
			       rp.data.len);
	if (!r && rc == 0 && PyErr_ExceptionMatches(PyExc_ValueError)) {
		/* Say who sent the malformed answer. */
		msg_exception_text(who, e.msg, sizeof e.msg);
		PyErr_SetString(PyExc_ValueError, e.msg);
	}
	up_buf_free(&rp.data);
	return r;
}

static PyObject *m_send_message(PyObject *self, PyObject *args, PyObject *kw)
{
	(void)self;
	static char *kwlist[] = { "node", "modifier1", "modifier2", "payload", "timeout", NULL };
	PyObject *node, *payload, *tmo_o = NULL;
	int m1, m2;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "OiiO|O:send_message", kwlist, &node, &m1,
					 &m2, &payload, &tmo_o))
		return NULL;
	int tmo = timeout_ms(tmo_o);
	if (tmo < 0 || check_mod(m1, "modifier1") < 0 || check_mod(m2, "modifier2") < 0)
		return NULL;
	uint8_t *pkt;
	size_t n;
	if (msg_encode((uint8_t)m1, (uint8_t)m2, payload, &pkt, &n) < 0)
		return NULL;
	PyObject *r;
	if (PyLong_Check(node) || PyObject_HasAttrString(node, "fileno")) {
		int fd = PyObject_AsFileDescriptor(node);
		r = fd < 0 ? NULL : send_on_fd(fd, pkt, n, tmo);
	} else {
		r = send_to_node(node, pkt, n, tmo);
	}
	free(pkt);
	return r;
}

/* uwsgi.recv_message(fd[, timeout]): one packet from a socket of the
 * app's, as (modifier1, modifier2, decoded payload). */
static PyObject *m_recv_message(PyObject *self, PyObject *args, PyObject *kw)
{
	(void)self;
	static char *kwlist[] = { "fd", "timeout", NULL };
	PyObject *fdo, *tmo_o = NULL;
	if (!PyArg_ParseTupleAndKeywords(args, kw, "O|O:recv_message", kwlist, &fdo, &tmo_o))
		return NULL;
	int fd = PyObject_AsFileDescriptor(fdo);
	int tmo = fd < 0 ? -1 : timeout_ms(tmo_o);
	if (tmo < 0)
		return NULL;
	uint8_t *buf = malloc(UP_HEADER_SIZE + UP_MAX_DATASIZE);
	if (!buf)
		return PyErr_NoMemory();
	up_header_t h = { 0 };
	up_err_t e;
	int rc;
	Py_BEGIN_ALLOW_THREADS
	uint64_t end = up_now_ms() + (uint64_t)tmo;
	rc = up_read_exact(fd, buf, UP_HEADER_SIZE, tmo, NULL, &e);
	if (rc == 0) {
		up_header_decode(buf, UP_HEADER_SIZE, &h);
		rc = up_read_exact(fd, buf + UP_HEADER_SIZE, h.datasize, up_ms_left(end),
				   NULL, &e);
	}
	Py_END_ALLOW_THREADS
	PyObject *obj = rc < 0 ? raise_net("recv_message", &e, tmo)
		: msg_decode(h.modifier1, buf + UP_HEADER_SIZE, h.datasize);
	free(buf);
	PyObject *r = obj ? Py_BuildValue("(iiO)", h.modifier1, h.modifier2, obj) : NULL;
	Py_XDECREF(obj);
	return r;
}

static PyMethodDef methods[] = {
	{ "register_message_handler", m_register_message_handler, METH_VARARGS,
	  "register_message_handler(modifier1, func): serve messages 31, 32 or 33 with "
	  "func(payload, modifier2); None removes it" },
	{ "send_message", (PyCFunction)(void (*)(void))m_send_message,
	  METH_VARARGS | METH_KEYWORDS,
	  "send_message(node, modifier1, modifier2, payload[, timeout]): send a message to "
	  "node and return its decoded answer (on a socket or fd: send only)" },
	{ "recv_message", (PyCFunction)(void (*)(void))m_recv_message,
	  METH_VARARGS | METH_KEYWORDS,
	  "recv_message(fd[, timeout]): read one packet, (modifier1, modifier2, payload)" },
	{ NULL, NULL, 0, NULL },
};

static int init(PyObject *m)
{
	return PyModule_AddObjectRef(m, "message_manager_marshal", Py_None);
}

const struct pymod_part pymod_msg = { "msg", methods, init };
