/* HTTP/1.x request heads, the field-line parser both head parsers share,
 * CGI vars from a parsed request, and the small header helpers.
 *
 * The parse is one left-to-right pass: each line is found first (its bytes
 * checked as they are scanned), then judged as a whole. An error is thus
 * decided by the bytes before it only, so parsing a prefix of the input
 * gives 0 or the same error as parsing all of it.
 */
#include "uwsgiproto/http.h"
#include "uwsgiproto/error.h"
#include "uwsgiproto/vars.h"
#include "http_internal.h"

#include <string.h>

/* ---------------------------------------------------------------------- */
/* Characters */

/* Byte classes: C_TEXT may appear in a field line (HTAB, SP, VCHAR,
 * obs-text), C_LINE anywhere in the request line before its end (all but
 * NUL, CR, LF), C_TCHAR in a token (RFC 9110: method, field name). */
enum { C_TEXT = 1, C_LINE = 2, C_TCHAR = 4 };

static const uint8_t cls[256] = {
	0, 2, 2, 2, 2, 2, 2, 2, 2, 3, 0, 2, 2, 0, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	3, 7, 3, 7, 7, 7, 7, 7, 3, 3, 7, 7, 3, 7, 7, 3,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 3, 3, 3, 3, 3, 3,
	3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 3, 3, 3, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 3, 7, 3, 7, 2,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

static int is_tchar(uint8_t c)
{
	return cls[c] & C_TCHAR;
}

static int is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static uint8_t upper(uint8_t c)
{
	return c >= 'a' && c <= 'z' ? (uint8_t)(c - 32) : c;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int up_http_ieq(const uint8_t *p, size_t n, const char *lit)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!lit[i] || lower(p[i]) != (uint8_t)lit[i])
			return 0;
	return lit[i] == '\0';
}

static int slice_ieq(up_http_slice_t a, up_http_slice_t b)
{
	if (a.len != b.len)
		return 0;
	for (size_t i = 0; i < a.len; i++)
		if (lower(a.ptr[i]) != lower(b.ptr[i]))
			return 0;
	return 1;
}

/* Next element of the comma-separated list at *it (ending at end), with
 * surrounding spaces trimmed; empty elements are reported too. *it becomes
 * NULL after the last one. Returns 0 when the list is exhausted. */
static int list_next(const uint8_t **it, const uint8_t *end,
                     const uint8_t **elem, size_t *elen)
{
	const uint8_t *p = *it, *stop, *comma;

	if (!p)
		return 0;
	comma = memchr(p, ',', (size_t)(end - p));
	stop = comma ? comma : end;
	while (p < stop && is_ows(*p))
		p++;
	while (stop > p && is_ows(stop[-1]))
		stop--;
	*elem = p;
	*elen = (size_t)(stop - p);
	*it = comma ? comma + 1 : NULL;
	return 1;
}

/* ---------------------------------------------------------------------- */
/* Lines and field lines (shared with http_response.c) */

void up_http_head_init(struct up_http_head *h, const uint8_t *buf, size_t len,
                       const up_http_limits_t *lim, up_http_header_t *hdrs,
                       size_t cap, int is_request)
{
	size_t max_head = lim && lim->max_head ? lim->max_head
	                                       : UP_HTTP_DEFAULT_MAX_HEAD;
	size_t max_hdrs = lim && lim->max_headers ? lim->max_headers
	                                          : UP_HTTP_DEFAULT_MAX_HEADERS;

	memset(h, 0, sizeof *h);
	h->over = len > max_head;
	h->end = buf + (h->over ? max_head : len);
	h->max_line = lim && lim->max_line ? lim->max_line
	                                   : UP_HTTP_DEFAULT_MAX_LINE;
	h->hdrs = hdrs;
	h->cap = cap < max_hdrs ? cap : max_hdrs;
	h->is_request = is_request;
	h->clen = -1;
}

int up_http_scan_line(const struct up_http_head *h, const uint8_t *p,
                      int strict, const uint8_t **eol, const uint8_t **next)
{
	uint8_t ok = strict ? C_TEXT : C_LINE;
	const uint8_t *q = p, *stop = h->end;

	/* Plain bytes up to max_line; the byte after them must end the line
	 * or be judged. */
	if ((size_t)(stop - p) > h->max_line)
		stop = p + h->max_line;
	while (q < stop && (cls[*q] & ok))
		q++;
	if (q == h->end)
		return 0;
	if (*q == '\n') {
		*eol = q;
		*next = q + 1;
		return 1;
	}
	if (*q == '\r') {
		if (1 >= (size_t)(h->end - q))
			return 0;
		if (q[1] != '\n')
			return UP_EHTTP_NUL;
		*eol = q;
		*next = q + 2;
		return 1;
	}
	if (q == stop)
		return UP_EHTTP_LINELEN;
	return UP_EHTTP_NUL;
}

