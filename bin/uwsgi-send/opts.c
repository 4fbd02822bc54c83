/* The option table of uwsgi-send. Names and letters follow curl where the
 * feature is the same (-X, -H, -d, -i, -I, -o, -f, -s, -S, -v,
 * --max-time); the engine reads them GNU style, so options may follow the
 * address, and writes the first error as one line. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "opts.h"
#include "uwsgiproto/modifiers.h"

/* Headings of --help, in this order. */
enum { GRP_REQUEST, GRP_OTHER, GRP_LOAD, GRP_COMMON };
static const char *const groups[] = {
	[GRP_REQUEST] = "Requests (modifier1 0)",
	[GRP_OTHER] = "Other requests",
	[GRP_LOAD] = "Load",
	[GRP_COMMON] = "Common",
};

/* Every kind of request but a WSGI one is picked by one option; two
 * different kinds are a usage error. */
static int switch_mode(struct up_opt_run *r, enum send_mode m)
{
	struct send_opts *o = r->target;
	if (o->mode != MODE_WSGI && o->mode != m)
		return up_opt_fail(r, "--ping, --rpc, --signal, --spool, --echo, "
				   "--reload and -m exclude each other");
	o->mode = m;
	return 0;
}

/* --ping, --rpc, --spool, --reload: the row's min names the mode. */
static int set_mode(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	(void)val;
	return switch_mode(r, (enum send_mode)opt->min);
}

static int set_brutal(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	struct send_opts *o = r->target;
	(void)opt, (void)val;
	o->brutal = 1;
	return switch_mode(r, MODE_RELOAD);
}

static int set_echo(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	if (switch_mode(r, MODE_ECHO) < 0)
		return -1;
	return up_opt_set_str(r, opt, val);
}

static int set_signal(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	if (switch_mode(r, MODE_SIGNAL) < 0)
		return -1;
	return up_opt_set_int(r, opt, val);
}

static int set_modifier1(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	struct send_opts *o = r->target;
	(void)opt;
	if (switch_mode(r, MODE_RAW) < 0)
		return -1;
	if ((o->modifier1 = up_modifier_by_name(val)) < 0)
		return up_opt_fail(r, "unknown modifier '%.80s' (a number 0-255 "
				   "or a name such as ping, echo, rpc)", val);
	return 0;
}

#define UP_OPT_TARGET struct send_opts
#define MODE(m) set_mode, NULL, 0, m, 0, NULL

