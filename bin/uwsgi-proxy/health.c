/* Pings to every node, on the event loop like everything else. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "die.h"
#include "health.h"
#include "sock.h"
#include "uwsgiproto/modifiers.h"

struct checker {
	struct proxy *px;
	struct timer tm;
};

/* One ping in flight; holds a reference to its node. */
struct check {
	struct io io;
	struct timer tm;
	struct node *n;
	int sent;
	uint8_t got[4];
	size_t ngot;
};

void health_revive(struct node *n, const char *why)
{
	if (!n->dead)
		return;
	n->dead = 0;
	if (n->pool)
		warn("node %s is alive again (%s)", n->addr.name, why);
}

static void check_done(struct loop *l, struct check *k, const char *fail)
{
	struct node *n = k->n;
	loop_close_io(l, &k->io);
	timer_stop(l, &k->tm);
	n->check = NULL;
	n->last_check = time(NULL);
	if (!fail) {
		health_revive(n, "ping answered");
	} else {
		n->failures++;
		if (!n->dead && n->pool)
			warn("node %s is dead: ping: %s", n->addr.name, fail);
		n->dead = 1;
	}
	node_unref(n);
	free(k);
}

static void abort_one(struct node *n, void *ctx)
{
	struct proxy *px = ctx;
	struct check *k = n->check;
	if (!k)
		return;
	loop_close_io(&px->loop, &k->io);
	timer_stop(&px->loop, &k->tm);
	n->check = NULL;
	node_unref(n);
	free(k);
}

void health_abort(struct proxy *px)
{
	registry_each(&px->reg, abort_one, px);
}

static void check_timeout(struct loop *l, struct timer *t)
{
	check_done(l, container_of(t, struct check, tm), "no answer in time");
}

static void check_read(struct loop *l, struct check *k)
{
	for (;;) {
		ssize_t r = read(k->io.fd, k->got + k->ngot, sizeof k->got - k->ngot);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0) {
			check_done(l, k, r < 0 ? strerror(errno) : "closed without a pong");
			return;
		}
		k->ngot += (size_t)r;
		if (k->ngot < sizeof k->got)
			continue;
		int pong = k->got[0] == UP_MOD_PING && k->got[1] == 0 && k->got[2] == 0 &&
			   k->got[3] == 1;
		check_done(l, k, pong ? NULL : "answered something else than a pong");
		return;
	}
}

static void check_event(struct loop *l, struct io *io, uint32_t ev)
{
	struct check *k = container_of(io, struct check, io);
	if (!k->sent) {
		int err = sock_error(io->fd);
		if (err) {
			check_done(l, k, strerror(err));
			return;
		}
		if (!(ev & EV_WRITE))
			return;
		static const uint8_t ping[4] = { UP_MOD_PING, 0, 0, 0 };
		if (send(io->fd, ping, sizeof ping, MSG_NOSIGNAL) != sizeof ping) {
			check_done(l, k, strerror(errno));
			return;
		}
		k->sent = 1;
	}
	if (ev & (EV_READ | EV_HUP | EV_ERR))
		check_read(l, k);
}

static void check_start(struct node *n, void *ctx)
{
	struct proxy *px = ctx;
	if (n->check)
		return;  /* the last one is still going */
	struct check *k = calloc(1, sizeof *k);
	if (!k)
		return;
	k->n = n;
	node_ref(n);
	n->check = k;
	k->io.fn = check_event;
	k->tm.fn = check_timeout;
	int pending;
	k->io.fd = sock_connect(&n->addr, &pending);
	if (k->io.fd < 0) {
		check_done(&px->loop, k, strerror(errno));
		return;
	}
	if (loop_add(&px->loop, &k->io) < 0) {
		check_done(&px->loop, k, strerror(errno));
		return;
	}
	timer_arm(&px->loop, &k->tm, px->loop.now + (uint64_t)px->conf.check_timeout);
}

static void round_fire(struct loop *l, struct timer *t)
{
	struct checker *ck = container_of(t, struct checker, tm);
	struct proxy *px = ck->px;
	registry_each(&px->reg, check_start, px);
	timer_arm(l, t, l->now + (uint64_t)px->conf.check_interval);
}

int health_start(struct proxy *px)
{
	if (!px->conf.check_interval) {
		health_stop(px);
		return 0;
	}
	if (!px->checker) {
		px->checker = calloc(1, sizeof *px->checker);
		if (!px->checker)
			return -1;
		px->checker->px = px;
		px->checker->tm.fn = round_fire;
		/* The first round right away: a node down at start is known
		 * before the first requests pick it. */
		timer_arm(&px->loop, &px->checker->tm, px->loop.now);
		return 0;
	}
	timer_arm(&px->loop, &px->checker->tm, px->loop.now + (uint64_t)px->conf.check_interval);
	return 0;
}

void health_stop(struct proxy *px)
{
	if (!px->checker)
		return;
	timer_stop(&px->loop, &px->checker->tm);
	free(px->checker);
	px->checker = NULL;
}
