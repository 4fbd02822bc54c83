/* modifier1 111: the cache read from the web server, as uWSGI's WebCaching
 * documents it for nginx (uwsgi_modifier1 111; uwsgi_modifier2 3;
 * uwsgi_param key $request_uri): modifier2 3 carries a vars block whose
 * "key" names the item, and the answer is the stored value itself, raw (a
 * whole HTTP response, typically). A miss closes the connection with no
 * answer, which nginx turns into the 502 an error_page can send on to the
 * real app. The other modifier2 values (0 read, 1 write, 2 delete) have no
 * documented format and are refused. */
#include <stdio.h>
#include <stdlib.h>

#include "cache.h"
#include "handlers.h"
#include "proto.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/net.h"
#include "uwsgiproto/vars.h"

#define CACHE_BY_VARS 3

static int serve(struct request *r, const up_packet_t *pkt)
{
	up_var_t key;
	void *val;
	uint64_t vlen;
	if (pkt->hdr.modifier2 != CACHE_BY_VARS) {
		snprintf(r->err, sizeof r->err, "cache request with modifier2 %u: only 3 (a key "
			 "var, the value back raw) is served", pkt->hdr.modifier2);
		return PROTO_ERROR;
	}
	if (up_vars_find(pkt->payload, pkt->payload_len, "key", 3, &key) != 1) {
		snprintf(r->err, sizeof r->err, "cache request without a 'key' var");
		return PROTO_ERROR;
	}
	if (cache_get(cache_default(), key.val, key.vlen, &val, &vlen) != CACHE_OK)
		return PROTO_HANDLED;  /* a miss: nothing, the front end falls back */
	up_write_all(r->c->fd, val, (size_t)vlen, r->c->timeout_ms, r->c->peer, NULL);
	free(val);
	return PROTO_HANDLED;
}

static const struct mod_handler handler_cache = { UP_MOD_CACHE, HANDLER_PACKET, "cache",
						  serve };

void cache_serve_protocol(void)
{
	handlers_register(&handler_cache);
}