/* Content-Length: a list of equal decimal numbers ("5" or "5, 5"). */
static int parse_clen(const uint8_t *v, size_t n, int64_t *out)
{
	const uint8_t *it = v, *e;
	size_t el;
	int64_t val = -1;

	while (list_next(&it, v + n, &e, &el)) {
		int64_t x;

		if (up_parse_length(e, el, &x) < 0)
			return UP_EHTTP_CLEN;
		if (val >= 0 && x != val)
			return UP_EHTTP_CLENDUP;
		val = x;
	}
	*out = val;
	return 0;
}

static int field_clen(struct up_http_head *h, up_http_slice_t v)
{
	int64_t x;
	int r = parse_clen(v.ptr, v.len, &x);

	if (r < 0)
		return r;
	if (h->clen >= 0 && h->clen != x)
		return UP_EHTTP_CLENDUP;
	h->clen = x;
	return h->te ? UP_EHTTP_SMUGGLE : 0;
}

/* Only a single "chunked" is accepted: any other coding would have to be
 * undone by us, and HTTP/1.0 has no chunked at all. */
static int field_te(struct up_http_head *h, up_http_slice_t v)
{
	if (h->version_minor == 0 || h->te || !up_http_ieq(v.ptr, v.len, "chunked"))
		return UP_EHTTP_TE;
	h->te = 1;
	return h->clen >= 0 ? UP_EHTTP_SMUGGLE : 0;
}

static void field_connection(struct up_http_head *h, up_http_slice_t v)
{
	const uint8_t *it = v.ptr, *e;
	size_t el;

	while (list_next(&it, v.ptr + v.len, &e, &el)) {
		if (up_http_ieq(e, el, "close"))
			h->conn_close = 1;
		else if (up_http_ieq(e, el, "keep-alive"))
			h->conn_keep_alive = 1;
	}
}

/* Look at the fields that change how the message is framed or handled. */
static int field_special(struct up_http_head *h, up_http_slice_t name,
                         up_http_slice_t v)
{
	switch (name.len) {
	case 14:
		if (up_http_ieq(name.ptr, name.len, "content-length"))
			return field_clen(h, v);
		break;
	case 17:
		if (up_http_ieq(name.ptr, name.len, "transfer-encoding"))
			return field_te(h, v);
		break;
	case 10:
		if (up_http_ieq(name.ptr, name.len, "connection"))
			field_connection(h, v);
		break;
	case 4:
		if (h->is_request && up_http_ieq(name.ptr, name.len, "host")) {
			if (h->host.ptr)
				return UP_EHTTP_HEADER;
			h->host = v;
		}
		break;
	case 6:
		if (h->is_request && h->version_minor == 1 &&
		    up_http_ieq(name.ptr, name.len, "expect") &&
		    up_http_ieq(v.ptr, v.len, "100-continue"))
			h->expect_continue = 1;
		break;
	}
	return 0;
}

/* One field line p[0..eol): "name:" OWS value OWS. */
static int field_line(struct up_http_head *h, const uint8_t *p,
                      const uint8_t *eol)
{
	const uint8_t *q = p, *v, *ve;
	up_http_header_t *f;

	if (is_ows(*p))
		return UP_EHTTP_OBSFOLD;
	while (q < eol && is_tchar(*q))
		q++;
	if (q == p || q == eol || *q != ':')
		return UP_EHTTP_HEADER;
	v = q + 1;
	ve = eol;
	while (v < ve && is_ows(*v))
		v++;
	while (ve > v && is_ows(ve[-1]))
		ve--;
	if (h->n >= h->cap)
		return UP_EHTTP_TOOMANY;
	f = &h->hdrs[h->n++];
	f->name.ptr = p;
	f->name.len = (size_t)(q - p);
	f->value.ptr = v;
	f->value.len = (size_t)(ve - v);
	return field_special(h, f->name, f->value);
}

int up_http_parse_fields(struct up_http_head *h, const uint8_t *p,
                         const uint8_t **done)
{
	for (;;) {
		const uint8_t *eol, *next;
		int r = up_http_scan_line(h, p, 1, &eol, &next);

		if (r == 0)
			return h->over ? UP_ETOOBIG : 0;
		if (r < 0)
			return r;
		if (eol == p) {
			*done = next;
			return 1;
		}
		r = field_line(h, p, eol);
		if (r < 0)
			return r;
		p = next;
	}
}

