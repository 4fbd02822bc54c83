/* HTTP/1.x for the toolkit: request and response heads, CGI vars, chunked
 * bodies and the small helpers servers and proxies need around them.
 *
 * The head parsers are incremental in the picohttpparser sense: call them on
 * everything received so far. They return 0 until the blank line that ends
 * the head has arrived, then the length of the head (the body, or the next
 * pipelined request, starts there), or a negative UP_E* code. They never
 * read past len, never allocate, and every slice they fill points into the
 * caller's buffer (which must outlive the parsed result). On 0 or an error
 * the output structs hold nothing meaningful.
 *
 * Line endings: CRLF, or a bare LF (RFC 9112 §2.2 lets a recipient accept
 * it); a CR not followed by LF is rejected (UP_EHTTP_NUL), as are NUL and
 * the other control bytes except HTAB.
 */
#ifndef UWSGIPROTO_HTTP_H
#define UWSGIPROTO_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A run of bytes inside someone else's buffer; not NUL-terminated. */
typedef struct up_http_slice {
	const uint8_t *ptr;
	size_t len;
} up_http_slice_t;

/* One header field: name as received (case kept), value without the
 * surrounding spaces/tabs. */
typedef struct up_http_header {
	up_http_slice_t name;
	up_http_slice_t value;
} up_http_header_t;

/* Limits for a head; a field left 0 takes the default below. */
typedef struct up_http_limits {
	size_t max_line;     /* start line and each field line, without CRLF
	                        (UP_EHTTP_LINELEN) */
	size_t max_headers;  /* header fields (UP_EHTTP_TOOMANY); the array
	                        capacity passed to the parser also caps it */
	size_t max_head;     /* whole head, blank line included (UP_ETOOBIG) */
} up_http_limits_t;

#define UP_HTTP_DEFAULT_MAX_LINE 8192
#define UP_HTTP_DEFAULT_MAX_HEADERS 100
#define UP_HTTP_DEFAULT_MAX_HEAD 65536

/* ---------------------------------------------------------------------- */
/* Requests */

typedef struct up_http_request {
	up_http_slice_t method;   /* "GET" */
	up_http_slice_t target;   /* raw request-target: "/a%20b?x=1" */
	up_http_slice_t path;     /* target before '?', still encoded; for the
	                             absolute form the path after the authority
	                             (a static "/" when it has none); "*" for
	                             OPTIONS * */
	up_http_slice_t query;    /* after '?', without it; len 0 when none */
	int version_minor;        /* 0 or 1 (HTTP/1.0, HTTP/1.1) */
	up_http_header_t *headers;/* the caller's array, num_headers filled */
	size_t num_headers;
	int64_t content_length;   /* -1 when there is no Content-Length */
	int chunked;              /* Transfer-Encoding: chunked */
	int keep_alive;           /* 1.1: unless "Connection: close";
	                             1.0: only with "Connection: keep-alive" */
	int expect_continue;      /* HTTP/1.1 "Expect: 100-continue" */
	up_http_slice_t host;     /* Host value; the authority for an
	                             absolute-form target; ptr NULL if neither */
	size_t head_len;          /* what the parser returned */
} up_http_request_t;

/* Parse a request head from buf[0..len). hdrs/hdr_cap is the caller's
 * array for the header fields; lim may be NULL for the defaults.
 * Returns the head length (> 0), 0 when more bytes are needed, or:
 * UP_EHTTP_REQLINE (missing parts, extra spaces), UP_EHTTP_METHOD (not
 * upper-case token chars), UP_EHTTP_URI (not "/...", "*" for OPTIONS or
 * "http(s)://authority..."; control bytes or space), UP_EHTTP_VERSION (only
 * HTTP/1.0 and HTTP/1.1), UP_EHTTP_HEADER (no ':', space before ':', bad
 * name, a second Host), UP_EHTTP_OBSFOLD, UP_EHTTP_NUL, UP_EHTTP_TOOMANY,
 * UP_EHTTP_LINELEN, UP_ETOOBIG (head over max_head), UP_EHTTP_CLEN,
 * UP_EHTTP_CLENDUP (differing values; "5, 5" and repeats of one value are
 * accepted), UP_EHTTP_TE (anything but exactly one "chunked", or any
 * Transfer-Encoding in HTTP/1.0), UP_EHTTP_SMUGGLE (Transfer-Encoding and
 * Content-Length together). Empty lines before the request line are
 * skipped (they count towards max_head). CONNECT's authority form is not
 * accepted (UP_EHTTP_URI). */
