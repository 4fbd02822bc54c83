#include "request.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "body.h"
#include "die.h"
#include "uwsgiproto/http.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"
#include "uwsgiproto/vars.h"

/* The vars of one request before encoding: later entries for a key replace
 * earlier ones, and a NULL value deletes. */
struct pair {
	const char *k, *v;
	size_t kl, vl;
};

struct varlist {
	struct pair *p;
	size_t n, cap;
	char *store[4];   /* memory the values point into, freed at the end */
};

static void vl_set(struct varlist *l, const char *k, size_t kl, const char *v, size_t vl)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->p[i].kl == kl && memcmp(l->p[i].k, k, kl) == 0) {
			l->p[i].v = v;
			l->p[i].vl = vl;
			return;
		}
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->p = realloc(l->p, l->cap * sizeof *l->p);
		if (!l->p)
			die(EXIT_SEND_USAGE, "out of memory");
	}
	l->p[l->n++] = (struct pair){ k, v, kl, vl };
}

static void vl_sets(struct varlist *l, const char *k, const char *v)
{
	vl_set(l, k, strlen(k), v, v ? strlen(v) : 0);
}

static void vl_free(struct varlist *l)
{
	free(l->p);
	for (size_t i = 0; i < sizeof l->store / sizeof l->store[0]; i++)
		free(l->store[i]);
}

static char *keep(struct varlist *l, int slot, size_t n)
{
	char *m = malloc(n ? n : 1);
	if (!m)
		die(EXIT_SEND_USAGE, "out of memory");
	l->store[slot] = m;
	return m;
}

const char *request_method(const struct send_opts *o)
{
	if (o->method)
		return o->method;
	if (o->head)
		return "HEAD";
	return o->data.n ? "POST" : "GET";
}

/* --var KEY=VALUE and spool's KEY=VALUE: split at the first '='. */
static void add_assignment(struct varlist *l, const char *a, const char *what)
{
	const char *eq = strchr(a, '=');
	if (!eq || eq == a)
		die(EXIT_SEND_USAGE, "%s '%s': expected KEY=VALUE", what, a);
	vl_set(l, a, (size_t)(eq - a), eq + 1, strlen(eq + 1));
}

/* -H 'Name: value' → HTTP_NAME (CONTENT_TYPE/CONTENT_LENGTH unprefixed);
 * 'Name:' removes, 'Name;' sends an empty value, as curl's -H does. */
static void add_headers(struct varlist *l, const struct send_opts *o)
{
	size_t total = 0;
	for (size_t i = 0; i < o->headers.n; i++)
		total += strlen(o->headers.v[i]) + 6;
	char *w = keep(l, 0, total);
	for (size_t i = 0; i < o->headers.n; i++) {
		const char *h = o->headers.v[i];
		size_t nl = strcspn(h, ":;");
		if (!h[nl] || nl == 0 || !up_http_header_name_ok((const uint8_t *)h, nl))
			die(EXIT_SEND_USAGE, "-H '%s': expected 'Name: value'", h);
		const char *v = h + nl + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		int empty_ok = h[nl] == ';';
		if (empty_ok && *v)
			die(EXIT_SEND_USAGE, "-H '%s': use 'Name: value' or 'Name;'", h);
		char *key = w;
		int plain = (nl == 12 && strncasecmp(h, "Content-Type", 12) == 0) ||
			    (nl == 14 && strncasecmp(h, "Content-Length", 14) == 0);
		if (!plain)
			w = stpcpy(w, "HTTP_");
		for (size_t j = 0; j < nl; j++)
			*w++ = h[j] == '-' ? '_' : (char)toupper((unsigned char)h[j]);
		size_t kl = (size_t)(w - key);
		vl_set(l, key, kl, (*v || empty_ok) ? v : NULL, strlen(v));
	}
}

/* SERVER_NAME, SERVER_PORT and HTTP_HOST from --host, else from the
 * address: what a browser would have put in the URL. */
static void server_vars(struct varlist *l, const struct send_opts *o)
{
	const char *a = o->address;
	size_t cap = strlen(a) + (o->host ? strlen(o->host) : 0) + 16;
	char *host = keep(l, 1, 2 * cap);
	char *name = host + cap;
	if (o->host)
		snprintf(host, cap, "%s", o->host);
	else if (a[0] == ':')
		snprintf(host, cap, "localhost%s", a);
	else if (a[0] == '/' || a[0] == '.' || a[0] == '@')
		snprintf(host, cap, "localhost");
	else
		snprintf(host, cap, "%s", a);
	const char *colon = strrchr(host, ':'), *bracket = strrchr(host, ']');
	const char *port = "80";
	size_t nl = strlen(host);
	if (colon && (!bracket || colon > bracket)) {
		nl = (size_t)(colon - host);
		port = colon + 1;
	}
	memcpy(name, host, nl);
	name[nl] = 0;
	vl_sets(l, "SERVER_PORT", port);
	vl_sets(l, "SERVER_NAME", name);
	vl_sets(l, "HTTP_HOST", host);
}

