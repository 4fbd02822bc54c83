/* The option table of uwsgi-dump. The letters are tcpdump's (-r, -i, -c,
 * -s, -v, -X, -A, -t, -n, -l) and so is the trailing BPF filter. The
 * engine wants a long name on every row: --interface and
 * --snapshot-length are tcpdump's, the others are ours. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "die.h"
#include "dump.h"
#include "opts.h"
#include "text.h"

/* Headings of --help, in this order. */
enum { GRP_INPUT, GRP_OUTPUT, GRP_LIMITS };
static const char *const groups[] = {
	[GRP_INPUT] = "Input",
	[GRP_OUTPUT] = "Output",
	[GRP_LIMITS] = "Limits and debugging",
};

/* -p: repeatable; each value is checked as a number into o->port first. */
static int set_port(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	struct dump_opts *o = r->target;
	if (o->ports.n >= PORTS_MAX)
		return up_opt_fail(r, "at most %d ports", PORTS_MAX);
	if (up_opt_set_int(r, opt, val) < 0)
		return -1;
	ports_add(&o->ports, (unsigned)o->port);
	return 0;
}

/* -t, -tt, -ttt, -tttt: each one moves on to the next way of showing time. */
static int set_ts(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	struct dump_opts *o = r->target;
	(void)opt, (void)val;
	if (o->ts_mode < TS_DATE)
		o->ts_mode++;
	return 0;
}

/* --detect and --no-detect: the row's min is the value. */
static int set_detect(struct up_opt_run *r, const struct up_opt *opt, const char *val)
{
	struct dump_opts *o = r->target;
	(void)val;
	o->detect = (int)opt->min;
	return 0;
}

#define UP_OPT_TARGET struct dump_opts

static const struct up_opt table[] = {
	{ GRP_INPUT, "read", 'r', UP_ARG_REQUIRED, "FILE", "read a pcap or pcapng file ('-' for stdin)", UP_OPT_STR(cap.file) },
	{ GRP_INPUT, "interface", 'i', UP_ARG_REQUIRED, "IFACE", "capture live (needs root or CAP_NET_RAW)", UP_OPT_STR(cap.iface) },
	{ GRP_INPUT, "exchanges", 'c', UP_ARG_REQUIRED, "N", "stop after N exchanges", UP_OPT_LL(count, 1, 2000000000) },
	{ GRP_INPUT, "snapshot-length", 's', UP_ARG_REQUIRED, "SNAPLEN", "bytes captured per packet, live (default 262144)", UP_OPT_INT(cap.snaplen, 64, 262144) },
	{ GRP_INPUT, "port", 'p', UP_ARG_REQUIRED, "PORT", "TCP/UDP port carrying uwsgi (repeatable; default 3031)", set_port, NULL, UP_OPT_FIELD(port), 1, 65535, NULL },
	{ GRP_INPUT, "detect", 0, UP_ARG_NONE, NULL, "look at the first bytes of streams on other ports too", set_detect, NULL, 0, 1, 0, NULL },
	{ GRP_INPUT, "no-detect", 0, UP_ARG_NONE, NULL, "only the ports given (or 3031)", set_detect, NULL, 0, 0, 0, NULL },

	{ GRP_OUTPUT, "verbose", 'v', UP_ARG_NONE, NULL, "every var and response header", UP_OPT_FLAG(verbose) },
	{ GRP_OUTPUT, "hex", 'X', UP_ARG_NONE, NULL, "bodies in hex and ASCII", UP_OPT_FLAG(hex) },
	{ GRP_OUTPUT, "ascii", 'A', UP_ARG_NONE, NULL, "bodies in ASCII", UP_OPT_FLAG(ascii) },
	{ GRP_OUTPUT, "time-format", 't', UP_ARG_NONE, NULL, "no time; -tt epoch; -ttt delta; -tttt date and time", UP_OPT_CALL(set_ts) },
	{ GRP_OUTPUT, "numeric", 'n', UP_ARG_NONE, NULL, "no name resolution (the default: always numeric)", UP_OPT_FLAG(numeric) },
	{ GRP_OUTPUT, "line-buffered", 'l', UP_ARG_NONE, NULL, "line-buffered output", UP_OPT_FLAG(line_buffered) },
	{ GRP_OUTPUT, "json", 0, UP_ARG_NONE, NULL, "one JSON object per line", UP_OPT_FLAG(json) },
	{ GRP_OUTPUT, "summary", 0, UP_ARG_NONE, NULL, "a report at the end instead of the lines", UP_OPT_FLAG(summary) },
	{ GRP_OUTPUT, "top", 0, UP_ARG_REQUIRED, "N", "URIs in the summary (default 10)", UP_OPT_INT(top, 0, 100000) },

	{ GRP_LIMITS, "max-flow-bytes", 0, UP_ARG_REQUIRED, "N", "memory one connection may hold (default 4M)", UP_OPT_SIZE(max_flow, 128 * 1024, (long long)(SIZE_MAX >> 1)) },
	{ GRP_LIMITS, "max-total-bytes", 0, UP_ARG_REQUIRED, "N", "memory all connections may hold (default 256M)", UP_OPT_SIZE(max_total, 128 * 1024, (long long)(SIZE_MAX >> 1)) },
	{ GRP_LIMITS, "flow-timeout", 0, UP_ARG_REQUIRED, "S", "close a connection idle this long (default 120)", UP_OPT_LL(flow_timeout, 1, 86400) },
	{ GRP_LIMITS, "dump-streams", 0, UP_ARG_REQUIRED, "DIR", "write each connection's reassembled bytes to DIR", UP_OPT_STR(dump_dir) },
	{ GRP_LIMITS, "help", 'h', UP_ARG_NONE, NULL, "this help", UP_OPT_CALL(up_opt_set_help) },
	{ GRP_LIMITS, "version", 'V', UP_ARG_NONE, NULL, "the version", UP_OPT_CALL(up_opt_set_version) },
};

