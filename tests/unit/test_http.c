/* Tests of the HTTP module: request and response heads (every row fed whole
 * and as every prefix), CGI vars, the chunked decoder (every split) and the
 * helpers. Inputs are copied to heap buffers of their exact size so the
 * sanitizer build catches any read past len. */
#include "test.h"
#include "uwsgiproto/error.h"
#include "uwsgiproto/http.h"

#include <stdint.h>
#include <stdlib.h>

/* A string literal and its length (NULs inside count). */
#define S(s) s, sizeof(s) - 1
#define ALL ((ssize_t)-1000)  /* expected result: the whole input */
#define NHDR 64

static uint8_t *dup_n(const char *in, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);

	if (!b)
		abort();
	memcpy(b, in, n);
	return b;
}

static ssize_t parse_copy(int resp, const char *in, size_t n,
                          const up_http_limits_t *lim, size_t cap)
{
	uint8_t *b = dup_n(in, n);
	up_http_header_t h[NHDR];
	up_http_request_t rq;
	up_http_response_t rs;
	ssize_t r = resp ? up_http_parse_response(b, n, lim, &rs, h, cap)
	                 : up_http_parse_request(b, n, lim, &rq, h, cap);

	free(b);
	return r;
}

/* The whole input gives expect; every prefix gives 0 until the head is
 * complete (or the error is decided), then the same result, never another. */