static const struct up_opt table[] = {
	{ GRP_REQUEST, "request", 'X', UP_ARG_REQUIRED, "METHOD", "method (default GET, POST with -d, HEAD with -I)", UP_OPT_STR(method) },
	{ GRP_REQUEST, "header", 'H', UP_ARG_REQUIRED, "'N: v'", "add a header (HTTP_N); 'N:' removes one, 'N;' sends it empty", UP_OPT_LIST(headers) },
	{ GRP_REQUEST, "data", 'd', UP_ARG_MAYBE_EMPTY, "DATA|@FILE|@-", "body, bytes untouched (--data-binary is the same)", UP_OPT_LIST(data) },
	{ GRP_REQUEST, "data-binary", 0, UP_OPT_ALIAS("data") },
	{ GRP_REQUEST, "var", 0, UP_ARG_REQUIRED, "KEY=VALUE", "add or replace any var (empty VALUE allowed)", UP_OPT_LIST(vars) },
	{ GRP_REQUEST, "host", 0, UP_ARG_REQUIRED, "NAME", "Host header and SERVER_NAME", UP_OPT_STR(host) },
	{ GRP_REQUEST, "include", 'i', UP_ARG_NONE, NULL, "print the status line and headers too", UP_OPT_FLAG(include) },
	{ GRP_REQUEST, "head", 'I', UP_ARG_NONE, NULL, "send HEAD and print the head only", UP_OPT_FLAG(head) },
	{ GRP_REQUEST, "output", 'o', UP_ARG_REQUIRED, "FILE", "write the body to FILE", UP_OPT_STR(output) },
	{ GRP_REQUEST, "fail", 'f', UP_ARG_NONE, NULL, "exit 22 on status >= 400, print no body", UP_OPT_FLAG(fail) },

	{ GRP_OTHER, "ping", 0, UP_ARG_NONE, NULL, "modifier1 100; prints PONG", MODE(MODE_PING) },
	{ GRP_OTHER, "rpc", 0, UP_ARG_NONE, NULL, "modifier1 173: call NAME(ARG...) and print the result", MODE(MODE_RPC) },
	{ GRP_OTHER, "signal", 0, UP_ARG_REQUIRED, "N", "modifier1 110: raise uwsgi signal N on the node", set_signal, NULL, UP_OPT_FIELD(signum), 0, 255, NULL },
	{ GRP_OTHER, "spool", 0, UP_ARG_NONE, NULL, "modifier1 17: enqueue a spooler job", MODE(MODE_SPOOL) },
	{ GRP_OTHER, "echo", 0, UP_ARG_MAYBE_EMPTY, "DATA", "modifier1 101: print what comes back (exit 4 if it differs)", set_echo, NULL, UP_OPT_FIELD(echo), 0, 0, NULL },
	{ GRP_OTHER, "reload", 0, UP_ARG_NONE, NULL, "modifier1 98: ask for a graceful reload (exit 0 when confirmed)", MODE(MODE_RELOAD) },
	{ GRP_OTHER, "brutal-reload", 0, UP_ARG_NONE, NULL, "modifier1 97: ask for a brutal reload", UP_OPT_CALL(set_brutal) },
	{ GRP_OTHER, "modifier1", 'm', UP_ARG_REQUIRED, "N|NAME", "raw request with this modifier1; prints the answer's bytes", UP_OPT_CALL(set_modifier1) },
	{ GRP_OTHER, "modifier2", 0, UP_ARG_REQUIRED, "N", "modifier2 of a raw request (default 0)", UP_OPT_INT(modifier2, 0, 255) },
	{ GRP_OTHER, "body-file", 0, UP_ARG_REQUIRED, "FILE", "bytes sent after the vars of a raw request", UP_OPT_STR(body_file) },
	{ GRP_OTHER, "write-packet", 0, UP_ARG_REQUIRED, "FILE", "write the encoded packet to FILE (- for stdout), send nothing", UP_OPT_STR(write_packet) },

	{ GRP_LOAD, "bench", 0, UP_ARG_NONE, NULL, "send the request -n times over -c connections, report", UP_OPT_FLAG(bench) },
	{ GRP_LOAD, "requests", 'n', UP_ARG_REQUIRED, "N", "requests in all (default 1000)", UP_OPT_LL(count, 1, 1000000000) },
	{ GRP_LOAD, "concurrency", 'c', UP_ARG_REQUIRED, "C", "connections at once (default 10)", UP_OPT_INT(concurrency, 1, 10000) },

	{ GRP_COMMON, "connect-timeout", 0, UP_ARG_REQUIRED, "S", "limit for connecting (default 5; fractions allowed)", UP_OPT_MSEC(connect_timeout_ms, 0, 86400 * 1000LL) },
	{ GRP_COMMON, "timeout", 't', UP_ARG_REQUIRED, "S", "limit for the whole exchange (--max-time; default none)", UP_OPT_MSEC(timeout_ms, 0, 86400 * 1000LL) },
	{ GRP_COMMON, "max-time", 0, UP_OPT_ALIAS("timeout") },
	{ GRP_COMMON, "silent", 's', UP_ARG_NONE, NULL, "no error messages", UP_OPT_FLAG(silent) },
	{ GRP_COMMON, "show-error", 'S', UP_ARG_NONE, NULL, "error messages even with -s", UP_OPT_FLAG(show_error) },
	{ GRP_COMMON, "verbose", 'v', UP_ARG_NONE, NULL, "print the vars sent ('> ') and the answer's head ('< ')", UP_OPT_FLAG(verbose) },
	{ GRP_COMMON, "help", 'h', UP_ARG_NONE, NULL, "this help", UP_OPT_CALL(up_opt_set_help) },
	{ GRP_COMMON, "version", 'V', UP_ARG_NONE, NULL, "the version", UP_OPT_CALL(up_opt_set_version) },
};

