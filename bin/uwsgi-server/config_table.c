/* The server's one option table. Each row drives the command line, ini
 * and XML keys, the UWSGI_* variable, --help and --show-config, so adding
 * an option means adding a row (and a field in struct config). Names,
 * short letters and meanings follow uWSGI 2.0 where the feature is the
 * same. An alias row names the option it stands for and nothing else. */
#include <limits.h>
#include <stddef.h>

#include "config_set.h"

#define UP_OPT_TARGET struct config
#define PAIRS(f) set_pair, up_opt_print_list, UP_OPT_FIELD(f), 0, 0, NULL

const struct up_opt cfg_opts[] = {
	{ GROUP_SOCKETS, "socket", 's', UP_ARG_REQUIRED, "ADDR", "serve the uwsgi protocol on ADDR (repeatable)", set_socket_uwsgi, print_sockets, 0, 0, 0, NULL },
	{ GROUP_SOCKETS, "uwsgi-socket", 0, UP_OPT_ALIAS("socket") },
	{ GROUP_SOCKETS, "http-socket", 0, UP_ARG_REQUIRED, "ADDR", "serve HTTP/1.1 on ADDR (repeatable)", set_socket_http, NULL, 0, 0, 0, NULL },
	{ GROUP_SOCKETS, "http11-socket", 0, UP_OPT_ALIAS("http-socket") },
	{ GROUP_SOCKETS, "listen", 'l', UP_ARG_REQUIRED, "N", "listen backlog of each socket (default 100)", UP_OPT_INT(listen, 1, 65535) },
	{ GROUP_SOCKETS, "chmod-socket", 'C', UP_ARG_OPTIONAL, "MODE", "chmod UNIX sockets to MODE (octal; bare: 666)", set_chmod, print_chmod, UP_OPT_FIELD(chmod_socket), 0, 07777, NULL },
	{ GROUP_SOCKETS, "vacuum", 0, UP_ARG_NONE, NULL, "remove UNIX sockets and the pidfile at exit", UP_OPT_FLAG(vacuum) },
	{ GROUP_SOCKETS, "no-defer-accept", 0, UP_ARG_NONE, NULL, "hand over TCP connections before their first bytes arrive", UP_OPT_FLAG(no_defer_accept) },

	{ GROUP_PROCESSES, "master", 'M', UP_ARG_NONE, NULL, "run a master process supervising the workers", UP_OPT_FLAG(master) },
	{ GROUP_PROCESSES, "processes", 'p', UP_ARG_REQUIRED, "N", "number of worker processes (default 1)", UP_OPT_INT(processes, 1, 1024) },
	{ GROUP_PROCESSES, "workers", 0, UP_OPT_ALIAS("processes") },
	{ GROUP_PROCESSES, "threads", 0, UP_ARG_REQUIRED, "N", "threads per worker (default 1)", UP_OPT_INT(threads, 1, 512) },
	{ GROUP_PROCESSES, "enable-threads", 'T', UP_ARG_NONE, NULL, "let the application start Python threads", UP_OPT_FLAG(enable_threads) },
	{ GROUP_PROCESSES, "lazy-apps", 0, UP_ARG_NONE, NULL, "load the application in each worker, after fork", UP_OPT_FLAG(lazy_apps) },
	{ GROUP_PROCESSES, "single-interpreter", 'i', UP_ARG_NONE, NULL, "every app in the main interpreter (no sub-interpreters)", UP_OPT_FLAG(single_interpreter) },

	{ GROUP_APPS, "wsgi-file", 0, UP_ARG_REQUIRED, "FILE", "load the WSGI application from a Python file", UP_OPT_STR(wsgi_file) },
	{ GROUP_APPS, "file", 0, UP_OPT_ALIAS("wsgi-file") },
	{ GROUP_APPS, "module", 'w', UP_ARG_REQUIRED, "MOD[:CALLABLE]", "load the WSGI application from a module", UP_OPT_STR(module) },
	{ GROUP_APPS, "wsgi", 0, UP_OPT_ALIAS("module") },
	{ GROUP_APPS, "callable", 0, UP_ARG_REQUIRED, "NAME", "name of the app object (default application)", UP_OPT_STR(callable) },
	{ GROUP_APPS, "mount", 0, UP_ARG_REQUIRED, "/PREFIX=APP", "mount APP (file/module) at PREFIX (repeatable)", PAIRS(mounts) },
	{ GROUP_APPS, "dynamic-apps", 0, UP_ARG_NONE, NULL, "load apps named by a request's UWSGI_SCRIPT/UWSGI_FILE/... vars", UP_OPT_FLAG(dynamic_apps) },
	{ GROUP_APPS, "max-apps", 0, UP_ARG_REQUIRED, "N", "at most N apps per worker, dynamic ones included (default 64)", UP_OPT_INT(max_apps, 1, 1024) },
	{ GROUP_APPS, "manage-script-name", 0, UP_ARG_NONE, NULL, "move the mount prefix into SCRIPT_NAME", UP_OPT_FLAG(manage_script_name) },
	{ GROUP_APPS, "chdir", 0, UP_ARG_REQUIRED, "DIR", "change to DIR before loading the application", UP_OPT_STR(chdir) },
	{ GROUP_APPS, "pythonpath", 0, UP_ARG_REQUIRED, "DIR", "add DIR to sys.path (repeatable)", UP_OPT_LIST(pythonpath) },
	{ GROUP_APPS, "python-path", 0, UP_OPT_ALIAS("pythonpath") },
	{ GROUP_APPS, "pp", 0, UP_OPT_ALIAS("pythonpath") },
	{ GROUP_APPS, "home", 'H', UP_ARG_REQUIRED, "DIR", "the virtualenv (Python home) to run in", UP_OPT_STR(home) },
	{ GROUP_APPS, "virtualenv", 0, UP_OPT_ALIAS("home") },
	{ GROUP_APPS, "venv", 0, UP_OPT_ALIAS("home") },
	{ GROUP_APPS, "pyhome", 0, UP_OPT_ALIAS("home") },
	{ GROUP_APPS, "env", 0, UP_ARG_REQUIRED, "KEY=VALUE", "set an environment variable (repeatable)", PAIRS(env) },
	{ GROUP_APPS, "paste", 0, UP_ARG_REQUIRED, "config:FILE", "load a paste.deploy application", UP_OPT_STR(paste) },

	{ GROUP_HEALING, "harakiri", 't', UP_ARG_REQUIRED, "SECONDS", "kill a worker whose request runs longer (0: off)", UP_OPT_INT(harakiri, 0, 86400) },
	{ GROUP_HEALING, "harakiri-verbose", 0, UP_ARG_NONE, NULL, "log the killed request's vars too", UP_OPT_FLAG(harakiri_verbose) },
	{ GROUP_HEALING, "max-requests", 'R', UP_ARG_REQUIRED, "N", "recycle a worker after about N requests", UP_OPT_INT(max_requests, 0, INT_MAX) },
	{ GROUP_HEALING, "min-worker-lifetime", 0, UP_ARG_REQUIRED, "SECONDS", "never recycle a worker younger than this (default 0)", UP_OPT_INT(min_worker_lifetime, 0, 86400) },
	{ GROUP_HEALING, "reload-on-as", 'r', UP_ARG_REQUIRED, "MB", "recycle a worker whose address space passes MB", UP_OPT_INT(reload_on_as, 0, INT_MAX) },
	{ GROUP_HEALING, "reload-on-rss", 0, UP_ARG_REQUIRED, "MB", "recycle a worker whose RSS passes MB", UP_OPT_INT(reload_on_rss, 0, INT_MAX) },
	{ GROUP_HEALING, "evil-reload-on-rss", 0, UP_ARG_REQUIRED, "MB", "the master kills a worker whose RSS passes MB", UP_OPT_INT(evil_reload_on_rss, 0, INT_MAX) },
	{ GROUP_HEALING, "limit-as", 0, UP_ARG_REQUIRED, "MB", "limit each worker's address space (RLIMIT_AS)", UP_OPT_INT(limit_as, 0, INT_MAX) },
	{ GROUP_HEALING, "reload-mercy", 0, UP_ARG_REQUIRED, "SECONDS", "wait this long for workers at reload/shutdown (default 60)", UP_OPT_INT(reload_mercy, 1, 86400) },
	{ GROUP_HEALING, "worker-reload-mercy", 0, UP_ARG_REQUIRED, "SECONDS", "wait this long for a recycled worker (default 60)", UP_OPT_INT(worker_reload_mercy, 1, 86400) },
	{ GROUP_HEALING, "master-fifo", 0, UP_ARG_REQUIRED, "PATH", "read one-letter commands from the FIFO PATH (repeatable)", UP_OPT_LIST(master_fifo) },
	{ GROUP_HEALING, "touch-reload", 0, UP_ARG_REQUIRED, "FILE", "reload gracefully when FILE's mtime changes (repeatable)", UP_OPT_LIST(touch_reload) },
	{ GROUP_HEALING, "management-allow", 0, UP_ARG_REQUIRED, "ADDR[/BITS]", "accept reload packets (modifier1 97/98) from ADDR (repeatable)", UP_OPT_LIST(management_allow) },
	{ GROUP_HEALING, "cheaper", 0, UP_ARG_REQUIRED, "N", "run at least N workers, more under load up to --processes", UP_OPT_INT(cheaper, 0, 1024) },
	{ GROUP_HEALING, "cheaper-initial", 0, UP_ARG_REQUIRED, "N", "workers started with --cheaper (default: N of --cheaper)", UP_OPT_INT(cheaper_initial, 0, 1024) },
	{ GROUP_HEALING, "cheaper-step", 0, UP_ARG_REQUIRED, "N", "workers added at a time under load (default 1)", UP_OPT_INT(cheaper_step, 1, 1024) },
	{ GROUP_HEALING, "cheaper-overload", 0, UP_ARG_REQUIRED, "SECONDS", "busy or idle this long before adding or stopping workers (default 3)", UP_OPT_INT(cheaper_overload, 1, 3600) },
	{ GROUP_HEALING, "reaper", 0, UP_ARG_NONE, NULL, "reap every child (under an external process manager)", UP_OPT_FLAG(reaper) },

	{ GROUP_LOGGING, "stats", 0, UP_ARG_REQUIRED, "ADDR", "serve stats as uWSGI 2.0 JSON on ADDR (run by the master)", UP_OPT_STR(stats) },
	{ GROUP_LOGGING, "stats-server", 0, UP_OPT_ALIAS("stats") },
	{ GROUP_LOGGING, "stats-http", 0, UP_ARG_NONE, NULL, "answer the stats socket as HTTP", UP_OPT_FLAG(stats_http) },

	{ GROUP_LIMITS, "buffer-size", 'b', UP_ARG_REQUIRED, "BYTES", "largest request head accepted (default 4096)", UP_OPT_SIZE(buffer_size, 1, 65535) },
	{ GROUP_LIMITS, "socket-timeout", 'z', UP_ARG_REQUIRED, "SECONDS", "socket read and write timeout (default 4)", UP_OPT_INT(socket_timeout, 1, 86400) },
	{ GROUP_LIMITS, "limit-post", 0, UP_ARG_REQUIRED, "BYTES", "largest request body accepted (default 0: any)", UP_OPT_LLSIZE(limit_post, 0, LLONG_MAX) },
	{ GROUP_LIMITS, "post-buffering", 0, UP_ARG_REQUIRED, "BYTES", "buffer bodies larger than BYTES (accepted)", UP_OPT_LLSIZE(post_buffering, 0, LLONG_MAX) },

	{ GROUP_LOGGING, "logto", 0, UP_ARG_REQUIRED, "FILE", "append the log to FILE instead of stderr", UP_OPT_STR(logto) },
	{ GROUP_LOGGING, "log-format", 0, UP_ARG_REQUIRED, "FORMAT", "request log line, uWSGI's %(var) placeholders", UP_OPT_STR(log_format) },
	{ GROUP_LOGGING, "logformat", 0, UP_OPT_ALIAS("log-format") },
	{ GROUP_LOGGING, "disable-logging", 'L', UP_ARG_NONE, NULL, "do not log requests", UP_OPT_FLAG(disable_logging) },
	{ GROUP_LOGGING, "memory-report", 'm', UP_ARG_NONE, NULL, "add memory use to request logs", UP_OPT_FLAG(memory_report) },

	{ GROUP_STATIC, "static-map", 0, UP_ARG_REQUIRED, "/URL=DIR", "serve the files under DIR at URL (repeatable)", PAIRS(static_map) },
	{ GROUP_STATIC, "check-static", 0, UP_ARG_REQUIRED, "DIR", "serve matching files from DIR (repeatable)", UP_OPT_LIST(check_static) },

	{ GROUP_IDENTITY, "pidfile", 0, UP_ARG_REQUIRED, "FILE", "write the master's pid to FILE", UP_OPT_STR(pidfile) },
	{ GROUP_IDENTITY, "daemonize", 'd', UP_ARG_REQUIRED, "LOGFILE", "run in the background, logging to LOGFILE", UP_OPT_STR(daemonize) },
	{ GROUP_IDENTITY, "uid", 0, UP_ARG_REQUIRED, "USER", "switch to USER (name or number) after binding", UP_OPT_STR(uid) },
	{ GROUP_IDENTITY, "gid", 0, UP_ARG_REQUIRED, "GROUP", "switch to GROUP (name or number) after binding", UP_OPT_STR(gid) },
	{ GROUP_IDENTITY, "die-on-term", 0, UP_ARG_NONE, NULL, "SIGTERM shuts down gracefully (always; accepted)", UP_OPT_FLAG(die_on_term) },

	{ GROUP_API, "locks", 0, UP_ARG_REQUIRED, "N", "user locks 1..N for uwsgi.lock() besides lock 0 (default 0)", UP_OPT_INT(locks, 0, 1024) },
	{ GROUP_API, "sharedarea", 'A', UP_ARG_REQUIRED, "PAGES", "memory pages shared by all workers: uwsgi.sharedarea_*()", UP_OPT_INT(sharedarea, 0, 262144) },
	{ GROUP_API, "cache", 0, UP_ARG_REQUIRED, "ITEMS", "a shared cache of ITEMS items: uwsgi.cache_*()", UP_OPT_INT(cache, 0, 16777216) },
	{ GROUP_API, "cache-blocksize", 0, UP_ARG_REQUIRED, "BYTES", "largest cache value (default 65536)", UP_OPT_SIZE(cache_blocksize, 1, 1 << 30) },
	{ GROUP_API, "cache2", 0, UP_ARG_REQUIRED, "name=NAME,items=N", "the cache, uWSGI 2.0's way (also blocksize=, keysize=)", UP_OPT_LIST(cache2) },
	{ GROUP_API, "spooler", 'Q', UP_ARG_REQUIRED, "DIR", "run spooler jobs from DIR: uwsgi.spool(), modifier1 17", UP_OPT_STR(spooler) },
	{ GROUP_API, "spooler-processes", 0, UP_ARG_REQUIRED, "N", "spooler processes (default 1)", UP_OPT_INT(spooler_processes, 1, 64) },
	{ GROUP_API, "spooler-frequency", 0, UP_ARG_REQUIRED, "SECONDS", "scan the spooler DIR at least this often; retry delay (default 30)", UP_OPT_INT(spooler_frequency, 1, 86400) },

	{ GROUP_LOGGING, "profiler", 0, UP_ARG_REQUIRED, "MODE", "run each request under cProfile, log its top functions (pycall; pyline)", UP_OPT_STR(profiler) },
	{ GROUP_LOGGING, "profiler-dir", 0, UP_ARG_REQUIRED, "DIR", "profile each request into a pstats file in DIR instead", UP_OPT_STR(profiler_dir) },
	{ GROUP_LOGGING, "profiler-keep", 0, UP_ARG_REQUIRED, "N", "pstats files kept per worker in --profiler-dir (default 100)", UP_OPT_INT(profiler_keep, 1, 1000000) },

	{ GROUP_CONFIG, "ini", 0, UP_ARG_REQUIRED, "FILE[:SECTION]", "read section [uwsgi] (or SECTION) of an ini file", UP_OPT_CALL(up_opt_set_ini) },
	{ GROUP_CONFIG, "xml", 'x', UP_ARG_REQUIRED, "FILE[:ID]", "read <uwsgi> (or <uwsgi id=\"ID\">) of an XML file", UP_OPT_CALL(up_opt_set_xml) },
	{ GROUP_CONFIG, "show-config", 0, UP_ARG_NONE, NULL, "print the resolved configuration and exit", up_opt_set_flag, NULL, UP_OPT_FIELD(show_config), 0, 0, NULL },
	{ GROUP_CONFIG, "help", 'h', UP_ARG_NONE, NULL, "print this help and exit", UP_OPT_CALL(up_opt_set_help) },
	{ GROUP_CONFIG, "version", 'V', UP_ARG_NONE, NULL, "print the version and exit", UP_OPT_CALL(up_opt_set_version) },
};

const size_t cfg_nopts = sizeof cfg_opts / sizeof cfg_opts[0];

