/* uwsgi.sharedarea_*: --sharedarea PAGES of memory shared by every worker,
 * with uWSGI 2.0's functions: read/write of bytes, 8/16/32/64-bit numbers
 * (host byte order, any offset), inc/dec that add under the area's lock
 * and return the new value, and a memoryview. The first argument is the
 * area id (only 0 exists); a call with one argument fewer than uWSGI 2.0
 * takes is the pre-2.0 form without an id and means area 0. Every access
 * is bounds-checked: outside the area is a ValueError, never a crash. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pymod_shared.h"
#include "shm.h"

#define SA_WHAT "sharedarea 0"

static struct shm_lock *sa_lock;  /* in the mapping's first page */
static uint8_t *sa_area;          /* the pages after it */
static size_t sa_size;
static int sa_pages;

void sharedarea_setup(int pages)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (pages <= 0)
		return;
	uint8_t *map = shm_map(page * ((size_t)pages + 1), "--sharedarea");
	sa_lock = (struct shm_lock *)map;
	shm_lock_init(sa_lock);
	sa_area = map + page;
	sa_size = page * (size_t)pages;
	sa_pages = pages;
}

/* args with the area id 0 put in front when the caller used the form
 * without one (one argument fewer than `full`); a new reference. */
static PyObject *with_id(PyObject *args, Py_ssize_t full)
{
	if (PyTuple_GET_SIZE(args) != full - 1) {
		Py_INCREF(args);
		return args;
	}
	PyObject *t = PyTuple_New(full);
	if (!t)
		return NULL;
	PyTuple_SET_ITEM(t, 0, PyLong_FromLong(0));
	for (Py_ssize_t i = 0; i < full - 1; i++) {
		PyObject *o = PyTuple_GET_ITEM(args, i);
		Py_INCREF(o);
		PyTuple_SET_ITEM(t, i + 1, o);
	}
	return t;
}

/* 0 when area id exists and [pos, pos + len) lies inside it; else -1
 * with ValueError. */
static int check_span(int id, long long pos, long long len)
{
	if (id != 0 || !sa_area) {
		PyErr_Format(PyExc_ValueError, "no sharedarea %d (--sharedarea PAGES makes area 0)",
			     id);
		return -1;
	}
	if (pos < 0 || len < 0 || (unsigned long long)pos > sa_size ||
	    (unsigned long long)len > sa_size - (size_t)pos) {
		PyErr_Format(PyExc_ValueError, "%lld bytes at offset %lld are outside " SA_WHAT
			     " (%zu bytes)", len, pos, sa_size);
		return -1;
	}
	return 0;
}

/* sharedarea_read(id, pos[, len]): len bytes (0 or none: to the end). */
static PyObject *m_read(PyObject *self, PyObject *args)
{
	(void)self;
	int id;
	long long pos, len = 0;
	PyObject *a = with_id(args, 2);
	int ok = a && PyArg_ParseTuple(a, "iL|L:sharedarea_read", &id, &pos, &len);
	Py_XDECREF(a);
	if (!ok)
		return NULL;
	/* uWSGI's spelling of "to the end": no length, or 0. */
	if (len == 0 && pos >= 0 && (unsigned long long)pos <= sa_size)
		len = (long long)sa_size - pos;
	if (check_span(id, pos, len) < 0)
		return NULL;
	PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)len);
	if (!out)
		return NULL;
	char *dst = PyBytes_AS_STRING(out);
	Py_BEGIN_ALLOW_THREADS
	shm_lock_take(sa_lock, SA_WHAT);
	memcpy(dst, sa_area + pos, (size_t)len);
	shm_lock_give(sa_lock);
	Py_END_ALLOW_THREADS
	return out;
}

/* sharedarea_write(id, pos, data): all of data, or nothing. */
static PyObject *m_write(PyObject *self, PyObject *args)
{
	(void)self;
	int id;
	long long pos;
	PyObject *data;
	Py_buffer b;
	PyObject *a = with_id(args, 3);
	int ok = a && PyArg_ParseTuple(a, "iLO:sharedarea_write", &id, &pos, &data);
	Py_XDECREF(a);
	if (!ok || pyarg_bytes(data, &b, "sharedarea_write() data") < 0)
		return NULL;
	if (check_span(id, pos, (long long)b.len) < 0) {
		PyBuffer_Release(&b);
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	shm_lock_take(sa_lock, SA_WHAT);
	memcpy(sa_area + pos, b.buf, (size_t)b.len);
	shm_lock_give(sa_lock);
	Py_END_ALLOW_THREADS
	PyBuffer_Release(&b);
	Py_RETURN_NONE;
}

/* ---- numbers ------------------------------------------------------------- */

enum num_op { OP_READ, OP_WRITE, OP_ADD, OP_SUB };

static uint64_t load(const uint8_t *p, int width)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	switch (width) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	default: memcpy(&u64, p, 8); return u64;
	}
}

static void store(uint8_t *p, int width, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;
	switch (width) {
	case 1: memcpy(p, &u8, 1); break;
	case 2: memcpy(p, &u16, 2); break;
	case 4: memcpy(p, &u32, 4); break;
	default: memcpy(p, &v, 8); break;
	}
}

/* A stored number as Python sees it: bytes unsigned (0..255), wider
 * numbers signed, as uWSGI reads them. */
