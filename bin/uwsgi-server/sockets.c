#include "sockets.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"

#define SD_FIRST_FD 3

static struct listener *add(struct listeners *ls)
{
	struct listener *v = realloc(ls->v, (ls->n + 1) * sizeof *v);
	if (!v)
		die(1, "out of memory");
	ls->v = v;
	memset(&v[ls->n], 0, sizeof v[ls->n]);
	return &v[ls->n++];
}

static const char *proto_name(enum socket_proto p)
{
	return p == PROTO_HTTP ? "http" : "uwsgi";
}

/* The name systemd gave fd number i (LISTEN_FDNAMES), or "". */
static void fd_name(const char *names, int i, char *out, size_t cap)
{
	out[0] = 0;
	for (const char *p = names; p && *p; i--) {
		const char *colon = strchr(p, ':');
		size_t l = colon ? (size_t)(colon - p) : strlen(p);
		if (i == 0) {
			snprintf(out, cap, "%.*s", (int)l, p);
			return;
		}
		if (!colon)
			return;
		p = colon + 1;
	}
}

/* Sockets handed over by systemd socket activation. */
static void take_systemd(const struct config *c, struct listeners *ls, char *taken)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	if (!pid || !fds || atol(pid) != (long)getpid())
		return;
	int n = atoi(fds);
	const char *names = getenv("LISTEN_FDNAMES");
	for (int i = 0; i < n; i++) {
		struct listener *l = add(ls);
		l->fd = SD_FIRST_FD + i;
		l->inherited = 1;
		if (up_addr_local(l->fd, &l->addr, NULL) < 0)
			die(1, "LISTEN_FDS: fd %d is not a socket", l->fd);
		char name[64];
		fd_name(names, i, name, sizeof name);
		l->proto = strncmp(name, "http", 4) == 0 ? PROTO_HTTP : PROTO_UWSGI;
		/* A configured socket with the same address keeps its protocol. */
		for (size_t k = 0; k < c->nsockets; k++) {
			up_addr_t a;
			if (!taken[k] && up_addr_parse(c->sockets[k].addr, &a, NULL) == 0 &&
			    strcmp(up_addr_str(&a), up_addr_str(&l->addr)) == 0) {
				l->proto = c->sockets[k].proto;
				taken[k] = 1;
			}
		}
		warn("%s socket %zu inherited from systemd: %s fd %d",
		     proto_name(l->proto), ls->n - 1, up_addr_str(&l->addr), l->fd);
	}
	/* Children must not take them again. */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
}

/* Sockets kept open across a reload's re-execution (UWSGI_SERVER_FDS):
 * each configured address takes its old socket back, so connections
 * queued meanwhile are served; sockets the new config dropped close. */
static void take_reexec(const struct config *c, struct listeners *ls, char *taken)
{
	const char *fds = getenv("UWSGI_SERVER_FDS");
	if (!fds)
		return;
	char *copy = strdup(fds), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int fd = atoi(t);
		up_addr_t got;
		if (fd < 3 || up_addr_local(fd, &got, NULL) < 0)
			continue;
		size_t k;
		for (k = 0; k < c->nsockets; k++) {
			up_addr_t a;
			if (!taken[k] && up_addr_parse(c->sockets[k].addr, &a, NULL) == 0 &&
			    strcmp(up_addr_str(&a), up_addr_str(&got)) == 0)
				break;
		}
		if (k == c->nsockets) {
			close(fd);
			continue;
		}
		taken[k] = 1;
		struct listener *l = add(ls);
		l->fd = fd;
		l->proto = c->sockets[k].proto;
		l->addr = got;
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		warn("%s socket %zu kept across the reload: %s fd %d", proto_name(l->proto),
		     ls->n - 1, up_addr_str(&l->addr), fd);
	}
	free(copy);
	unsetenv("UWSGI_SERVER_FDS");
}

void sockets_open(const struct config *c, struct listeners *ls)
{
	char *taken = calloc(c->nsockets + 1, 1);
	if (!taken)
		die(1, "out of memory");
	ls->v = NULL;
	ls->n = 0;
	take_reexec(c, ls, taken);
	take_systemd(c, ls, taken);
	for (size_t i = 0; i < c->nsockets; i++) {
		if (taken[i])
			continue;
		up_err_t err;
		struct listener *l = add(ls);
		l->proto = c->sockets[i].proto;
		if (up_addr_parse(c->sockets[i].addr, &l->addr, &err) < 0)
			die(1, "%s", err.msg);
		up_listen_opts_t o = {
			.backlog = c->listen,
			.unlink_existing = 1,
			.mode = c->chmod_socket,
			.nonblock = 1,
		};
		l->fd = up_listen(&l->addr, &o, &err);
		if (l->fd < 0)
			die(1, "%s", err.msg);
		if (up_addr_port(&l->addr) == 0 && l->addr.family != AF_UNIX)
			up_addr_local(l->fd, &l->addr, NULL);
		if (l->addr.family != AF_UNIX) {
			/* Accepted connections inherit it: responses that go out in
			 * pieces (chunked) are not held back by Nagle. */
			int one = 1;
			setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
			/* As uWSGI: a connection reaches accept() with its
			 * request's first bytes (or after --socket-timeout), so
			 * a worker never waits on a silent client, and the one
			 * read usually finds the whole head. */
			int secs = c->socket_timeout;
			if (!c->no_defer_accept)
				setsockopt(l->fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &secs, sizeof secs);
		}
		warn("%s socket %zu bound to %s fd %d", proto_name(l->proto), ls->n - 1,
		     up_addr_str(&l->addr), l->fd);
	}
	free(taken);
	if (ls->n == 0)
		die(1, "no socket to serve on: give --socket, --http-socket or "
		    "systemd socket activation");
	for (size_t i = 0; i < ls->n; i++)
		up_set_nonblock(ls->v[i].fd, 1);
}

void sockets_vacuum(const struct config *c, const struct listeners *ls)
{
	if (!c->vacuum)
		return;
	for (size_t i = 0; i < ls->n; i++) {
		const struct listener *l = &ls->v[i];
		if (l->inherited || l->addr.family != AF_UNIX || l->addr.name[0] == '@')
			continue;
		if (unlink(l->addr.name) == 0)
			warn("removed UNIX socket %s", l->addr.name);
	}
}
