/* The server's configuration: one struct filled from the command line, ini
 * files, XML files and UWSGI_* environment variables through one option
 * table (config.c), so an option is added in one place and works in all
 * four. Names and meanings follow uWSGI's where the feature is the same.
 * Repeatable options are struct up_opt_list: their values in the order
 * given, owned by the list (config_free releases them). */
#ifndef UWSGI_SERVER_CONFIG_H
#define UWSGI_SERVER_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "uwsgiproto/opt.h"

enum socket_proto { PROTO_UWSGI, PROTO_HTTP };

struct socket_conf {
	char *addr;              /* as given: "127.0.0.1:3031", "/run/app.sock" */
	enum socket_proto proto;
};

struct config {
	/* sockets */
	struct socket_conf *sockets;   /* --socket/-s, --http-socket, --http11-socket */
	size_t nsockets;
	int listen;                    /* --listen/-l backlog (default 100) */
	unsigned chmod_socket;         /* --chmod-socket[=MODE] (0: leave; bare flag: 0666) */
	int vacuum;                    /* --vacuum */
	int no_defer_accept;           /* --no-defer-accept */

	/* processes */
	int master;                    /* --master/-M */
	int processes;                 /* --processes/--workers/-p (default 1) */
	int threads;                   /* --threads (default 1) */
	int enable_threads;            /* --enable-threads */
	int lazy_apps;                 /* --lazy-apps */
	int single_interpreter;        /* --single-interpreter */

	/* apps */
	char *wsgi_file;               /* --wsgi-file/--file */
	char *module;                  /* --module/-w/--wsgi MOD[:CALLABLE] */
	char *callable;                /* --callable (default "application") */
	struct up_opt_list mounts;     /* --mount /prefix=FILE_OR_MODULE */
	int manage_script_name;        /* --manage-script-name */
	int dynamic_apps;              /* --dynamic-apps */
	int max_apps;                  /* --max-apps (default 64) */
	char *chdir;                   /* --chdir */
	struct up_opt_list pythonpath; /* --pythonpath/--python-path/--pp */
	char *home;                    /* --home/--virtualenv/--venv/-H */
	struct up_opt_list env;        /* --env KEY=VALUE */
	char *paste;                   /* --paste config:FILE */

	/* limits */
	size_t buffer_size;            /* --buffer-size/-b (default 4096) */
	int socket_timeout;            /* --socket-timeout seconds (default 4) */
	long long limit_post;          /* --limit-post bytes (0: none) */
	long long post_buffering;      /* --post-buffering (accepted) */

	/* logging */
	char *logto;                   /* --logto FILE */
	char *log_format;              /* --log-format/--logformat */
	int disable_logging;           /* --disable-logging/-L */
	int memory_report;             /* --memory-report */

	/* static files */
	struct up_opt_list static_map; /* --static-map /url=DIR */
	struct up_opt_list check_static; /* --check-static DIR */

	/* process identity and lifetime */
	char *pidfile;                 /* --pidfile */
	char *daemonize;               /* --daemonize LOGFILE */
	char *uid;                     /* --uid NAME|NUMBER */
	char *gid;                     /* --gid NAME|NUMBER */
	int die_on_term;               /* --die-on-term (SIGTERM always shuts down) */

	/* self-healing */
	int harakiri;                  /* --harakiri SECONDS (0: off) */
	int harakiri_verbose;          /* --harakiri-verbose */
	int max_requests;              /* --max-requests N (0: off) */
	int min_worker_lifetime;       /* --min-worker-lifetime SECONDS (0: off) */
	int reload_on_as;              /* --reload-on-as MB */
	int reload_on_rss;             /* --reload-on-rss MB */
	int evil_reload_on_rss;        /* --evil-reload-on-rss MB (master kills) */
	int limit_as;                  /* --limit-as MB (RLIMIT_AS) */
	int reload_mercy;              /* --reload-mercy SECONDS (default 60) */
	int worker_reload_mercy;       /* --worker-reload-mercy SECONDS (default 60) */
	struct up_opt_list master_fifo; /* --master-fifo PATH (repeatable) */
	struct up_opt_list touch_reload; /* --touch-reload FILE (repeatable) */
	int reaper;                    /* --reaper */
	struct up_opt_list management_allow; /* --management-allow ADDR[/BITS] */
	int cheaper;                   /* --cheaper N: at least N workers run */
	int cheaper_initial;           /* --cheaper-initial N: how many start */
	int cheaper_step;              /* --cheaper-step N (default 1) */
	int cheaper_overload;          /* --cheaper-overload SECONDS (default 3) */

	/* stats */
	char *stats;                   /* --stats ADDR: the stats server */
	int stats_http;                /* --stats-http: answer it as HTTP */

	/* the uwsgi module's shared memory */
	int locks;                     /* --locks N: user locks 1..N besides lock 0 */
	int sharedarea;                /* --sharedarea PAGES (0: none) */
	int cache;                     /* --cache ITEMS (0: no cache) */
	size_t cache_blocksize;        /* --cache-blocksize BYTES (default 65536) */
	struct up_opt_list cache2;     /* --cache2 name=N,items=N[,blocksize=B][,keysize=K] */

	/* the uwsgi module's spooler */
	char *spooler;                 /* --spooler DIR */
	int spooler_processes;         /* --spooler-processes N (default 1) */
	int spooler_frequency;         /* --spooler-frequency SECONDS (default 30) */

	/* the integrated profiler */
	char *profiler;                /* --profiler pycall|pyline|cprofile */
	char *profiler_dir;            /* --profiler-dir DIR: a pstats file per request */
	int profiler_keep;             /* --profiler-keep N per worker (default 100) */

	/* introspection */
	int show_config;               /* --show-config: print the resolved
					  configuration as an ini file, exit */
};

/* Fill *c with the defaults, then apply, in this order: UWSGI_* environment
 * variables, the command line (where --ini FILE[:section], --xml FILE apply
 * their files at the point they appear, so later options override them).
 * On an error prints one line naming the source (file:line, option or
 * variable) and exits 1; --help and --version print and exit 0. */
void config_load(struct config *c, int argc, char **argv);

/* Print the resolved configuration as an [uwsgi] ini section that
 * config_load would read back to the same configuration. */
void config_print(const struct config *c, FILE *out);

/* Release everything the struct owns. */
void config_free(struct config *c);

#endif
