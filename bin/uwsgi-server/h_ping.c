/* modifier1 100: answer a ping with a pong (100, datasize 0, modifier2 1);
 * modifier1 101: echo the payload back, raw, as uWSGI's echo plugin. */
#include "handlers.h"
#include "proto.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"

static int ping(struct request *r, const up_packet_t *pkt)
{
	static const uint8_t pong[4] = { UP_MOD_PING, 0, 0, 1 };
	(void)pkt;
	up_write_all(r->c->fd, pong, sizeof pong, r->c->timeout_ms, r->c->peer, NULL);
	return PROTO_HANDLED;
}

static int echo(struct request *r, const up_packet_t *pkt)
{
	up_write_all(r->c->fd, pkt->payload, pkt->payload_len, r->c->timeout_ms, r->c->peer,
		     NULL);
	return PROTO_HANDLED;
}

const struct mod_handler handler_ping = { UP_MOD_PING, HANDLER_PACKET, "ping", ping };
const struct mod_handler handler_echo = { UP_MOD_ECHO, HANDLER_PACKET, "echo", echo };
