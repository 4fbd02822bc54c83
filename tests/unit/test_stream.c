/* The incremental packet parser: any split of the input gives the same
 * result, limits are decided from the header alone, framing is checked per
 * modifier, pipelined packets, and a randomized round trip through the
 * builder. */
#include "test.h"

#include "uwsgiproto/error.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"
#include "uwsgiproto/stream.h"
#include "uwsgiproto/vars.h"

#include <stdint.h>
#include <stdlib.h>

/* Parse the first len bytes of data from an exact-size heap copy, so that
 * a read past len is an ASan error. The packet's pointers are rebased onto
 * data before the copy is freed. */
static int parse_copy(up_stream_t *s, const uint8_t *data, size_t len, up_packet_t *pkt)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, data, len);
	memset(pkt, 0, sizeof *pkt);
	int rc = up_stream_parse(s, copy, len, pkt);
	if (rc > 0) {
		pkt->payload = data + (pkt->payload - copy);
		pkt->extra = data + (pkt->extra - copy);
	}
	free(copy);
	return rc;
}

/* A request: 3 vars (one with an empty value) and a 4-byte body. */
static size_t make_request(uint8_t *buf, size_t cap, uint8_t m1)
{
	up_vars_builder_t b;
	up_vars_builder_init(&b, buf, cap);
	up_vars_add_str(&b, "REQUEST_METHOD", "POST");
	up_vars_add_str(&b, "QUERY_STRING", "");
	up_vars_add_str(&b, "CONTENT_LENGTH", "4");
	int n = up_vars_finish(&b, m1, 0);
	if (n < 0)
		return 0;
	memcpy(buf + n, "BODY", 4);
	return (size_t)n + 4;
}

static void check_request_vars(const up_packet_t *pkt)
{
	static const char *const kv[] = {
		"REQUEST_METHOD", "POST", "QUERY_STRING", "", "CONTENT_LENGTH", "4",
	};
	up_vars_iter_t it;
	up_var_t v;
	up_vars_iter_init(&it, pkt->payload, pkt->payload_len);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(up_vars_next(&it, &v), 1);
		CHECK_MEM(v.key, v.klen, kv[2 * i]);
		CHECK_MEM(v.val, v.vlen, kv[2 * i + 1]);
	}
	CHECK_EQ(up_vars_next(&it, &v), 0);
}

static void test_whole_packet(void)
{
	uint8_t buf[128];
	size_t n = make_request(buf, sizeof buf, 0);
	size_t head = n - 4;
	up_stream_t s;
	up_packet_t pkt;
	up_stream_init(&s, 0, 0);
	CHECK_EQ(s.max_block, 65535);
	CHECK_EQ(s.need, 4);
	CHECK_EQ(up_stream_parse(&s, buf, n, &pkt), (int)head);
	CHECK_EQ(pkt.hdr.modifier1, 0);
	CHECK_EQ(pkt.hdr.modifier2, 0);
	CHECK_EQ(pkt.hdr.datasize, head - 4);
	CHECK(pkt.payload == buf + 4);
	CHECK_EQ(pkt.payload_len, head - 4);
	CHECK_EQ(pkt.head_len, head);
	CHECK_EQ(pkt.nvars, 3);
	/* extra points at the body that follows the vars. */
	CHECK(pkt.extra == buf + head);
	CHECK_EQ(pkt.extra_len, 4);
	CHECK_MEM(pkt.extra, pkt.extra_len, "BODY");
	check_request_vars(&pkt);
	/* Without the body, extra is empty and points at the end. */
	up_stream_reset(&s);
	CHECK_EQ(up_stream_parse(&s, buf, head, &pkt), (int)head);
	CHECK_EQ(pkt.extra_len, 0);
	CHECK(pkt.extra == buf + head);
}

