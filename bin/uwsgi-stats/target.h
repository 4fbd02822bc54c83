/* What ADDRESS names: a stats socket (host:port, [v6]:port, a UNIX path,
 * @abstract) or an http:// URL of a --stats-http endpoint. Parsed and
 * resolved once, before the first read. */
#ifndef UWSGI_STATS_TARGET_H
#define UWSGI_STATS_TARGET_H

#include "uwsgiproto/net.h"

#define TARGET_PATH_MAX 1024

struct target {
	int http;                          /* an http:// URL */
	up_addr_t addr;                    /* where to connect */
	char host[UP_ADDR_TEXT_MAX];       /* URL: the Host header (authority) */
	char path[TARGET_PATH_MAX];        /* URL: the request target */
	char label[UP_ADDR_TEXT_MAX + TARGET_PATH_MAX + 8];  /* for messages */
};

/* Parse and resolve text into *t. Returns 0, UP_EADDR for text that is no
 * address or URL (err->msg says why), UP_ERESOLVE for a host that does not
 * resolve. */
int target_parse(const char *text, struct target *t, up_err_t *err);

#endif
