/* The stats document, read with jansson into a model the views share.
 * Two kinds exist in uWSGI 2.0's schema: a node's (master, workers,
 * sockets) and a router's (fastrouter, http router...: subscriptions and
 * static nodes). Numbers missing from the document are -1 (DOC_NONE);
 * strings point into the parsed tree and live as long as the doc. */
#ifndef UWSGI_STATS_DOC_H
#define UWSGI_STATS_DOC_H

#include <jansson.h>
#include <stddef.h>

#include "uwsgiproto/buf.h"

#define DOC_NONE (-1LL)

enum doc_kind { DOC_NODE = 1, DOC_ROUTER = 2 };

struct doc_worker {
	long long id, pid, requests, exceptions, harakiri, signals;
	long long respawns;       /* uWSGI's respawn_count less the first spawn */
	long long rss, vsz, tx;   /* bytes */
	long long running_time;   /* microseconds spent in requests */
	long long last_spawn;     /* Unix time */
	long long avg_rt;         /* microseconds */
	long long accepting;
	const char *status;       /* idle, busy, cheap, pause, sig, or as sent */
	size_t ncores, busy_cores;
	const char *method, *uri; /* first busy core's request, NULL if none */
	long long request_start;  /* its start, Unix time */
};

struct doc_socket {
	const char *name, *proto;
	long long queue, max_queue, shared, can_offload;
};

/* A router's backend: a subscription node (under key) or a static node. */
struct doc_rnode {
	const char *key;          /* the subscription key; NULL for static */
	const char *name;         /* its address */
	long long requests;       /* requests, or a static node's hits */
	long long last_requests, tx, rx, load, weight, failcnt, cores, pid;
	int dead;                 /* death_mark, or a static node in grace */
};

struct doc_key {
	const char *key;
	long long hits, sni_enabled;
	size_t nnodes;
};

struct doc {
	enum doc_kind kind;
	json_t *root;             /* owns every string below */
	const char *version, *cwd;
	long long pid, uid, gid;
	double when;              /* wall-clock time of the read */
	double fetch_seconds;     /* how long the read took */

	/* node */
	long long listen_queue, listen_queue_errors, load, signal_queue;
	long long start_time;     /* "start_time" if sent, else the oldest
	                             worker's last_spawn; DOC_NONE */
	struct doc_worker *workers;
	size_t nworkers;
	struct doc_socket *sockets;
	size_t nsockets;

	/* router */
	const char *router;       /* the key listing its sockets: "fastrouter",
	                             "http", "rawrouter"... */
	const char **listen;
	size_t nlisten;
	long long active_sessions, cheap;
	struct doc_key *keys;
	size_t nkeys;
	struct doc_rnode *nodes;  /* subscription nodes key by key, then static */
	size_t nnodes;
};

/* Parse raw (repaired in place first, see repair.h) into *d. Returns 0, or
 * -1 with err[0..cap) saying why: not JSON (with jansson's line and
 * column), not an object, not a stats document, a field of the wrong type
 * where the model needs it. *d is empty and freed on failure. */
int doc_parse(struct doc *d, up_buf_t *raw, char *err, size_t cap);

void doc_free(struct doc *d);

/* What the views and the metrics add up. */
struct doc_totals {
	size_t busy, idle, cheap, paused, sig, other;
	long long requests, exceptions, harakiri, respawns, tx;
	long long rss_sum, rss_max, vsz_sum, vsz_max;   /* bytes */
	double avg_rt;            /* us, weighted by each worker's requests */
	long long max_queue;      /* the largest socket backlog */
	size_t dead_nodes;        /* router */
	long long failures;       /* router: sum of failcnt */
};

void doc_totals(const struct doc *d, struct doc_totals *t);

/* Requests per second of d's worker i since prev, taken dt seconds before;
 * NAN when prev is NULL, the worker is new or was respawned (its pid
 * changed or its counter went back). */
double doc_worker_rate(const struct doc *d, const struct doc *prev, size_t i, double dt);

/* The same for a router's node i (matched by key and name). */
double doc_rnode_rate(const struct doc *d, const struct doc *prev, size_t i, double dt);

/* Sum of the known rates of workers / router nodes; NAN without prev. */
double doc_total_rate(const struct doc *d, const struct doc *prev, double dt);

#endif