static void test_every_split(void)
{
	uint8_t buf[128];
	size_t n = make_request(buf, sizeof buf, 0);
	size_t head = n - 4;
	up_stream_t s;
	up_packet_t pkt;

	/* One stream fed growing prefixes 0..n: 0 until complete. */
	up_stream_init(&s, 0, 0);
	size_t k;
	int rc = 0;
	for (k = 0; k <= n; k++) {
		rc = parse_copy(&s, buf, k, &pkt);
		if (k < head) {
			CHECK_EQ(rc, 0);
			CHECK_EQ(s.need, k < 4 ? 4 : head);
		} else {
			break;
		}
	}
	CHECK_EQ(k, head);
	CHECK_EQ(rc, (int)head);
	CHECK_EQ(pkt.nvars, 3);
	CHECK_EQ(pkt.extra_len, 0);
	check_request_vars(&pkt);

	/* For every split point: a fresh stream sees the prefix then all. */
	for (k = 0; k <= n; k++) {
		up_stream_init(&s, 0, 0);
		rc = parse_copy(&s, buf, k, &pkt);
		if (k < head) {
			CHECK_EQ(rc, 0);
			rc = parse_copy(&s, buf, n, &pkt);
		}
		CHECK_EQ(rc, (int)head);
		CHECK_EQ(pkt.head_len, head);
		CHECK_EQ(pkt.nvars, 3);
		CHECK(pkt.payload == buf + 4);
		CHECK(pkt.extra == buf + head);
		CHECK_EQ(pkt.extra_len, (k < head ? n : k) - head);
		check_request_vars(&pkt);
	}

	/* Two splits: prefixes i <= j, then the whole packet. */
	for (size_t i = 0; i <= head; i++)
		for (size_t j = i; j <= head; j++) {
			up_stream_init(&s, 0, 0);
			int r1 = parse_copy(&s, buf, i, &pkt);
			int r2 = r1 ? r1 : parse_copy(&s, buf, j, &pkt);
			int r3 = r2 ? r2 : parse_copy(&s, buf, head, &pkt);
			CHECK_EQ(r1, i == head ? (int)head : 0);
			CHECK_EQ(r2, j == head ? (int)head : 0);
			CHECK_EQ(r3, (int)head);
			CHECK_EQ(pkt.nvars, 3);
		}
}

static void test_byte_at_a_time(void)
{
	uint8_t buf[128];
	size_t n = make_request(buf, sizeof buf, 17);
	size_t head = n - 4;
	up_stream_t s;
	up_packet_t pkt;
	up_stream_init(&s, 4096, UP_STREAM_DETECT_HTTP);
	/* A buffer that grows by one byte per "read", as a socket would. */
	uint8_t *acc = NULL;
	int rc = 0;
	size_t len;
	for (len = 1; len <= n; len++) {
		uint8_t *grown = realloc(acc, len);
		if (!grown)
			break;
		acc = grown;
		acc[len - 1] = buf[len - 1];
		rc = up_stream_parse(&s, acc, len, &pkt);
		if (rc != 0)
			break;
	}
	CHECK_EQ(len, head);
	CHECK_EQ(rc, (int)head);
	CHECK_EQ(pkt.hdr.modifier1, 17);
	CHECK_EQ(pkt.nvars, 3);
	CHECK(pkt.payload == acc + 4);
	if (rc > 0)
		check_request_vars(&pkt);
	free(acc);
}

