/* The framing of messages (modifier1 31, 32, 33 and raw payloads) to and
 * from Python objects, for both the server's handlers and the module's
 * send_message()/recv_message(). */
#include "msg.h"

#include <marshal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pymod_shared.h"
#include "uwsgiproto/error.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"
#include "uwsgiproto/vars.h"

/* A vars block as a dict, or an array as a list, of bytes. */
static PyObject *decode_block(const uint8_t *p, size_t len, int array)
{
	PyObject *out = array ? PyList_New(0) : PyDict_New();
	up_vars_iter_t it;
	up_var_t v;
	int rc = 0;
	up_vars_iter_init(&it, p, len);
	while (out && (rc = array ? up_array_next(&it, &v) : up_vars_next(&it, &v)) > 0) {
		PyObject *val = PyBytes_FromStringAndSize((const char *)v.val, (Py_ssize_t)v.vlen);
		PyObject *key = array || !val ? NULL
			: PyBytes_FromStringAndSize((const char *)v.key, (Py_ssize_t)v.klen);
		int bad = !val || (!array && !key);
		if (!bad)
			bad = (array ? PyList_Append(out, val) : PyDict_SetItem(out, key, val)) < 0;
		Py_XDECREF(key);
		Py_XDECREF(val);
		if (bad)
			Py_CLEAR(out);
	}
	if (out && rc < 0) {
		Py_CLEAR(out);
		PyErr_Format(PyExc_ValueError, "malformed %s: %s at offset %zu",
			     array ? "array" : "vars block", up_strerror(rc),
			     up_vars_iter_offset(&it));
	}
	return out;
}

void msg_exception_text(const char *prefix, char *err, size_t errcap)
{
	PyObject *type, *val, *tb;
	PyErr_Fetch(&type, &val, &tb);
	PyObject *s = val ? PyObject_Str(val) : NULL;
	const char *text = s ? PyUnicode_AsUTF8(s) : NULL;
	snprintf(err, errcap, "%s: %s", prefix, text ? text : "unknown error");
	PyErr_Clear();
	Py_XDECREF(s);
	Py_XDECREF(type);
	Py_XDECREF(val);
	Py_XDECREF(tb);
}

static PyObject *decode_marshal(const uint8_t *p, size_t len)
{
	PyObject *o = PyMarshal_ReadObjectFromString((const char *)p, (Py_ssize_t)len);
	if (o)
		return o;
	/* EOFError, TypeError...: for the caller all mean one thing. */
	char text[256];
	msg_exception_text("cannot unmarshal the payload", text, sizeof text);
	PyErr_SetString(PyExc_ValueError, text);
	return NULL;
}

PyObject *msg_decode(uint8_t m1, const uint8_t *p, size_t len)
{
	switch (m1) {
	case UP_MOD_MSG_VARS:
		return decode_block(p, len, 0);
	case UP_MOD_MSG_CHARS:
		return decode_block(p, len, 1);
	case UP_MOD_MSG_MARSHAL:
		return decode_marshal(p, len);
	default:
		return PyBytes_FromStringAndSize((const char *)p, (Py_ssize_t)len);
	}
}

static int too_big(void)
{
	PyErr_SetString(PyExc_ValueError, "a message has at most 65535 bytes of payload");
	return -1;
}

/* One key or item into the builder; -1 with an exception. */
static int add_bytes(up_vars_builder_t *b, PyObject *key, PyObject *val)
{
	Py_buffer k = { 0 }, v;
	if (key && pyarg_bytes(key, &k, "a message key") < 0)
		return -1;
	int rc = pyarg_bytes(val, &v, key ? "a message value" : "a message item");
	if (rc == 0) {
		rc = key ? up_vars_add(b, k.buf, (size_t)k.len, v.buf, (size_t)v.len)
			 : up_array_add(b, v.buf, (size_t)v.len);
		PyBuffer_Release(&v);
		if (rc == UP_EEMPTYKEY)
			PyErr_SetString(PyExc_ValueError, "a message key is empty");
		else if (rc < 0)
			too_big();
	}
	if (key)
		PyBuffer_Release(&k);
	return rc < 0 ? -1 : 0;
}

/* A dict as a vars block, or a list/tuple as an array, into buf. */
static int encode_block(up_vars_builder_t *b, PyObject *obj, int array)
{
	if (obj == Py_None)
		return 0;
	if (!array) {
		if (!PyDict_Check(obj))
			goto type;
		Py_ssize_t pos = 0;
		PyObject *k, *v;
		while (PyDict_Next(obj, &pos, &k, &v))
			if (add_bytes(b, k, v) < 0)
				return -1;
		return 0;
	}
	if (!PyList_Check(obj) && !PyTuple_Check(obj))
		goto type;
	for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(obj); i++)
		if (add_bytes(b, NULL, PySequence_Fast_GET_ITEM(obj, i)) < 0)
			return -1;
	return 0;
type:
	PyErr_Format(PyExc_TypeError, "a message for this modifier1 must be a %s, not %.80s",
		     array ? "list or tuple" : "dict", Py_TYPE(obj)->tp_name);
	return -1;
}

/* Header and n raw bytes into a new buffer. */
static int frame_raw(uint8_t m1, uint8_t m2, const void *p, size_t n, uint8_t **pkt,
		     size_t *len)
{
	if (n > UP_MAX_DATASIZE)
		return too_big();
	uint8_t *buf = malloc(UP_HEADER_SIZE + n);
	if (!buf) {
		PyErr_NoMemory();
		return -1;
	}
	up_header_write(buf, UP_HEADER_SIZE, m1, n, m2);
	if (n)
		memcpy(buf + UP_HEADER_SIZE, p, n);
	*pkt = buf;
	*len = UP_HEADER_SIZE + n;
	return 0;
}

static int encode_raw(uint8_t m1, uint8_t m2, PyObject *obj, uint8_t **pkt, size_t *len)
{
	PyObject *bytes = obj;
	if (m1 == UP_MOD_MSG_MARSHAL) {
		bytes = PyMarshal_WriteObjectToString(obj, Py_MARSHAL_VERSION);
		if (!bytes)
			return -1;
	}
	Py_buffer v;
	int rc = pyarg_bytes(bytes, &v, "a raw message");
	if (rc == 0) {
		rc = frame_raw(m1, m2, v.buf, (size_t)v.len, pkt, len);
		PyBuffer_Release(&v);
	}
	if (bytes != obj)
		Py_DECREF(bytes);
	return rc;
}

int msg_encode(uint8_t m1, uint8_t m2, PyObject *obj, uint8_t **pkt, size_t *len)
{
	int array = m1 == UP_MOD_MSG_CHARS;
	if (m1 == UP_MOD_MSG_MARSHAL || (!array && m1 != UP_MOD_MSG_VARS && !PyDict_Check(obj)))
		return encode_raw(m1, m2, obj, pkt, len);
	static const size_t cap = UP_HEADER_SIZE + UP_MAX_DATASIZE;
	uint8_t *buf = malloc(cap);
	if (!buf) {
		PyErr_NoMemory();
		return -1;
	}
	up_vars_builder_t b;
	up_vars_builder_init(&b, buf, cap);
	int rc = encode_block(&b, obj, array);
	if (rc == 0 && (rc = up_vars_finish(&b, m1, m2)) < 0)
		too_big();
	if (rc < 0) {
		free(buf);
		return -1;
	}
	*pkt = buf;
	*len = (size_t)rc;
	return 0;
}
