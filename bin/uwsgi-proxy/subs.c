/* Subscriptions over UDP. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "die.h"
#include "subs.h"
#include "subs_msg.h"
#include "sock.h"
#include "uwsgiproto/error.h"

struct subs {
	struct io io;
	struct proxy *px;
	up_addr_t addr;
	struct timer sweep;
};

static void subs_packet(struct proxy *px, const uint8_t *p, size_t n, const char *from)
{
	struct sub_msg m;
	char why[UP_ADDR_TEXT_MAX + 64], key[128];
	if (sub_msg_decode(p, n, &m, why, sizeof why) < 0) {
		warn("subscription from %s: %s (ignored)", from, why);
		return;
	}
	up_safe_text(key, sizeof key, m.key, m.klen);
	if (m.unsubscribe) {
		if (registry_unsubscribe(&px->reg, m.key, m.klen, &m.addr))
			warn("[subscription] %s => removed node %s", key, m.addr.name);
		return;
	}
	int added;
	struct node *nd = registry_subscribe(&px->reg, m.key, m.klen, &m.addr, &m.prm,
					     px->loop.now, &added);
	if (!nd)
		warn("subscription from %s: out of memory", from);
	else if (added)
		warn("[subscription] %s => new node %s", key, m.addr.name);
}

static void on_datagram(struct loop *l, struct io *io, uint32_t ev)
{
	struct subs *s = container_of(io, struct subs, io);
	static uint8_t buf[65536 + 4];
	(void)l;
	(void)ev;
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		char from[UP_ADDR_TEXT_MAX];
		ssize_t n = recvfrom(io->fd, buf, sizeof buf, 0, (struct sockaddr *)&ss, &sl);
		if (n < 0)
			return;
		if (up_addr_format((struct sockaddr *)&ss, sl, from, sizeof from) < 0)
			strcpy(from, "?");
		subs_packet(s->px, buf, (size_t)n, from);
	}
}

static void report_expired(const struct node *n)
{
	char key[128];
	warn("[subscription] %s => node %s expired",
	     up_safe_text(key, sizeof key, n->pool->key, n->pool->klen), n->addr.name);
}

static void sweep(struct loop *l, struct timer *t)
{
	struct subs *s = container_of(t, struct subs, sweep);
	uint64_t tmo = (uint64_t)s->px->conf.subscription_timeout;
	if (l->now > tmo)
		registry_expire(&s->px->reg, l->now - tmo, report_expired);
	timer_arm(l, t, l->now + (tmo / 4 > 1000 ? 1000 : tmo / 4 + 1));
}

int subs_open(struct proxy *px, const char *text, up_err_t *err)
{
	struct subs *s = calloc(1, sizeof *s);
	if (!s)
		return up_err_set(err, UP_ENOSPACE, "out of memory");
	if (up_addr_parse(text, &s->addr, err) < 0 ||
	    (s->io.fd = sock_udp(&s->addr, err)) < 0) {
		free(s);
		return -1;
	}
	s->px = px;
	s->io.fn = on_datagram;
	s->sweep.fn = sweep;
	if (loop_add_level(&px->loop, &s->io) < 0) {
		up_err_sys(err, UP_ESYS, "epoll_ctl");
		loop_close_io(&px->loop, &s->io);
		free(s);
		return -1;
	}
	timer_arm(&px->loop, &s->sweep, px->loop.now + 1000);
	px->subs = s;
	return 0;
}

void subs_close(struct proxy *px)
{
	struct subs *s = px->subs;
	if (!s)
		return;
	loop_close_io(&px->loop, &s->io);
	timer_stop(&px->loop, &s->sweep);
	loop_free_later(&px->loop, s);
	px->subs = NULL;
}

const char *subs_addr(const struct proxy *px)
{
	return px->subs ? px->subs->addr.name : NULL;
}
