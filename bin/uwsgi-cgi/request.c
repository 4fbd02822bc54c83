#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "reply.h"
#include "uwsgiproto/error.h"
#include "uwsgiproto/vars.h"

extern char **environ;

/* RFC 3875 §4.1, then what Apache, lighttpd and nginx add. CONTENT_LENGTH
 * is not here: it is written from the length actually sent. */
static const char *const cgi_names[] = {
	"AUTH_TYPE", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO",
	"PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST",
	"REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD", "SCRIPT_NAME",
	"SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE",
	"CONTEXT_DOCUMENT_ROOT", "CONTEXT_PREFIX", "DOCUMENT_ROOT", "HTTPS",
	"REDIRECT_STATUS", "REMOTE_PORT", "REQUEST_SCHEME", "REQUEST_URI",
	"SCRIPT_FILENAME", "SCRIPT_URI", "SCRIPT_URL", "SERVER_ADDR",
	"SERVER_ADMIN", "SERVER_SIGNATURE", "UNIQUE_ID",
};
/* Request headers, Apache's copies after an internal redirect, mod_ssl's
 * connection details. */
static const char *const cgi_prefixes[] = { "HTTP_", "REDIRECT_", "SSL_" };

static int is(const char *key, size_t klen, const char *name)
{
	return strlen(name) == klen && memcmp(key, name, klen) == 0;
}

static int has_prefix(const char *key, size_t klen, const char *pre, size_t pl)
{
	return klen > pl && memcmp(key, pre, pl) == 0;
}

static int passed(const struct conf *c, const char *key, size_t klen)
{
	for (size_t i = 0; i < c->pass.n; i++) {
		const char *p = c->pass.v[i];
		size_t pl = strlen(p);
		if (p[pl - 1] != '*' && is(key, klen, p))
			return 1;
		if (p[pl - 1] == '*' && klen >= pl - 1 && memcmp(key, p, pl - 1) == 0)
			return 1;
	}
	return 0;
}

/* The rule of uwsgi-cgi(1), "The request": is this environment variable a
 * var to send? */
static int forwarded(const struct conf *c, const char *key, size_t klen)
{
	/* httpoxy: a "Proxy:" header must never look like a proxy setting. */
	if (is(key, klen, "HTTP_PROXY") || is(key, klen, "REDIRECT_HTTP_PROXY"))
		return 0;
	if (is(key, klen, "CONTENT_LENGTH"))
		return 0;
	for (size_t i = 0; i < sizeof cgi_names / sizeof cgi_names[0]; i++)
		if (is(key, klen, cgi_names[i]))
			return 1;
	for (size_t i = 0; i < sizeof cgi_prefixes / sizeof cgi_prefixes[0]; i++)
		if (has_prefix(key, klen, cgi_prefixes[i], strlen(cgi_prefixes[i])))
			return 1;
	return passed(c, key, klen);
}

/* 1 if a --var from index `from` on is named key: --var replaces the
 * environment's value, and a later --var an earlier one. */
static int var_named(const struct conf *c, size_t from, const char *key, size_t klen)
{
	for (size_t i = from; i < c->vars.n; i++)
		if (strncmp(c->vars.v[i], key, klen) == 0 && c->vars.v[i][klen] == '=')
			return 1;
	return 0;
}

/* Percent-encode a decoded path (SCRIPT_NAME, PATH_INFO) back into URI
 * form: everything but RFC 3986 pchar and '/' is escaped. */
static size_t pct_encode(char *out, const char *in)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char keep[] = "-._~!$&'()*+,;=:@/";
	char *w = out;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(keep, *p)) {
			*w++ = (char)*p;
		} else {
			*w++ = '%';
			*w++ = hex[*p >> 4];
			*w++ = hex[*p & 15];
		}
	}
	return (size_t)(w - out);
}

/* REQUEST_URI for servers that do not send one: SCRIPT_NAME, PATH_INFO
 * and the query, as the client would have written them. */
static void add_request_uri(up_vars_builder_t *b)
{
	const char *sn = getenv("SCRIPT_NAME"), *pi = getenv("PATH_INFO");
	const char *qs = getenv("QUERY_STRING");
	sn = sn ? sn : "";
	pi = pi ? pi : "";
	qs = qs ? qs : "";
	size_t cap = 3 * (strlen(sn) + strlen(pi)) + strlen(qs) + 3;
	char *uri = malloc(cap);
	if (!uri)
		reply_fail(502, EXIT_CGI_CONFIG, "out of memory");
	size_t n = pct_encode(uri, sn);
	n += pct_encode(uri + n, pi);
	if (n == 0)
		uri[n++] = '/';
	if (*qs) {
		uri[n++] = '?';
		memcpy(uri + n, qs, strlen(qs));
		n += strlen(qs);
	}
	up_vars_add(b, "REQUEST_URI", 11, uri, n);
	free(uri);
}

static void add_env(up_vars_builder_t *b, const struct conf *c)
{
	for (char **e = environ; *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq || eq == *e)
			continue;
		size_t kl = (size_t)(eq - *e);
		if (forwarded(c, *e, kl) && !var_named(c, 0, *e, kl))
			up_vars_add(b, *e, kl, eq + 1, strlen(eq + 1));
	}
	if (!getenv("REQUEST_URI") && !var_named(c, 0, "REQUEST_URI", 11))
		add_request_uri(b);
}

static void add_content_length(up_vars_builder_t *b, const struct request *r)
{
	/* Only with a body, as RFC 3875 has it; HEAD and GET stay without. */
	const char *cl = getenv("CONTENT_LENGTH");
	if (r->body_len == 0 && (!cl || !*cl))
		return;
	char num[24];
	int n = snprintf(num, sizeof num, "%llu", (unsigned long long)r->body_len);
	up_vars_add(b, "CONTENT_LENGTH", 14, num, (size_t)n);
}

static int script_is_nph(const struct conf *c)
{
	const char *s = c->script ? c->script : getenv("SCRIPT_FILENAME");
	if (!s)
		return 0;
	const char *base = strrchr(s, '/');
	return strncmp(base ? base + 1 : s, "nph-", 4) == 0;
}

void request_build(struct request *r, const struct conf *c, uint8_t *pkt)
{
	up_vars_builder_t b;

	r->method = getenv("REQUEST_METHOD");
	if (!r->method || !*r->method)
		r->method = "GET";
	r->nph = script_is_nph(c);
	reply_set_nph(r->nph);
	body_find(&r->body_fd, &r->body_len, c->timeout_ms);

	up_vars_builder_init(&b, pkt, REQUEST_MAX);
	add_env(&b, c);
	add_content_length(&b, r);
	for (size_t i = 0; i < c->vars.n; i++) {
		const char *v = c->vars.v[i];
		size_t kl = strcspn(v, "=");
		if (!var_named(c, i + 1, v, kl))
			up_vars_add(&b, v, kl, v + kl + 1, strlen(v + kl + 1));
	}
	int n = up_vars_finish(&b, (uint8_t)c->modifier1, (uint8_t)c->modifier2);
	if (n == UP_ETOOBIG || n == UP_ENOSPACE)
		reply_fail(431, EXIT_CGI_REQUEST, "the request's vars do not fit in "
			   "one uwsgi packet (65535 bytes at most)");
	if (n < 0)
		reply_fail(502, EXIT_CGI_REQUEST, "vars: %s", up_strerror(n));
	r->pkt_len = (size_t)n;
}
