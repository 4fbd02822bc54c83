/* Front sockets. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "die.h"
#include "listeners.h"

static void listener_close(struct proxy *px, struct listener *ls)
{
	loop_close_io(&px->loop, &ls->io);
	if (ls->made_file)
		unlink(ls->addr.name);
	loop_free_later(&px->loop, ls);
}

static struct listener *find(struct proxy *px, enum front f, const up_addr_t *a)
{
	for (struct listener *l = px->listeners; l; l = l->next)
		if (l->front == f && !strcmp(l->addr.name, a->name))
			return l;
	return NULL;
}

static int open_one(struct proxy *px, enum front f, const char *text, up_err_t *err)
{
	up_addr_t a;
	if (up_addr_parse(text, &a, err) < 0)
		return -1;
	struct listener *ls = find(px, f, &a);
	if (ls) {
		ls->keep = 1;
		return 0;
	}
	if (!(ls = calloc(1, sizeof *ls)))
		return up_err_set(err, UP_ENOSPACE, "out of memory");
	up_listen_opts_t lo = { .backlog = (int)px->conf.listen, .unlink_existing = 1,
				.nonblock = 1 };
	ls->io.fd = up_listen(&a, &lo, err);
	if (ls->io.fd < 0) {
		free(ls);
		return -1;
	}
	/* Port 0 binds an ephemeral port: show the real one. */
	if (a.family != AF_UNIX && up_addr_port(&a) == 0)
		up_addr_local(ls->io.fd, &a, err);
	ls->addr = a;
	ls->px = px;
	ls->front = f;
	ls->keep = 1;
	ls->made_file = a.family == AF_UNIX && a.name[0] != '@';
	ls->io.fn = conn_accept;
	up_addr_host_port((const struct sockaddr *)&a.ss, a.len, ls->host, sizeof ls->host,
			  &ls->port);
	if (loop_add_level(&px->loop, &ls->io) < 0) {
		up_err_sys(err, UP_ESYS, "epoll_ctl %s", a.name);
		listener_close(px, ls);
		return -1;
	}
	ls->next = px->listeners;
	px->listeners = ls;
	warn("%s socket on %s", f == FRONT_HTTP ? "http" : "uwsgi", a.name);
	return 0;
}

static int open_list(struct proxy *px, enum front f, const struct up_opt_list *l,
                     int strict, up_err_t *err)
{
	int failed = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (open_one(px, f, l->v[i], err) == 0)
			continue;
		if (strict)
			return -1;
		warn("reload: %s", err->msg);
		failed++;
	}
	return failed;
}

int listeners_apply(struct proxy *px, const struct conf *c, int strict, up_err_t *err)
{
	for (struct listener *l = px->listeners; l; l = l->next)
		l->keep = 0;
	int a = open_list(px, FRONT_UWSGI, &c->uwsgi_sockets, strict, err);
	if (a < 0)
		return -1;
	int b = open_list(px, FRONT_HTTP, &c->http_sockets, strict, err);
	if (b < 0)
		return -1;
	for (struct listener **pp = &px->listeners; *pp;) {
		struct listener *l = *pp;
		if (l->keep) {
			pp = &l->next;
			continue;
		}
		warn("%s socket on %s closed", l->front == FRONT_HTTP ? "http" : "uwsgi",
		     l->addr.name);
		*pp = l->next;
		listener_close(px, l);
	}
	return a + b;
}

void listeners_close_all(struct proxy *px)
{
	while (px->listeners) {
		struct listener *l = px->listeners;
		px->listeners = l->next;
		listener_close(px, l);
	}
}