static PyObject *as_python(uint64_t v, int width)
{
	if (width == 1)
		return PyLong_FromLong((long)(v & 0xff));
	if (width == 2)
		return PyLong_FromLong((int16_t)(uint16_t)v);
	if (width == 4)
		return PyLong_FromLong((int32_t)(uint32_t)v);
	return PyLong_FromLongLong((long long)v);
}

/* A value to store fits the width, signed or unsigned (a byte: 0..255). */
static int fits(long long v, int width)
{
	if (width == 8)
		return 1;
	long long hi = (1LL << (8 * width)) - 1, lo = width == 1 ? 0 : -(1LL << (8 * width - 1));
	return v >= lo && v <= hi;
}

static PyObject *number(PyObject *args, int width, enum num_op op, const char *name)
{
	int id;
	long long pos, val = 1;
	char fmt[48];
	snprintf(fmt, sizeof fmt, "%s:%s", op == OP_READ ? "iL" : op == OP_WRITE ? "iLL" : "iL|L",
		 name);
	PyObject *a = with_id(args, op == OP_WRITE ? 3 : 2);
	int ok = a && PyArg_ParseTuple(a, fmt, &id, &pos, &val);
	Py_XDECREF(a);
	if (!ok || check_span(id, pos, width) < 0)
		return NULL;
	if (op == OP_WRITE && !fits(val, width))
		return PyErr_Format(PyExc_ValueError, "%s(): %lld does not fit in %d byte%s", name,
				    val, width, width > 1 ? "s" : "");
	uint64_t v;
	uint8_t *p = sa_area + pos;
	Py_BEGIN_ALLOW_THREADS
	shm_lock_take(sa_lock, SA_WHAT);
	v = load(p, width);
	/* Unsigned arithmetic: a counter that passes the top wraps around. */
	v = op == OP_WRITE ? (uint64_t)val : op == OP_ADD ? v + (uint64_t)val
		: op == OP_SUB ? v - (uint64_t)val : v;
	if (op != OP_READ)
		store(p, width, v);
	shm_lock_give(sa_lock);
	Py_END_ALLOW_THREADS
	if (op == OP_WRITE)
		Py_RETURN_NONE;
	return as_python(v, width);
}

#define NUMBER(fn, width, op) \
	static PyObject *fn(PyObject *self, PyObject *args) \
	{ \
		(void)self; \
		return number(args, width, op, "sharedarea_" #fn); \
	}
NUMBER(read8, 1, OP_READ)
NUMBER(read16, 2, OP_READ)
NUMBER(read32, 4, OP_READ)
NUMBER(read64, 8, OP_READ)
NUMBER(write8, 1, OP_WRITE)
NUMBER(write16, 2, OP_WRITE)
NUMBER(write32, 4, OP_WRITE)
NUMBER(write64, 8, OP_WRITE)
NUMBER(inc32, 4, OP_ADD)
NUMBER(inc64, 8, OP_ADD)
NUMBER(dec32, 4, OP_SUB)
NUMBER(dec64, 8, OP_SUB)

/* sharedarea_memoryview(id): the area itself, writable, unlocked. */
static PyObject *m_memoryview(PyObject *self, PyObject *args)
{
	(void)self;
	int id;
	if (!PyArg_ParseTuple(args, "i:sharedarea_memoryview", &id) || check_span(id, 0, 0) < 0)
		return NULL;
	return PyMemoryView_FromMemory((char *)sa_area, (Py_ssize_t)sa_size, PyBUF_WRITE);
}

#define M(name, fn, doc) { "sharedarea_" name, fn, METH_VARARGS, doc }
static PyMethodDef methods[] = {
	M("read", m_read, "read(id, pos[, len]) -> bytes"),
	M("write", m_write, "write(id, pos, data)"),
	M("readbyte", read8, "readbyte(id, pos) -> 0..255"),
	M("writebyte", write8, "writebyte(id, pos, 0..255)"),
	M("readlong", read64, "readlong(id, pos) -> 64-bit int"),
	M("writelong", write64, "writelong(id, pos, 64-bit int)"),
	M("inclong", inc64, "inclong(id, pos, n=1) -> the new 64-bit value"),
	M("read8", read8, "read8(id, pos) -> 0..255"),
	M("read16", read16, "read16(id, pos) -> 16-bit int"),
	M("read32", read32, "read32(id, pos) -> 32-bit int"),
	M("read64", read64, "read64(id, pos) -> 64-bit int"),
	M("write8", write8, "write8(id, pos, value)"),
	M("write16", write16, "write16(id, pos, value)"),
	M("write32", write32, "write32(id, pos, value)"),
	M("write64", write64, "write64(id, pos, value)"),
	M("inc32", inc32, "inc32(id, pos, n=1) -> the new value"),
	M("inc64", inc64, "inc64(id, pos, n=1) -> the new value"),
	M("dec32", dec32, "dec32(id, pos, n=1) -> the new value"),
	M("dec64", dec64, "dec64(id, pos, n=1) -> the new value"),
	M("memoryview", m_memoryview, "memoryview(id): the area, writable"),
	{ NULL, NULL, 0, NULL },
};

static int init(PyObject *m)
{
	char n[16];
	if (!sa_pages)
		return 0;
	snprintf(n, sizeof n, "%d", sa_pages);
	return pymod_opt_put(m, "sharedarea", n);
}

const struct pymod_part pymod_sharedarea = { "sharedarea", methods, init };
