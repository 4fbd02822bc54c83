/* libFuzzer target for what uwsgi-send makes of its arguments
 * (request.c): the path and query (percent-decoded into PATH_INFO), the
 * address or --host (SERVER_NAME, SERVER_PORT, HTTP_HOST), -H headers,
 * --var and spool assignments, RPC arguments, --echo; then the -v listing
 * of the packet.
 *
 * Input: a control byte (bits 0-2 the mode), then NUL-separated strings:
 * the address, the path, --host (empty: none), then the rest alternating
 * between -H values and --var/argument values. A bad argument must end in
 * die() with one line (a longjmp here); otherwise the packet must be a
 * well-formed uwsgi packet of the mode's modifier1 within REQUEST_MAX.
 *
 * die() and warn() are stubs; leak checking is off around request_build,
 * whose die() paths leave the process in the real tool. Written for both
 * shapes of send.h: plain arrays, and the option engine's lists.
 */
#include "../../bin/uwsgi-send/request.c"

#include <sanitizer/lsan_interface.h>
#include <setjmp.h>
#include <stdarg.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

const char *progname = "uwsgi-send";
int die_quiet;
static jmp_buf die_jmp;

void die(int status, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	ASSERT(status == EXIT_SEND_USAGE && line[0]);
	longjmp(die_jmp, 1);
}

void warn(const char *fmt, ...)
{
	(void)fmt;
}

/* request.c names the body and connection modules for --body-file and
 * --write-packet, which stay unset. */
void body_open(struct body *b, const struct up_opt_list *list)
{
	(void)b; (void)list;
	__builtin_trap();
}

int body_send(struct body *b, struct conn *c)
{
	(void)b; (void)c;
	__builtin_trap();
}

int conn_send(struct conn *c, const void *p, size_t n)
{
	(void)c; (void)p; (void)n;
	__builtin_trap();
}

void body_open_file(struct body *b, const char *path)
{
	(void)b; (void)path;
	__builtin_trap();
}

void body_load(struct body *b, size_t room)
{
	(void)b; (void)room;
	__builtin_trap();
}

void body_close(struct body *b)
{
	(void)b;
	__builtin_trap();
}

static const enum send_mode modes[8] = {
	MODE_WSGI, MODE_WSGI, MODE_RPC, MODE_SPOOL, MODE_RAW, MODE_ECHO, MODE_PING, MODE_WSGI,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* -v's listing goes to stderr: to /dev/null for the call only, so that
 * libFuzzer's reports still show. */
static void print_quietly(const uint8_t *pkt, size_t n)
{
	static int null = -1;
	if (null < 0)
		null = open("/dev/null", O_WRONLY);
	int saved = dup(2);
	ASSERT(null >= 0 && saved >= 0);
	fflush(stderr);
	dup2(null, 2);
	request_print(pkt, n);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[REQUEST_MAX];
	if (size < 1 || size > 8192)
		return 0;
	/* The strings, NUL-terminated, in one copy. */
	static char empty[1];
	char *text = malloc(size);
	char *strs[64];
	int ns = 0;
	ASSERT(text);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0;
	for (char *p = text; ns < 64 && p < text + size - 1; p += strlen(p) + 1)
		strs[ns++] = p;
	while (ns < 3)
		strs[ns++] = empty;
	char *hdrs[32], *vars[32];
	int nh = 0, nv = 0;
	for (int i = 3; i < ns; i++) {
		if (i % 2)
			hdrs[nh++] = strs[i];
		else
			vars[nv++] = strs[i];
	}
	struct send_opts o;
	memset(&o, 0, sizeof o);
	o.mode = modes[data[0] & 7];
	o.address = strs[0][0] ? strs[0] : "127.0.0.1:3031";
	o.path = strs[1];
	o.host = strs[2][0] ? strs[2] : NULL;
	o.headers = (struct up_opt_list){ hdrs, (size_t)nh };
	o.vars = (struct up_opt_list){ vars, (size_t)nv };
	o.args = vars;
	o.nargs = nv;
	o.echo = strs[1];
	o.head = (data[0] >> 3) & 1;
	o.modifier1 = data[0] >> 4 ? (data[0] >> 4) + 100 : 0;
	o.modifier2 = -1;
	int64_t body_len = (data[0] >> 3) & 1 ? 12 : -1;
	size_t n = 0;
	__lsan_disable();
	if (setjmp(die_jmp) == 0)
		n = request_build(&o, NULL, body_len, pkt);
	__lsan_enable();
	if (n) {
		up_header_t h;
		ASSERT(n >= 4 && n <= REQUEST_MAX);
		ASSERT(up_header_decode(pkt, n, &h) == UP_HEADER_SIZE && h.datasize == n - 4);
		if (o.mode == MODE_WSGI || o.mode == MODE_SPOOL)
			ASSERT(up_vars_check(pkt + 4, h.datasize, NULL) >= (o.mode == MODE_WSGI));
		if (o.mode == MODE_RPC)
			ASSERT(up_array_check(pkt + 4, h.datasize, NULL) == nv);
		print_quietly(pkt, n);
	}
	free(text);
	return 0;
}
