/* modifier1 173: call a registered RPC function for another node. The
 * payload is an uwsgi array [name, args...]; the answer is `ad SS SS 00`
 * and the result (modifier2 0), the raw result alone (modifier2 1), or past
 * 65535 bytes a modifier2 5 header with a CONTENT_LENGTH dict before the
 * result, as uWSGI's rpc plugin answers. An unknown function, a failing
 * one or a malformed call is logged and the connection closed without an
 * answer, as uWSGI does. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "handlers.h"
#include "proto.h"
#include "rpc.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"

static int send_result(struct request *r, uint8_t m2, const uint8_t *res, size_t len)
{
	uint8_t head[4 + 32];
	size_t hl = 0;
	if (m2 != 1 && len <= UP_MAX_DATASIZE) {
		up_header_write(head, sizeof head, UP_MOD_RPC, len, 0);
		hl = 4;
	} else if (m2 != 1) {
		char num[24];
		int nl = snprintf(num, sizeof num, "%zu", len);
		up_vars_builder_t b;
		up_vars_builder_init(&b, head, sizeof head);
		up_vars_add(&b, "CONTENT_LENGTH", 14, num, (size_t)nl);
		int rc = up_vars_finish(&b, UP_MOD_RPC, 5);
		hl = rc > 0 ? (size_t)rc : 0;
	}
	struct iovec iov[2] = { { head, hl }, { (void *)res, len } };
	up_err_t e;
	if (up_writev_all(r->c->fd, iov, 2, r->c->timeout_ms, r->c->peer, &e) < 0) {
		snprintf(r->err, sizeof r->err, "RPC answer: %.120s", e.msg);
		r->write_error = 1;
		return PROTO_ERROR;
	}
	return PROTO_HANDLED;
}

static int rpc(struct request *r, const up_packet_t *pkt)
{
	up_var_t items[RPC_MAX_ARGS + 1];
	size_t n;
	char why[96];
	if (rpc_split_call(pkt->payload, pkt->payload_len, items, &n, why, sizeof why) < 0) {
		snprintf(r->err, sizeof r->err, "invalid RPC request (modifier1 173): %.96s", why);
		return PROTO_ERROR;
	}
	uint8_t *out;
	size_t len;
	if (rpc_call_local(items, n, &out, &len, r->err, sizeof r->err) < 0)
		return PROTO_ERROR;
	int rc = send_result(r, pkt->hdr.modifier2, out, len);
	free(out);
	return rc;
}

const struct mod_handler handler_rpc = { UP_MOD_RPC, HANDLER_PACKET, "rpc", rpc };
