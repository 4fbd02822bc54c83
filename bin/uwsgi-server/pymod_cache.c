/* uwsgi.cache_*: the shared cache (cache.h) as uWSGI 2.0's Python API has
 * it. Keys and values are bytes (a str is taken as UTF-8); values come back
 * as bytes. The optional last argument names the cache: None, "" or the
 * configured name ("default" for --cache). Results follow uWSGI: True on
 * success, None when the key is missing, exists already (cache_set) or the
 * cache is full. Misuse raises: a key or value that does not fit a slot, or
 * no cache configured, is a ValueError; a wrong type a TypeError. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "pymod_shared.h"

/* The cache a call names, or NULL with ValueError. */
static struct cache *pick(PyObject *name)
{
	struct cache *c = cache_default();
	if (!c) {
		PyErr_SetString(PyExc_ValueError, "no cache: start the server with --cache ITEMS "
				"or --cache2 name=NAME,items=N");
		return NULL;
	}
	if (!name || name == Py_None)
		return c;
	Py_buffer b;
	if (pyarg_bytes(name, &b, "cache name") < 0)
		return NULL;
	const char *want = cache_conf(c)->name;
	int ok = b.len == 0 || ((size_t)b.len == strlen(want) && !memcmp(b.buf, want, b.len));
	if (!ok && memchr(b.buf, '@', (size_t)b.len))
		PyErr_Format(PyExc_ValueError, "remote caches (%R) are not supported", name);
	else if (!ok)
		PyErr_Format(PyExc_ValueError, "no cache named %R (this server has '%s')", name, want);
	PyBuffer_Release(&b);
	return ok ? c : NULL;
}

/* The key (and cache) of get, exists and del: 0 or -1. */
static int key_args(PyObject *args, const char *fmt, Py_buffer *key, struct cache **c)
{
	PyObject *k, *name = NULL;
	if (!PyArg_ParseTuple(args, fmt, &k, &name) || !(*c = pick(name)))
		return -1;
	return pyarg_bytes(k, key, "cache key");
}

