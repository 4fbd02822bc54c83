#include "doc.h"

#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "repair.h"

static int bad(char *err, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return -1;
}

/* A number field; DOC_NONE when missing, not a number, or a real that no
 * long long can hold (converting it would be undefined). */
static long long num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v)) {
		double r = json_real_value(v);
		if (r > -9.2e18 && r < 9.2e18)
			return (long long)r;
	}
	return DOC_NONE;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* calloc that never returns NULL for a count of 0, so that a NULL result
 * always means out of memory. */
static void *array_of(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

/* The value of KEY in a core's vars, a list of "KEY=VALUE" strings. */
static const char *var_value(const json_t *vars, const char *key)
{
	size_t klen = strlen(key), i;
	json_t *v;
	json_array_foreach(vars, i, v) {
		const char *s = json_string_value(v);
		if (s && strncmp(s, key, klen) == 0 && s[klen] == '=')
			return s + klen + 1;
	}
	return NULL;
}

static void parse_cores(struct doc_worker *w, const json_t *cores)
{
	size_t i;
	json_t *c;
	w->ncores = json_array_size(cores);
	json_array_foreach(cores, i, c) {
		if (num(c, "in_request") <= 0 || w->busy_cores++)
			continue;
		const json_t *vars = json_object_get(c, "vars");
		w->method = var_value(vars, "REQUEST_METHOD");
		w->uri = var_value(vars, "REQUEST_URI");
		if (!w->uri)
			w->uri = var_value(vars, "PATH_INFO");
		w->request_start = num(json_object_get(c, "req_info"), "request_start");
	}
}

/* Which number field of the document fills which member of a struct. */
struct field {
	const char *key;
	size_t offset;
};

#define FIELD(type, key, member) { key, offsetof(type, member) }

static void fill(void *base, const struct field *f, size_t n, const json_t *o)
{
	for (size_t i = 0; i < n; i++)
		*(long long *)((char *)base + f[i].offset) = num(o, f[i].key);
}

static const struct field worker_fields[] = {
	FIELD(struct doc_worker, "id", id),
	FIELD(struct doc_worker, "pid", pid),
	FIELD(struct doc_worker, "requests", requests),
	FIELD(struct doc_worker, "exceptions", exceptions),
	FIELD(struct doc_worker, "harakiri_count", harakiri),
	FIELD(struct doc_worker, "signals", signals),
	FIELD(struct doc_worker, "respawn_count", respawns),
	FIELD(struct doc_worker, "rss", rss),
	FIELD(struct doc_worker, "vsz", vsz),
	FIELD(struct doc_worker, "tx", tx),
	FIELD(struct doc_worker, "running_time", running_time),
	FIELD(struct doc_worker, "last_spawn", last_spawn),
	FIELD(struct doc_worker, "avg_rt", avg_rt),
	FIELD(struct doc_worker, "accepting", accepting),
};

static const struct field socket_fields[] = {
	FIELD(struct doc_socket, "queue", queue),
	FIELD(struct doc_socket, "max_queue", max_queue),
	FIELD(struct doc_socket, "shared", shared),
	FIELD(struct doc_socket, "can_offload", can_offload),
};

/* Subscription nodes; a static node has only "hits" and "grace". */
static const struct field rnode_fields[] = {
	FIELD(struct doc_rnode, "requests", requests),
	FIELD(struct doc_rnode, "last_requests", last_requests),
	FIELD(struct doc_rnode, "tx", tx),
	FIELD(struct doc_rnode, "rx", rx),
	FIELD(struct doc_rnode, "load", load),
	FIELD(struct doc_rnode, "weight", weight),
	FIELD(struct doc_rnode, "failcnt", failcnt),
	FIELD(struct doc_rnode, "cores", cores),
	FIELD(struct doc_rnode, "pid", pid),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *str_or(const json_t *o, const char *key, const char *dflt)
{
	const char *s = str(o, key);
	return s ? s : dflt;
}

static void parse_worker(struct doc_worker *w, const json_t *o)
{
	fill(w, worker_fields, COUNT(worker_fields), o);
	/* uWSGI's respawn_count counts the first spawn too. */
	if (w->respawns > 0)
		w->respawns--;
	w->status = str_or(o, "status", "?");
	w->request_start = DOC_NONE;
	parse_cores(w, json_object_get(o, "cores"));
}

static void parse_socket(struct doc_socket *s, const json_t *o)
{
	fill(s, socket_fields, COUNT(socket_fields), o);
	s->name = str_or(o, "name", "?");
	s->proto = str_or(o, "proto", "?");
}

/* Every element of the array at key must be an object. Sets *out (which
 * may be NULL for a missing key) and returns its size, or -1. */
static long objects_at(const json_t *root, const char *key, json_t **out,
                       char *err, size_t cap)
{
	size_t i;
	json_t *v, *a = json_object_get(root, key);
	*out = a;
	if (a && !json_is_array(a))
		return bad(err, cap, "\"%s\" is not an array", key);
	json_array_foreach(a, i, v)
		if (!json_is_object(v))
			return bad(err, cap, "%s[%zu] is not an object", key, i);
	return (long)json_array_size(a);
}

/* uWSGI does not say when the master started; the oldest worker's spawn
 * time is the best lower bound its document gives. */
static long long oldest_spawn(const struct doc *d)
{
	long long oldest = DOC_NONE;
	for (size_t i = 0; i < d->nworkers; i++) {
		long long s = d->workers[i].last_spawn;
		if (s > 0 && (oldest == DOC_NONE || s < oldest))
			oldest = s;
	}
	return oldest;
}

static int parse_node(struct doc *d, char *err, size_t cap)
{
	json_t *workers, *sockets, *v;
	long nw = objects_at(d->root, "workers", &workers, err, cap);
	long ns = objects_at(d->root, "sockets", &sockets, err, cap);
	size_t i;
	if (nw < 0 || ns < 0)
		return -1;
	d->workers = array_of((size_t)nw, sizeof *d->workers);
	d->sockets = array_of((size_t)ns, sizeof *d->sockets);
	if (!d->workers || !d->sockets)
		return bad(err, cap, "out of memory");
	d->nworkers = (size_t)nw;
	d->nsockets = (size_t)ns;
	json_array_foreach(workers, i, v)
		parse_worker(&d->workers[i], v);
	json_array_foreach(sockets, i, v)
		parse_socket(&d->sockets[i], v);
	d->listen_queue = num(d->root, "listen_queue");
	d->listen_queue_errors = num(d->root, "listen_queue_errors");
	d->load = num(d->root, "load");
	d->signal_queue = num(d->root, "signal_queue");
	d->start_time = num(d->root, "start_time");
	if (d->start_time == DOC_NONE)
		d->start_time = oldest_spawn(d);
	return 0;
}

/* The router's own sockets are listed under its name ("fastrouter":
 * [...], "http": [...]): the one array that is neither of the others. */
static int parse_router_name(struct doc *d)
{
	const char *key;
	json_t *v;
	d->router = "router";
	json_object_foreach(d->root, key, v) {
		/* An array of strings: "sockets" and the like hold objects. */
		if (!json_is_array(v) || !strcmp(key, "subscriptions") ||
		    !strcmp(key, "static_nodes") ||
		    (json_array_size(v) && !json_is_string(json_array_get(v, 0))))
			continue;
		d->router = key;
		d->listen = array_of(json_array_size(v), sizeof *d->listen);
		if (!d->listen)
			return -1;
		for (size_t i = 0; i < json_array_size(v); i++) {
			const char *s = json_string_value(json_array_get(v, i));
			d->listen[d->nlisten++] = s ? s : "?";
		}
		break;
	}
	return 0;
}

static void parse_sub_node(struct doc_rnode *n, const char *key, const json_t *o)
{
	fill(n, rnode_fields, COUNT(rnode_fields), o);
	n->key = key;
	n->name = str_or(o, "name", "?");
	n->dead = num(o, "death_mark") > 0;
}

static void parse_static_node(struct doc_rnode *n, const json_t *o)
{
	parse_sub_node(n, NULL, o);
	n->requests = num(o, "hits");
	n->dead = num(o, "grace") > 0;   /* uWSGI sets a grace time on failure */
}

/* Count the nodes of every key, so one array can hold them all. */
static long count_sub_nodes(const json_t *subs, char *err, size_t cap)
{
	size_t i, total = 0;
	json_t *s, *nodes;
	json_array_foreach(subs, i, s) {
		long n = objects_at(s, "nodes", &nodes, err, cap);
		if (n < 0)
			return -1;
		total += (size_t)n;
	}
	return (long)total;
}

static int parse_router(struct doc *d, char *err, size_t cap)
{
	json_t *subs, *statics, *s, *v;
	size_t i, j;
	long nk = objects_at(d->root, "subscriptions", &subs, err, cap);
	long nst = objects_at(d->root, "static_nodes", &statics, err, cap);
	long nsub = nk < 0 ? -1 : count_sub_nodes(subs, err, cap);
	if (nk < 0 || nst < 0 || nsub < 0)
		return -1;
	if (parse_router_name(d) < 0)
		return bad(err, cap, "out of memory");
	d->active_sessions = num(d->root, "active_sessions");
	d->cheap = num(d->root, "cheap");
	d->keys = array_of((size_t)nk, sizeof *d->keys);
	d->nodes = array_of((size_t)(nsub + nst), sizeof *d->nodes);
	if (!d->keys || !d->nodes)
		return bad(err, cap, "out of memory");
	json_array_foreach(subs, i, s) {
		struct doc_key *k = &d->keys[d->nkeys++];
		k->key = str_or(s, "key", "?");
		k->hits = num(s, "hits");
		k->sni_enabled = num(s, "sni_enabled");
		json_array_foreach(json_object_get(s, "nodes"), j, v) {
			parse_sub_node(&d->nodes[d->nnodes++], k->key, v);
			k->nnodes++;
		}
	}
	json_array_foreach(statics, i, v)
		parse_static_node(&d->nodes[d->nnodes++], v);
	return 0;
}

static int parse_kind(struct doc *d, char *err, size_t cap)
{
	const json_t *r = d->root;
	if (json_object_get(r, "workers")) {
		d->kind = DOC_NODE;
		return parse_node(d, err, cap);
	}
	if (json_object_get(r, "subscriptions") || json_object_get(r, "static_nodes") ||
	    json_object_get(r, "active_sessions")) {
		d->kind = DOC_ROUTER;
		return parse_router(d, err, cap);
	}
	return bad(err, cap, "not a uWSGI stats document (no \"workers\", "
		   "\"subscriptions\" or \"static_nodes\")");
}

int doc_parse(struct doc *d, up_buf_t *raw, char *err, size_t cap)
{
	json_error_t je;
	struct timespec now;
	memset(d, 0, sizeof *d);
	repair_json_strings(up_buf_head(raw), raw->len);
	/* Left outside strings, a NUL would read to jansson as the end. */
	if (memchr(up_buf_head(raw), '\0', raw->len))
		return bad(err, cap, "not a JSON document: it holds NUL bytes");
	d->root = json_loadb((const char *)up_buf_head(raw), raw->len, 0, &je);
	if (!d->root)
		return bad(err, cap, "not a JSON document: %s (line %d, column %d)",
			   je.text, je.line, je.column);
	if (!json_is_object(d->root)) {
		doc_free(d);
		return bad(err, cap, "not a uWSGI stats document (not a JSON object)");
	}
	clock_gettime(CLOCK_REALTIME, &now);
	d->when = (double)now.tv_sec + now.tv_nsec / 1e9;
	d->version = str(d->root, "version");
	d->cwd = str(d->root, "cwd");
	d->pid = num(d->root, "pid");
	d->uid = num(d->root, "uid");
	d->gid = num(d->root, "gid");
	if (parse_kind(d, err, cap) < 0) {
		doc_free(d);
		return -1;
	}
	return 0;
}

void doc_free(struct doc *d)
{
	free(d->workers);
	free(d->sockets);
	free(d->listen);
	free(d->keys);
	free(d->nodes);
	if (d->root)
		json_decref(d->root);
	memset(d, 0, sizeof *d);
}
