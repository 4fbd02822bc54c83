/* The setters (config_set.c) and printers (config_print.c) the option table
 * points at: one pair per kind of value, told the field by the entry's
 * offset and the range by its min/max. */
#ifndef UWSGI_SERVER_CONFIG_SET_H
#define UWSGI_SERVER_CONFIG_SET_H

#include "config_opt.h"

int set_int(struct cfg_run *r, const struct opt *o, const char *val);
int set_size(struct cfg_run *r, const struct opt *o, const char *val);    /* size_t bytes */
int set_llsize(struct cfg_run *r, const struct opt *o, const char *val);  /* long long bytes */
int set_flag(struct cfg_run *r, const struct opt *o, const char *val);
int set_str(struct cfg_run *r, const struct opt *o, const char *val);
int set_list(struct cfg_run *r, const struct opt *o, const char *val);
int set_pair(struct cfg_run *r, const struct opt *o, const char *val);   /* list of X=Y */
int set_socket_uwsgi(struct cfg_run *r, const struct opt *o, const char *val);
int set_socket_http(struct cfg_run *r, const struct opt *o, const char *val);
int set_chmod(struct cfg_run *r, const struct opt *o, const char *val);
int set_ini(struct cfg_run *r, const struct opt *o, const char *val);
int set_xml(struct cfg_run *r, const struct opt *o, const char *val);
int set_help(struct cfg_run *r, const struct opt *o, const char *val);
int set_version(struct cfg_run *r, const struct opt *o, const char *val);

void print_int(const struct config *c, const struct opt *o, FILE *out);
void print_size(const struct config *c, const struct opt *o, FILE *out);
void print_llsize(const struct config *c, const struct opt *o, FILE *out);
void print_flag(const struct config *c, const struct opt *o, FILE *out);
void print_str(const struct config *c, const struct opt *o, FILE *out);
void print_list(const struct config *c, const struct opt *o, FILE *out);
void print_sockets(const struct config *c, const struct opt *o, FILE *out);
void print_chmod(const struct config *c, const struct opt *o, FILE *out);

#endif