ssize_t up_http_parse_request(const uint8_t *buf, size_t len,
                              const up_http_limits_t *lim,
                              up_http_request_t *req,
                              up_http_header_t *hdrs, size_t hdr_cap);

/* Receives one CGI var; key and val are not NUL-terminated. Return 0 to go
 * on, a negative code to stop (up_http_cgi_vars returns it). */
typedef int (*up_http_emit_fn)(void *ctx, const char *key, size_t klen,
                               const uint8_t *val, size_t vlen);

/* Bytes of scratch space up_http_cgi_vars may need for req: enough for the
 * decoded PATH_INFO, every HTTP_* name, the joined values of repeated
 * fields and the CONTENT_LENGTH digits. */
size_t up_http_cgi_scratch_size(const up_http_request_t *req);

/* Emit the CGI vars of a parsed request, in this order: REQUEST_METHOD,
 * REQUEST_URI (raw target), PATH_INFO (path percent-decoded; "/" when
 * empty), QUERY_STRING (raw, "" when none), SERVER_PROTOCOL ("HTTP/1.x" as
 * received), CONTENT_LENGTH (only with a Content-Length; the parsed number),
 * CONTENT_TYPE (only with a Content-Type), then HTTP_<NAME> for every other
 * field, name upper-cased with '-' turned into '_', at the place of its
 * first occurrence. Repeated fields become one var, values joined with ", "
 * (Cookie with "; "). Fields whose names contain '_' are dropped, so
 * "X_Forwarded_For" cannot pose as HTTP_X_FORWARDED_FOR. Nothing else is
 * filtered: a "Proxy" field is emitted as HTTP_PROXY, and a tool that runs
 * CGI programs must drop it itself (httpoxy). Content-Length and
 * Content-Type never appear as HTTP_* too.
 * Keys and values point into req's buffer, into static strings, or into
 * scratch (carved up, never reused within one call: every slice stays valid
 * until the caller reuses scratch). Returns the number of vars emitted,
 * UP_ENOSPACE when scratch_len is too small (see up_http_cgi_scratch_size),
 * UP_EHTTP_URI for a bad %-escape or %00 in the path, or emit's error. */
int up_http_cgi_vars(const up_http_request_t *req, uint8_t *scratch,
                     size_t scratch_len, up_http_emit_fn emit, void *ctx);

/* ---------------------------------------------------------------------- */
/* Responses */

typedef struct up_http_response {
	int status;               /* 100..999 */
	up_http_slice_t reason;   /* may be empty */
	int version_minor;        /* 0 or 1 */
	up_http_header_t *headers;
	size_t num_headers;
	int64_t content_length;   /* -1 when there is no Content-Length */
	int chunked;              /* Transfer-Encoding: chunked */
	int close;                /* "Connection: close", or HTTP/1.0 without
	                             "Connection: keep-alive" */
	size_t head_len;          /* what the parser returned */
} up_http_response_t;

/* Parse a response head ("HTTP/1.x NNN reason") from buf[0..len), with the
 * same conventions and field checks as up_http_parse_request. Errors:
 * UP_EHTTP_STATUS (not "HTTP/...", status not 3 digits in 100..999, missing
 * space), UP_EHTTP_VERSION (HTTP/ other than 1.0 and 1.1), and the header
 * errors listed for requests (Host is not special here). Whether a body
 * follows depends on the request: see up_http_response_has_body. */
ssize_t up_http_parse_response(const uint8_t *buf, size_t len,
                               const up_http_limits_t *lim,
                               up_http_response_t *resp,
                               up_http_header_t *hdrs, size_t hdr_cap);

/* 1 when a response with this status to a request with this method carries
 * a body (framed by Content-Length, chunked, or the connection's end);
 * 0 for HEAD, 1xx, 204, 304 and a 2xx answer to CONNECT. */
int up_http_response_has_body(const uint8_t *method, size_t method_len,
                              int status);

/* ---------------------------------------------------------------------- */
/* Chunked bodies (RFC 9112 §7.1) */

#define UP_CHUNKED_MAX_LINE 4096     /* chunk-size line with extensions */
#define UP_CHUNKED_MAX_TRAILER 8192  /* all trailer field lines together */

