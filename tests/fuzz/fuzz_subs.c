/* libFuzzer target for uwsgi-proxy's subscription datagrams: the decoding
 * (subs_msg.c) and what they do to the registry of pools and nodes
 * (node.c), as subs.c applies them.
 *
 * Input: datagrams as [u16 LE length][bytes]; each is decoded, and a good
 * one subscribes or unsubscribes its node, the clock moving 1 s on per
 * datagram. A refusal must say why on one line without control bytes; a
 * node must carry a numeric address and sit in the pool of its key.
 * Finally all nodes expire and the registry must be empty, then freed
 * (LeakSanitizer checks).
 */
#include "../../bin/uwsgi-proxy/node.c"
#include "../../bin/uwsgi-proxy/subs_msg.c"

#include <stdint.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static size_t expired;

static void count_expired(const struct node *n)
{
	ASSERT(n->pool && n->pool->key);
	expired++;
}

static void no_control(const char *s)
{
	for (; *s; s++)
		ASSERT((unsigned char)*s >= 0x20 && *s != 0x7f);
}

static void apply(struct registry *r, const uint8_t *p, size_t n, uint64_t now, size_t *live)
{
	struct sub_msg m;
	char why[UP_ADDR_TEXT_MAX + 64] = "";
	if (sub_msg_decode(p, n, &m, why, sizeof why) < 0) {
		ASSERT(why[0]);
		no_control(why);
		return;
	}
	ASSERT(m.key >= p && m.klen >= 1 && m.klen <= (size_t)(p + n - m.key));
	no_control(m.addr.name);
	if (m.unsubscribe) {
		*live -= (size_t)registry_unsubscribe(r, m.key, m.klen, &m.addr);
		ASSERT(registry_unsubscribe(r, m.key, m.klen, &m.addr) == 0);
		return;
	}
	int added;
	struct node *nd = registry_subscribe(r, m.key, m.klen, &m.addr, &m.prm, now, &added);
	ASSERT(nd && nd->seen_ms == now);
	*live += (size_t)added;
	struct pool *pl = registry_find(r, m.key, m.klen);
	ASSERT(pl && nd->pool == pl && pl->klen == m.klen && !memcmp(pl->key, m.key, m.klen));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry r;
	size_t off = 0, live = 0;
	uint64_t now = 1000;
	ASSERT(registry_init(&r) == 0);
	while (size - off >= 2) {
		size_t len = up_get_le16(data + off);
		off += 2;
		if (len > size - off)
			len = size - off;
		/* An exact-size copy: a read past the datagram is an ASan error. */
		uint8_t *dg = malloc(len ? len : 1);
		ASSERT(dg);
		memcpy(dg, data + off, len);
		apply(&r, dg, len, now, &live);
		free(dg);
		off += len;
		now += 1000;
	}
	expired = 0;
	registry_expire(&r, now + 1, count_expired);
	ASSERT(expired == live && r.npools == 0);
	registry_free(&r);
	return 0;
}
