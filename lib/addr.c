/* Address text <-> socket addresses. See uwsgiproto/net.h. */
#include "uwsgiproto/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#define SUN_OFF offsetof(struct sockaddr_un, sun_path)
#define SUN_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

static void set_port(up_addr_t *a, int port)
{
	if (a->family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons((uint16_t)port);
	else if (a->family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons((uint16_t)port);
}

int up_addr_port(const up_addr_t *a)
{
	if (a->family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	if (a->family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return 0;
}

const char *up_addr_str(const up_addr_t *a)
{
	return a->name;
}

/* "/path" or "@abstract" into a's sockaddr_un. */
static int parse_unix(const char *text, up_addr_t *a, up_err_t *err)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&a->ss;
	size_t n = strlen(text);

	a->family = sun->sun_family = AF_UNIX;
	if (text[0] == '@') {
		if (n == 1)
			return up_err_set(err, UP_EADDR,
			                  "address \"@\": empty abstract socket name");
		/* sun_path holds the leading NUL and the n - 1 name bytes. */
		if (n > SUN_MAX)
			return up_err_set(err, UP_EADDR, "address \"%s\": abstract "
			                  "name longer than %zu bytes", text, SUN_MAX - 1);
		memcpy(sun->sun_path + 1, text + 1, n - 1);
		a->len = (socklen_t)(SUN_OFF + n);
		return 0;
	}
	if (n >= SUN_MAX)
		return up_err_set(err, UP_EADDR, "address \"%s\": UNIX socket path "
		                  "longer than %zu bytes", text, SUN_MAX - 1);
	memcpy(sun->sun_path, text, n + 1);
	a->len = (socklen_t)(SUN_OFF + n + 1);
	return 0;
}

/* Decimal 0..65535, nothing else. */
static int parse_port(const char *text, const char *s, int *port, up_err_t *err)
{
	long v = 0;

	if (*s == '\0')
		return up_err_set(err, UP_EADDR, "address \"%s\": missing port", text);
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return up_err_set(err, UP_EADDR,
			                  "address \"%s\": invalid port \"%s\"", text, s);
		if (v <= 65535)
			v = v * 10 + (*p - '0');
	}
	if (v > 65535)
		return up_err_set(err, UP_EADDR, "address \"%s\": port %s out of "
		                  "range (0..65535)", text, s);
	*port = (int)v;
	return 0;
}

/* Copy the first getaddrinfo result for host into a. */
static int resolve(const char *text, const char *host, int numeric6,
                   up_addr_t *a, up_err_t *err)
{
	struct addrinfo hints, *res;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_family = numeric6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_flags = numeric6 ? AI_NUMERICHOST : 0;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		if (numeric6)
			return up_err_set(err, UP_EADDR, "address \"%s\": invalid "
			                  "IPv6 address \"%s\"", text, host);
		if (rc == EAI_SYSTEM)
			return up_err_sys(err, UP_ERESOLVE, "resolve %s", host);
		return up_err_set(err, UP_ERESOLVE, "resolve %s: %s", host,
		                  gai_strerror(rc));
	}
	if (res->ai_addrlen > sizeof a->ss ||
	    (res->ai_family != AF_INET && res->ai_family != AF_INET6)) {
		freeaddrinfo(res);
		return up_err_set(err, UP_ERESOLVE, "resolve %s: no IPv4 or IPv6 "
		                  "address", host);
	}
	memcpy(&a->ss, res->ai_addr, res->ai_addrlen);
	a->len = res->ai_addrlen;
	a->family = res->ai_family;
	freeaddrinfo(res);
	return 0;
}

/* "host:port", ":port", "[v6]:port". */
static int parse_inet(const char *text, up_addr_t *a, up_err_t *err)
{
	char host[UP_ADDR_TEXT_MAX];
	const char *portstr;
	size_t hl;
	int port = 0, rc, bracket = text[0] == '[';

	if (bracket) {
		const char *end = strchr(text, ']');
		if (!end)
			return up_err_set(err, UP_EADDR,
			                  "address \"%s\": unterminated '['", text);
		if (end[1] == '\0')
			return up_err_set(err, UP_EADDR,
			                  "address \"%s\": missing port", text);
		if (end[1] != ':')
			return up_err_set(err, UP_EADDR,
			                  "address \"%s\": expected ':' after ']'", text);
		hl = (size_t)(end - text - 1);
		memcpy(host, text + 1, hl);
		portstr = end + 2;
	} else {
		const char *colon = strrchr(text, ':');
		if (!colon)
			return up_err_set(err, UP_EADDR,
			                  "address \"%s\": missing port", text);
		hl = (size_t)(colon - text);
		memcpy(host, text, hl);
		portstr = colon + 1;
		if (memchr(host, ':', hl))
			return up_err_set(err, UP_EADDR, "address \"%s\": IPv6 "
			                  "addresses go in brackets ([::1]:3031)", text);
	}
	host[hl] = '\0';
	if ((rc = parse_port(text, portstr, &port, err)) < 0)
		return rc;

	struct sockaddr_in *sin = (struct sockaddr_in *)&a->ss;
	if (bracket && hl == 0)
		return up_err_set(err, UP_EADDR,
		                  "address \"%s\": empty IPv6 address", text);
	if (bracket) {
		if ((rc = resolve(text, host, 1, a, err)) < 0)
			return rc;
	} else if (hl == 0 || inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		/* ":port" keeps sin_addr zero: INADDR_ANY. */
		a->family = sin->sin_family = AF_INET;
		a->len = sizeof *sin;
	} else if ((rc = resolve(text, host, 0, a, err)) < 0) {
		return rc;
	}
	set_port(a, port);
	return 0;
}

int up_addr_parse(const char *text, up_addr_t *out, up_err_t *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if (!text || !*text)
		return up_err_set(err, UP_EADDR, "empty address");
	if (strlen(text) >= sizeof out->text)
		return up_err_set(err, UP_EADDR, "address \"%.40s...\": longer "
		                  "than %zu bytes", text, sizeof out->text - 1);
	if (text[0] == '@' || text[0] == '.' || strchr(text, '/'))
		rc = parse_unix(text, out, err);
	else
		rc = parse_inet(text, out, err);
	if (rc < 0) {
		memset(out, 0, sizeof *out);
		return rc;
	}
	strcpy(out->text, text);
	if (up_addr_format((const struct sockaddr *)&out->ss, out->len,
	                   out->name, sizeof out->name) < 0)
		strcpy(out->name, out->text);
	return 0;
}

/* Numeric host (no brackets; "%scope" for scoped IPv6) and port of an
 * AF_INET/AF_INET6 address into host[cap]. */
static int inet_host(const struct sockaddr *sa, socklen_t len,
                     char *host, size_t cap, int *port)
{
	char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];

	if (sa->sa_family == AF_INET) {
		struct sockaddr_in sin;
		if (len < sizeof sin)
			return UP_EINVAL;
		memcpy(&sin, sa, sizeof sin);
		inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf);
		*port = ntohs(sin.sin_port);
	} else {
		struct sockaddr_in6 sin6;
		if (len < sizeof sin6)
			return UP_EINVAL;
		memcpy(&sin6, sa, sizeof sin6);
		inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof buf);
		if (sin6.sin6_scope_id) {
			char ifn[IF_NAMESIZE];
			size_t n = strlen(buf);
			if (if_indextoname(sin6.sin6_scope_id, ifn))
				snprintf(buf + n, sizeof buf - n, "%%%s", ifn);
			else
				snprintf(buf + n, sizeof buf - n, "%%%u",
				         (unsigned)sin6.sin6_scope_id);
		}
		*port = ntohs(sin6.sin6_port);
	}
	if (strlen(buf) >= cap)
		return UP_ENOSPACE;
	strcpy(host, buf);
	return 0;
}

