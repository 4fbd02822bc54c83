#include "mgmt.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "handlers.h"
#include "proto.h"
#include "uwsgiproto/net.h"

struct acl {
	int family;
	uint8_t addr[16];
	int bits;
};

static struct acl *acls;
static size_t nacls;

static void parse(const char *text)
{
	char host[64];
	const char *slash = strchr(text, '/');
	size_t hl = slash ? (size_t)(slash - text) : strlen(text);
	if (hl >= sizeof host)
		die(1, "--management-allow '%s': not an address", text);
	memcpy(host, text, hl);
	host[hl] = 0;
	char *h = host;
	if (h[0] == '[' && hl > 1 && h[hl - 1] == ']') {
		h[hl - 1] = 0;
		h++;
	}
	struct acl a = { 0 };
	a.family = strchr(h, ':') ? AF_INET6 : AF_INET;
	int max = a.family == AF_INET6 ? 128 : 32;
	char *end = NULL;
	a.bits = slash ? (int)strtol(slash + 1, &end, 10) : max;
	if (inet_pton(a.family, h, a.addr) != 1 || a.bits < 0 || a.bits > max ||
	    (slash && (end == slash + 1 || *end)))
		die(1, "--management-allow '%s': expected ADDR or ADDR/BITS", text);
	struct acl *v = realloc(acls, (nacls + 1) * sizeof *v);
	if (!v)
		die(1, "out of memory");
	acls = v;
	acls[nacls++] = a;
}

void mgmt_init(const struct config *c)
{
	for (size_t i = 0; i < c->management_allow.n; i++)
		parse(c->management_allow.v[i]);
}

static int matches(const struct acl *a, const uint8_t *addr)
{
	int full = a->bits / 8, rest = a->bits % 8;
	if (memcmp(a->addr, addr, (size_t)full) != 0)
		return 0;
	if (!rest)
		return 1;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a->addr[full] & mask) == (addr[full] & mask);
}

int mgmt_allowed(const struct request *r)
{
	if (r->c->unix_socket)
		return 1;
	uint8_t addr[16];
	int family = strchr(r->c->peer, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(family, r->c->peer, addr) != 1)
		return 0;
	for (size_t i = 0; i < nacls; i++)
		if (acls[i].family == family && matches(&acls[i], addr))
			return 1;
	return 0;
}

static int reload(struct request *r, const up_packet_t *pkt)
{
	const struct server *s = handlers_server();
	int brutal = pkt->hdr.modifier1 == 97;
	const char *what = brutal ? "brutal reload (modifier1 97)" : "graceful reload (modifier1 98)";
	if (!mgmt_allowed(r)) {
		snprintf(r->err, sizeof r->err, "%s refused: not on a UNIX socket and not "
			 "in --management-allow", what);
		return PROTO_ERROR;
	}
	if (!s->c->master && s->c->processes == 1) {
		snprintf(r->err, sizeof r->err, "%s refused: there is no master to reload "
			 "(--master)", what);
		return PROTO_ERROR;
	}
	uint8_t confirm[4] = { pkt->hdr.modifier1, 0, 0, 1 };
	up_write_all(r->c->fd, confirm, sizeof confirm, r->c->timeout_ms, r->c->peer, NULL);
	warn("%s asked by %s", what, r->c->peer[0] ? r->c->peer : "a UNIX socket client");
	kill(s->master_pid, brutal ? MGMT_SIG_BRUTAL : SIGHUP);
	return PROTO_HANDLED;
}

const struct mod_handler handler_reload = { 98, HANDLER_PACKET, "graceful-reload", reload };
const struct mod_handler handler_brutal_reload = { 97, HANDLER_PACKET, "brutal-reload", reload };