static void test_toobig_from_header(void)
{
	up_stream_t s;
	up_packet_t pkt;
	/* datasize 101 against max_block 100: refused at the fourth byte. */
	static const uint8_t h101[] = { 0, 101, 0, 0, 'x', 'y' };
	up_stream_init(&s, 100, 0);
	for (size_t k = 0; k < 4; k++)
		CHECK_EQ(parse_copy(&s, h101, k, &pkt), 0);
	CHECK_EQ(parse_copy(&s, h101, 4, &pkt), UP_ETOOBIG);
	up_stream_init(&s, 100, 0);
	CHECK_EQ(parse_copy(&s, h101, sizeof h101, &pkt), UP_ETOOBIG);
	/* It stays refused if called again. */
	CHECK_EQ(parse_copy(&s, h101, sizeof h101, &pkt), UP_ETOOBIG);

	/* datasize 100 == max_block: accepted, waits for the payload. */
	static const uint8_t h100[] = { 0, 100, 0, 0 };
	up_stream_init(&s, 100, 0);
	CHECK_EQ(parse_copy(&s, h100, 4, &pkt), 0);
	CHECK_EQ(s.need, 104);

	/* uWSGI's default buffer size: 4096 in, 4097 out. */
	static const uint8_t h4096[] = { 0, 0x00, 0x10, 0 };
	static const uint8_t h4097[] = { 0, 0x01, 0x10, 0 };
	up_stream_init(&s, UP_DEFAULT_BUFFER_SIZE, 0);
	CHECK_EQ(parse_copy(&s, h4096, 4, &pkt), 0);
	CHECK_EQ(s.need, 4100);
	up_stream_init(&s, UP_DEFAULT_BUFFER_SIZE, 0);
	CHECK_EQ(parse_copy(&s, h4097, 4, &pkt), UP_ETOOBIG);

	/* max_block 0 (and anything above 65535) means 65535. */
	static const uint8_t hmax[] = { 0, 0xff, 0xff, 0 };
	up_stream_init(&s, 0, 0);
	CHECK_EQ(parse_copy(&s, hmax, 4, &pkt), 0);
	CHECK_EQ(s.need, 65539);
	up_stream_init(&s, 1000000, 0);
	CHECK_EQ(s.max_block, 65535);

	/* The example header of the brief: datasize 266. */
	static const uint8_t h266[] = { 0x00, 0x0a, 0x01, 0x00 };
	up_stream_init(&s, 266, 0);
	CHECK_EQ(parse_copy(&s, h266, 4, &pkt), 0);
	CHECK_EQ(s.need, 270);
	up_stream_init(&s, 265, 0);
	CHECK_EQ(parse_copy(&s, h266, 4, &pkt), UP_ETOOBIG);

	/* max_block 1: an empty packet passes, one byte does not... */
	static const uint8_t ping[] = { 100, 0, 0, 0 };
	up_stream_init(&s, 1, 0);
	CHECK_EQ(parse_copy(&s, ping, 4, &pkt), 4);
	CHECK_EQ(pkt.payload_len, 0);
	CHECK_EQ(pkt.nvars, 0);
	static const uint8_t two[] = { 101, 2, 0, 0, 'a', 'b' };
	up_stream_init(&s, 1, 0);
	CHECK_EQ(parse_copy(&s, two, sizeof two, &pkt), UP_ETOOBIG);
}

