/* One function per kind of exchange; each returns the exit status (or
 * exits through die() with the documented code). */
#ifndef UWSGI_SEND_MODES_H
#define UWSGI_SEND_MODES_H

#include "send.h"

int wsgi_exchange(const struct send_opts *o);    /* wsgi.c */
int ping_exchange(const struct send_opts *o);    /* modes.c from here on */
int rpc_exchange(const struct send_opts *o);
int signal_exchange(const struct send_opts *o);
int spool_exchange(const struct send_opts *o);
int raw_exchange(const struct send_opts *o);
int echo_exchange(const struct send_opts *o);
int reload_exchange(const struct send_opts *o);

#endif
