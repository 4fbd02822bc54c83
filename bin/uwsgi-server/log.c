#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "procmem.h"
#include "uwsgiproto/buf.h"

int log_open(const struct config *c)
{
	if (!c->logto)
		return 0;
	int fd = open(c->logto, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		warn("--logto %s: %s", c->logto, strerror(errno));
		return -1;
	}
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	return 0;
}

void log_reopen(const struct config *c)
{
	if (c->logto && log_open(c) == 0)
		warn("log file %s reopened", c->logto);
}

static void emit(up_buf_t *b)
{
	if (up_buf_append(b, "\n", 1) == 0) {
		ssize_t n = write(STDERR_FILENO, up_buf_head(b), b->len);
		(void)n;
	}
	up_buf_free(b);
}

static void str_var(up_buf_t *b, const struct request *r, const char *key)
{
	size_t l = 0;
	const char *v = req_var(r, key, &l);
	up_buf_append(b, v ? v : "", v ? l : 0);
}

/* One %(name) of --log-format; unknown names print as "-". */
static void field(up_buf_t *b, const char *name, size_t nl, const struct request *r,
		  const struct reqlog *l)
{
	char tmp[64];
	uint64_t vsz = 0, rss = 0;
#define IS(s) (nl == sizeof(s) - 1 && memcmp(name, s, nl) == 0)
	if (nl > 4 && memcmp(name, "var.", 4) == 0) {
		char key[128];
		snprintf(key, sizeof key, "%.*s", (int)(nl - 4), name + 4);
		str_var(b, r, key);
	} else if (IS("addr")) str_var(b, r, "REMOTE_ADDR");
	else if (IS("user")) str_var(b, r, "REMOTE_USER");
	else if (IS("host")) str_var(b, r, "HTTP_HOST");
	else if (IS("referer")) str_var(b, r, "HTTP_REFERER");
	else if (IS("uagent")) str_var(b, r, "HTTP_USER_AGENT");
	else if (IS("cl")) str_var(b, r, "CONTENT_LENGTH");
	else if (IS("method")) up_buf_append(b, r->method, r->method_len);
	else if (IS("uri")) up_buf_append(b, r->uri, r->uri_len);
	else if (IS("proto")) up_buf_append(b, r->proto, r->proto_len);
	else if (IS("status")) up_buf_printf(b, "%d", r->status);
	else if (IS("size")) up_buf_printf(b, "%llu", (unsigned long long)r->resp_bytes);
	else if (IS("rsize")) up_buf_printf(b, "%llu", (unsigned long long)(r->resp_bytes + r->resp_head_bytes));
	else if (IS("hsize")) up_buf_printf(b, "%zu", r->resp_head_bytes);
	else if (IS("headers")) up_buf_printf(b, "%d", r->resp_headers);
	else if (IS("vars")) up_buf_printf(b, "%zu", r->nvars);
	else if (IS("pktsize")) up_buf_printf(b, "%zu", r->vars_bytes);
	else if (IS("msecs")) up_buf_printf(b, "%llu", (unsigned long long)(l->duration_us / 1000));
	else if (IS("micros")) up_buf_printf(b, "%llu", (unsigned long long)l->duration_us);
	else if (IS("pid")) up_buf_printf(b, "%d", (int)l->pid);
	else if (IS("wid")) up_buf_printf(b, "%d", l->wid);
	else if (IS("core")) up_buf_printf(b, "%d", l->core);
	else if (IS("switches")) up_buf_puts(b, "1");
	else if (IS("time") || IS("epoch")) up_buf_printf(b, "%lld", (long long)(l->start_us / 1000000));
	else if (IS("ltime")) {
		time_t t = (time_t)(l->start_us / 1000000);
		struct tm tm;
		strftime(tmp, sizeof tmp, "%d/%b/%Y:%H:%M:%S %z", localtime_r(&t, &tm));
		up_buf_puts(b, tmp);
	} else if (IS("rss") || IS("vsz") || IS("rssM") || IS("vszM")) {
		proc_memory(0, &rss, &vsz);
		uint64_t v = name[0] == 'r' ? rss : vsz;
		up_buf_printf(b, "%llu", (unsigned long long)(nl == 4 ? v >> 20 : v));
	} else
		up_buf_puts(b, "-");
#undef IS
}

static void custom_format(up_buf_t *b, const char *fmt, const struct request *r,
			  const struct reqlog *l)
{
	const char *p = fmt;
	while (*p) {
		const char *open = strstr(p, "%(");
		const char *close = open ? strchr(open, ')') : NULL;
		if (!close) {
			up_buf_puts(b, p);
			return;
		}
		up_buf_append(b, p, (size_t)(open - p));
		field(b, open + 2, (size_t)(close - open - 2), r, l);
		p = close + 1;
	}
}

static void default_format(up_buf_t *b, const struct config *c, const struct request *r,
			   const struct reqlog *l)
{
	char date[64];
	time_t t = (time_t)(l->start_us / 1000000);
	struct tm tm;
	strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", localtime_r(&t, &tm));
	if (c->memory_report) {
		uint64_t vsz, rss;
		proc_memory(0, &rss, &vsz);
		up_buf_printf(b, "{address space usage: %llu bytes/%lluMB} {rss usage: %llu "
			      "bytes/%lluMB} ", (unsigned long long)vsz,
			      (unsigned long long)(vsz >> 20), (unsigned long long)rss,
			      (unsigned long long)(rss >> 20));
	}
	size_t al = 0, ul = 0;
	const char *addr = req_var(r, "REMOTE_ADDR", &al);
	const char *user = req_var(r, "REMOTE_USER", &ul);
	up_buf_printf(b, "[pid: %d|app: %d|req: %llu/%llu] %.*s (%.*s) {%zu vars in %zu bytes} "
		      "[%s] %.*s %.*s => generated %llu bytes in %llu msecs (%.*s %d) "
		      "%d headers in %zu bytes (1 switches on core %d)",
		      (int)l->pid, l->app, (unsigned long long)l->worker_requests,
		      (unsigned long long)l->total_requests, (int)al, addr ? addr : "",
		      (int)ul, user ? user : "", r->nvars, r->vars_bytes, date,
		      (int)r->method_len, r->method, (int)r->uri_len, r->uri,
		      (unsigned long long)r->resp_bytes,
		      (unsigned long long)(l->duration_us / 1000), (int)r->proto_len,
		      r->proto, r->status, r->resp_headers, r->resp_head_bytes, l->core);
}

void log_request(const struct config *c, const struct request *r, const struct reqlog *l)
{
	if (c->disable_logging)
		return;
	up_buf_t b;
	up_buf_init(&b, 1u << 16);
	if (c->log_format)
		custom_format(&b, c->log_format, r, l);
	else
		default_format(&b, c, r, l);
	emit(&b);
}

void log_conn_error(const char *peer, const char *reason)
{
	up_buf_t b;
	up_buf_init(&b, 4096);
	up_buf_printf(&b, "[pid: %d] %s: %s", (int)getpid(), peer && *peer ? peer : "-", reason);
	emit(&b);
}

void log_line(const char *fmt, ...)
{
	up_buf_t b;
	va_list ap;
	up_buf_init(&b, 4096);
	va_start(ap, fmt);
	up_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	emit(&b);
}