static void test_http_on_uwsgi(void)
{
	static const char req[] = "GET / HTTP/1.1\r\n";
	const uint8_t *r = (const uint8_t *)req;
	size_t n = sizeof req - 1;
	up_stream_t s;
	up_packet_t pkt;

	CHECK(up_looks_like_http(r, n));
	CHECK(!up_looks_like_http(r, 3));
	up_stream_init(&s, 0, UP_STREAM_DETECT_HTTP);
	CHECK_EQ(parse_copy(&s, r, 3, &pkt), 0);
	CHECK_EQ(parse_copy(&s, r, 4, &pkt), UP_EHTTPONUWSGI);
	up_stream_init(&s, 0, UP_STREAM_DETECT_HTTP);
	CHECK_EQ(parse_copy(&s, r, n, &pkt), UP_EHTTPONUWSGI);
	up_stream_init(&s, 4096, UP_STREAM_DETECT_HTTP | UP_STREAM_RAW);
	CHECK_EQ(parse_copy(&s, r, n, &pkt), UP_EHTTPONUWSGI);

	/* Without the flag it is read as a header: m1 71, datasize 21573. */
	up_stream_init(&s, 0, 0);
	CHECK_EQ(parse_copy(&s, r, n, &pkt), 0);
	CHECK_EQ(s.need, 4 + 21573);
	up_stream_init(&s, 4096, 0);
	CHECK_EQ(parse_copy(&s, r, n, &pkt), UP_ETOOBIG);

	static const char *const methods[] = {
		"POST /x HTTP/1.1\r\n", "PUT /x HTTP/1.1\r\n", "HEAD / HTTP/1.0\r\n",
		"DELETE /x HTTP/1.1\r\n", "OPTIONS * HTTP/1.1\r\n",
		"PATCH /x HTTP/1.1\r\n", "CONNECT a:1 HTTP/1.1\r\n",
		"TRACE / HTTP/1.1\r\n", "PRI * HTTP/2.0\r\n",
	};
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		const uint8_t *m = (const uint8_t *)methods[i];
		CHECK(up_looks_like_http(m, strlen(methods[i])));
		up_stream_init(&s, 0, UP_STREAM_DETECT_HTTP);
		CHECK_EQ(parse_copy(&s, m, strlen(methods[i]), &pkt), UP_EHTTPONUWSGI);
	}
	/* Not requests: lower case, an HTTP response, TLS, a real packet. */
	static const char *const others[] = { "get / HTTP/1.1", "HTTP/1.1 200 OK",
					      "\x16\x03\x01\x00", "GETX" };
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		CHECK(!up_looks_like_http((const uint8_t *)others[i], strlen(others[i])));

	/* A real packet still parses with the flag on. */
	uint8_t buf[128];
	size_t len = make_request(buf, sizeof buf, 0);
	up_stream_init(&s, 0, UP_STREAM_DETECT_HTTP);
	CHECK_EQ(parse_copy(&s, buf, len, &pkt), (int)(len - 4));
	CHECK_EQ(pkt.nvars, 3);
}

/* One framing row: m1, payload bytes, expected result and bad_at. */
struct frame_row {
	const char *name;
	uint8_t m1;
	const char *payload;
	size_t plen;
	int rc;        /* OK_N(n): accepted with n vars/items; else the error */
	size_t bad_at;
};

#define OK_N(n) (1000 + (n))
#define P(s) s, sizeof(s) - 1

static const struct frame_row frame_rows[] = {
	{ "wsgi, one var", 0, P("\x01\x00" "a" "\x01\x00" "b"), OK_N(1), 0 },
	{ "wsgi, empty", 0, P(""), OK_N(0), 0 },
	{ "wsgi, empty key", 0, P("\x00\x00\x01\x00" "x"), UP_EEMPTYKEY, 0 },
	{ "wsgi, stray byte", 0, P("\x01\x00" "a" "\x00\x00" "z"), UP_ETRUNC, 5 },
	{ "wsgi, value past end", 0, P("\x01\x00" "a" "\x00\x00" "\x01\x00" "b" "\x09\x00"),
	  UP_ELENGTH, 5 },
	{ "spooler, one var", 17, P("\x04\x00" "name" "\x04\x00" "job1"), OK_N(1), 0 },
	{ "spooler, key past end", 17, P("\x07\x00" "abc"), UP_ELENGTH, 0 },
	{ "spooler, value length missing", 17, P("\x01\x00" "a"), UP_ETRUNC, 0 },
	{ "subscribe, two vars", 224,
	  P("\x03\x00" "key" "\x0b\x00" "sub.example" "\x05\x00" "cores" "\x01\x00" "1"),
	  OK_N(2), 0 },
	{ "subscribe, trailing byte", 224, P("\x03\x00" "key" "\x00\x00" "!"), UP_ETRUNC, 7 },
	{ "subscribe, empty key", 224, P("\x00\x00\x00\x00"), UP_EEMPTYKEY, 0 },
	{ "rpc, hello a b", 173, P("\x05\x00" "hello" "\x01\x00" "a" "\x01\x00" "b"), OK_N(3), 0 },
	{ "rpc, empty items", 173, P("\x00\x00\x00\x00"), OK_N(2), 0 },
	{ "rpc, item past end", 173, P("\x05\x00" "hello" "\x09\x00" "ab"), UP_ELENGTH, 7 },
	{ "rpc, stray byte", 173, P("\x00\x00" "\x01"), UP_ETRUNC, 2 },
	{ "echo, garbage", 101, P("\x00\x00\xff\xff\x01"), OK_N(0), 0 },
	{ "echo, one byte", 101, P("\x07"), OK_N(0), 0 },
	{ "echo, empty", 101, P(""), OK_N(0), 0 },
	{ "eval, code", 22, P("print(1)"), OK_N(0), 0 },
	{ "unknown m1, garbage", 71, P("\x01"), OK_N(0), 0 },
	{ "response, garbage", 255, P("\xff"), OK_N(0), 0 },
	{ "ping", 100, P(""), OK_N(0), 0 },
	{ "close", 200, P(""), OK_N(0), 0 },
};

