/* The stats document and the socket that serves it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "die.h"
#include "stats.h"
#include "subs.h"
#include "uwsgiproto/json.h"

/* A document bigger than this is cut (a pool of many thousands of nodes
 * would need more: the client then sees invalid JSON and says so). */
#define STATS_MAX (16u << 20)
#define STATS_WRITE_MS 5000

struct stats_srv {
	struct io io;
	struct proxy *px;
	up_addr_t addr;
	int made_file;
};

/* A client the document did not fit into the socket buffer of at once. */
struct stats_client {
	struct io io;
	struct timer tm;
	up_buf_t doc;
};

static int node_common(up_buf_t *o, const struct node *n)
{
	return up_buf_printf(o, "\"requests\":%lld,\"failcnt\":%lld,\"death_mark\":%d,"
			     "\"last_check\":%lld,\"tx\":%lld,\"rx\":%lld,\"load\":%d,"
			     "\"active\":%d,\"status\":\"%s\"",
			     n->requests, n->failures, n->dead, (long long)n->last_check,
			     n->tx, n->rx, n->load, n->active, n->dead ? "dead" : "alive");
}

static int static_nodes(up_buf_t *o, const struct pool *p)
{
	int rc = up_buf_puts(o, "\"static_nodes\":[");
	for (size_t i = 0; i < p->n; i++) {
		const struct node *n = p->nodes[i];
		rc |= up_buf_puts(o, i ? ",{\"name\":" : "{\"name\":");
		rc |= up_json_cstr(o, n->addr.name);
		/* uWSGI counts a static node's requests as hits and puts a
		 * failed one in grace. */
		rc |= up_buf_printf(o, ",\"hits\":%lld,\"grace\":%d,", n->requests, n->dead);
		rc |= node_common(o, n);
		rc |= up_buf_puts(o, "}");
	}
	return rc | up_buf_puts(o, "]");
}

static int sub_node(up_buf_t *o, const struct node *n)
{
	int rc = up_buf_puts(o, "{\"name\":");
	rc |= up_json_cstr(o, n->addr.name);
	rc |= up_buf_printf(o, ",\"modifier1\":%d,\"modifier2\":%d,\"pid\":0,\"uid\":0,"
			    "\"gid\":0,\"last_requests\":0,\"cores\":%d,\"weight\":%d,"
			    "\"wrr\":0,\"ref\":%d,", n->modifier1, n->modifier2, n->cores,
			    n->weight, n->active);
	rc |= node_common(o, n);
	return rc | up_buf_puts(o, "}");
}

static int subscriptions(up_buf_t *o, const struct registry *r)
{
	int rc = up_buf_puts(o, "\"subscriptions\":[");
	int first = 1;
	for (size_t b = 0; b < r->nbuckets; b++) {
		for (const struct pool *p = r->buckets[b]; p; p = p->next) {
			rc |= up_buf_puts(o, first ? "{\"key\":" : ",{\"key\":");
			first = 0;
			rc |= up_json_str(o, p->key, p->klen);
			rc |= up_buf_printf(o, ",\"hash\":%u,\"hits\":%lld,\"sni_enabled\":0,"
					    "\"nodes\":[", p->hash & 0xffff, p->hits);
			for (size_t i = 0; i < p->n; i++) {
				rc |= i ? up_buf_puts(o, ",") : 0;
				rc |= sub_node(o, p->nodes[i]);
			}
			rc |= up_buf_puts(o, "]}");
		}
	}
	return rc | up_buf_puts(o, "]");
}

static int sockets(up_buf_t *o, const struct proxy *px)
{
	/* First array of the document: uwsgi-stats takes its key as the
	 * router's name, as uWSGI's "fastrouter": [...] and "http": [...]. */
	int rc = up_buf_puts(o, "\"uwsgi-proxy\":[");
	int first = 1;
	for (const struct listener *l = px->listeners; l; l = l->next, first = 0) {
		rc |= first ? 0 : up_buf_puts(o, ",");
		rc |= up_json_cstr(o, l->addr.name);
	}
	if (subs_addr(px)) {
		rc |= first ? 0 : up_buf_puts(o, ",");
		rc |= up_json_cstr(o, subs_addr(px));
	}
	return rc | up_buf_puts(o, "]");
}

static int listeners_detail(up_buf_t *o, const struct proxy *px)
{
	int rc = up_buf_puts(o, "\"sockets\":[");
	int first = 1;
	for (const struct listener *l = px->listeners; l; l = l->next, first = 0) {
		rc |= up_buf_puts(o, first ? "{\"name\":" : ",{\"name\":");
		rc |= up_json_cstr(o, l->addr.name);
		rc |= up_buf_printf(o, ",\"proto\":\"%s\"}",
				    l->front == FRONT_HTTP ? "http" : "uwsgi");
	}
	return rc | up_buf_puts(o, "]");
}