/* ---------------------------------------------------------------------- */
/* The request line */

static int method_ok(up_http_slice_t m)
{
	for (size_t i = 0; i < m.len; i++)
		if (!is_tchar(m.ptr[i]) || (m.ptr[i] >= 'a' && m.ptr[i] <= 'z'))
			return 0;
	return 1;
}

/* Split the target into path and query; find the authority of the
 * absolute form. */
static int parse_target(up_http_request_t *req)
{
	const uint8_t *t = req->target.ptr, *e = t + req->target.len;
	const uint8_t *path, *qm;
	size_t tl = req->target.len;

	for (const uint8_t *q = t; q < e; q++)
		if (*q <= 0x20 || *q == 0x7f)
			return UP_EHTTP_URI;
	if (*t == '/') {
		path = t;
	} else if (tl == 1 && *t == '*') {
		if (req->method.len != 7 || memcmp(req->method.ptr, "OPTIONS", 7))
			return UP_EHTTP_URI;
		req->path = req->target;
		req->query.ptr = e;
		return 0;
	} else {
		const uint8_t *a;
		size_t skip;

		if (tl >= 7 && up_http_ieq(t, 7, "http://"))
			skip = 7;
		else if (tl >= 8 && up_http_ieq(t, 8, "https://"))
			skip = 8;
		else
			return UP_EHTTP_URI;
		a = path = t + skip;
		while (path < e && *path != '/' && *path != '?')
			path++;
		if (path == a)
			return UP_EHTTP_URI;
		req->host.ptr = a;
		req->host.len = (size_t)(path - a);
	}
	qm = memchr(path, '?', (size_t)(e - path));
	req->path.ptr = path;
	req->path.len = (size_t)((qm ? qm : e) - path);
	req->query.ptr = qm ? qm + 1 : e;
	req->query.len = qm ? (size_t)(e - qm - 1) : 0;
	if (req->path.len == 0) {
		req->path.ptr = (const uint8_t *)"/";
		req->path.len = 1;
	}
	return 0;
}

/* method SP request-target SP HTTP/1.x, nothing more, nothing less. */
static int parse_request_line(up_http_request_t *req, const uint8_t *p,
                              const uint8_t *eol)
{
	const uint8_t *sp1, *t, *sp2, *v;
	int r;

	sp1 = memchr(p, ' ', (size_t)(eol - p));
	if (!sp1 || sp1 == p)
		return UP_EHTTP_REQLINE;
	t = sp1 + 1;
	sp2 = memchr(t, ' ', (size_t)(eol - t));
	if (!sp2 || sp2 == t)
		return UP_EHTTP_REQLINE;
	v = sp2 + 1;
	if (v == eol || memchr(v, ' ', (size_t)(eol - v)))
		return UP_EHTTP_REQLINE;

	req->method.ptr = p;
	req->method.len = (size_t)(sp1 - p);
	if (!method_ok(req->method))
		return UP_EHTTP_METHOD;
	req->target.ptr = t;
	req->target.len = (size_t)(sp2 - t);
	r = parse_target(req);
	if (r < 0)
		return r;
	if (eol - v != 8 || memcmp(v, "HTTP/1.", 7) || (v[7] != '0' && v[7] != '1'))
		return UP_EHTTP_VERSION;
	req->version_minor = v[7] - '0';
	return 0;
}

ssize_t up_http_parse_request(const uint8_t *buf, size_t len,
                              const up_http_limits_t *lim,
                              up_http_request_t *req,
                              up_http_header_t *hdrs, size_t hdr_cap)
{
	struct up_http_head h;
	const uint8_t *p = buf, *eol, *next, *done;
	int r;

	memset(req, 0, sizeof *req);
	req->content_length = -1;
	req->headers = hdrs;
	if (len == 0)
		return 0;
	up_http_head_init(&h, buf, len, lim, hdrs, hdr_cap, 1);

	/* RFC 9112 §2.2: empty lines before the request line are ignored. */
	for (;;) {
		if (p == h.end)
			return h.over ? UP_ETOOBIG : 0;
		if (*p == '\n') {
			p++;
		} else if (*p == '\r') {
			if (1 >= (size_t)(h.end - p))
				return h.over ? UP_ETOOBIG : 0;
			if (p[1] != '\n')
				return UP_EHTTP_NUL;
			p += 2;
		} else {
			break;
		}
	}

	/* Control bytes in the request line are judged by the part they are in
	 * (method, target, version), so the scan is not strict here. */
	r = up_http_scan_line(&h, p, 0, &eol, &next);
	if (r == 0)
		return h.over ? UP_ETOOBIG : 0;
	if (r < 0)
		return r;
	r = parse_request_line(req, p, eol);
	if (r < 0)
		return r;
	h.version_minor = req->version_minor;

	r = up_http_parse_fields(&h, next, &done);
	if (r <= 0)
		return r;
	req->num_headers = h.n;
	req->content_length = h.clen;
	req->chunked = h.te;
	req->keep_alive = req->version_minor == 1 ? !h.conn_close
	                                          : h.conn_keep_alive && !h.conn_close;
	req->expect_continue = h.expect_continue;
	if (!req->host.ptr)   /* the absolute form's authority wins */
		req->host = h.host;
	req->head_len = (size_t)(done - buf);
	return (ssize_t)req->head_len;
}