#define NOPTS (sizeof table / sizeof table[0])

void opts_usage(FILE *out)
{
	static const char *const forms[] = {
		"[OPTIONS] ADDRESS [PATH[?QUERY]]",
		"--ping ADDRESS",
		"--rpc ADDRESS NAME [ARG...]",
		"--signal N ADDRESS",
		"--spool ADDRESS KEY=VALUE...",
		"--echo DATA ADDRESS | --reload ADDRESS | --brutal-reload ADDRESS",
		"-m MODIFIER1 [--modifier2 N] [--var K=V]... [--body-file F] ADDRESS",
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
		fprintf(out, "%s %s %s\n", i ? "      " : "usage:", progname, forms[i]);
	fprintf(out, "ADDRESS is host:port, [v6]:port, /path/to.sock or @abstract.\n");
	up_opt_help(table, NOPTS, groups, sizeof groups / sizeof groups[0], 0, out);
	fprintf(out, "Exit: 0 ok, 1 usage, 2 connect, 3 timeout, 4 bad or empty answer, 22 --fail.\n");
}

/* ADDRESS, then PATH for a WSGI request, then the mode's arguments. */
static void take_words(struct send_opts *o)
{
	int n = (int)o->words.n, i = 0;
	if (i >= n)
		die(EXIT_SEND_USAGE, "no ADDRESS given (try --help)");
	o->address = o->words.v[i++];
	if (o->mode == MODE_WSGI && i < n)
		o->path = o->words.v[i++];
	o->args = o->words.v + i;
	o->nargs = n - i;
}

static void check_args(const struct send_opts *o)
{
	if (o->mode == MODE_RPC && o->nargs < 1)
		die(EXIT_SEND_USAGE, "--rpc needs a function name after the address");
	if (o->mode == MODE_SPOOL && o->nargs < 1)
		die(EXIT_SEND_USAGE, "--spool needs KEY=VALUE pairs after the address");
	if (o->mode != MODE_RPC && o->mode != MODE_SPOOL && o->nargs > 0)
		die(EXIT_SEND_USAGE, "unexpected argument '%s'", o->args[0]);
	if (o->modifier2 >= 0 && o->mode != MODE_RAW)
		die(EXIT_SEND_USAGE, "--modifier2 goes with -m");
	if (o->body_file && o->mode != MODE_RAW)
		die(EXIT_SEND_USAGE, "--body-file goes with -m (use -d for requests)");
	if (o->bench && o->write_packet)
		die(EXIT_SEND_USAGE, "--bench and --write-packet exclude each other");
}

enum up_opt_action opts_load(struct send_opts *o, int argc, char **argv)
{
	/* Which positional is the address, the path or an argument depends on
	 * the mode, which an option after them may still set: keep them all. */
	struct up_opt_run run = {
		.table = table, .n = NOPTS, .target = o,
		.positional = up_opt_keep_word, .words = &o->words,
	};
	*o = (struct send_opts){
		.mode = MODE_WSGI, .path = "/", .modifier1 = -1, .modifier2 = -1,
		.timeout_ms = -1, .connect_timeout_ms = 5000,
		.count = 1000, .concurrency = 10,
	};
	if (up_opt_load_args(&run, argc, argv) < 0)
		die(EXIT_SEND_USAGE, "%s", run.err);
	if (run.action != UP_OPT_RUN)
		return run.action;
	/* Errors in the options themselves always show; -s silences the rest. */
	die_quiet = o->silent && !o->show_error;
	take_words(o);
	check_args(o);
	return UP_OPT_RUN;
}

void opts_free(struct send_opts *o)
{
	up_opt_free(table, NOPTS, o);
	free(o->echo);          /* set_echo's string: no generic row frees it */
	up_opt_list_free(&o->words);
}
