/* libFuzzer target for uwsgi-cgi's reading of the backend's answer
 * (relay.c): the HTTP response head turned into a CGI head, interim 1xx
 * heads, and the body framed by Content-Length, chunks or the close.
 *
 * Input: a control byte, then the backend's bytes. Bit 0 of the control
 * byte makes the script an nph- one, bit 1 the request a HEAD; the other
 * bits give the size of the pieces the bytes arrive in. The bytes are fed
 * twice, whole and in pieces: what reaches stdout and how it ends (done,
 * waiting, or the one-line error) must not depend on the pieces. A
 * failure must be one line, and the CGI head must end in a blank line.
 *
 * reply.c is replaced by the stubs below: they collect the output and
 * turn reply_fail's exit into a longjmp.
 */
#include "../../bin/uwsgi-cgi/relay.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

struct run {
	up_buf_t out;
	char fail[768];
	int failed, status;
};

static struct run *cur;
static jmp_buf fail_jmp;

void reply_write(const void *p, size_t n)
{
	up_buf_append(&cur->out, p, n);
}

void reply_fail(int status, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cur->fail, sizeof cur->fail, fmt, ap);
	va_end(ap);
	ASSERT(code == EXIT_CGI_RESPONSE && status == 502);
	ASSERT(!strchr(cur->fail, '\n') && cur->fail[0]);
	cur->failed = 1;
	longjmp(fail_jmp, 1);
}

/* Feed data in pieces of `piece` bytes (0: whole), then the close. Returns
 * how it ended: 1 done before the close, 2 done by the close, 0 failed. */
static int feed(struct relay *r, struct run *out, const uint8_t *data, size_t size,
                size_t piece, int nph, const char *method)
{
	volatile int done = 0;
	volatile size_t off = 0;
	cur = out;
	up_buf_init(&out->out, 0);
	relay_init(r, "127.0.0.1:3031", method, nph);
	if (setjmp(fail_jmp))
		return 0;
	while (!done && off < size) {
		size_t n = piece && piece < size - off ? piece : size - off;
		done = relay_feed(r, data + off, n);
		off += n;
	}
	if (done)
		return 1;
	relay_eof(r);
	ASSERT(r->state == RELAY_DONE && r->framing == FRAME_EOF);
	return 2;
}

static struct relay whole, pieces;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int nph = data[0] & 1;
	const char *method = data[0] & 2 ? "HEAD" : "GET";
	size_t piece = (size_t)(data[0] >> 2) + 1;
	struct run a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	int ea = feed(&whole, &a, data + 1, size - 1, 0, nph, method);
	int eb = feed(&pieces, &b, data + 1, size - 1, piece, nph, method);
	/* The close can come where a piece boundary would have ended the
	 * head, so only failures, output and completion are compared. */
	ASSERT((ea == 0) == (eb == 0));
	if (ea && eb) {
		ASSERT(a.out.len == b.out.len);
		ASSERT(a.out.len == 0 || !memcmp(up_buf_head(&a.out), up_buf_head(&b.out), a.out.len));
	} else {
		/* Failing on the same bytes, the messages agree but the count of
		 * bytes seen, which may differ. */
		ASSERT(a.failed && b.failed);
	}
	if (ea && !nph && a.out.len) {
		const char *head = (const char *)up_buf_head(&a.out);
		ASSERT(a.out.len >= 12 && !memcmp(head, "Status: ", 8));
		ASSERT(memmem(head, a.out.len, "\r\n\r\n", 4));
	}
	up_buf_free(&a.out);
	up_buf_free(&b.out);
	return 0;
}