/* Decoder state; set up with up_chunked_init, no resources held. */
typedef struct up_chunked {
	int state;
	int err;             /* sticky error once one was returned */
	uint64_t size;       /* bytes left in the current chunk */
	uint64_t total;      /* body bytes decoded so far */
	uint64_t max_total;  /* 0: no limit */
	size_t line;         /* bytes seen in the current size line */
	size_t trailer;      /* trailer bytes seen */
	int done;            /* the last chunk and trailer section are in */
} up_chunked_t;

/* Start decoding a body of at most max_total bytes (0: unlimited). */
void up_chunked_init(up_chunked_t *st, uint64_t max_total);

/* 1 once the whole body (last chunk, trailers, final CRLF) was consumed. */
static inline int up_chunked_done(const up_chunked_t *st) { return st->done; }

/* Consume chunked framing from buf[0..len) and report at most one run of
 * body bytes: *data and *data_len (points into buf; len 0 when this call saw
 * only framing). Accepts any split of the input, chunk extensions (ignored),
 * trailer fields (skipped) and bare LF line ends. Returns bytes consumed
 * (call again with the rest), 0 when len is 0 or the body is complete (bytes
 * after it are not touched: they belong to the next message), or
 * UP_EHTTP_CHUNK (bad size, overflow, missing CRLF, control bytes, size line
 * over UP_CHUNKED_MAX_LINE) or UP_ETOOBIG (over max_total, trailers over
 * UP_CHUNKED_MAX_TRAILER); errors are sticky. */
ssize_t up_chunked_parse(up_chunked_t *st, const uint8_t *buf, size_t len,
                         const uint8_t **data, size_t *data_len);

/* Decode in place: the body bytes found in buf[0..len) are moved to the
 * front of buf and counted in *out_len. Returns the bytes consumed (all of
 * len unless the body ended inside buf; check up_chunked_done), or an error
 * as up_chunked_parse. */
ssize_t up_chunked_decode(up_chunked_t *st, uint8_t *buf, size_t len,
                          size_t *out_len);

/* Room a chunk header can take: hex digits of a size_t plus CRLF. */
#define UP_CHUNKED_HEADER_MAX (sizeof(size_t) * 2 + 2)

/* Write the header of a chunk of n bytes ("%zx\r\n") into out; the caller
 * writes the n bytes and "\r\n" after it. Returns its length, UP_ENOSPACE
 * if cap is too small, UP_EINVAL for n == 0 (that is the end marker). */
int up_chunked_header(uint8_t *out, size_t cap, size_t n);

/* Write the end of a chunked body, "0\r\n\r\n" (no trailers). Returns 5 or
 * UP_ENOSPACE. */
int up_chunked_end(uint8_t *out, size_t cap);

/* ---------------------------------------------------------------------- */
/* Helpers */

/* Index of the first field at or after index `from` whose name equals name
 * (NUL-terminated, compared case-insensitively), or UP_ENOTFOUND. Loop with
 * from = i + 1 to visit repeated fields. */
int up_http_header_find(const up_http_header_t *hdrs, size_t n,
                        const char *name, size_t from);

/* 1 if v[0..n) may be sent as a header value: no CR, LF or NUL (response
 * splitting), no other control byte but HTAB. 0 otherwise. */
int up_http_header_value_ok(const uint8_t *v, size_t n);

/* 1 if name[0..n) is a valid, non-empty field name (an RFC 9110 token). */
int up_http_header_name_ok(const uint8_t *name, size_t n);

/* The standard reason phrase for a status ("OK", "Not Found", "Bad
 * Gateway"), "Unknown" for codes without one. Static string. */
const char *up_http_status_text(int code);

/* The status a server should answer a parse error with: 431 for
 * UP_EHTTP_LINELEN and UP_EHTTP_TOOMANY, 413 for UP_ETOOBIG (a body over its
 * cap; a head over max_head is better answered 431), 501 for UP_EHTTP_TE,
 * 505 for UP_EHTTP_VERSION, 400 for the other HTTP and chunk errors, 500 for
 * anything else. */
int up_http_error_status(int code);

/* Flags for up_http_pct_decode. */
#define UP_HTTP_PCT_PLUS 1    /* '+' decodes to a space (form data) */
#define UP_HTTP_PCT_NUL_OK 2  /* let %00 through instead of rejecting it */

/* Percent-decode in[0..n) into out (capacity cap; out may equal in for
 * decoding in place). Returns the decoded length, UP_ENOSPACE, or
 * UP_EHTTP_URI for a '%' not followed by two hex digits or for %00. */
ssize_t up_http_pct_decode(const uint8_t *in, size_t n, uint8_t *out,
                           size_t cap, int flags);

#endif
