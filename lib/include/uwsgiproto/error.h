/* Error codes shared by every libuwsgiproto module.
 *
 * Functions return 0 or a positive count on success and one of these
 * negative codes on failure; up_strerror() gives a short text for each.
 * Functions that touch the system also fill an up_err_t, whose message names
 * the object (usually an address) and the cause, ready for a tool to print.
 */
#ifndef UWSGIPROTO_ERROR_H
#define UWSGIPROTO_ERROR_H

#include <stddef.h>

enum up_error {
	UP_OK = 0,
	UP_ETRUNC = -1,          /* input ends inside a field */
	UP_ELENGTH = -2,         /* a length points past the end of its block */
	UP_ETOOBIG = -3,         /* over a limit (65535, buffer-size, a cap) */
	UP_EEMPTYKEY = -4,       /* a var with an empty key */
	UP_ENOSPACE = -5,        /* the caller's buffer is too small */
	UP_ENOTFOUND = -6,       /* lookup found nothing */
	UP_EINVAL = -7,          /* invalid argument */
	UP_ESYS = -8,            /* a system call failed: see errno / up_err_t */
	UP_ETIMEDOUT = -9,       /* a deadline passed */
	UP_ECLOSED = -10,        /* the peer closed the connection early */
	UP_EADDR = -11,          /* an address that does not parse */
	UP_ERESOLVE = -12,       /* a host name that does not resolve */
	UP_EHTTPONUWSGI = -13,   /* an HTTP request line on a uwsgi socket */
	UP_EHTTP_REQLINE = -14,  /* malformed HTTP request line */
	UP_EHTTP_METHOD = -15,   /* malformed HTTP method */
	UP_EHTTP_URI = -16,      /* malformed request target */
	UP_EHTTP_VERSION = -17,  /* unsupported or malformed HTTP version */
	UP_EHTTP_HEADER = -18,   /* malformed header line */
	UP_EHTTP_TOOMANY = -19,  /* too many header fields */
	UP_EHTTP_LINELEN = -20,  /* a line longer than the limit */
	UP_EHTTP_CLEN = -21,     /* invalid Content-Length */
	UP_EHTTP_CLENDUP = -22,  /* conflicting Content-Length fields */
	UP_EHTTP_SMUGGLE = -23,  /* Transfer-Encoding together with Content-Length */
	UP_EHTTP_OBSFOLD = -24,  /* obsolete line folding */
	UP_EHTTP_NUL = -25,      /* a NUL or bare control byte in the head */
	UP_EHTTP_TE = -26,       /* unsupported Transfer-Encoding */
	UP_EHTTP_CHUNK = -27,    /* malformed chunked body */
	UP_EHTTP_STATUS = -28,   /* malformed status line */
	UP_EMODIFIER = -29,      /* a modifier this peer does not handle */
	UP_ERRMIN = -29
};

/* A short, constant, lower-case text for an error code ("vars length past
 * end of block"); "unknown error" for codes outside the table. */
const char *up_strerror(int code);

/* Detailed error: code, the errno of a failed system call (0 if none) and a
 * one-line message such as "connect 127.0.0.1:3031: Connection refused". */
typedef struct up_err {
	int code;
	int sys_errno;
	char msg[256];
} up_err_t;

/* Fill err (if not NULL) with code and a printf-formatted message; returns
 * code so callers can write `return up_err_set(err, UP_EADDR, ...)`. */
int up_err_set(up_err_t *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like up_err_set, appending ": strerror(errno)" and recording errno. */
int up_err_sys(up_err_t *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Bytes from a peer fit to quote in a one-line message: at most cap - 1
 * of the n bytes of p (cap > 0), each control byte as '?', so a newline
 * cannot forge a second log line. NUL-terminated; returns out. */
char *up_safe_text(char *out, size_t cap, const void *p, size_t n);

#endif