static void test_framing_per_modifier(void)
{
	for (size_t i = 0; i < sizeof frame_rows / sizeof frame_rows[0]; i++) {
		const struct frame_row *r = &frame_rows[i];
		uint8_t buf[128];
		up_header_write(buf, sizeof buf, r->m1, r->plen, 0);
		memcpy(buf + 4, r->payload, r->plen);
		memcpy(buf + 4 + r->plen, "BODY", 4);
		size_t n = 4 + r->plen + 4;
		up_stream_t s;
		up_packet_t pkt;
		up_stream_init(&s, 0, 0);
		int rc = parse_copy(&s, buf, n, &pkt);
		if (r->rc >= 1000) {
			if (rc != (int)(4 + r->plen) || pkt.nvars != r->rc - 1000) {
				test_failed_ = 1;
				printf("# row \"%s\": rc %d nvars %d, expected %zu nvars %d\n",
				       r->name, rc, pkt.nvars, 4 + r->plen, r->rc - 1000);
			}
			CHECK_EQ(pkt.payload_len, r->plen);
			CHECK_EQ(pkt.extra_len, 4);
			CHECK(pkt.extra == buf + 4 + r->plen);
			CHECK(pkt.payload == buf + 4);
		} else if (rc != r->rc || s.bad_at != r->bad_at) {
			test_failed_ = 1;
			printf("# row \"%s\": rc %d bad_at %zu, expected %d bad_at %zu\n",
			       r->name, rc, s.bad_at, r->rc, r->bad_at);
		}
		/* Every split gives the same answer. */
		for (size_t k = 0; k < n; k++) {
			up_stream_t t;
			up_packet_t q;
			up_stream_init(&t, 0, 0);
			int a = parse_copy(&t, buf, k, &q);
			if (a == 0)
				a = parse_copy(&t, buf, n, &q);
			int want = r->rc >= 1000 ? (int)(4 + r->plen) : r->rc;
			if (a != want || (a < 0 && t.bad_at != r->bad_at)) {
				test_failed_ = 1;
				printf("# row \"%s\" split at %zu: rc %d\n", r->name, k, a);
			}
			if (a > 0 && k >= 4 + r->plen)
				CHECK_EQ(q.extra_len, k - 4 - r->plen);
		}
		/* UP_STREAM_RAW accepts every payload without looking at it. */
		up_stream_init(&s, 0, UP_STREAM_RAW);
		rc = parse_copy(&s, buf, n, &pkt);
		CHECK_EQ(rc, (int)(4 + r->plen));
		CHECK_EQ(pkt.nvars, 0);
		/* reset clears bad_at and keeps the limits. */
		up_stream_init(&s, 77, UP_STREAM_DETECT_HTTP);
		s.bad_at = 5;
		up_stream_reset(&s);
		CHECK_EQ(s.bad_at, 0);
		CHECK_EQ(s.need, 4);
		CHECK_EQ(s.max_block, 77);
		CHECK_EQ(s.flags, UP_STREAM_DETECT_HTTP);
	}
}

