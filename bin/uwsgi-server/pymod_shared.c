/* Setting up the uwsgi module's shared memory in the master, before any
 * fork (and before sockets are bound, so a bad --cache2 fails early):
 * the user locks, the shared area and the cache with its protocol handler;
 * and the argument helpers the parts share. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "die.h"
#include "pymod_shared.h"

/* uWSGI's default longest key. */
#define CACHE_KEYSIZE 2048

static int key_is(const char *k, size_t kl, const char *name)
{
	return kl == strlen(name) && !memcmp(k, name, kl);
}

/* One key=value of --cache2 into *cf (v runs to the next ',' or the end);
 * die()s on what it cannot take. */
static void cache2_item(const char *spec, const char *k, size_t kl, const char *v,
			struct cache_conf *cf)
{
	size_t vl = strcspn(v, ",");
	if (key_is(k, kl, "name")) {
		if (vl == 0 || vl >= sizeof cf->name)
			die(1, "--cache2 '%s': the name must be 1 to %zu bytes", spec,
			    sizeof cf->name - 1);
		memcpy(cf->name, v, vl);
		cf->name[vl] = 0;
		return;
	}
	unsigned long long max = key_is(k, kl, "items") ? 1u << 24
		: key_is(k, kl, "blocksize") ? 1u << 30 : key_is(k, kl, "keysize") ? 65535 : 0;
	if (!max)
		die(1, "--cache2 '%s': '%.*s' is not supported (only name, items, blocksize, "
		    "keysize)", spec, (int)kl, k);
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (*v < '0' || *v > '9' || end != v + vl || errno || n == 0 || n > max)
		die(1, "--cache2 '%s': %.*s '%.*s' is not a number from 1 to %llu", spec, (int)kl,
		    k, (int)vl, v, max);
	if (key_is(k, kl, "items"))
		cf->items = (uint32_t)n;
	else if (key_is(k, kl, "blocksize"))
		cf->blocksize = n;
	else
		cf->keysize = (uint32_t)n;
}

/* --cache2 name=NAME,items=N[,blocksize=B][,keysize=K] */
static void cache2_parse(const char *spec, uint64_t blocksize, struct cache_conf *cf)
{
	*cf = (struct cache_conf){ .name = "default", .blocksize = blocksize,
				   .keysize = CACHE_KEYSIZE };
	for (const char *p = spec; *p;) {
		size_t len = strcspn(p, ","), kl = strcspn(p, "=,");
		if (kl == len)
			die(1, "--cache2 '%s': expected key=value, not '%.*s'", spec, (int)len, p);
		cache2_item(spec, p, kl, p + kl + 1, cf);
		p += len + (p[len] == ',');
	}
	if (!cf->items)
		die(1, "--cache2 '%s': items=N is required", spec);
}

void pymod_shared_setup(const struct config *c)
{
	struct cache_conf cf = { .name = "default", .items = (uint32_t)c->cache,
				 .blocksize = c->cache_blocksize, .keysize = CACHE_KEYSIZE };
	if (c->cache2.n > 1)
		die(1, "--cache2 given %zu times: this server has one cache", c->cache2.n);
	if (c->cache2.n && c->cache)
		die(1, "--cache and --cache2 both given: this server has one cache, use one");
	if (c->cache2.n)
		cache2_parse(c->cache2.v[0], c->cache_blocksize, &cf);
	locks_setup(c->locks);
	sharedarea_setup(c->sharedarea);
	if (cf.items) {
		cache_create(&cf);
		cache_serve_protocol();
	}
}

int pyarg_bytes(PyObject *o, Py_buffer *view, const char *what)
{
	if (PyUnicode_Check(o)) {
		Py_ssize_t n;
		const char *s = PyUnicode_AsUTF8AndSize(o, &n);
		/* The UTF-8 form lives as long as the str, which the view holds. */
		return s ? PyBuffer_FillInfo(view, o, (void *)s, n, 1, PyBUF_SIMPLE) : -1;
	}
	if (PyObject_CheckBuffer(o))
		return PyObject_GetBuffer(o, view, PyBUF_SIMPLE);
	PyErr_Format(PyExc_TypeError, "%s must be bytes or str, not %.80s", what,
		     Py_TYPE(o)->tp_name);
	return -1;
}

int pymod_opt_put(PyObject *module, const char *key, const char *value)
{
	PyObject *opt = PyObject_GetAttrString(module, "opt");
	PyObject *v = opt ? PyBytes_FromString(value) : NULL;
	int rc = v && PyDict_Check(opt) ? PyDict_SetItemString(opt, key, v) : -1;
	if (rc < 0 && !PyErr_Occurred())
		PyErr_SetString(PyExc_TypeError, "uwsgi.opt is not a dict");
	Py_XDECREF(v);
	Py_XDECREF(opt);
	return rc;
}