int stats_json(struct proxy *px, up_buf_t *o)
{
	char cwd[1024];
	if (!getcwd(cwd, sizeof cwd))
		cwd[0] = 0;
	int rc = up_buf_printf(o, "{\"version\":\"%s\",\"pid\":%d,\"uid\":%d,\"gid\":%d,\"cwd\":",
			       UP_VERSION, (int)getpid(), (int)getuid(), (int)getgid());
	rc |= up_json_cstr(o, cwd);
	rc |= up_buf_printf(o, ",\"active_sessions\":%lld,", px->nconns);
	rc |= sockets(o, px);
	rc |= up_buf_puts(o, ",");
	rc |= static_nodes(o, &px->reg.statics);
	rc |= up_buf_puts(o, ",");
	rc |= subscriptions(o, &px->reg);
	rc |= up_buf_printf(o, ",\"cheap\":0,\"start_time\":%lld,\"requests\":%lld,"
			    "\"refused\":%lld,\"balance\":\"%s\",\"check_interval\":%lld,"
			    "\"subscription_server\":", (long long)px->started, px->requests,
			    px->refused, conf_balance_name(px->conf.balance),
			    px->conf.check_interval / 1000);
	rc |= subs_addr(px) ? up_json_cstr(o, subs_addr(px)) : up_buf_puts(o, "null");
	rc |= up_buf_printf(o, ",\"draining\":%d,", px->draining);
	rc |= listeners_detail(o, px);
	return rc | up_buf_puts(o, "}\n");
}

/* ---------------------------------------------------------------------- */

static void client_end(struct loop *l, struct stats_client *sc)
{
	loop_close_io(l, &sc->io);
	timer_stop(l, &sc->tm);
	up_buf_free(&sc->doc);
	loop_free_later(l, sc);
}

static void client_write(struct loop *l, struct stats_client *sc)
{
	while (sc->doc.len) {
		ssize_t n = send(sc->io.fd, up_buf_head(&sc->doc), sc->doc.len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		up_buf_consume(&sc->doc, (size_t)n);
	}
	client_end(l, sc);
}

static void client_event(struct loop *l, struct io *io, uint32_t ev)
{
	(void)ev;
	client_write(l, container_of(io, struct stats_client, io));
}

static void client_timeout(struct loop *l, struct timer *t)
{
	client_end(l, container_of(t, struct stats_client, tm));
}

static void on_accept(struct loop *l, struct io *io, uint32_t ev)
{
	struct stats_srv *s = container_of(io, struct stats_srv, io);
	up_err_t err;
	(void)ev;
	int fd = up_accept(io->fd, NULL, 1, &err);
	if (fd < 0)
		return;
	struct stats_client *sc = calloc(1, sizeof *sc);
	if (!sc) {
		close(fd);
		return;
	}
	up_buf_init(&sc->doc, STATS_MAX);
	if (stats_json(s->px, &sc->doc))
		warn("stats: the document was cut at %u bytes", STATS_MAX);
	sc->io.fd = fd;
	sc->io.fn = client_event;
	sc->tm.fn = client_timeout;
	if (loop_add(l, &sc->io) < 0) {
		client_end(l, sc);
		return;
	}
	timer_arm(l, &sc->tm, l->now + STATS_WRITE_MS);
	client_write(l, sc);
}

int stats_open(struct proxy *px, const char *text, up_err_t *err)
{
	struct stats_srv *s = calloc(1, sizeof *s);
	up_listen_opts_t lo = { .backlog = 64, .unlink_existing = 1, .nonblock = 1 };
	if (!s)
		return up_err_set(err, UP_ENOSPACE, "out of memory");
	if (up_addr_parse(text, &s->addr, err) < 0 ||
	    (s->io.fd = up_listen(&s->addr, &lo, err)) < 0) {
		free(s);
		return -1;
	}
	s->made_file = s->addr.family == AF_UNIX && s->addr.name[0] == '/';
	s->px = px;
	s->io.fn = on_accept;
	if (loop_add_level(&px->loop, &s->io) < 0) {
		up_err_sys(err, UP_ESYS, "epoll_ctl");
		loop_close_io(&px->loop, &s->io);
		free(s);
		return -1;
	}
	px->stats = s;
	return 0;
}

void stats_close(struct proxy *px)
{
	struct stats_srv *s = px->stats;
	if (!s)
		return;
	loop_close_io(&px->loop, &s->io);
	if (s->made_file)
		unlink(s->addr.name);
	loop_free_later(&px->loop, s);
	px->stats = NULL;
}

const char *stats_addr(const struct proxy *px)
{
	return px->stats ? px->stats->addr.name : NULL;
}
