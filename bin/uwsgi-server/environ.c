/* The WSGI environ: every var as a latin-1 str (PEP 3333), then the keys
 * PEP 3333 and wsgiref.validate require, filled in when the front end did
 * not send them (nginx sends no SCRIPT_NAME, for one). */
#include <string.h>

#include "wsgi.h"

static PyObject *k_script_name, *k_path_info, *k_query_string, *k_request_method,
	*k_server_name, *k_server_port, *k_server_protocol, *k_url_scheme,
	*k_version, *k_input, *k_errors, *k_multithread, *k_multiprocess,
	*k_run_once, *k_file_wrapper, *k_input_terminated, *v_version, *v_http,
	*v_https, *v_empty;
PyObject *wsgi_file_wrapper_type;  /* set by wsgi.c */

static PyObject *intern(const char *s)
{
	PyObject *o = PyUnicode_InternFromString(s);
	if (!o)
		Py_FatalError("cannot intern environ keys");
	return o;
}

void environ_init(void)
{
	k_script_name = intern("SCRIPT_NAME");
	k_path_info = intern("PATH_INFO");
	k_query_string = intern("QUERY_STRING");
	k_request_method = intern("REQUEST_METHOD");
	k_server_name = intern("SERVER_NAME");
	k_server_port = intern("SERVER_PORT");
	k_server_protocol = intern("SERVER_PROTOCOL");
	k_url_scheme = intern("wsgi.url_scheme");
	k_version = intern("wsgi.version");
	k_input = intern("wsgi.input");
	k_errors = intern("wsgi.errors");
	k_multithread = intern("wsgi.multithread");
	k_multiprocess = intern("wsgi.multiprocess");
	k_run_once = intern("wsgi.run_once");
	k_file_wrapper = intern("wsgi.file_wrapper");
	k_input_terminated = intern("wsgi.input_terminated");
	v_version = Py_BuildValue("(ii)", 1, 0);
	v_http = intern("http");
	v_https = intern("https");
	v_empty = intern("");
}

/* The same few dozen var names arrive with every request: keep their
 * interned str objects instead of decoding and interning them each time.
 * Only touched with the GIL held. */
#define KEYCACHE 256
static struct {
	uint16_t len;
	char name[48];
	PyObject *obj;
} keycache[KEYCACHE];

static PyObject *key_object(const char *k, size_t kl)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < kl; i++)
		h = (h ^ (uint8_t)k[i]) * 16777619u;
	size_t slot = h % KEYCACHE;
	if (keycache[slot].obj && keycache[slot].len == kl &&
	    memcmp(keycache[slot].name, k, kl) == 0) {
		Py_INCREF(keycache[slot].obj);
		return keycache[slot].obj;
	}
	PyObject *o = PyUnicode_DecodeLatin1(k, (Py_ssize_t)kl, NULL);
	if (!o)
		return NULL;
	PyUnicode_InternInPlace(&o);
	if (kl < sizeof keycache[slot].name) {
		Py_XDECREF(keycache[slot].obj);
		memcpy(keycache[slot].name, k, kl);
		keycache[slot].len = (uint16_t)kl;
		Py_INCREF(o);
		keycache[slot].obj = o;
	}
	return o;
}

static int set_latin1(PyObject *env, PyObject *key, const char *v, size_t vl)
{
	PyObject *o = PyUnicode_DecodeLatin1(v, (Py_ssize_t)vl, NULL);
	if (!o)
		return -1;
	int rc = PyDict_SetItem(env, key, o);
	Py_DECREF(o);
	return rc;
}

static int set_default(PyObject *env, PyObject *key, const char *v)
{
	if (PyDict_Contains(env, key))
		return 0;
	return set_latin1(env, key, v, strlen(v));
}

static int is_on(const char *v, size_t l)
{
	return v && ((l == 2 && strncasecmp(v, "on", 2) == 0) ||
		     (l == 1 && v[0] == '1') ||
		     (l == 5 && strncasecmp(v, "https", 5) == 0));
}

/* SCRIPT_NAME and PATH_INFO: the mountpoint moves from PATH_INFO into
 * SCRIPT_NAME (--manage-script-name), modifier1 30 strips SCRIPT_NAME
 * off PATH_INFO, and both always exist. */
static int script_and_path(PyObject *env, struct request *r, const struct app *app,
			   size_t strip)
{
	size_t pl = 0, sl = 0;
	const char *pi = req_var(r, "PATH_INFO", &pl);
	const char *sn = req_var(r, "SCRIPT_NAME", &sl);
	if (strip && pi) {
		if (set_latin1(env, k_script_name, pi, strip) < 0)
			return -1;
		return set_latin1(env, k_path_info, pi + strip, pl - strip);
	}
	if (r->strip_script_name && sn && pi && sl && sl <= pl && memcmp(sn, pi, sl) == 0 &&
	    set_latin1(env, k_path_info, pi + sl, pl - sl) < 0)
		return -1;
	if (!sn && app && app->mlen && set_latin1(env, k_script_name, app->mountpoint, app->mlen) < 0)
		return -1;
	/* "/" as SCRIPT_NAME breaks URL reconstruction (PEP 3333): the root
	 * is the empty string. */
	if (sn && sl == 1 && sn[0] == '/' && PyDict_SetItem(env, k_script_name, v_empty) < 0)
		return -1;
	if (set_default(env, k_script_name, "") < 0)
		return -1;
	if (!pi) {
		/* Derive it from REQUEST_URI's path when the front end did not
		 * send one. */
		size_t ul = 0;
		const char *u = req_var(r, "REQUEST_URI", &ul);
		const char *q = u ? memchr(u, '?', ul) : NULL;
		if (u && ul && u[0] == '/')
			return set_latin1(env, k_path_info, u, q ? (size_t)(q - u) : ul);
		return set_default(env, k_path_info, "");
	}
	return 0;
}

