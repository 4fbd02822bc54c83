/* modifier1 110: raise uwsgi signal modifier2 on this node and answer the
 * generic response (255) with modifier2 1, as uWSGI's signal plugin does;
 * modifier2 0 when the signal is registered nowhere here or was lost. Like
 * uWSGI, any peer of the socket may raise a registered signal. */
#include <stdio.h>

#include "handlers.h"
#include "proto.h"
#include "usig.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"

static int raise_signal(struct request *r, const up_packet_t *pkt)
{
	int num = pkt->hdr.modifier2;
	int ok = usig_registered(num) && usig_raise(num) == 0;
	uint8_t answer[4] = { UP_MOD_RESPONSE, 0, 0, (uint8_t)ok };
	if (!ok)
		snprintf(r->err, sizeof r->err, "uwsgi signal %d (modifier1 110) refused: %s", num,
			 usig_registered(num) ? "the master's queue is full" : "not registered");
	up_write_all(r->c->fd, answer, sizeof answer, r->c->timeout_ms, r->c->peer, NULL);
	return ok ? PROTO_HANDLED : PROTO_ERROR;
}

const struct mod_handler handler_signal = { UP_MOD_SIGNAL, HANDLER_PACKET, "signal",
					    raise_signal };