/* "/path", "@abstract" or "" (unnamed) into out[cap]. */
static int unix_text(const struct sockaddr *sa, socklen_t len, char *out, size_t cap)
{
	const char *p = (const char *)sa + SUN_OFF;
	size_t n = len > SUN_OFF ? len - SUN_OFF : 0;

	if (n > SUN_MAX)
		n = SUN_MAX;
	if (n == 0) {
		out[0] = '\0';
		return 0;
	}
	if (p[0] != '\0') {
		n = strnlen(p, n);
		if (n >= cap)
			return UP_ENOSPACE;
		memcpy(out, p, n);
		out[n] = '\0';
		return (int)n;
	}
	/* Abstract: '@' replaces the leading NUL; n - 1 name bytes follow. */
	if (n >= cap)
		return UP_ENOSPACE;
	out[0] = '@';
	for (size_t i = 1; i < n; i++)
		out[i] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?';
	out[n] = '\0';
	return (int)n;
}

int up_addr_format(const struct sockaddr *sa, socklen_t len, char *out, size_t cap)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	int port, rc, n;

	if (!out || cap == 0)
		return UP_ENOSPACE;
	out[0] = '\0';
	if (!sa || len < sizeof(sa_family_t))
		return UP_EINVAL;
	switch (sa->sa_family) {
	case AF_UNIX:
		return unix_text(sa, len, out, cap);
	case AF_INET:
	case AF_INET6:
		if ((rc = inet_host(sa, len, host, sizeof host, &port)) < 0)
			return rc;
		if (sa->sa_family == AF_INET)
			n = snprintf(out, cap, "%s:%d", host, port);
		else
			n = snprintf(out, cap, "[%s]:%d", host, port);
		if (n < 0 || (size_t)n >= cap) {
			out[0] = '\0';
			return UP_ENOSPACE;
		}
		return n;
	default:
		return UP_EINVAL;
	}
}