/* PEP 3333: SERVER_NAME and SERVER_PORT are never empty; nginx sends an
 * empty $server_name when its server block names none. */
static int drop_empty(PyObject *env, PyObject *key)
{
	PyObject *v = PyDict_GetItem(env, key);  /* borrowed */
	if (v && PyUnicode_Check(v) && PyUnicode_GET_LENGTH(v) == 0)
		return PyDict_DelItem(env, key);
	return 0;
}

static int server_defaults(PyObject *env, struct request *r)
{
	size_t hl = 0;
	if (drop_empty(env, k_server_name) < 0 || drop_empty(env, k_server_port) < 0)
		return -1;
	const char *host = req_var(r, "HTTP_HOST", &hl);
	if (!PyDict_Contains(env, k_server_name)) {
		size_t nl = hl;
		const char *colon = host ? memrchr(host, ':', hl) : NULL;
		const char *br = host ? memrchr(host, ']', hl) : NULL;
		if (colon && (!br || colon > br))
			nl = (size_t)(colon - host);
		if (host && nl ? set_latin1(env, k_server_name, host, nl) < 0
			       : set_default(env, k_server_name, "localhost") < 0)
			return -1;
	}
	if (set_default(env, k_server_port, "80") < 0 ||
	    set_default(env, k_server_protocol, "HTTP/1.0") < 0 ||
	    set_default(env, k_request_method, "GET") < 0 ||
	    set_default(env, k_query_string, "") < 0)
		return -1;
	return 0;
}

/* The keys that are the same for every request a thread serves, in a
 * dict sized for a whole environ: each environ starts as a copy of it,
 * which CPython makes with one copy of the table, and the vars then go in
 * without the table growing. */
PyObject *environ_template(int multithread, int multiprocess)
{
	PyObject *env = _PyDict_NewPresized(40);
	if (!env)
		return NULL;
	int rc = PyDict_SetItem(env, k_url_scheme, v_http);
	rc |= PyDict_SetItem(env, k_version, v_version);
	rc |= PyDict_SetItem(env, k_multithread, multithread ? Py_True : Py_False);
	rc |= PyDict_SetItem(env, k_multiprocess, multiprocess ? Py_True : Py_False);
	rc |= PyDict_SetItem(env, k_run_once, Py_False);
	rc |= PyDict_SetItem(env, k_input_terminated, Py_True);
	rc |= PyDict_SetItem(env, k_file_wrapper, wsgi_file_wrapper_type);
	if (rc) {
		Py_DECREF(env);
		return NULL;
	}
	return env;
}

/* What changes from request to request: the body, the scheme, and
 * sys.stderr (which the app may have replaced). */
static int wsgi_keys(PyObject *env, struct wsgi_thread *t, struct request *r)
{
	size_t l1 = 0, l2 = 0;
	const char *https = req_var(r, "HTTPS", &l1);
	const char *scheme = req_var(r, "UWSGI_SCHEME", &l2);
	if (!scheme)
		scheme = req_var(r, "REQUEST_SCHEME", &l2);
	PyObject *input = input_new(t, r);
	PyObject *errors = PySys_GetObject("stderr");  /* borrowed */
	if (!input)
		return -1;
	int rc = PyDict_SetItem(env, k_input, input);
	Py_DECREF(input);
	if (is_on(https, l1) || is_on(scheme, l2))
		rc |= PyDict_SetItem(env, k_url_scheme, v_https);
	rc |= PyDict_SetItem(env, k_errors, errors ? errors : Py_None);
	return rc ? -1 : 0;
}

PyObject *environ_build(struct wsgi_thread *t, struct request *r, const struct app *app,
			size_t strip)
{
	PyObject *env = PyDict_Copy(t->env_template);
	int wsgi_var = 0;
	if (!env)
		return NULL;
	for (size_t i = 0; i < r->nvars; i++) {
		const struct var *v = &r->vars[i];
		/* Some front ends (nginx, lighttpd) pass these headers along
		 * too; PEP 3333 has them only as CONTENT_TYPE/CONTENT_LENGTH. */
		if ((v->kl == 17 && memcmp(v->k, "HTTP_CONTENT_TYPE", 17) == 0) ||
		    (v->kl == 19 && memcmp(v->k, "HTTP_CONTENT_LENGTH", 19) == 0))
			continue;
		PyObject *k = key_object(v->k, v->kl);
		if (!k)
			goto fail;
		wsgi_var |= v->kl > 5 && memcmp(v->k, "wsgi.", 5) == 0;
		int rc = set_latin1(env, k, v->v, v->vl);
		Py_DECREF(k);
		if (rc < 0)
			goto fail;
	}
	/* A var may not stand in for one of the server's own keys. */
	if (wsgi_var && PyDict_Update(env, t->env_template) < 0)
		goto fail;
	if (script_and_path(env, r, app, strip) < 0 || server_defaults(env, r) < 0 ||
	    wsgi_keys(env, t, r) < 0)
		goto fail;
	return env;
fail:
	Py_DECREF(env);
	return NULL;
}
