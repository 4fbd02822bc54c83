/* What one subscription datagram says (uWSGI's format: one modifier1 224
 * packet; modifier2 0 subscribes or refreshes, 1 unsubscribes; vars key,
 * address, modifier1, modifier2, cores, load, weight), decoded apart from
 * the socket and the registry so that tests/fuzz/fuzz_subs.c reaches it. */
#ifndef UWSGI_PROXY_SUBS_MSG_H
#define UWSGI_PROXY_SUBS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "node.h"

struct sub_msg {
	const uint8_t *key;       /* points into the datagram */
	size_t klen;
	up_addr_t addr;           /* the node, parsed (numeric only) */
	struct node_params prm;
	int unsubscribe;
};

/* Decode the n bytes of datagram p. Returns 0, or -1 with why[0..cap)
 * saying in one line what is wrong (peer bytes shown with control bytes
 * as '?'). */
int sub_msg_decode(const uint8_t *p, size_t n, struct sub_msg *m, char *why, size_t cap);

#endif
