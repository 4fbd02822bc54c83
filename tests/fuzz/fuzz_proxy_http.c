/* libFuzzer target for uwsgi-proxy's HTTP front (front_http.c): a client's
 * request head turned into a uwsgi packet, and a node's answer (interim
 * heads, the head rewritten for keep-alive, the body framed by length,
 * chunks or the close, chunked by us when only the close ends it).
 *
 * Input: a control byte, a u16 LE length, that many request bytes, then
 * the node's answer. The control byte's low 4 bits pick --buffer-size
 * (512 to 8192), bit 4 a --hash-key var. Buffers are exact-size heap
 * allocations, so any write or read past them is an ASan error. A request
 * either fails with a status or leaves a well-formed packet; an answer
 * either fails (502) or leaves a head that parses again as HTTP, with
 * the body bytes kept inside the buffer.
 *
 * The connection machinery (conn.c, flow.c) is replaced by the stubs
 * below; the parsing and rewriting are the real ones.
 */
#include "../../bin/uwsgi-proxy/front_http.c"

#include <stdint.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static int failed_status;

void conn_fail(struct conn *c, int status, const char *why)
{
	(void)c;
	ASSERT(status >= 400 && status <= 599 && why && *why && !strchr(why, '\n'));
	failed_status = status;
}

void conn_dispatch(struct conn *c)
{
	ASSERT(c->st == CS_RELAY);
}

struct pool *conn_route(struct proxy *px, const uint8_t *key, size_t klen)
{
	(void)px;
	ASSERT(!key || klen < 65536);
	return NULL;
}

void conn_set_hkey(struct conn *c, const uint8_t *v, size_t n)
{
	c->hklen = n < sizeof c->hkey ? n : sizeof c->hkey;
	memcpy(c->hkey, v, c->hklen);
}

/* flow.c's size line; only its width matters here. */
void chunk_head(uint8_t *dst, size_t n)
{
	(void)n;
	memcpy(dst, "xxxxxxxx\r\n", CHUNK_HEAD);
}

static void fill(struct half *h, size_t cap, const uint8_t *p, size_t n)
{
	h->buf = malloc(cap);
	ASSERT(h->buf);
	h->cap = cap;
	h->start = 0;
	h->end = n < cap ? n : cap;
	if (h->end)
		memcpy(h->buf, p, h->end);
}

static void request(struct conn *c)
{
	failed_status = 0;
	front_http_head(c);
	if (failed_status || c->st != CS_RELAY)
		return;
	up_header_t h;
	ASSERT(c->hdr.start == 0 && c->hdr.end >= 4 && c->hdr.end <= c->hdr.cap);
	ASSERT(up_header_decode(c->hdr.buf, c->hdr.end, &h) == UP_HEADER_SIZE);
	ASSERT(h.datasize == c->hdr.end - 4);
	ASSERT(up_vars_check(c->hdr.buf + 4, h.datasize, NULL) >= 0);
	ASSERT(c->in.start <= c->in.end && c->body_left >= 0);
}

static void answer(struct conn *c)
{
	failed_status = 0;
	int rc = front_http_response(c);
	ASSERT(rc == -1 || rc == 0 || rc == 1);
	ASSERT((rc == -1) == (failed_status == 502));
	if (rc != 1)
		return;
	/* Ours adds up to two fields to the node's MAX_HEADERS. */
	up_http_header_t hdrs[MAX_HEADERS + 2];
	up_http_limits_t lim = { .max_headers = MAX_HEADERS + 2 };
	up_http_response_t r;
	ASSERT(c->hdr_resp && c->hdr.start == 0 && c->hdr.end <= c->hdr.cap);
	ssize_t n = up_http_parse_response(c->hdr.buf, c->hdr.end, &lim, &r, hdrs,
					   MAX_HEADERS + 2);
	ASSERT(n == (ssize_t)c->hdr.end);
	ASSERT(c->out.start <= c->out.end && c->out.end <= c->out.cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	static struct proxy px;
	struct conn c;
	int control = data[0];
	size_t rl = up_get_le16(data + 1);
	data += 3;
	size -= 3;
	if (rl > size)
		rl = size;
	memset(&px, 0, sizeof px);
	px.conf.buffer_size = 512 << (control & 15) % 5;
	px.conf.hash_key = control & 16 ? "HTTP_X_USER" : NULL;
	px.bufsz = (size_t)px.conf.buffer_size + 4 + 256;
	memset(&c, 0, sizeof c);
	c.px = &px;
	c.front = FRONT_HTTP;
	snprintf(c.peer, sizeof c.peer, "127.0.0.1");
	snprintf(c.local, sizeof c.local, "0.0.0.0");
	c.peer_port = 40000;
	c.local_port = 8080;
	fill(&c.in, px.bufsz, data, rl);
	fill(&c.hdr, px.bufsz, NULL, 0);
	fill(&c.out, px.bufsz, data + rl, size - rl);
	request(&c);
	if (failed_status) {
		c.keepalive = (control >> 5) & 1;
		c.minor = (control >> 6) & 1;
		c.head_req = control >> 7;
	}
	c.hdr.start = c.hdr.end = 0;
	answer(&c);
	free(c.in.buf);
	free(c.hdr.buf);
	free(c.out.buf);
	return 0;
}