#define NOPTS (sizeof table / sizeof table[0])

void opts_usage(FILE *out)
{
	fprintf(out,
"usage: %s [OPTIONS] -r FILE [FILTER]\n"
"       %s [OPTIONS] -i IFACE [-c N] [FILTER]\n"
"Prints the uwsgi requests in a capture with their responses; FILTER is a\n"
"BPF expression, as for tcpdump. Without -p: port 3031 and any stream that\n"
"starts with a valid uwsgi packet.\n", progname, progname);
	up_opt_help(table, NOPTS, groups, sizeof groups / sizeof groups[0], 0, out);
	fprintf(out, "Exit: 0 ok (malformed traffic included), 1 usage, 2 cannot open the capture\n"
		"or compile the filter, 3 the capture broke off.\n");
}

/* The trailing words, one BPF expression as tcpdump joins them. */
static char *join_filter(const struct up_opt_list *w)
{
	size_t len = 1;
	for (size_t i = 0; i < w->n; i++)
		len += strlen(w->v[i]) + 1;
	char *f = malloc(len), *p = f;
	if (!f)
		die(EXIT_DUMP_USAGE, "out of memory");
	*p = '\0';
	for (size_t i = 0; i < w->n; i++)
		p += sprintf(p, "%s%s", i ? " " : "", w->v[i]);
	return f;
}

static void check_args(const struct dump_opts *o)
{
	struct stat st;
	if (!o->cap.file == !o->cap.iface)
		die(EXIT_DUMP_USAGE, "give one of -r FILE and -i IFACE (try --help)");
	if (o->max_total < o->max_flow)
		die(EXIT_DUMP_USAGE, "--max-total-bytes (%zu) is smaller than --max-flow-bytes (%zu)",
		    o->max_total, o->max_flow);
	if (o->json && o->summary)
		die(EXIT_DUMP_USAGE, "--json and --summary exclude each other");
	if (o->dump_dir && (stat(o->dump_dir, &st) < 0 || !S_ISDIR(st.st_mode)))
		die(EXIT_DUMP_USAGE, "--dump-streams: %s is not a directory", o->dump_dir);
}

enum up_opt_action opts_load(struct dump_opts *o, int argc, char **argv)
{
	struct up_opt_run run = {
		.table = table, .n = NOPTS, .target = o,
		.positional = up_opt_keep_word, .words = &o->words,
	};
	*o = (struct dump_opts){
		.cap = { .snaplen = 262144 }, .detect = -1, .top = 10,
		.max_flow = 4u << 20, .max_total = 256u << 20, .flow_timeout = 120,
	};
	if (up_opt_load_args(&run, argc, argv) < 0)
		die(EXIT_DUMP_USAGE, "%s", run.err);
	if (run.action != UP_OPT_RUN)
		return run.action;
	if (o->words.n)
		o->cap.filter = join_filter(&o->words);
	check_args(o);
	return UP_OPT_RUN;
}

void opts_free(struct dump_opts *o)
{
	up_opt_free(table, NOPTS, o);
	free(o->cap.filter);
	o->cap.filter = NULL;
	up_opt_list_free(&o->words);
}