/* ---------------------------------------------------------------------- */
/* CGI vars */

/* Scratch space handed out front to back, never reused within one call. */
struct carve {
	uint8_t *p;
	size_t left;
};

static uint8_t *carve(struct carve *c, size_t n)
{
	uint8_t *r = c->p;

	if (n > c->left)
		return NULL;
	c->p += n;
	c->left -= n;
	return r;
}

size_t up_http_cgi_scratch_size(const up_http_request_t *req)
{
	size_t n = req->path.len + 20;

	for (size_t i = 0; i < req->num_headers; i++)
		n += req->headers[i].name.len + 5 + req->headers[i].value.len + 2;
	return n;
}

static int has_underscore(up_http_slice_t s)
{
	return memchr(s.ptr, '_', s.len) != NULL;
}

/* The value of field i joined with its repeats after it; zero-copy when
 * there are none. */
static int joined_value(const up_http_request_t *req, size_t i,
                        struct carve *c, up_http_slice_t *out)
{
	const up_http_header_t *h = req->headers;
	const char *sep = up_http_ieq(h[i].name.ptr, h[i].name.len, "cookie")
	                  ? "; " : ", ";
	size_t need = h[i].value.len, reps = 0;
	uint8_t *d, *w;

	for (size_t k = i + 1; k < req->num_headers; k++) {
		if (slice_ieq(h[k].name, h[i].name)) {
			need += 2 + h[k].value.len;
			reps++;
		}
	}
	if (reps == 0) {
		*out = h[i].value;
		return 0;
	}
	d = w = carve(c, need);
	if (!d)
		return UP_ENOSPACE;
	memcpy(w, h[i].value.ptr, h[i].value.len);
	w += h[i].value.len;
	for (size_t k = i + 1; k < req->num_headers; k++) {
		if (slice_ieq(h[k].name, h[i].name)) {
			memcpy(w, sep, 2);
			memcpy(w + 2, h[k].value.ptr, h[k].value.len);
			w += 2 + h[k].value.len;
		}
	}
	out->ptr = d;
	out->len = need;
	return 0;
}

/* HTTP_ + the name upper-cased, '-' turned into '_'. */
static const char *cgi_name(up_http_slice_t name, struct carve *c)
{
	uint8_t *k = carve(c, 5 + name.len);

	if (!k)
		return NULL;
	memcpy(k, "HTTP_", 5);
	for (size_t i = 0; i < name.len; i++)
		k[5 + i] = name.ptr[i] == '-' ? '_' : upper(name.ptr[i]);
	return (const char *)k;
}

static int emit_str(up_http_emit_fn emit, void *ctx, const char *key,
                    const uint8_t *v, size_t vlen)
{
	return emit(ctx, key, strlen(key), v, vlen);
}

static int cgi_headers(const up_http_request_t *req, struct carve *c,
                       up_http_emit_fn emit, void *ctx, int *count)
{
	const up_http_header_t *h = req->headers;

	for (size_t i = 0; i < req->num_headers; i++) {
		up_http_slice_t v;
		const char *key;
		size_t klen;
		int seen = 0, r;

		if (has_underscore(h[i].name) ||
		    up_http_ieq(h[i].name.ptr, h[i].name.len, "content-length") ||
		    up_http_ieq(h[i].name.ptr, h[i].name.len, "content-type"))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = slice_ieq(h[j].name, h[i].name);
		if (seen)
			continue;
		key = cgi_name(h[i].name, c);
		klen = 5 + h[i].name.len;
		if (!key)
			return UP_ENOSPACE;
		r = joined_value(req, i, c, &v);
		if (r < 0)
			return r;
		r = emit(ctx, key, klen, v.ptr, v.len);
		if (r < 0)
			return r;
		++*count;
	}
	return 0;
}

