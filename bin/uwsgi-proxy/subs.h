/* The subscription server: UDP datagrams in uWSGI's format (one packet
 * each, modifier1 224; modifier2 0 subscribes or refreshes, 1
 * unsubscribes; vars key, address, modifier1, modifier2, cores, load,
 * weight) add nodes to the pool of their key. Nodes not refreshed within
 * --subscription-timeout are dropped. */
#ifndef UWSGI_PROXY_SUBS_H
#define UWSGI_PROXY_SUBS_H

#include "proxy.h"

/* Bind addr (joining it when it is a multicast group) and start. 0 or -1
 * with err filled. */
int subs_open(struct proxy *px, const char *addr, up_err_t *err);

/* Stop listening (the nodes stay until they expire or the process ends). */
void subs_close(struct proxy *px);

/* The address it is bound to, or NULL. */
const char *subs_addr(const struct proxy *px);

#endif
