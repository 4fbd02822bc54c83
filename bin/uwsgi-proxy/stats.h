/* The stats server: one JSON document per connection, then close, in the
 * shape of uWSGI's fastrouter stats (static_nodes, subscriptions with
 * their nodes, active_sessions) with our own details beside it, so
 * uwsgi-stats and scripts written for uWSGI's routers read it. */
#ifndef UWSGI_PROXY_STATS_H
#define UWSGI_PROXY_STATS_H

#include "proxy.h"
#include "uwsgiproto/buf.h"

/* Listen on addr. 0 or -1 with err filled. */
int stats_open(struct proxy *px, const char *addr, up_err_t *err);
void stats_close(struct proxy *px);

/* The address it listens on, or NULL. */
const char *stats_addr(const struct proxy *px);

/* Append the document to out. 0 or the buffer's error. */
int stats_json(struct proxy *px, up_buf_t *out);

#endif
