/* modifier1 31 (a vars dict), 32 (an array of strings) and 33 (a marshalled
 * object): messages for the handler the app registered for that modifier1
 * (msg.h). The answer goes back in the same framing under the same
 * modifier1 and modifier2, then the connection closes. Without a handler
 * the packet is refused like an unknown modifier; a malformed payload, a
 * failing handler or an answer the framing cannot carry is logged and the
 * connection closed without an answer. */
#include "msg.h"

#include <stdio.h>
#include <stdlib.h>

#include "handlers.h"
#include "proto.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"

static int message(struct request *r, const up_packet_t *pkt)
{
	uint8_t m1 = pkt->hdr.modifier1, *out = NULL;
	size_t len = 0;
	int rc = msg_serve(m1, pkt->hdr.modifier2, pkt->payload, pkt->payload_len, &out, &len,
			   r->err, sizeof r->err);
	if (rc == MSG_NO_HANDLER)
		snprintf(r->err, sizeof r->err, "unavailable modifier requested: %u (%s): the "
			 "app registered no message handler for it", m1, up_modifier_name(m1));
	if (rc < 0)
		return PROTO_ERROR;
	up_err_t e;
	if (up_write_all(r->c->fd, out, len, r->c->timeout_ms, r->c->peer, &e) < 0) {
		snprintf(r->err, sizeof r->err, "message answer: %.120s", e.msg);
		r->write_error = 1;
		rc = -1;
	}
	free(out);
	return rc < 0 ? PROTO_ERROR : PROTO_HANDLED;
}

const struct mod_handler handler_msg_vars = { UP_MOD_MSG_VARS, HANDLER_PACKET, "message",
					      message };
const struct mod_handler handler_msg_chars = { UP_MOD_MSG_CHARS, HANDLER_PACKET,
					       "message-chars", message };
const struct mod_handler handler_msg_marshal = { UP_MOD_MSG_MARSHAL, HANDLER_PACKET,
						 "message-marshal", message };
