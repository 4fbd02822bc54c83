/* Subscriptions over UDP. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "die.h"
#include "subs.h"
#include "sock.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"
#include "uwsgiproto/vars.h"

struct subs {
	struct io io;
	struct proxy *px;
	up_addr_t addr;
	struct timer sweep;
};

/* What one packet says. */
struct sub_msg {
	const uint8_t *key, *address;
	size_t klen, alen;
	struct node_params prm;
};

static int small_int(const up_var_t *v)
{
	int x = 0;
	for (size_t i = 0; i < v->vlen && i < 9; i++) {
		if (v->val[i] < '0' || v->val[i] > '9')
			return 0;
		x = x * 10 + (v->val[i] - '0');
	}
	return x;
}

static int parse_msg(const uint8_t *block, size_t len, struct sub_msg *m)
{
	up_vars_iter_t it;
	up_var_t v;
	int rc;
	memset(m, 0, sizeof *m);
	up_vars_iter_init(&it, block, len);
	while ((rc = up_vars_next(&it, &v)) == 1) {
		if (up_var_is(&v, "key")) {
			m->key = v.val;
			m->klen = v.vlen;
		} else if (up_var_is(&v, "address")) {
			m->address = v.val;
			m->alen = v.vlen;
		} else if (up_var_is(&v, "modifier1")) {
			m->prm.modifier1 = small_int(&v);
		} else if (up_var_is(&v, "modifier2")) {
			m->prm.modifier2 = small_int(&v);
		} else if (up_var_is(&v, "cores")) {
			m->prm.cores = small_int(&v);
		} else if (up_var_is(&v, "load")) {
			m->prm.load = small_int(&v);
		} else if (up_var_is(&v, "weight")) {
			m->prm.weight = small_int(&v);
		}
	}
	return rc;
}

/* Only numeric addresses and socket paths: resolving a name would stall
 * the event loop (and a datagram should not make us query DNS). */
static int numeric_addr(const char *a)
{
	if (a[0] == '/' || a[0] == '@' || a[0] == '.' || a[0] == '[')
		return 1;
	for (const char *p = a; *p; p++)
		if (!strchr("0123456789.:", *p))
			return 0;
	return 1;
}

static void subs_packet(struct proxy *px, const uint8_t *p, size_t n, const char *from)
{
	up_header_t h;
	struct sub_msg m;
	char addr[UP_ADDR_TEXT_MAX];
	up_addr_t a;
	up_err_t err;
	if (up_header_decode(p, n, &h) != UP_HEADER_SIZE || h.modifier1 != UP_MOD_SUBSCRIBE ||
	    h.datasize != n - UP_HEADER_SIZE) {
		warn("subscription from %s: not a subscription packet (ignored)", from);
		return;
	}
	int rc = parse_msg(p + UP_HEADER_SIZE, h.datasize, &m);
	if (rc < 0 || !m.key || !m.klen || !m.address || !m.alen ||
	    m.alen >= sizeof addr) {
		warn("subscription from %s: %s (ignored)", from,
		     rc < 0 ? up_strerror(rc) : "no key or no address");
		return;
	}
	memcpy(addr, m.address, m.alen);
	addr[m.alen] = 0;
	if (!numeric_addr(addr) || up_addr_parse(addr, &a, &err) < 0) {
		warn("subscription from %s: bad node address '%s' (ignored)", from, addr);
		return;
	}
	if (h.modifier2 == 1) {
		if (registry_unsubscribe(&px->reg, m.key, m.klen, &a))
			warn("[subscription] %.*s => removed node %s", (int)m.klen,
			     (const char *)m.key, a.name);
		return;
	}
	int added;
	struct node *nd = registry_subscribe(&px->reg, m.key, m.klen, &a, &m.prm,
					     px->loop.now, &added);
	if (!nd)
		warn("subscription from %s: out of memory", from);
	else if (added)
		warn("[subscription] %.*s => new node %s", (int)m.klen,
		     (const char *)m.key, a.name);
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
	warn("[subscription] %s => node %s expired", n->pool->key, n->addr.name);
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