static void wsgi_vars(struct varlist *l, const struct send_opts *o,
		      const struct conn *c, int64_t body_len)
{
	const char *p = o->path[0] ? o->path : "/";
	size_t plen = strlen(p);
	char *uri = keep(l, 2, plen + 2);
	snprintf(uri, plen + 2, "%s%s", p[0] == '/' ? "" : "/", p);
	const char *q = strchr(uri, '?');
	size_t pathlen = q ? (size_t)(q - uri) : strlen(uri);
	char *decoded = keep(l, 3, pathlen + 64 + 64);
	ssize_t dl = up_http_pct_decode((const uint8_t *)uri, pathlen,
					(uint8_t *)decoded, pathlen, 0);
	if (dl < 0)
		die(EXIT_SEND_USAGE, "path '%s': %s", o->path, up_strerror((int)dl));
	char *num = decoded + pathlen, *rport = num + 32;

	vl_sets(l, "QUERY_STRING", q ? q + 1 : "");
	vl_sets(l, "REQUEST_METHOD", request_method(o));
	vl_sets(l, "CONTENT_TYPE", body_len >= 0 ? "application/x-www-form-urlencoded" : "");
	snprintf(num, 32, "%lld", (long long)body_len);
	vl_sets(l, "CONTENT_LENGTH", body_len >= 0 ? num : "");
	vl_sets(l, "REQUEST_URI", uri);
	vl_set(l, "PATH_INFO", 9, decoded, (size_t)dl);
	vl_sets(l, "SERVER_PROTOCOL", "HTTP/1.1");
	vl_sets(l, "REQUEST_SCHEME", "http");
	if (c) {
		/* The client of this request is our end of the connection. */
		up_addr_t self;
		int port = 0;
		if (up_addr_local(c->fd, &self, NULL) == 0 && self.family != AF_UNIX) {
			char *host = rport + 16;
			up_addr_host_port((struct sockaddr *)&self.ss, self.len, host, 64, &port);
			vl_sets(l, "REMOTE_ADDR", host);
			snprintf(rport, 16, "%d", port);
			vl_sets(l, "REMOTE_PORT", rport);
		} else {
			vl_sets(l, "REMOTE_ADDR", "unix:");
			vl_sets(l, "REMOTE_PORT", "");
		}
	}
	server_vars(l, o);
	vl_sets(l, "HTTP_USER_AGENT", "uwsgi-send/" UP_VERSION);
	vl_sets(l, "HTTP_ACCEPT", "*/*");
	add_headers(l, o);
	for (size_t i = 0; i < o->vars.n; i++)
		add_assignment(l, o->vars.v[i], "--var");
}

static size_t encode_vars(const struct varlist *l, up_vars_builder_t *b)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->p[i].v)
			up_vars_add(b, l->p[i].k, l->p[i].kl, l->p[i].v, l->p[i].vl);
	if (b->err == UP_ETOOBIG || b->err == UP_ENOSPACE)
		die(EXIT_SEND_USAGE, "the vars do not fit in one packet (65535 bytes at most)");
	if (b->err)
		die(EXIT_SEND_USAGE, "vars: %s", up_strerror(b->err));
	return b->len;
}

/* Raw payloads that are not vars-framed carry --body-file inside datasize. */
static size_t raw_payload(const struct send_opts *o, uint8_t *w, size_t room)
{
	if (!o->body_file)
		return 0;
	struct body b;
	body_open_file(&b, o->body_file);
	if (b.len > room)
		die(EXIT_SEND_USAGE, "--body-file %s: %llu bytes do not fit in the packet "
		    "(modifier1 %d carries it inside datasize, 65535 bytes at most)",
		    o->body_file, (unsigned long long)b.len, o->modifier1);
	body_load(&b, room);
	memcpy(w, b.mem, b.len);
	size_t n = b.len;
	body_close(&b);
	return n;
}

