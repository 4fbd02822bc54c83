#include "uwsgiproto/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const texts[] = {
	[0] = "success",
	[-UP_ETRUNC] = "truncated input",
	[-UP_ELENGTH] = "length past end of block",
	[-UP_ETOOBIG] = "too big",
	[-UP_EEMPTYKEY] = "empty key",
	[-UP_ENOSPACE] = "no space left in buffer",
	[-UP_ENOTFOUND] = "not found",
	[-UP_EINVAL] = "invalid argument",
	[-UP_ESYS] = "system error",
	[-UP_ETIMEDOUT] = "timed out",
	[-UP_ECLOSED] = "connection closed by peer",
	[-UP_EADDR] = "invalid address",
	[-UP_ERESOLVE] = "cannot resolve host",
	[-UP_EHTTPONUWSGI] = "HTTP request on a uwsgi socket",
	[-UP_EHTTP_REQLINE] = "malformed HTTP request line",
	[-UP_EHTTP_METHOD] = "malformed HTTP method",
	[-UP_EHTTP_URI] = "malformed request target",
	[-UP_EHTTP_VERSION] = "unsupported HTTP version",
	[-UP_EHTTP_HEADER] = "malformed header line",
	[-UP_EHTTP_TOOMANY] = "too many header fields",
	[-UP_EHTTP_LINELEN] = "line too long",
	[-UP_EHTTP_CLEN] = "invalid Content-Length",
	[-UP_EHTTP_CLENDUP] = "conflicting Content-Length",
	[-UP_EHTTP_SMUGGLE] = "Transfer-Encoding with Content-Length",
	[-UP_EHTTP_OBSFOLD] = "obsolete header line folding",
	[-UP_EHTTP_NUL] = "control byte in HTTP head",
	[-UP_EHTTP_TE] = "unsupported Transfer-Encoding",
	[-UP_EHTTP_CHUNK] = "malformed chunked body",
	[-UP_EHTTP_STATUS] = "malformed status line",
	[-UP_EMODIFIER] = "unsupported modifier",
};

const char *up_strerror(int code)
{
	if (code > 0 || code < UP_ERRMIN || !texts[-code])
		return "unknown error";
	return texts[-code];
}

static int vset(up_err_t *err, int code, int sys, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	err->sys_errno = sys;
	int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	if (n < 0)
		n = 0;
	if (sys && (size_t)n < sizeof err->msg)
		snprintf(err->msg + n, sizeof err->msg - n, ": %s", strerror(sys));
	return code;
}

int up_err_set(up_err_t *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(err, code, 0, fmt, ap);
	va_end(ap);
	return code;
}

int up_err_sys(up_err_t *err, int code, const char *fmt, ...)
{
	int sys = errno;
	va_list ap;
	va_start(ap, fmt);
	vset(err, code, sys ? sys : EIO, fmt, ap);
	va_end(ap);
	errno = sys;
	return code;
}

char *up_safe_text(char *out, size_t cap, const void *p, size_t n)
{
	const unsigned char *s = p;
	if (n > cap - 1)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	out[n] = '\0';
	return out;
}