int up_addr_host_port(const struct sockaddr *sa, socklen_t len,
                      char *host, size_t hostcap, int *port)
{
	int dummy, rc;

	if (!port)
		port = &dummy;
	*port = 0;
	if (!host || hostcap == 0)
		return UP_ENOSPACE;
	host[0] = '\0';
	if (!sa || len < sizeof(sa_family_t))
		return UP_EINVAL;
	switch (sa->sa_family) {
	case AF_UNIX:
		rc = unix_text(sa, len, host, hostcap);
		return rc < 0 ? rc : 0;
	case AF_INET:
	case AF_INET6:
		return inet_host(sa, len, host, hostcap, port);
	default:
		return UP_EINVAL;
	}
}

int up_addr_set(up_addr_t *out, const struct sockaddr *sa, socklen_t len)
{
	memset(out, 0, sizeof *out);
	if (!sa || len < sizeof(sa_family_t) || len > sizeof out->ss)
		return UP_EINVAL;
	if (sa->sa_family != AF_UNIX && sa->sa_family != AF_INET &&
	    sa->sa_family != AF_INET6)
		return UP_EINVAL;
	if (up_addr_format(sa, len, out->name, sizeof out->name) < 0)
		return UP_EINVAL;
	memcpy(&out->ss, sa, len);
	out->len = len;
	out->family = sa->sa_family;
	strcpy(out->text, out->name);
	return 0;
}

int up_addr_local(int fd, up_addr_t *out, up_err_t *err)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	memset(out, 0, sizeof *out);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return up_err_sys(err, UP_ESYS, "getsockname fd %d", fd);
	if (up_addr_set(out, (struct sockaddr *)&ss, len) < 0)
		return up_err_set(err, UP_EINVAL, "getsockname fd %d: unsupported "
		                  "address family %d", fd, (int)ss.ss_family);
	return 0;
}