size_t request_build(const struct send_opts *o, const struct conn *c,
		     int64_t body_len, uint8_t *buf)
{
	struct varlist l = { 0 };
	up_vars_builder_t b;
	int m1 = UP_MOD_WSGI, m2 = 0;
	up_vars_builder_init(&b, buf, REQUEST_MAX);

	switch (o->mode) {
	case MODE_WSGI:
		wsgi_vars(&l, o, c, body_len);
		encode_vars(&l, &b);
		break;
	case MODE_PING:
		m1 = UP_MOD_PING;
		break;
	case MODE_SIGNAL:
		m1 = UP_MOD_SIGNAL;
		m2 = o->signum;
		break;
	case MODE_RELOAD:
		m1 = o->brutal ? UP_MOD_BRUTAL_RELOAD : UP_MOD_GRACEFUL_RELOAD;
		break;
	case MODE_ECHO: {
		size_t n = strlen(o->echo);
		if (n > UP_MAX_DATASIZE)
			die(EXIT_SEND_USAGE, "--echo: %zu bytes do not fit in a packet "
			    "(65535 at most)", n);
		m1 = UP_MOD_ECHO;
		memcpy(buf + 4, o->echo, n);
		b.len = n;
		break;
	}
	case MODE_RPC:
		m1 = UP_MOD_RPC;
		for (int i = 0; i < o->nargs; i++)
			up_array_add(&b, o->args[i], strlen(o->args[i]));
		if (b.err)
			die(EXIT_SEND_USAGE, "RPC arguments do not fit in one packet "
			    "(65535 bytes at most)");
		break;
	case MODE_SPOOL:
		m1 = UP_MOD_SPOOL;
		for (int i = 0; i < o->nargs; i++)
			add_assignment(&l, o->args[i], "--spool");
		for (size_t i = 0; i < o->vars.n; i++)
			add_assignment(&l, o->vars.v[i], "--var");
		encode_vars(&l, &b);
		break;
	case MODE_RAW:
		m1 = o->modifier1;
		m2 = o->modifier2 < 0 ? 0 : o->modifier2;
		for (size_t i = 0; i < o->vars.n; i++)
			add_assignment(&l, o->vars.v[i], "--var");
		encode_vars(&l, &b);
		if (up_modifier_payload((unsigned)m1) != UP_PAYLOAD_VARS)
			b.len += raw_payload(o, buf + 4 + b.len, 65535 - b.len);
		break;
	}
	vl_free(&l);
	up_header_write(buf, REQUEST_MAX, (uint8_t)m1, b.len, (uint8_t)m2);
	return 4 + b.len;
}

static void print_bytes(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\')
			fputc(p[i], stderr);
		else
			fprintf(stderr, "\\x%02x", p[i]);
	}
}

void request_print(const uint8_t *pkt, size_t len)
{
	up_header_t h;
	up_header_decode(pkt, len, &h);
	fprintf(stderr, "> [modifier1 %u (%s), datasize %u, modifier2 %u]\n",
		h.modifier1, up_modifier_name(h.modifier1), h.datasize, h.modifier2);
	int kind = up_modifier_payload(h.modifier1);
	up_vars_iter_t it;
	up_var_t v;
	up_vars_iter_init(&it, pkt + 4, len - 4);
	if (kind == UP_PAYLOAD_VARS) {
		while (up_vars_next(&it, &v) > 0) {
			fputs("> ", stderr);
			print_bytes(v.key, v.klen);
			fputs(": ", stderr);
			print_bytes(v.val, v.vlen);
			fputc('\n', stderr);
		}
	} else if (kind == UP_PAYLOAD_ARRAY) {
		while (up_array_next(&it, &v) > 0) {
			fputs("> ", stderr);
			print_bytes(v.val, v.vlen);
			fputc('\n', stderr);
		}
	} else if (len > 4) {
		fputs("> ", stderr);
		print_bytes(pkt + 4, len - 4);
		fputc('\n', stderr);
	}
}

int write_packet(const struct send_opts *o)
{
	static uint8_t pkt[REQUEST_MAX];
	struct body b;
	body_open(&b, o->mode == MODE_RAW ? NULL : &o->data);
	size_t n = request_build(o, NULL, b.present ? (int64_t)b.len : -1, pkt);
	if (o->verbose)
		request_print(pkt, n);
	int fd = STDOUT_FILENO;
	if (strcmp(o->write_packet, "-") != 0) {
		fd = open(o->write_packet, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0)
			die(EXIT_SEND_USAGE, "--write-packet %s: %s", o->write_packet, strerror(errno));
	}
	struct conn out = { .fd = fd, .peer = o->write_packet, .deadline = 0 };
	if (conn_send(&out, pkt, n) < 0 || body_send(&b, &out) < 0)
		die(EXIT_SEND_USAGE, "write %s: %s", o->write_packet, strerror(errno));
	body_close(&b);
	if (fd != STDOUT_FILENO && close(fd) < 0)
		die(EXIT_SEND_USAGE, "write %s: %s", o->write_packet, strerror(errno));
	return EXIT_SEND_OK;
}
