/* uwsgi-proxy's configuration: the option table's target, loaded from the
 * command line and --ini files at start and again on SIGHUP. */
#ifndef UWSGI_PROXY_CONF_H
#define UWSGI_PROXY_CONF_H

#include "uwsgiproto/opt.h"

enum balance { BAL_RR, BAL_LC, BAL_HASH };

struct conf {
	struct up_opt_list uwsgi_sockets; /* --uwsgi-socket */
	struct up_opt_list http_sockets; /* --http-socket */
	struct up_opt_list to;           /* --to: the static pool */
	int balance;                     /* enum balance */
	char *hash_key;                  /* --hash-key VAR */
	char *subscription_server;       /* UDP address, may be multicast */
	long long subscription_timeout;  /* ms */
	long long check_interval;        /* ms; 0: no active checks */
	long long check_timeout;         /* ms */
	long long connect_timeout;       /* ms */
	long long timeout;               /* ms of idleness */
	long long max_conns;
	long long buffer_size;           /* largest vars block / HTTP head */
	long long listen;                /* backlog */
	long long drain_timeout;         /* ms */
	char *stats;                     /* --stats ADDR */
	char *pidfile;
	int log_requests;
};

/* Load argv (and the --ini files it names) into *c, defaults first.
 * Returns 0 with *action set, or -1 with err[0..cap) saying why; *c is
 * freed on failure. */
int conf_load(struct conf *c, int argc, char *const argv[],
              enum up_opt_action *action, char *err, size_t cap);

/* Release what conf_load allocated. */
void conf_free(struct conf *c);

/* The --help text. */
void conf_help(FILE *out);

/* The name of a balancing policy ("rr", "lc", "hash"). */
const char *conf_balance_name(int b);

#endif
