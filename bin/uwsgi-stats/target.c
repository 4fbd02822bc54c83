#include "target.h"

#include <stdio.h>
#include <string.h>

#define HTTP_PREFIX "http://"

/* The request target may not hold bytes that would end or split the
 * request line: no spaces, no control bytes. */
static int path_ok(const char *p)
{
	for (; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int parse_url(const char *text, struct target *t, up_err_t *err)
{
	const char *auth = text + strlen(HTTP_PREFIX), *slash, *search = auth;
	char addr[UP_ADDR_TEXT_MAX];
	if (*auth == '[' && (search = strchr(auth, ']')) == NULL)
		return up_err_set(err, UP_EADDR, "%s: unterminated '[' in the URL", text);
	slash = strchr(search, '/');
	size_t alen = slash ? (size_t)(slash - auth) : strlen(auth);
	const char *path = slash ? slash : "/";
	if (alen == 0 || alen >= sizeof t->host)
		return up_err_set(err, UP_EADDR, "%s: no host in the URL", text);
	if (strlen(path) >= sizeof t->path || !path_ok(path))
		return up_err_set(err, UP_EADDR, "%s: bad path in the URL", text);
	memcpy(t->host, auth, alen);
	t->host[alen] = '\0';
	strcpy(t->path, path);
	/* A port is the digits after the last ':' outside the brackets. */
	const char *colon = strrchr(t->host, ':');
	int has_port = colon && colon > (strchr(t->host, ']') ? strchr(t->host, ']') : t->host);
	if (snprintf(addr, sizeof addr, "%s%s", t->host, has_port ? "" : ":80") >= (int)sizeof addr)
		return up_err_set(err, UP_EADDR, "%s: host too long", text);
	t->http = 1;
	snprintf(t->label, sizeof t->label, "%s", text);
	return up_addr_parse(addr, &t->addr, err);
}

int target_parse(const char *text, struct target *t, up_err_t *err)
{
	memset(t, 0, sizeof *t);
	if (strncmp(text, HTTP_PREFIX, strlen(HTTP_PREFIX)) == 0)
		return parse_url(text, t, err);
	if (strstr(text, "://"))
		return up_err_set(err, UP_EADDR, "%s: only http:// URLs are read", text);
	int rc = up_addr_parse(text, &t->addr, err);
	if (rc == 0)
		snprintf(t->label, sizeof t->label, "%s", up_addr_str(&t->addr));
	return rc;
}