int up_http_cgi_vars(const up_http_request_t *req, uint8_t *scratch,
                     size_t scratch_len, up_http_emit_fn emit, void *ctx)
{
	struct carve c = { scratch, scratch ? scratch_len : 0 };
	const uint8_t *pi = (const uint8_t *)"/";
	size_t pilen = 1;
	int r, ct, count = 0;

	/* Decode first: a bad path must not leave half a var set behind. */
	if (req->path.len) {
		ssize_t d = up_http_pct_decode(req->path.ptr, req->path.len, c.p,
		                               c.left, 0);
		if (d < 0)
			return (int)d;
		pi = carve(&c, (size_t)d);
		pilen = (size_t)d;
	}
	r = emit_str(emit, ctx, "REQUEST_METHOD", req->method.ptr, req->method.len);
	if (r < 0)
		return r;
	r = emit_str(emit, ctx, "REQUEST_URI", req->target.ptr, req->target.len);
	if (r < 0)
		return r;
	r = emit_str(emit, ctx, "PATH_INFO", pi, pilen);
	if (r < 0)
		return r;
	r = emit_str(emit, ctx, "QUERY_STRING",
	             req->query.len ? req->query.ptr : (const uint8_t *)"",
	             req->query.len);
	if (r < 0)
		return r;
	r = emit_str(emit, ctx, "SERVER_PROTOCOL",
	             (const uint8_t *)(req->version_minor ? "HTTP/1.1" : "HTTP/1.0"), 8);
	if (r < 0)
		return r;
	count = 5;
	if (req->content_length >= 0) {
		uint8_t tmp[20], *d;
		size_t n = 0;
		uint64_t x = (uint64_t)req->content_length;

		do {
			tmp[sizeof tmp - ++n] = (uint8_t)('0' + x % 10);
			x /= 10;
		} while (x);
		d = carve(&c, n);
		if (!d)
			return UP_ENOSPACE;
		memcpy(d, tmp + sizeof tmp - n, n);
		r = emit_str(emit, ctx, "CONTENT_LENGTH", d, n);
		if (r < 0)
			return r;
		count++;
	}
	ct = up_http_header_find(req->headers, req->num_headers, "content-type", 0);
	if (ct >= 0) {
		up_http_slice_t v;

		r = joined_value(req, (size_t)ct, &c, &v);
		if (r < 0)
			return r;
		r = emit_str(emit, ctx, "CONTENT_TYPE", v.ptr, v.len);
		if (r < 0)
			return r;
		count++;
	}
	r = cgi_headers(req, &c, emit, ctx, &count);
	return r < 0 ? r : count;
}

/* ---------------------------------------------------------------------- */
/* Helpers */

int up_http_header_find(const up_http_header_t *hdrs, size_t n,
                        const char *name, size_t from)
{
	size_t nl = strlen(name);

	for (size_t i = from; i < n; i++) {
		const up_http_slice_t *f = &hdrs[i].name;
		size_t k;

		if (f->len != nl)
			continue;
		for (k = 0; k < nl; k++)
			if (lower(f->ptr[k]) != lower((uint8_t)name[k]))
				break;
		if (k == nl)
			return (int)i;
	}
	return UP_ENOTFOUND;
}

int up_http_header_value_ok(const uint8_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(cls[v[i]] & C_TEXT))
			return 0;
	return 1;
}

int up_http_header_name_ok(const uint8_t *name, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_tchar(name[i]))
			return 0;
	return 1;
}

ssize_t up_http_pct_decode(const uint8_t *in, size_t n, uint8_t *out,
                           size_t cap, int flags)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i];

		if (c == '%') {
			int hi, lo;

			if (2 > n - i - 1)
				return UP_EHTTP_URI;
			hi = hexval(in[i + 1]);
			lo = hexval(in[i + 2]);
			if (hi < 0 || lo < 0)
				return UP_EHTTP_URI;
			c = (uint8_t)(hi << 4 | lo);
			if (c == 0 && !(flags & UP_HTTP_PCT_NUL_OK))
				return UP_EHTTP_URI;
			i += 2;
		} else if (c == '+' && (flags & UP_HTTP_PCT_PLUS)) {
			c = ' ';
		}
		if (o == cap)
			return UP_ENOSPACE;
		out[o++] = c;
	}
	return (ssize_t)o;
}