static void test_pipelined(void)
{
	uint8_t buf[256];
	up_vars_builder_t b;
	up_vars_builder_init(&b, buf, sizeof buf);
	up_vars_add_str(&b, "A", "first");
	int n1 = up_vars_finish(&b, 0, 0);
	CHECK_EQ(n1, 4 + 2 + 1 + 2 + 5);
	up_vars_builder_init(&b, buf + n1, sizeof buf - (size_t)n1);
	up_vars_add_str(&b, "B", "second");
	up_vars_add_str(&b, "C", "");
	int n2 = up_vars_finish(&b, 17, 0);
	CHECK(n2 > 0);
	static const uint8_t ping[] = { 100, 0, 0, 0 };
	memcpy(buf + n1 + n2, ping, 4);
	size_t total = (size_t)n1 + (size_t)n2 + 4;

	up_stream_t s;
	up_packet_t pkt;
	up_var_t v;
	up_stream_init(&s, 0, 0);
	CHECK_EQ(up_stream_parse(&s, buf, total, &pkt), n1);
	CHECK_EQ(pkt.nvars, 1);
	CHECK(pkt.extra == buf + n1);
	CHECK_EQ(pkt.extra_len, total - (size_t)n1);
	CHECK_EQ(up_vars_find(pkt.payload, pkt.payload_len, "A", 1, &v), 1);
	CHECK_MEM(v.val, v.vlen, "first");
	/* The first packet's parse saw none of the second's vars. */
	CHECK_EQ(up_vars_find(pkt.payload, pkt.payload_len, "B", 1, &v), 0);

	up_stream_reset(&s);
	const uint8_t *rest = pkt.extra;
	size_t rest_len = pkt.extra_len;
	CHECK_EQ(up_stream_parse(&s, rest, rest_len, &pkt), n2);
	CHECK_EQ(pkt.hdr.modifier1, 17);
	CHECK_EQ(pkt.nvars, 2);
	CHECK_EQ(up_vars_find(pkt.payload, pkt.payload_len, "B", 1, &v), 1);
	CHECK_MEM(v.val, v.vlen, "second");
	CHECK_EQ(pkt.extra_len, 4);

	up_stream_reset(&s);
	rest = pkt.extra;
	rest_len = pkt.extra_len;
	CHECK_EQ(up_stream_parse(&s, rest, rest_len, &pkt), 4);
	CHECK_EQ(pkt.hdr.modifier1, 100);
	CHECK_EQ(pkt.extra_len, 0);
	CHECK(pkt.extra == buf + total);

	/* The second packet arriving in pieces after the first. */
	up_stream_init(&s, 0, 0);
	CHECK_EQ(parse_copy(&s, buf, (size_t)n1 + 2, &pkt), n1);
	up_stream_reset(&s);
	for (int k = 0; k < n2; k++)
		CHECK_EQ(parse_copy(&s, buf + n1, (size_t)k, &pkt), 0);
	CHECK_EQ(parse_copy(&s, buf + n1, (size_t)n2, &pkt), n2);
	CHECK_EQ(pkt.nvars, 2);
}

