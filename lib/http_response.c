/* HTTP/1.x response heads, reason phrases and the body/no-body rule. */
#include "uwsgiproto/http.h"
#include "uwsgiproto/error.h"
#include "http_internal.h"

#include <string.h>

/* HTTP/1.x SP 3DIGIT [SP reason]; a missing SP before an empty reason is
 * tolerated, as most clients do. */
static int parse_status_line(up_http_response_t *resp, const uint8_t *p,
                             const uint8_t *eol)
{
	size_t n = (size_t)(eol - p);
	const uint8_t *s;

	if (n < 5 || memcmp(p, "HTTP/", 5))
		return UP_EHTTP_STATUS;
	if (n < 8 || memcmp(p, "HTTP/1.", 7) || (p[7] != '0' && p[7] != '1') ||
	    (n > 8 && p[8] != ' '))
		return UP_EHTTP_VERSION;
	resp->version_minor = p[7] - '0';
	if (n < 12)
		return UP_EHTTP_STATUS;
	s = p + 9;
	for (int i = 0; i < 3; i++) {
		if (s[i] < '0' || s[i] > '9')
			return UP_EHTTP_STATUS;
		resp->status = resp->status * 10 + (s[i] - '0');
	}
	if (resp->status < 100)
		return UP_EHTTP_STATUS;
	if (n == 12) {
		resp->reason.ptr = eol;
		resp->reason.len = 0;
		return 0;
	}
	if (s[3] != ' ')
		return UP_EHTTP_STATUS;
	resp->reason.ptr = s + 4;
	resp->reason.len = (size_t)(eol - (s + 4));
	return 0;
}

ssize_t up_http_parse_response(const uint8_t *buf, size_t len,
                               const up_http_limits_t *lim,
                               up_http_response_t *resp,
                               up_http_header_t *hdrs, size_t hdr_cap)
{
	struct up_http_head h;
	const uint8_t *eol, *next, *done;
	int r;

	memset(resp, 0, sizeof *resp);
	resp->content_length = -1;
	resp->headers = hdrs;
	if (len == 0)
		return 0;
	up_http_head_init(&h, buf, len, lim, hdrs, hdr_cap, 0);

	r = up_http_scan_line(&h, buf, 1, &eol, &next);
	if (r == 0)
		return h.over ? UP_ETOOBIG : 0;
	if (r < 0)
		return r;
	r = parse_status_line(resp, buf, eol);
	if (r < 0)
		return r;
	h.version_minor = resp->version_minor;

	r = up_http_parse_fields(&h, next, &done);
	if (r <= 0)
		return r;
	resp->num_headers = h.n;
	resp->content_length = h.clen;
	resp->chunked = h.te;
	resp->close = resp->version_minor == 1 ? h.conn_close
	                                       : !h.conn_keep_alive || h.conn_close;
	resp->head_len = (size_t)(done - buf);
	return (ssize_t)resp->head_len;
}

int up_http_response_has_body(const uint8_t *method, size_t method_len,
                              int status)
{
	if (method && method_len == 4 && !memcmp(method, "HEAD", 4))
		return 0;
	if (status < 200 || status == 204 || status == 304)
		return 0;
	if (method && method_len == 7 && !memcmp(method, "CONNECT", 7) &&
	    status < 300)
		return 0;
	return 1;
}

const char *up_http_status_text(int code)
{
	switch (code) {
	case 100: return "Continue";
	case 101: return "Switching Protocols";
	case 102: return "Processing";
	case 103: return "Early Hints";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 203: return "Non-Authoritative Information";
	case 204: return "No Content";
	case 205: return "Reset Content";
	case 206: return "Partial Content";
	case 207: return "Multi-Status";
	case 208: return "Already Reported";
	case 226: return "IM Used";
	case 300: return "Multiple Choices";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 305: return "Use Proxy";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 402: return "Payment Required";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 416: return "Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 421: return "Misdirected Request";
	case 422: return "Unprocessable Content";
	case 423: return "Locked";
	case 424: return "Failed Dependency";
	case 425: return "Too Early";
	case 426: return "Upgrade Required";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 451: return "Unavailable For Legal Reasons";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	case 506: return "Variant Also Negotiates";
	case 507: return "Insufficient Storage";
	case 508: return "Loop Detected";
	case 510: return "Not Extended";
	case 511: return "Network Authentication Required";
	}
	return "Unknown";
}

int up_http_error_status(int code)
{
	switch (code) {
	case UP_EHTTP_LINELEN:
	case UP_EHTTP_TOOMANY:
		return 431;
	case UP_ETOOBIG:
		return 413;
	case UP_EHTTP_TE:
		return 501;
	case UP_EHTTP_VERSION:
		return 505;
	case UP_EHTTP_REQLINE: case UP_EHTTP_METHOD: case UP_EHTTP_URI:
	case UP_EHTTP_HEADER: case UP_EHTTP_CLEN: case UP_EHTTP_CLENDUP:
	case UP_EHTTP_SMUGGLE: case UP_EHTTP_OBSFOLD: case UP_EHTTP_NUL:
	case UP_EHTTP_CHUNK: case UP_EHTTP_STATUS:
		return 400;
	}
	return 500;
}
