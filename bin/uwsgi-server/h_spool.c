/* modifier1 17: a spooler job from another node. The packet's vars become
 * the job, written to --spooler's directory exactly as uwsgi.spool() writes
 * them; the answer is the generic response (255) with modifier2 1 once the
 * job is safely on disk, 0 when it could not be written (no spooler, a bad
 * priority...), as uWSGI answers. Like uWSGI, any peer of the socket may
 * enqueue. */
#include <stdio.h>

#include "handlers.h"
#include "proto.h"
#include "spool.h"
#include "spooler.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"

static int spool(struct request *r, const up_packet_t *pkt)
{
	char path[4200], err[300] = "no spooler here (--spooler DIR)";
	const char *dir = spooler_dir();
	int ok = dir && spool_write(dir, pkt->payload, pkt->payload_len, NULL, 0, -1, NULL,
				    path, sizeof path, err, sizeof err) == 0;
	uint8_t answer[4] = { UP_MOD_RESPONSE, 0, 0, (uint8_t)ok };
	if (!ok)
		snprintf(r->err, sizeof r->err, "spooler job (modifier1 17) refused: %.120s", err);
	up_write_all(r->c->fd, answer, sizeof answer, r->c->timeout_ms, r->c->peer, NULL);
	return ok ? PROTO_HANDLED : PROTO_ERROR;
}

const struct mod_handler handler_spool = { UP_MOD_SPOOL, HANDLER_PACKET, "spool", spool };