static PyObject *m_get(PyObject *self, PyObject *args)
{
	(void)self;
	Py_buffer k;
	struct cache *c;
	void *val;
	uint64_t vlen;
	int rc;
	if (key_args(args, "O|O:cache_get", &k, &c) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	rc = cache_get(c, k.buf, (size_t)k.len, &val, &vlen);
	Py_END_ALLOW_THREADS
	PyBuffer_Release(&k);
	if (rc == CACHE_NOMEM)
		return PyErr_NoMemory();
	if (rc != CACHE_OK)
		Py_RETURN_NONE;
	PyObject *out = PyBytes_FromStringAndSize(val, (Py_ssize_t)vlen);
	free(val);
	return out;
}

/* exists and del: True when fn found the key, else None. */
static PyObject *key_test(PyObject *args, const char *fmt,
			  int (*fn)(struct cache *, const void *, size_t))
{
	Py_buffer k;
	struct cache *c;
	int rc;
	if (key_args(args, fmt, &k, &c) < 0)
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	rc = fn(c, k.buf, (size_t)k.len);
	Py_END_ALLOW_THREADS
	PyBuffer_Release(&k);
	if (rc != CACHE_OK)
		Py_RETURN_NONE;
	Py_RETURN_TRUE;
}

static PyObject *m_exists(PyObject *self, PyObject *args)
{
	(void)self;
	return key_test(args, "O|O:cache_exists", cache_exists);
}

static PyObject *m_del(PyObject *self, PyObject *args)
{
	(void)self;
	return key_test(args, "O|O:cache_del", cache_del);
}

/* cache_set and cache_update: (key, value[, expires[, cache]]). */
static PyObject *store(PyObject *args, int update, const char *fmt)
{
	PyObject *ko, *vo, *name = NULL;
	long long expires = 0;
	Py_buffer k, v;
	struct cache *c;
	int rc;
	if (!PyArg_ParseTuple(args, fmt, &ko, &vo, &expires, &name) || !(c = pick(name)))
		return NULL;
	if (expires < 0)
		return PyErr_Format(PyExc_ValueError, "expires %lld: seconds, 0 for never", expires);
	if (pyarg_bytes(ko, &k, "cache key") < 0)
		return NULL;
	if (pyarg_bytes(vo, &v, "cache value") < 0) {
		PyBuffer_Release(&k);
		return NULL;
	}
	Py_BEGIN_ALLOW_THREADS
	rc = cache_set(c, k.buf, (size_t)k.len, v.buf, (uint64_t)v.len, (uint64_t)expires, update);
	Py_END_ALLOW_THREADS
	const struct cache_conf *cf = cache_conf(c);
	if (rc == CACHE_TOOBIG && (size_t)k.len > cf->keysize)
		PyErr_Format(PyExc_ValueError, "cache key of %zd bytes: the cache's keys hold at "
			     "most %u", k.len, cf->keysize);
	else if (rc == CACHE_TOOBIG)
		PyErr_Format(PyExc_ValueError, "cache value of %zd bytes: the cache's blocks hold "
			     "at most %llu (--cache-blocksize)", v.len,
			     (unsigned long long)cf->blocksize);
	PyBuffer_Release(&k);
	PyBuffer_Release(&v);
	if (rc == CACHE_TOOBIG)
		return NULL;
	if (rc != CACHE_OK)
		Py_RETURN_NONE;
	Py_RETURN_TRUE;
}

static PyObject *m_set(PyObject *self, PyObject *args)
{
	(void)self;
	return store(args, 0, "OO|LO:cache_set");
}

static PyObject *m_update(PyObject *self, PyObject *args)
{
	(void)self;
	return store(args, 1, "OO|LO:cache_update");
}

static PyObject *m_clear(PyObject *self, PyObject *args)
{
	(void)self;
	PyObject *name = NULL;
	struct cache *c;
	if (!PyArg_ParseTuple(args, "|O:cache_clear", &name) || !(c = pick(name)))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	cache_clear(c);
	Py_END_ALLOW_THREADS
	Py_RETURN_TRUE;
}

static PyObject *m_keys(PyObject *self, PyObject *args)
{
	(void)self;
	PyObject *name = NULL;
	struct cache *c;
	uint8_t *blob;
	size_t len, n;
	int rc;
	if (!PyArg_ParseTuple(args, "|O:cache_keys", &name) || !(c = pick(name)))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	rc = cache_keys(c, &blob, &len, &n);
	Py_END_ALLOW_THREADS
	if (rc == CACHE_NOMEM)
		return PyErr_NoMemory();
	PyObject *list = PyList_New((Py_ssize_t)n);
	size_t pos = 0;
	for (size_t i = 0; list && i < n; i++) {
		uint16_t kl;
		memcpy(&kl, blob + pos, 2);
		PyObject *k = PyBytes_FromStringAndSize((const char *)blob + pos + 2, kl);
		if (!k) {
			Py_CLEAR(list);
			break;
		}
		PyList_SET_ITEM(list, (Py_ssize_t)i, k);
		pos += 2 + (size_t)kl;
	}
	free(blob);
	return list;
}

static PyMethodDef methods[] = {
	{ "cache_get", m_get, METH_VARARGS, "cache_get(key[, cache]) -> bytes or None" },
	{ "cache_set", m_set, METH_VARARGS,
	  "cache_set(key, value[, expires[, cache]]): store if absent; True or None" },
	{ "cache_update", m_update, METH_VARARGS,
	  "cache_update(key, value[, expires[, cache]]): store or overwrite; True or None" },
	{ "cache_del", m_del, METH_VARARGS, "cache_del(key[, cache]): True or None" },
	{ "cache_exists", m_exists, METH_VARARGS, "cache_exists(key[, cache]): True or None" },
	{ "cache_clear", m_clear, METH_VARARGS, "cache_clear([cache]): drop every item" },
	{ "cache_keys", m_keys, METH_VARARGS, "cache_keys([cache]) -> list of bytes" },
	{ NULL, NULL, 0, NULL },
};

static int init(PyObject *m)
{
	struct server *s = pymod_server();
	char n[32];
	if (!s)
		return 0;
	if (s->c->cache) {
		snprintf(n, sizeof n, "%d", s->c->cache);
		if (pymod_opt_put(m, "cache", n) < 0)
			return -1;
	}
	if (s->c->cache2.n && pymod_opt_put(m, "cache2", s->c->cache2.v[0]) < 0)
		return -1;
	return 0;
}

const struct pymod_part pymod_cache = { "cache", methods, init };
