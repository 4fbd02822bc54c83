/* The front sockets: opened from the configuration, kept across a reload
 * when still configured (same kind, same address: no connection is
 * dropped and no port is let go), closed when not. */
#ifndef UWSGI_PROXY_LISTENERS_H
#define UWSGI_PROXY_LISTENERS_H

#include "proxy.h"

/* Make px->listeners match c. strict (at start): the first socket that
 * cannot be opened is an error, 0 or -1 with err filled. Otherwise (a
 * reload) failures are logged and the others go on; returns how many
 * failed. */
int listeners_apply(struct proxy *px, const struct conf *c, int strict, up_err_t *err);

/* Close every front socket (draining, exit). */
void listeners_close_all(struct proxy *px);

#endif