static void check_prefixes(const char *name, int resp, const char *in,
                           size_t n, ssize_t expect,
                           const up_http_limits_t *lim, size_t cap)
{
	int decided = 0;

	if (expect == ALL)
		expect = (ssize_t)n;
	for (size_t l = 0; l <= n; l++) {
		ssize_t r = parse_copy(resp, in, l, lim, cap);
		int ok;

		if (expect > 0)
			ok = l < (size_t)expect ? r == 0 : r == expect;
		else if (l == n)
			ok = r == expect;
		else
			ok = decided ? r == expect : (r == 0 || r == expect);
		if (r == expect)
			decided = 1;
		if (!ok) {
			test_failed_ = 1;
			printf("# %s: prefix %zu of %zu gave %zd (%s), expected %zd\n",
			       name, l, n, r, r < 0 ? up_strerror((int)r) : "-",
			       expect);
			return;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Requests: rejections */

struct req_err {
	const char *name;
	const char *in;
	size_t len;
	ssize_t expect;
	up_http_limits_t lim;  /* zeros: defaults */
	size_t cap;            /* 0: NHDR */
};

#define OKH "GET / HTTP/1.1\r\n"

static const struct req_err req_errs[] = {
	/* request line */
	{ "no target", S("GET\r\n\r\n"), UP_EHTTP_REQLINE, {0}, 0 },
	{ "no version (0.9)", S("GET /\r\n\r\n"), UP_EHTTP_REQLINE, {0}, 0 },
	{ "two spaces", S("GET  / HTTP/1.1\r\n\r\n"), UP_EHTTP_REQLINE, {0}, 0 },
	{ "two spaces 2", S("GET /  HTTP/1.1\r\n\r\n"), UP_EHTTP_REQLINE, {0}, 0 },
	{ "trailing space", S("GET / HTTP/1.1 \r\n\r\n"), UP_EHTTP_REQLINE, {0}, 0 },
	{ "leading space", S(" GET / HTTP/1.1\r\n\r\n"), UP_EHTTP_REQLINE, {0}, 0 },
	{ "four parts", S("GET / HTTP/1.1 x\r\n\r\n"), UP_EHTTP_REQLINE, {0}, 0 },
	{ "tabs", S("GET\t/\tHTTP/1.1\r\n\r\n"), UP_EHTTP_REQLINE, {0}, 0 },
	{ "empty line only then junk", S("\r\n\r\nFOO\r\n"), UP_EHTTP_REQLINE, {0}, 0 },
	/* method */
	{ "lowercase method", S("get / HTTP/1.1\r\n\r\n"), UP_EHTTP_METHOD, {0}, 0 },
	{ "mixed case method", S("Get / HTTP/1.1\r\n\r\n"), UP_EHTTP_METHOD, {0}, 0 },
	{ "method paren", S("G(T / HTTP/1.1\r\n\r\n"), UP_EHTTP_METHOD, {0}, 0 },
	{ "method ctl", S("GE\001T / HTTP/1.1\r\n\r\n"), UP_EHTTP_METHOD, {0}, 0 },
	{ "method 8bit", S("G\303T / HTTP/1.1\r\n\r\n"), UP_EHTTP_METHOD, {0}, 0 },
	/* target */
	{ "relative target", S("GET foo HTTP/1.1\r\n\r\n"), UP_EHTTP_URI, {0}, 0 },
	{ "star not OPTIONS", S("GET * HTTP/1.1\r\n\r\n"), UP_EHTTP_URI, {0}, 0 },
	{ "target DEL", S("GET /a\177b HTTP/1.1\r\n\r\n"), UP_EHTTP_URI, {0}, 0 },
	{ "target tab", S("GET /a\tb HTTP/1.1\r\n\r\n"), UP_EHTTP_URI, {0}, 0 },
	{ "target ctl", S("GET /a\001 HTTP/1.1\r\n\r\n"), UP_EHTTP_URI, {0}, 0 },
	{ "empty authority", S("GET http:// HTTP/1.1\r\n\r\n"), UP_EHTTP_URI, {0}, 0 },
	{ "empty authority path", S("GET http:///x HTTP/1.1\r\n\r\n"), UP_EHTTP_URI, {0}, 0 },
	{ "ftp scheme", S("GET ftp://h/ HTTP/1.1\r\n\r\n"), UP_EHTTP_URI, {0}, 0 },
	{ "authority form", S("CONNECT h:443 HTTP/1.1\r\n\r\n"), UP_EHTTP_URI, {0}, 0 },
	/* version */
	{ "HTTP/1.2", S("GET / HTTP/1.2\r\n\r\n"), UP_EHTTP_VERSION, {0}, 0 },
	{ "HTTP/2.0", S("GET / HTTP/2.0\r\n\r\n"), UP_EHTTP_VERSION, {0}, 0 },
	{ "http/1.1", S("GET / http/1.1\r\n\r\n"), UP_EHTTP_VERSION, {0}, 0 },
	{ "HTTP/1.10", S("GET / HTTP/1.10\r\n\r\n"), UP_EHTTP_VERSION, {0}, 0 },
	{ "HTTP/1", S("GET / HTTP/1\r\n\r\n"), UP_EHTTP_VERSION, {0}, 0 },
	{ "version ctl", S("GET / HTTP/1.\001\r\n\r\n"), UP_EHTTP_VERSION, {0}, 0 },
	/* header lines */
	{ "no colon", S(OKH "Foo bar\r\n\r\n"), UP_EHTTP_HEADER, {0}, 0 },
	{ "space before colon", S(OKH "Foo : bar\r\n\r\n"), UP_EHTTP_HEADER, {0}, 0 },
	{ "tab before colon", S(OKH "Foo\t: bar\r\n\r\n"), UP_EHTTP_HEADER, {0}, 0 },
	{ "empty name", S(OKH ": bar\r\n\r\n"), UP_EHTTP_HEADER, {0}, 0 },
	{ "bad name char", S(OKH "Fo\"o: bar\r\n\r\n"), UP_EHTTP_HEADER, {0}, 0 },
	{ "name with slash", S(OKH "a/b: c\r\n\r\n"), UP_EHTTP_HEADER, {0}, 0 },
	{ "two Host", S(OKH "Host: a\r\nhost: b\r\n\r\n"), UP_EHTTP_HEADER, {0}, 0 },
	{ "obs-fold space", S(OKH "Foo: a\r\n b\r\n\r\n"), UP_EHTTP_OBSFOLD, {0}, 0 },
	{ "obs-fold tab", S(OKH "Foo: a\r\n\tb\r\n\r\n"), UP_EHTTP_OBSFOLD, {0}, 0 },
	{ "fold first line", S(OKH " Foo: a\r\n\r\n"), UP_EHTTP_OBSFOLD, {0}, 0 },
	/* control bytes */
	{ "NUL in value", S(OKH "Foo: a\000b\r\n\r\n"), UP_EHTTP_NUL, {0}, 0 },
	{ "NUL in name", S(OKH "F\000oo: a\r\n\r\n"), UP_EHTTP_NUL, {0}, 0 },
	{ "NUL in request line", S("GE\000T / HTTP/1.1\r\n\r\n"), UP_EHTTP_NUL, {0}, 0 },
	{ "NUL first", S("\000GET / HTTP/1.1\r\n\r\n"), UP_EHTTP_NUL, {0}, 0 },
	{ "ctl in value", S(OKH "Foo: a\001b\r\n\r\n"), UP_EHTTP_NUL, {0}, 0 },
	{ "DEL in value", S(OKH "Foo: a\177\r\n\r\n"), UP_EHTTP_NUL, {0}, 0 },
	{ "ESC in value", S(OKH "Foo: \033[1m\r\n\r\n"), UP_EHTTP_NUL, {0}, 0 },
	{ "bare CR request line", S("GET / HTTP/1.1\rFoo: a\r\n\r\n"), UP_EHTTP_NUL, {0}, 0 },
	{ "bare CR in value", S(OKH "Foo: a\rb\r\n\r\n"), UP_EHTTP_NUL, {0}, 0 },
	{ "bare CR blank line", S(OKH "Foo: a\r\n\r\r\n"), UP_EHTTP_NUL, {0}, 0 },
	{ "bare CR leading", S("\rGET / HTTP/1.1\r\n\r\n"), UP_EHTTP_NUL, {0}, 0 },
	/* limits */
	{ "too many (limit)", S(OKH "A: 1\r\nB: 2\r\nC: 3\r\n\r\n"), UP_EHTTP_TOOMANY, {0, 2, 0}, 0 },
	{ "too many (array)", S(OKH "A: 1\r\nB: 2\r\nC: 3\r\n\r\n"), UP_EHTTP_TOOMANY, {0}, 2 },
	{ "request line too long", S("GET /0123456789abcdef HTTP/1.1\r\n\r\n"), UP_EHTTP_LINELEN, {16, 0, 0}, 0 },
	{ "header line too long", S("GET / HTTP/1.1\r\nX: 0123456789abcdef\r\n\r\n"), UP_EHTTP_LINELEN, {16, 0, 0}, 0 },
	{ "line one over", S("GET / HTTP/1.1\r\nX: 0123456789abcd\r\n\r\n"), UP_EHTTP_LINELEN, {16, 0, 0}, 0 },
	{ "head too big", S("GET / HTTP/1.1\r\nX: 0123456789\r\nY: 0123456789\r\n\r\n"), UP_ETOOBIG, {0, 0, 32}, 0 },
	{ "empty lines too many", S("\r\n\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\n\r\n"), UP_ETOOBIG, {0, 0, 12}, 0 },
	/* Content-Length */
	{ "clen letters", S(OKH "Content-Length: abc\r\n\r\n"), UP_EHTTP_CLEN, {0}, 0 },
	{ "clen empty", S(OKH "Content-Length: \r\n\r\n"), UP_EHTTP_CLEN, {0}, 0 },
	{ "clen negative", S(OKH "Content-Length: -1\r\n\r\n"), UP_EHTTP_CLEN, {0}, 0 },
	{ "clen plus", S(OKH "Content-Length: +5\r\n\r\n"), UP_EHTTP_CLEN, {0}, 0 },
	{ "clen hex", S(OKH "Content-Length: 0x10\r\n\r\n"), UP_EHTTP_CLEN, {0}, 0 },
	{ "clen inner space", S(OKH "Content-Length: 1 2\r\n\r\n"), UP_EHTTP_CLEN, {0}, 0 },
	{ "clen empty element", S(OKH "Content-Length: 5,\r\n\r\n"), UP_EHTTP_CLEN, {0}, 0 },
	{ "clen overflow", S(OKH "Content-Length: 9223372036854775808\r\n\r\n"), UP_EHTTP_CLEN, {0}, 0 },
	{ "clen huge", S(OKH "Content-Length: 99999999999999999999999\r\n\r\n"), UP_EHTTP_CLEN, {0}, 0 },
	{ "clen two fields", S(OKH "Content-Length: 5\r\nContent-Length: 6\r\n\r\n"), UP_EHTTP_CLENDUP, {0}, 0 },
	{ "clen list differs", S(OKH "Content-Length: 5, 6\r\n\r\n"), UP_EHTTP_CLENDUP, {0}, 0 },
	/* Transfer-Encoding */
	{ "te then clen", S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"), UP_EHTTP_SMUGGLE, {0}, 0 },
	{ "clen then te", S("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"), UP_EHTTP_SMUGGLE, {0}, 0 },
	{ "te gzip", S(OKH "Transfer-Encoding: gzip\r\n\r\n"), UP_EHTTP_TE, {0}, 0 },
	{ "te chunked, gzip", S(OKH "Transfer-Encoding: chunked, gzip\r\n\r\n"), UP_EHTTP_TE, {0}, 0 },
	{ "te gzip, chunked", S(OKH "Transfer-Encoding: gzip, chunked\r\n\r\n"), UP_EHTTP_TE, {0}, 0 },
	{ "te identity", S(OKH "Transfer-Encoding: identity\r\n\r\n"), UP_EHTTP_TE, {0}, 0 },
	{ "te empty", S(OKH "Transfer-Encoding: \r\n\r\n"), UP_EHTTP_TE, {0}, 0 },
	{ "te twice", S(OKH "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), UP_EHTTP_TE, {0}, 0 },
	{ "te chunked;param", S(OKH "Transfer-Encoding: chunked;q=1\r\n\r\n"), UP_EHTTP_TE, {0}, 0 },
	{ "te in HTTP/1.0", S("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), UP_EHTTP_TE, {0}, 0 },
};

static void test_request_errors(void)
{
	for (size_t i = 0; i < sizeof req_errs / sizeof req_errs[0]; i++) {
		const struct req_err *e = &req_errs[i];

		check_prefixes(e->name, 0, e->in, e->len, e->expect, &e->lim,
		               e->cap ? e->cap : NHDR);
	}
}

/* ---------------------------------------------------------------------- */
/* Requests: accepted heads */

struct req_ok {
	const char *name;
	const char *in;
	size_t len;
	ssize_t ret;
	const char *method, *target, *path, *query, *host; /* host NULL: none */
	int minor;
	size_t nhdr;
	long long clen;
	int chunked, keep_alive, expect;
};

static const struct req_ok req_oks[] = {
	{ "simple", S("GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"), ALL,
	  "GET", "/index.html", "/index.html", "", "example.com", 1, 1, -1, 0, 1, 0 },
	{ "query", S("GET /a%20b/c?x=1&y=2 HTTP/1.1\r\nHost: h\r\n\r\n"), ALL,
	  "GET", "/a%20b/c?x=1&y=2", "/a%20b/c", "x=1&y=2", "h", 1, 1, -1, 0, 1, 0 },
	{ "empty query", S("GET /? HTTP/1.1\r\n\r\n"), ALL,
	  "GET", "/?", "/", "", NULL, 1, 0, -1, 0, 1, 0 },
	{ "two question marks", S("GET /p?a?b HTTP/1.1\r\n\r\n"), ALL,
	  "GET", "/p?a?b", "/p", "a?b", NULL, 1, 0, -1, 0, 1, 0 },
	{ "1.0 closes", S("GET / HTTP/1.0\r\n\r\n"), ALL,
	  "GET", "/", "/", "", NULL, 0, 0, -1, 0, 0, 0 },
	{ "1.0 keep-alive", S("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), ALL,
	  "GET", "/", "/", "", NULL, 0, 1, -1, 0, 1, 0 },
	{ "1.0 keep-alive, close", S("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"), ALL,
	  "GET", "/", "/", "", NULL, 0, 1, -1, 0, 0, 0 },
	{ "1.1 close", S("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), ALL,
	  "GET", "/", "/", "", NULL, 1, 1, -1, 0, 0, 0 },
	{ "1.1 upgrade, Close", S("GET / HTTP/1.1\r\nConnection: Upgrade , CLOSE\r\n\r\n"), ALL,
	  "GET", "/", "/", "", NULL, 1, 1, -1, 0, 0, 0 },
	{ "1.1 two Connection", S("GET / HTTP/1.1\r\nConnection: te\r\nConnection: close\r\n\r\n"), ALL,
	  "GET", "/", "/", "", NULL, 1, 2, -1, 0, 0, 0 },
	{ "expect", S("POST /u HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 10\r\n\r\n"), ALL,
	  "POST", "/u", "/u", "", NULL, 1, 2, 10, 0, 1, 1 },
	{ "expect in 1.0 ignored", S("POST /u HTTP/1.0\r\nExpect: 100-continue\r\n\r\n"), ALL,
	  "POST", "/u", "/u", "", NULL, 0, 1, -1, 0, 0, 0 },
	{ "other expectation", S("POST /u HTTP/1.1\r\nExpect: 200-ok\r\n\r\n"), ALL,
	  "POST", "/u", "/u", "", NULL, 1, 1, -1, 0, 1, 0 },
	{ "bare LF", S("GET /x HTTP/1.1\nHost: h\n\n"), ALL,
	  "GET", "/x", "/x", "", "h", 1, 1, -1, 0, 1, 0 },
	{ "mixed line ends", S("GET /x HTTP/1.1\r\nHost: h\n\r\n"), ALL,
	  "GET", "/x", "/x", "", "h", 1, 1, -1, 0, 1, 0 },
	{ "leading CRLFs", S("\r\n\r\nGET / HTTP/1.1\r\n\r\n"), ALL,
	  "GET", "/", "/", "", NULL, 1, 0, -1, 0, 1, 0 },
	{ "leading LFs", S("\n\nGET / HTTP/1.1\n\n"), ALL,
	  "GET", "/", "/", "", NULL, 1, 0, -1, 0, 1, 0 },
	{ "absolute form", S("GET http://example.com:8080/p?q HTTP/1.1\r\nHost: other\r\n\r\n"), ALL,
	  "GET", "http://example.com:8080/p?q", "/p", "q", "example.com:8080", 1, 1, -1, 0, 1, 0 },
	{ "absolute no path", S("GET HTTPS://example.com HTTP/1.1\r\n\r\n"), ALL,
	  "GET", "HTTPS://example.com", "/", "", "example.com", 1, 0, -1, 0, 1, 0 },
	{ "absolute query no path", S("GET http://h?x=1 HTTP/1.1\r\n\r\n"), ALL,
	  "GET", "http://h?x=1", "/", "x=1", "h", 1, 0, -1, 0, 1, 0 },
	{ "OPTIONS *", S("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"), ALL,
	  "OPTIONS", "*", "*", "", "h", 1, 1, -1, 0, 1, 0 },
	{ "method chars", S("M-SEARCH_2 / HTTP/1.1\r\n\r\n"), ALL,
	  "M-SEARCH_2", "/", "/", "", NULL, 1, 0, -1, 0, 1, 0 },
	{ "chunked", S("POST /u HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"), ALL,
	  "POST", "/u", "/u", "", NULL, 1, 1, -1, 1, 1, 0 },
	{ "clen repeated", S("POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n"), ALL,
	  "POST", "/", "/", "", NULL, 1, 2, 5, 0, 1, 0 },
	{ "clen list", S("POST / HTTP/1.1\r\nContent-Length: 5 ,\t5\r\n\r\n"), ALL,
	  "POST", "/", "/", "", NULL, 1, 1, 5, 0, 1, 0 },
	{ "clen zeros", S("POST / HTTP/1.1\r\nContent-Length: 0007\r\n\r\n"), ALL,
	  "POST", "/", "/", "", NULL, 1, 1, 7, 0, 1, 0 },
	{ "clen max", S("POST / HTTP/1.1\r\nContent-Length: 9223372036854775807\r\n\r\n"), ALL,
	  "POST", "/", "/", "", NULL, 1, 1, INT64_MAX, 0, 1, 0 },
	{ "empty Host", S("GET / HTTP/1.1\r\nHost:\r\n\r\n"), ALL,
	  "GET", "/", "/", "", "", 1, 1, -1, 0, 1, 0 },
	{ "8-bit target and value", S("GET /caf\303\251 HTTP/1.1\r\nX: caf\303\251\r\n\r\n"), ALL,
	  "GET", "/caf\303\251", "/caf\303\251", "", NULL, 1, 1, -1, 0, 1, 0 },
	{ "pipelined", S("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\n"), 28,
	  "GET", "/a", "/a", "", "x", 1, 1, -1, 0, 1, 0 },
	{ "body follows", S("POST /f HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\n\r\n"), 39,
	  "POST", "/f", "/f", "", NULL, 1, 1, 3, 0, 1, 0 },
};

static void test_request_ok(void)
{
	for (size_t i = 0; i < sizeof req_oks / sizeof req_oks[0]; i++) {
		const struct req_ok *e = &req_oks[i];
		ssize_t want = e->ret == ALL ? (ssize_t)e->len : e->ret;
		uint8_t *b = dup_n(e->in, e->len);
		up_http_header_t h[NHDR];
		up_http_request_t rq;
		ssize_t r = up_http_parse_request(b, e->len, NULL, &rq, h, NHDR);

		int before = test_failed_;

		test_failed_ = 0;
		CHECK_EQ(r, want);
		if (r > 0) {
			CHECK_MEM(rq.method.ptr, rq.method.len, e->method);
			CHECK_MEM(rq.target.ptr, rq.target.len, e->target);
			CHECK_MEM(rq.path.ptr, rq.path.len, e->path);
			CHECK_MEM(rq.query.ptr, rq.query.len, e->query);
			if (e->host)
				CHECK(rq.host.ptr && rq.host.len == strlen(e->host) &&
				      !memcmp(rq.host.ptr, e->host, rq.host.len));
			else
				CHECK(rq.host.ptr == NULL);
			CHECK_EQ(rq.version_minor, e->minor);
			CHECK_EQ(rq.num_headers, e->nhdr);
			CHECK(rq.headers == h);
			CHECK_EQ(rq.content_length, e->clen);
			CHECK_EQ(rq.chunked, e->chunked);
			CHECK_EQ(rq.keep_alive, e->keep_alive);
			CHECK_EQ(rq.expect_continue, e->expect);
			CHECK_EQ(rq.head_len, (size_t)want);
		}
		if (test_failed_)
			printf("# ^ in row \"%s\"\n", e->name);
		test_failed_ |= before;
		free(b);
		check_prefixes(e->name, 0, e->in, e->len, want, NULL, NHDR);
	}
}

static void test_request_fields(void)
{
	static const char in[] =
		"GET / HTTP/1.1\r\n"
		"Host: example.com\r\n"
		"X-Spaces:   v a l  \t\r\n"
		"X-Empty:\r\n"
		"X-Tab:\tt\r\n"
		"x-case: C\r\n"
		"\r\n";
	up_http_header_t h[8];
	up_http_request_t rq;
	ssize_t r = up_http_parse_request((const uint8_t *)in, sizeof in - 1,
	                                  NULL, &rq, h, 8);

	CHECK_EQ(r, sizeof in - 1);
	CHECK_EQ(rq.num_headers, 5);
	CHECK_MEM(h[0].name.ptr, h[0].name.len, "Host");
	CHECK_MEM(h[0].value.ptr, h[0].value.len, "example.com");
	CHECK_MEM(h[1].value.ptr, h[1].value.len, "v a l");
	CHECK_MEM(h[2].name.ptr, h[2].name.len, "X-Empty");
	CHECK_EQ(h[2].value.len, 0);
	CHECK_MEM(h[3].value.ptr, h[3].value.len, "t");
	CHECK_MEM(h[4].name.ptr, h[4].name.len, "x-case");
	/* Slices point into the input. */
	CHECK(h[0].name.ptr == (const uint8_t *)in + 16);
	CHECK_EQ(up_http_header_find(h, 5, "X-CASE", 0), 4);
	CHECK_EQ(up_http_header_find(h, 5, "host", 0), 0);
	CHECK_EQ(up_http_header_find(h, 5, "host", 1), UP_ENOTFOUND);
	CHECK_EQ(up_http_header_find(h, 5, "X-Empt", 0), UP_ENOTFOUND);

	/* Limits are inclusive: a line of exactly max_line and a head of
	 * exactly max_head are fine, one byte more is not. */
	static const char ex[] = "GET / HTTP/1.1\r\nX: 0123456789abc\r\n\r\n";
	up_http_limits_t lim = { 16, 0, sizeof ex - 1 };
	check_prefixes("exact limits", 0, ex, sizeof ex - 1, ALL, &lim, 8);
	lim.max_head--;
	check_prefixes("head one over", 0, ex, sizeof ex - 1, UP_ETOOBIG, &lim, 8);
	lim.max_head = 0;
	lim.max_line = 15;
	check_prefixes("line one over", 0, ex, sizeof ex - 1, UP_EHTTP_LINELEN, &lim, 8);
	/* Exactly max_headers fields are fine. */
	static const char two[] = OKH "A: 1\r\nB: 2\r\n\r\n";
	check_prefixes("two of two", 0, two, sizeof two - 1, ALL, NULL, 2);
	CHECK_EQ(up_http_parse_request((const uint8_t *)"", 0, NULL, &rq, h, 8), 0);
}

static void test_request_pipelined(void)
{
	static const char in[] =
		"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
		"POST /b?q HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
		"GET /c HTTP/1.0\r\n\r\n";
	const uint8_t *b = (const uint8_t *)in;
	size_t len = sizeof in - 1, off = 0;
	up_http_header_t h[8];
	up_http_request_t rq;
	ssize_t r;

	r = up_http_parse_request(b, len, NULL, &rq, h, 8);
	CHECK_EQ(r, 28);
	CHECK_MEM(rq.path.ptr, rq.path.len, "/a");
	off += (size_t)r;
	r = up_http_parse_request(b + off, len - off, NULL, &rq, h, 8);
	CHECK_EQ(r, 41);
	CHECK_MEM(rq.query.ptr, rq.query.len, "q");
	CHECK_EQ(rq.content_length, 2);
	off += (size_t)r + 2;
	r = up_http_parse_request(b + off, len - off, NULL, &rq, h, 8);
	CHECK_EQ(r, 19);
	CHECK_EQ(rq.keep_alive, 0);
	CHECK_EQ(off + (size_t)r, len);
}

/* ---------------------------------------------------------------------- */
/* CGI vars */

struct var {
	char key[64];
	char val[256];
};

struct vars {
	struct var v[32];
	size_t n;
	int fail_at;  /* emit returns UP_EINVAL at this var (-1: never) */
};

static int collect(void *ctx, const char *key, size_t klen,
                   const uint8_t *val, size_t vlen)
{
	struct vars *vs = ctx;

	if ((int)vs->n == vs->fail_at)
		return UP_EINVAL;
	if (vs->n >= 32 || klen >= 64 || vlen >= 256)
		return UP_ETOOBIG;
	memcpy(vs->v[vs->n].key, key, klen);
	vs->v[vs->n].key[klen] = '\0';
	memcpy(vs->v[vs->n].val, val, vlen);
	vs->v[vs->n].val[vlen] = '\0';
	vs->n++;
	return 0;
}

/* expect: "KEY=value" strings in order, NULL-terminated. */
static void check_vars(const struct vars *vs, const char *const *expect)
{
	size_t i;

	for (i = 0; expect[i]; i++) {
		char kv[400];

		if (i >= vs->n) {
			test_failed_ = 1;
			printf("# missing var %s\n", expect[i]);
			continue;
		}
		snprintf(kv, sizeof kv, "%s=%s", vs->v[i].key, vs->v[i].val);
		CHECK_STR(kv, expect[i]);
	}
	CHECK_EQ(vs->n, i);
}

static void test_cgi_vars(void)
{
	static const char in[] =
		"GET /a%2Fb/c%20d?x=1&y=%41 HTTP/1.1\r\n"
		"Host: example.com\r\n"
		"Content-Type: text/plain\r\n"
		"Content-Length: 5\r\n"
		"X_Foo: spoof\r\n"
		"X-Foo: real\r\n"
		"Accept: a\r\n"
		"Cookie: a=1\r\n"
		"accept: b\r\n"
		"x_foo: spoof2\r\n"
		"Cookie: b=2\r\n"
		"ACCEPT: c\r\n"
		"Proxy: evil\r\n"
		"User-Agent: t/1\r\n"
		"\r\n";
	static const char *const want[] = {
		"REQUEST_METHOD=GET",
		"REQUEST_URI=/a%2Fb/c%20d?x=1&y=%41",
		"PATH_INFO=/a/b/c d",
		"QUERY_STRING=x=1&y=%41",
		"SERVER_PROTOCOL=HTTP/1.1",
		"CONTENT_LENGTH=5",
		"CONTENT_TYPE=text/plain",
		"HTTP_HOST=example.com",
		"HTTP_X_FOO=real",
		"HTTP_ACCEPT=a, b, c",
		"HTTP_COOKIE=a=1; b=2",
		"HTTP_PROXY=evil",
		"HTTP_USER_AGENT=t/1",
		NULL
	};
	up_http_header_t h[32];
	up_http_request_t rq;
	struct vars vs = { .n = 0, .fail_at = -1 };
	ssize_t r = up_http_parse_request((const uint8_t *)in, sizeof in - 1,
	                                  NULL, &rq, h, 32);
	size_t need = up_http_cgi_scratch_size(&rq);
	uint8_t *scratch = malloc(need);

	CHECK_EQ(r, sizeof in - 1);
	CHECK_EQ(up_http_cgi_vars(&rq, scratch, need, collect, &vs), 13);
	check_vars(&vs, want);

	/* Too little scratch: UP_ENOSPACE, never a write past it. */
	for (size_t n = 0; n < need; n++) {
		uint8_t *s = malloc(n ? n : 1);
		int rv;

		vs.n = 0;
		rv = up_http_cgi_vars(&rq, n ? s : NULL, n, collect, &vs);
		CHECK(rv == 13 || rv == UP_ENOSPACE);
		free(s);
	}

	/* The emitter's error stops the walk and comes back. */
	vs.n = 0;
	vs.fail_at = 6;
	CHECK_EQ(up_http_cgi_vars(&rq, scratch, need, collect, &vs), UP_EINVAL);
	CHECK_EQ(vs.n, 6);
	free(scratch);
}

static void test_cgi_minimal(void)
{
	static const char in[] = "HEAD /x HTTP/1.0\r\n\r\n";
	static const char *const want[] = {
		"REQUEST_METHOD=HEAD", "REQUEST_URI=/x", "PATH_INFO=/x",
		"QUERY_STRING=", "SERVER_PROTOCOL=HTTP/1.0", NULL
	};
	static const char abs[] = "GET http://h HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
	static const char *const want_abs[] = {
		"REQUEST_METHOD=GET", "REQUEST_URI=http://h", "PATH_INFO=/",
		"QUERY_STRING=", "SERVER_PROTOCOL=HTTP/1.1", "CONTENT_LENGTH=0",
		NULL
	};
	up_http_header_t h[4];
	up_http_request_t rq;
	struct vars vs = { .n = 0, .fail_at = -1 };
	uint8_t scratch[256];

	CHECK_EQ(up_http_parse_request((const uint8_t *)in, sizeof in - 1,
	                               NULL, &rq, h, 4), sizeof in - 1);
	CHECK_EQ(up_http_cgi_vars(&rq, scratch, sizeof scratch, collect, &vs), 5);
	check_vars(&vs, want);

	vs.n = 0;
	CHECK_EQ(up_http_parse_request((const uint8_t *)abs, sizeof abs - 1,
	                               NULL, &rq, h, 4), sizeof abs - 1);
	CHECK_EQ(up_http_cgi_vars(&rq, scratch, sizeof scratch, collect, &vs), 6);
	check_vars(&vs, want_abs);
}

static void test_cgi_bad_path(void)
{
	static const struct { const char *in; int expect; } rows[] = {
		{ "GET /a%00b HTTP/1.1\r\n\r\n", UP_EHTTP_URI },
		{ "GET /a%zz HTTP/1.1\r\n\r\n", UP_EHTTP_URI },
		{ "GET /a%4 HTTP/1.1\r\n\r\n", UP_EHTTP_URI },
		{ "GET /a% HTTP/1.1\r\n\r\n", UP_EHTTP_URI },
		{ "GET /a%4g?x HTTP/1.1\r\n\r\n", UP_EHTTP_URI },
		{ "GET /ok?%00 HTTP/1.1\r\n\r\n", 5 },  /* the query is raw */
		{ "GET /%2e%2E/%7e HTTP/1.1\r\n\r\n", 5 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		up_http_header_t h[4];
		up_http_request_t rq;
		struct vars vs = { .n = 0, .fail_at = -1 };
		uint8_t scratch[256];
		size_t n = strlen(rows[i].in);

		CHECK_EQ(up_http_parse_request((const uint8_t *)rows[i].in, n,
		                               NULL, &rq, h, 4), n);
		CHECK_EQ(up_http_cgi_vars(&rq, scratch, sizeof scratch, collect, &vs),
		         rows[i].expect);
		if (rows[i].expect < 0)
			CHECK_EQ(vs.n, 0);  /* nothing emitted before the error */
	}
	/* "%2e%2E/%7e" decodes to "../~". */
	up_http_header_t h[4];
	up_http_request_t rq;
	struct vars vs = { .n = 0, .fail_at = -1 };
	uint8_t scratch[64];
	const char *in = "GET /%2e%2E/%7e HTTP/1.1\r\n\r\n";

	up_http_parse_request((const uint8_t *)in, strlen(in), NULL, &rq, h, 4);
	up_http_cgi_vars(&rq, scratch, sizeof scratch, collect, &vs);
	CHECK_STR(vs.v[2].val, "/../~");
}

/* ---------------------------------------------------------------------- */
/* Responses */

struct resp_row {
	const char *name;
	const char *in;
	size_t len;
	ssize_t ret;           /* ALL, a length, or an error */
	int status;
	const char *reason;
	int minor;
	size_t nhdr;
	long long clen;
	int chunked, close;
};

static const struct resp_row resp_rows[] = {
	{ "200 clen", S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"), ALL,
	  200, "OK", 1, 1, 5, 0, 0 },
	{ "200 chunked", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), ALL,
	  200, "OK", 1, 1, -1, 1, 0 },
	{ "204", S("HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n"), ALL,
	  204, "No Content", 1, 1, -1, 0, 0 },
	{ "empty reason with space", S("HTTP/1.1 200 \r\n\r\n"), ALL,
	  200, "", 1, 0, -1, 0, 0 },
	{ "empty reason no space", S("HTTP/1.1 200\r\n\r\n"), ALL,
	  200, "", 1, 0, -1, 0, 0 },
	{ "reason spaces", S("HTTP/1.1 404 Not\tFound  Here\r\n\r\n"), ALL,
	  404, "Not\tFound  Here", 1, 0, -1, 0, 0 },
	{ "1.0 closes", S("HTTP/1.0 200 OK\r\n\r\n"), ALL,
	  200, "OK", 0, 0, -1, 0, 1 },
	{ "1.0 keep-alive", S("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"), ALL,
	  200, "OK", 0, 2, 0, 0, 0 },
	{ "1.1 close", S("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n"), ALL,
	  502, "Bad Gateway", 1, 1, -1, 0, 1 },
	{ "bare LF", S("HTTP/1.1 301 Moved\nLocation: /x\n\n"), ALL,
	  301, "Moved", 1, 1, -1, 0, 0 },
	{ "100 then 200", S("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"), 25,
	  100, "Continue", 1, 0, -1, 0, 0 },
	{ "999", S("HTTP/1.1 999 Odd\r\n\r\n"), ALL, 999, "Odd", 1, 0, -1, 0, 0 },
	{ "two Host fine", S("HTTP/1.1 200 OK\r\nHost: a\r\nHost: b\r\n\r\n"), ALL,
	  200, "OK", 1, 2, -1, 0, 0 },
	{ "status 99", S("HTTP/1.1 99 Low\r\n\r\n"), UP_EHTTP_STATUS, 0, 0, 0, 0, 0, 0, 0 },
	{ "status 099", S("HTTP/1.1 099 Low\r\n\r\n"), UP_EHTTP_STATUS, 0, 0, 0, 0, 0, 0, 0 },
	{ "status 1000", S("HTTP/1.1 1000 High\r\n\r\n"), UP_EHTTP_STATUS, 0, 0, 0, 0, 0, 0, 0 },
	{ "status abc", S("HTTP/1.1 abc X\r\n\r\n"), UP_EHTTP_STATUS, 0, 0, 0, 0, 0, 0, 0 },
	{ "status 2x0", S("HTTP/1.1 2x0 X\r\n\r\n"), UP_EHTTP_STATUS, 0, 0, 0, 0, 0, 0, 0 },
	{ "status glued", S("HTTP/1.1 200OK\r\n\r\n"), UP_EHTTP_STATUS, 0, 0, 0, 0, 0, 0, 0 },
	{ "no status", S("HTTP/1.1\r\n\r\n"), UP_EHTTP_STATUS, 0, 0, 0, 0, 0, 0, 0 },
	{ "no status space", S("HTTP/1.1 \r\n\r\n"), UP_EHTTP_STATUS, 0, 0, 0, 0, 0, 0, 0 },
	{ "two spaces", S("HTTP/1.1  200 OK\r\n\r\n"), UP_EHTTP_STATUS, 0, 0, 0, 0, 0, 0, 0 },
	{ "not HTTP", S("ICY 200 OK\r\n\r\n"), UP_EHTTP_STATUS, 0, 0, 0, 0, 0, 0, 0 },
	{ "HTTP/2", S("HTTP/2 200 OK\r\n\r\n"), UP_EHTTP_VERSION, 0, 0, 0, 0, 0, 0, 0 },
	{ "HTTP/1.2", S("HTTP/1.2 200 OK\r\n\r\n"), UP_EHTTP_VERSION, 0, 0, 0, 0, 0, 0, 0 },
	{ "HTTP/1.10", S("HTTP/1.10 200 OK\r\n\r\n"), UP_EHTTP_VERSION, 0, 0, 0, 0, 0, 0, 0 },
	{ "ctl in reason", S("HTTP/1.1 200 O\001K\r\n\r\n"), UP_EHTTP_NUL, 0, 0, 0, 0, 0, 0, 0 },
	{ "bare CR", S("HTTP/1.1 200 OK\rX: y\r\n\r\n"), UP_EHTTP_NUL, 0, 0, 0, 0, 0, 0, 0 },
	{ "NUL in value", S("HTTP/1.1 200 OK\r\nX: \000\r\n\r\n"), UP_EHTTP_NUL, 0, 0, 0, 0, 0, 0, 0 },
	{ "obs-fold", S("HTTP/1.1 200 OK\r\nX: a\r\n  b\r\n\r\n"), UP_EHTTP_OBSFOLD, 0, 0, 0, 0, 0, 0, 0 },
	{ "bad header", S("HTTP/1.1 200 OK\r\nX y\r\n\r\n"), UP_EHTTP_HEADER, 0, 0, 0, 0, 0, 0, 0 },
	{ "clen bad", S("HTTP/1.1 200 OK\r\nContent-Length: 1a\r\n\r\n"), UP_EHTTP_CLEN, 0, 0, 0, 0, 0, 0, 0 },
	{ "clen dup", S("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), UP_EHTTP_CLENDUP, 0, 0, 0, 0, 0, 0, 0 },
	{ "smuggle", S("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), UP_EHTTP_SMUGGLE, 0, 0, 0, 0, 0, 0, 0 },
	{ "te gzip", S("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"), UP_EHTTP_TE, 0, 0, 0, 0, 0, 0, 0 },
	{ "te in 1.0", S("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), UP_EHTTP_TE, 0, 0, 0, 0, 0, 0, 0 },
};

static void test_responses(void)
{
	for (size_t i = 0; i < sizeof resp_rows / sizeof resp_rows[0]; i++) {
		const struct resp_row *e = &resp_rows[i];
		ssize_t want = e->ret == ALL ? (ssize_t)e->len : e->ret;
		uint8_t *b = dup_n(e->in, e->len);
		up_http_header_t h[NHDR];
		up_http_response_t rs;
		ssize_t r = up_http_parse_response(b, e->len, NULL, &rs, h, NHDR);

		int before = test_failed_;

		test_failed_ = 0;
		CHECK_EQ(r, want);
		if (r > 0) {
			CHECK_EQ(rs.status, e->status);
			CHECK_MEM(rs.reason.ptr, rs.reason.len, e->reason);
			CHECK_EQ(rs.version_minor, e->minor);
			CHECK_EQ(rs.num_headers, e->nhdr);
			CHECK_EQ(rs.content_length, e->clen);
			CHECK_EQ(rs.chunked, e->chunked);
			CHECK_EQ(rs.close, e->close);
			CHECK_EQ(rs.head_len, (size_t)want);
		}
		if (test_failed_)
			printf("# ^ in row \"%s\"\n", e->name);
		test_failed_ |= before;
		free(b);
		check_prefixes(e->name, 1, e->in, e->len, want, NULL, NHDR);
	}
	/* Limits apply to responses too. */
	static const char big[] = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n";
	up_http_limits_t lim = { 0, 1, 0 };
	check_prefixes("resp too many", 1, big, sizeof big - 1, UP_EHTTP_TOOMANY, &lim, NHDR);
	lim = (up_http_limits_t){ 10, 0, 0 };
	check_prefixes("resp line", 1, big, sizeof big - 1, UP_EHTTP_LINELEN, &lim, NHDR);
	lim = (up_http_limits_t){ 0, 0, 20 };
	check_prefixes("resp head", 1, big, sizeof big - 1, UP_ETOOBIG, &lim, NHDR);
}

static void test_has_body(void)
{
	const uint8_t *get = (const uint8_t *)"GET", *head = (const uint8_t *)"HEAD";
	const uint8_t *conn = (const uint8_t *)"CONNECT";

	CHECK_EQ(up_http_response_has_body(get, 3, 200), 1);
	CHECK_EQ(up_http_response_has_body(get, 3, 404), 1);
	CHECK_EQ(up_http_response_has_body(head, 4, 200), 0);
	CHECK_EQ(up_http_response_has_body(get, 3, 100), 0);
	CHECK_EQ(up_http_response_has_body(get, 3, 101), 0);
	CHECK_EQ(up_http_response_has_body(get, 3, 204), 0);
	CHECK_EQ(up_http_response_has_body(get, 3, 304), 0);
	CHECK_EQ(up_http_response_has_body(get, 3, 205), 1);
	CHECK_EQ(up_http_response_has_body(conn, 7, 200), 0);
	CHECK_EQ(up_http_response_has_body(conn, 7, 407), 1);
	CHECK_EQ(up_http_response_has_body(NULL, 0, 500), 1);
}

/* ---------------------------------------------------------------------- */
/* Chunked bodies */

struct ck_result {
	ssize_t err;       /* 0 or the first error */
	size_t consumed;   /* total bytes consumed */
	int done;
	uint8_t out[16384];
	size_t out_len;
};

/* Feed in[0..n) cut at the given points (ascending, within n) through
 * up_chunked_parse, each piece in its own exact-size heap buffer. */
static void ck_feed(const char *in, size_t n, const size_t *cuts, size_t ncuts,
                    uint64_t max, struct ck_result *res)
{
	up_chunked_t st;
	size_t from = 0;

	up_chunked_init(&st, max);
	memset(res, 0, sizeof *res);
	for (size_t c = 0; c <= ncuts; c++) {
		size_t to = c < ncuts ? cuts[c] : n;
		size_t plen = to - from, off = 0;
		uint8_t *piece = dup_n(in + from, plen);

		while (off < plen) {
			const uint8_t *d;
			size_t dn;
			ssize_t r = up_chunked_parse(&st, piece + off, plen - off, &d, &dn);

			if (r < 0) {
				res->err = r;
				free(piece);
				return;
			}
			if (r == 0)
				break;
			if (dn) {
				if (dn > sizeof res->out - res->out_len)
					abort();
				CHECK(d >= piece + off && d + dn <= piece + plen);
				memcpy(res->out + res->out_len, d, dn);
				res->out_len += dn;
			}
			off += (size_t)r;
		}
		res->consumed += off;
		res->done = up_chunked_done(&st);
		free(piece);
		from = to;
	}
}

/* The same with up_chunked_decode (in place). */
static void ck_decode(const char *in, size_t n, const size_t *cuts,
                      size_t ncuts, uint64_t max, struct ck_result *res)
{
	up_chunked_t st;
	size_t from = 0;

	up_chunked_init(&st, max);
	memset(res, 0, sizeof *res);
	for (size_t c = 0; c <= ncuts; c++) {
		size_t to = c < ncuts ? cuts[c] : n;
		size_t plen = to - from, dn;
		uint8_t *piece = dup_n(in + from, plen);
		ssize_t r = up_chunked_decode(&st, piece, plen, &dn);

		if (r < 0) {
			res->err = r;
			free(piece);
			return;
		}
		memcpy(res->out + res->out_len, piece, dn);
		res->out_len += dn;
		res->consumed += (size_t)r;
		res->done = up_chunked_done(&st);
		free(piece);
		from = to;
	}
}

static int ck_same(const struct ck_result *a, const struct ck_result *b)
{
	if (a->err || b->err)
		return a->err == b->err;
	return a->consumed == b->consumed && a->done == b->done &&
	       a->out_len == b->out_len && !memcmp(a->out, b->out, a->out_len);
}

/* Whole, every 2-way split, every 3-way split for short inputs, byte at a
 * time, in both APIs: all must agree with `want`. */
static void ck_check_all(const char *name, const char *in, size_t n,
                         uint64_t max, const struct ck_result *want)
{
	static struct ck_result got;
	size_t cuts[4096];

	ck_feed(in, n, NULL, 0, max, &got);
	if (!ck_same(&got, want)) {
		test_failed_ = 1;
		printf("# %s: whole input: err %zd consumed %zu done %d out %zu\n",
		       name, got.err, got.consumed, got.done, got.out_len);
		return;
	}
	/* Long inputs: every split near the ends, a stride in between. */
	for (size_t s = 0; s <= n; s += (n > 2000 && s > 100 && s + 100 < n) ? 97 : 1) {
		ck_feed(in, n, &s, 1, max, &got);
		if (!ck_same(&got, want)) {
			test_failed_ = 1;
			printf("# %s: split at %zu: err %zd\n", name, s, got.err);
			return;
		}
		ck_decode(in, n, &s, 1, max, &got);
		if (!ck_same(&got, want)) {
			test_failed_ = 1;
			printf("# %s: in-place split at %zu: err %zd\n", name, s, got.err);
			return;
		}
	}
	if (n <= 80) {
		for (size_t a = 0; a <= n; a++) {
			for (size_t b = a; b <= n; b++) {
				size_t c2[2] = { a, b };

				ck_feed(in, n, c2, 2, max, &got);
				if (!ck_same(&got, want)) {
					test_failed_ = 1;
					printf("# %s: split at %zu,%zu\n", name, a, b);
					return;
				}
			}
		}
	}
	if (n <= sizeof cuts / sizeof cuts[0]) {
		for (size_t i = 0; i < n; i++)
			cuts[i] = i;
		ck_feed(in, n, cuts, n, max, &got);
		if (!ck_same(&got, want)) {
			test_failed_ = 1;
			printf("# %s: byte at a time: err %zd\n", name, got.err);
		}
		ck_decode(in, n, cuts, n, max, &got);
		if (!ck_same(&got, want)) {
			test_failed_ = 1;
			printf("# %s: byte at a time in place: err %zd\n", name, got.err);
		}
	}
}

struct ck_row {
	const char *name;
	const char *in;
	size_t len;
	uint64_t max;
	ssize_t err;
	const char *out;       /* decoded body (when err is 0) */
	size_t rest;           /* bytes left after the body */
	int done;
};

static const struct ck_row ck_rows[] = {
	{ "multi with ext and trailers",
	  S("4;ext=1\r\nWiki\r\n5 ; a=\"b c\";d\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n"
	    "0;last\r\nTrailer: x\r\nOther: y\r\n\r\nGET / HTTP/1.1\r\n"),
	  0, 0, "Wikipedia in\r\n\r\nchunks.", 16, 1 },
	{ "upper-case hex", S("A\r\n0123456789\r\n0\r\n\r\n"), 0, 0, "0123456789", 0, 1 },
	{ "leading zeros", S("00000000000000000000004\r\nWiki\r\n000\r\n\r\n"), 0, 0, "Wiki", 0, 1 },
	{ "bare LF", S("4\nWiki\n0\n\n"), 0, 0, "Wiki", 0, 1 },
	{ "bare LF trailer", S("1\r\nx\r\n0\r\nT: 1\n\n"), 0, 0, "x", 0, 1 },
	{ "empty body", S("0\r\n\r\n"), 0, 0, "", 0, 1 },
	{ "incomplete", S("4\r\nWiki\r\n0\r\n"), 0, 0, "Wiki", 0, 0 },
	{ "incomplete data", S("8\r\nWiki"), 0, 0, "Wiki", 0, 0 },
	{ "exactly max", S("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"), 10, 0, "helloworld", 0, 1 },
	{ "over max", S("5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n"), 10, UP_ETOOBIG, NULL, 0, 0 },
	{ "huge size over max", S("ffffffffffffffff\r\n"), 1 << 20, UP_ETOOBIG, NULL, 0, 0 },
	{ "empty size", S("\r\nWiki\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "ext without size", S(";a=b\r\nWiki\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "non-hex size", S("x\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "0x prefix", S("0x4\r\nWiki\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "negative", S("-1\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "plus", S("+1\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "space in size", S("4 4\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "overflow", S("10000000000000000\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "data too long", S("4\r\nWikiX\r\n0\r\n\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "CR without LF after data", S("4\r\nWiki\r\r0\r\n\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "CR without LF after size", S("4\rWiki\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "ctl in ext", S("4;a\001\r\nWiki\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "NUL in ext", S("4;a\000\r\nWiki\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "ctl in trailer", S("0\r\nX: a\001b\r\n\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "CR without LF in trailer", S("0\r\nX: a\rb\r\n\r\n"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
	{ "CR without LF at end", S("0\r\n\rX"), 0, UP_EHTTP_CHUNK, NULL, 0, 0 },
};

static void test_chunked_rows(void)
{
	static struct ck_result want;

	for (size_t i = 0; i < sizeof ck_rows / sizeof ck_rows[0]; i++) {
		const struct ck_row *e = &ck_rows[i];

		memset(&want, 0, sizeof want);
		want.err = e->err;
		if (!e->err) {
			want.out_len = strlen(e->out);
			memcpy(want.out, e->out, want.out_len);
			want.consumed = e->len - e->rest;
			want.done = e->done;
		}
		ck_check_all(e->name, e->in, e->len, e->max, &want);
	}
}

static void test_chunked_limits(void)
{
	static char big[12000];
	static struct ck_result want;
	size_t n;

	/* A size line with UP_CHUNKED_MAX_LINE bytes of extensions. */
	n = (size_t)snprintf(big, sizeof big, "1;");
	memset(big + n, 'a', UP_CHUNKED_MAX_LINE);
	n += UP_CHUNKED_MAX_LINE;
	n += (size_t)snprintf(big + n, sizeof big - n, "\r\nx\r\n0\r\n\r\n");
	memset(&want, 0, sizeof want);
	want.err = UP_EHTTP_CHUNK;
	ck_check_all("long ext", big, n, 0, &want);

	/* Trailers over UP_CHUNKED_MAX_TRAILER. */
	n = (size_t)snprintf(big, sizeof big, "0\r\nX: ");
	memset(big + n, 'a', UP_CHUNKED_MAX_TRAILER);
	n += UP_CHUNKED_MAX_TRAILER;
	n += (size_t)snprintf(big + n, sizeof big - n, "\r\n\r\n");
	want.err = UP_ETOOBIG;
	ck_check_all("long trailer", big, n, 0, &want);

	/* Many small trailer fields under the cap are fine. */
	n = (size_t)snprintf(big, sizeof big, "0\r\n");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "T%d: v\r\n", i);
	n += (size_t)snprintf(big + n, sizeof big - n, "\r\n");
	memset(&want, 0, sizeof want);
	want.consumed = n;
	want.done = 1;
	ck_check_all("many trailers", big, n, 0, &want);

	/* Errors are sticky; nothing is consumed once the body is done. */
	up_chunked_t st;
	const uint8_t *d;
	size_t dn;
	up_chunked_init(&st, 0);
	CHECK_EQ(up_chunked_parse(&st, (const uint8_t *)"z", 1, &d, &dn), UP_EHTTP_CHUNK);
	CHECK_EQ(up_chunked_parse(&st, (const uint8_t *)"0\r\n\r\n", 5, &d, &dn), UP_EHTTP_CHUNK);
	up_chunked_init(&st, 0);
	CHECK_EQ(up_chunked_parse(&st, (const uint8_t *)"0\r\n\r\nX", 6, &d, &dn), 5);
	CHECK_EQ(up_chunked_done(&st), 1);
	CHECK_EQ(up_chunked_parse(&st, (const uint8_t *)"X", 1, &d, &dn), 0);
	CHECK_EQ(up_chunked_parse(&st, NULL, 0, &d, &dn), 0);
}

static void test_chunked_encode(void)
{
	uint8_t b[64];
	static uint8_t body[3000], wire[8000];
	size_t w = 0, sizes[] = { 1, 15, 16, 255, 256, 1000, 1457 };
	size_t off = 0, dn;
	up_chunked_t st;

	CHECK_EQ(up_chunked_header(b, sizeof b, 0x1a2b), 6);
	CHECK_MEM(b, 6, "1a2b\r\n");
	CHECK_EQ(up_chunked_header(b, sizeof b, 1), 3);
	CHECK_MEM(b, 3, "1\r\n");
	CHECK_EQ(up_chunked_header(b, 5, 0x1a2b), UP_ENOSPACE);
	CHECK_EQ(up_chunked_header(b, sizeof b, 0), UP_EINVAL);
	CHECK_EQ(up_chunked_header(b, UP_CHUNKED_HEADER_MAX, SIZE_MAX),
	         (int)UP_CHUNKED_HEADER_MAX);
	CHECK_EQ(up_chunked_end(b, 4), UP_ENOSPACE);
	CHECK_EQ(up_chunked_end(b, sizeof b), 5);
	CHECK_MEM(b, 5, "0\r\n\r\n");

	/* Round trip: encode with the helpers, decode in place. */
	for (size_t i = 0; i < sizeof body; i++)
		body[i] = (uint8_t)(i * 7 + 3);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		int h = up_chunked_header(wire + w, sizeof wire - w, sizes[i]);

		CHECK(h > 0);
		w += (size_t)h;
		memcpy(wire + w, body + off, sizes[i]);
		w += sizes[i];
		memcpy(wire + w, "\r\n", 2);
		w += 2;
		off += sizes[i];
	}
	w += (size_t)up_chunked_end(wire + w, sizeof wire - w);
	up_chunked_init(&st, 0);
	CHECK_EQ(up_chunked_decode(&st, wire, w, &dn), w);
	CHECK_EQ(dn, off);
	CHECK(off <= sizeof body && memcmp(wire, body, off) == 0);
	CHECK_EQ(up_chunked_done(&st), 1);
}

/* ---------------------------------------------------------------------- */
/* Helpers */

static void test_helpers(void)
{
	uint8_t out[64];
	char inplace[] = "a%20b+c%2f";

	CHECK_STR(up_http_status_text(200), "OK");
	CHECK_STR(up_http_status_text(404), "Not Found");
	CHECK_STR(up_http_status_text(502), "Bad Gateway");
	CHECK_STR(up_http_status_text(413), "Content Too Large");
	CHECK_STR(up_http_status_text(100), "Continue");
	CHECK_STR(up_http_status_text(299), "Unknown");
	CHECK_STR(up_http_status_text(-1), "Unknown");

	CHECK_EQ(up_http_error_status(UP_EHTTP_HEADER), 400);
	CHECK_EQ(up_http_error_status(UP_EHTTP_TE), 501);
	CHECK_EQ(up_http_error_status(UP_EHTTP_VERSION), 505);
	CHECK_EQ(up_http_error_status(UP_EHTTP_TOOMANY), 431);
	CHECK_EQ(up_http_error_status(UP_ETOOBIG), 413);
	CHECK_EQ(up_http_error_status(UP_ESYS), 500);

	CHECK_EQ(up_http_header_value_ok((const uint8_t *)"a b\tc\200", 6), 1);
	CHECK_EQ(up_http_header_value_ok((const uint8_t *)"", 0), 1);
	CHECK_EQ(up_http_header_value_ok((const uint8_t *)"a\r\nX-Injected: yes", 18), 0);
	CHECK_EQ(up_http_header_value_ok((const uint8_t *)"a\nb", 3), 0);
	CHECK_EQ(up_http_header_value_ok((const uint8_t *)"a\rb", 3), 0);
	CHECK_EQ(up_http_header_value_ok((const uint8_t *)"a\000b", 3), 0);
	CHECK_EQ(up_http_header_name_ok((const uint8_t *)"X-Foo", 5), 1);
	CHECK_EQ(up_http_header_name_ok((const uint8_t *)"X Foo", 5), 0);
	CHECK_EQ(up_http_header_name_ok((const uint8_t *)"X:", 2), 0);
	CHECK_EQ(up_http_header_name_ok((const uint8_t *)"", 0), 0);

	CHECK_EQ(up_http_pct_decode((const uint8_t *)"a%2Fb%41", 8, out, sizeof out, 0), 4);
	CHECK_MEM(out, 4, "a/bA");
	CHECK_EQ(up_http_pct_decode((const uint8_t *)"a+b", 3, out, sizeof out, 0), 3);
	CHECK_MEM(out, 3, "a+b");
	CHECK_EQ(up_http_pct_decode((const uint8_t *)"a+b", 3, out, sizeof out, UP_HTTP_PCT_PLUS), 3);
	CHECK_MEM(out, 3, "a b");
	CHECK_EQ(up_http_pct_decode((const uint8_t *)"%00", 3, out, sizeof out, 0), UP_EHTTP_URI);
	CHECK_EQ(up_http_pct_decode((const uint8_t *)"%00", 3, out, sizeof out, UP_HTTP_PCT_NUL_OK), 1);
	CHECK_EQ(out[0], 0);
	CHECK_EQ(up_http_pct_decode((const uint8_t *)"%g0", 3, out, sizeof out, 0), UP_EHTTP_URI);
	CHECK_EQ(up_http_pct_decode((const uint8_t *)"%0", 2, out, sizeof out, 0), UP_EHTTP_URI);
	CHECK_EQ(up_http_pct_decode((const uint8_t *)"%", 1, out, sizeof out, 0), UP_EHTTP_URI);
	CHECK_EQ(up_http_pct_decode((const uint8_t *)"abc", 3, out, 2, 0), UP_ENOSPACE);
	CHECK_EQ(up_http_pct_decode((const uint8_t *)"%41%42", 6, out, 2, 0), 2);
	CHECK_EQ(up_http_pct_decode((const uint8_t *)"", 0, out, 0, 0), 0);
	CHECK_EQ(up_http_pct_decode((uint8_t *)inplace, 10, (uint8_t *)inplace,
	                            10, UP_HTTP_PCT_PLUS), 6);
	CHECK_MEM(inplace, 6, "a b c/");
}

static const struct test_case tests[] = {
	T(test_request_errors),
	T(test_request_ok),
	T(test_request_fields),
	T(test_request_pipelined),
	T(test_cgi_vars),
	T(test_cgi_minimal),
	T(test_cgi_bad_path),
	T(test_responses),
	T(test_has_body),
	T(test_chunked_rows),
	T(test_chunked_limits),
	T(test_chunked_encode),
	T(test_helpers),
};

TEST_MAIN(tests)