/* xorshift64*: a fixed-seed generator owned by the test. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static size_t rnd_below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

struct kv {
	uint8_t key[24];
	size_t klen;
	uint8_t val[64];
	size_t vlen;
};

static void test_random_roundtrip(void)
{
	static const uint8_t vars_m1[] = { 0, 5, 6, 7, 8, 9, 10, 14, 15, 17, 30, 31,
					   95, 99, 111, 224 };
	enum { ITER = 2000, MAXV = 24 };
	struct kv kvs[MAXV];
	uint8_t pktbuf[4 + MAXV * (2 + 24 + 2 + 64) + 64];
	int failures = 0;

	for (int iter = 0; iter < ITER && failures < 5; iter++) {
		size_t nv = rnd_below(MAXV + 1);
		uint8_t m1 = vars_m1[rnd_below(sizeof vars_m1)];
		uint8_t m2 = (uint8_t)rnd();
		up_vars_builder_t b;
		up_vars_builder_init(&b, pktbuf, sizeof pktbuf);
		for (size_t i = 0; i < nv; i++) {
			struct kv *e = &kvs[i];
			e->klen = 1 + rnd_below(sizeof e->key);
			/* A third of the values are empty. */
			e->vlen = rnd_below(3) == 0 ? 0 : rnd_below(sizeof e->val + 1);
			int binary = (int)rnd_below(2);
			for (size_t j = 0; j < e->klen; j++)
				e->key[j] = binary ? (uint8_t)rnd() : (uint8_t)('A' + rnd_below(26));
			for (size_t j = 0; j < e->vlen; j++)
				e->val[j] = binary ? (uint8_t)rnd() : (uint8_t)(' ' + rnd_below(95));
			if (up_vars_add(&b, e->key, e->klen, e->val, e->vlen) != 0)
				failures++;
		}
		int plen = up_vars_finish(&b, m1, m2);
		if (plen < 4) {
			failures++;
			continue;
		}
		/* Sometimes a body, which the parser must leave in extra. */
		size_t body = rnd_below(2) ? rnd_below(40) : 0;
		for (size_t j = 0; j < body; j++)
			pktbuf[plen + j] = (uint8_t)rnd();
		size_t total = (size_t)plen + body;

		/* Feed in random chunks into a buffer grown to exactly what has
		 * arrived; parse after each chunk. */
		up_stream_t s;
		up_packet_t pkt;
		up_stream_init(&s, rnd_below(2) ? 0 : (size_t)plen - 4 + rnd_below(10),
			       (unsigned)rnd_below(2) * UP_STREAM_DETECT_HTTP);
		uint8_t *acc = NULL;
		size_t have = 0;
		int rc = 0;
		while (have < total) {
			size_t chunk = 1 + rnd_below(rnd_below(4) == 0 ? total - have
								      : (total - have < 8 ? total - have : 8));
			uint8_t *grown = realloc(acc, have + chunk);
			if (!grown)
				break;
			acc = grown;
			memcpy(acc + have, pktbuf + have, chunk);
			have += chunk;
			rc = up_stream_parse(&s, acc, have, &pkt);
			if (rc != 0)
				break;
		}
		int ok = rc == plen && have >= (size_t)plen && pkt.nvars == (int)nv &&
			 pkt.hdr.modifier1 == m1 && pkt.hdr.modifier2 == m2 &&
			 pkt.payload == acc + 4 && pkt.payload_len == (size_t)plen - 4 &&
			 pkt.extra == acc + plen && pkt.extra_len == have - (size_t)plen;
		if (ok) {
			up_vars_iter_t it;
			up_var_t v;
			up_vars_iter_init(&it, pkt.payload, pkt.payload_len);
			for (size_t i = 0; ok && i < nv; i++) {
				ok = up_vars_next(&it, &v) == 1 &&
				     v.klen == kvs[i].klen && memcmp(v.key, kvs[i].key, v.klen) == 0 &&
				     v.vlen == kvs[i].vlen &&
				     (v.vlen == 0 || memcmp(v.val, kvs[i].val, v.vlen) == 0);
			}
			ok = ok && up_vars_next(&it, &v) == 0;
			ok = ok && memcmp(pkt.extra, pktbuf + plen, pkt.extra_len) == 0;
		}
		if (!ok) {
			failures++;
			printf("# iteration %d: rc %d (plen %d, %zu vars, m1 %u)\n",
			       iter, rc, plen, nv, m1);
		}
		free(acc);
	}
	CHECK_EQ(failures, 0);
}

static const struct test_case tests[] = {
	T(test_whole_packet),
	T(test_every_split),
	T(test_byte_at_a_time),
	T(test_toobig_from_header),
	T(test_http_on_uwsgi),
	T(test_framing_per_modifier),
	T(test_pipelined),
	T(test_random_roundtrip),
};

TEST_MAIN(tests)
