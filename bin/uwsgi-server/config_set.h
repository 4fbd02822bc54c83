/* The server's own setters (config_set.c) and printers (config_print.c),
 * for the values lib/'s generic ones do not cover: sockets with their
 * protocol, an octal mode, KEY=VALUE pairs. */
#ifndef UWSGI_SERVER_CONFIG_SET_H
#define UWSGI_SERVER_CONFIG_SET_H

#include "config_opt.h"

int set_pair(struct up_opt_run *r, const struct up_opt *o, const char *val);   /* list of X=Y */
int set_socket_uwsgi(struct up_opt_run *r, const struct up_opt *o, const char *val);
int set_socket_http(struct up_opt_run *r, const struct up_opt *o, const char *val);
int set_chmod(struct up_opt_run *r, const struct up_opt *o, const char *val);

void print_sockets(const void *target, const struct up_opt *o, FILE *out);
void print_chmod(const void *target, const struct up_opt *o, FILE *out);

#endif
