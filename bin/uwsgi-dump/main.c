/* uwsgi-dump: the uwsgi protocol in packet captures, as tcpdump shows
 * packets. main parses the options and wires capture -> engine -> report. */
#include <ctype.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture.h"
#include "die.h"
#include "dump.h"
#include "engine.h"
#include "report.h"

enum {
	OPT_JSON = 256, OPT_SUMMARY, OPT_TOP, OPT_MAX_FLOW, OPT_MAX_TOTAL,
	OPT_FLOW_TIMEOUT, OPT_DUMP_STREAMS, OPT_DETECT, OPT_NO_DETECT,
};

struct dump_opts {
	struct capture_opts cap;
	struct ports ports;
	int detect;               /* -1 default, 0 off, 1 on */
	long count;
	int verbose, hex, ascii, ts_mode, line_buffered, json, summary;
	unsigned top;
	size_t max_flow, max_total;
	double flow_timeout;
	const char *dump_dir;
};

static const struct option longopts[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "max-flow-bytes", required_argument, NULL, OPT_MAX_FLOW },
	{ "max-total-bytes", required_argument, NULL, OPT_MAX_TOTAL },
	{ "flow-timeout", required_argument, NULL, OPT_FLOW_TIMEOUT },
	{ "dump-streams", required_argument, NULL, OPT_DUMP_STREAMS },
	{ "detect", no_argument, NULL, OPT_DETECT },
	{ "no-detect", no_argument, NULL, OPT_NO_DETECT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: %s [OPTIONS] -r FILE [FILTER]\n"
"       %s [OPTIONS] -i IFACE [-c N] [FILTER]\n"
"Prints the uwsgi requests in a capture with their responses; FILTER is a\n"
"BPF expression, as for tcpdump.\n"
"Input:\n"
"  -r FILE                  read a pcap or pcapng file ('-' for stdin)\n"
"  -i IFACE                 capture live (needs root or CAP_NET_RAW)\n"
"  -c N                     stop after N exchanges\n"
"  -s SNAPLEN               bytes captured per packet, live (default 262144)\n"
"  -p, --port PORT          TCP/UDP port carrying uwsgi (repeatable; default 3031\n"
"                           and any stream that starts with a valid uwsgi packet)\n"
"      --detect             look at the first bytes of streams on other ports too\n"
"      --no-detect          only the ports given (or 3031)\n"
"Output:\n"
"  -v, --verbose            every var and response header\n"
"  -X                       bodies in hex and ASCII;  -A: bodies in ASCII\n"
"  -t                       no time; -tt epoch; -ttt delta; -tttt date and time\n"
"  -n                       no name resolution (the default: always numeric)\n"
"  -l                       line-buffered output\n"
"      --json               one JSON object per line\n"
"      --summary            a report at the end instead of the lines\n"
"      --top N              URIs in the summary (default 10)\n"
"Limits and debugging:\n"
"      --max-flow-bytes N   memory one connection may hold (default 4M)\n"
"      --max-total-bytes N  memory all connections may hold (default 256M)\n"
"      --flow-timeout S     close a connection idle this long (default 120)\n"
"      --dump-streams DIR   write each connection's reassembled bytes to DIR\n"
"  -h, --help               this help;  -V, --version: the version\n"
"Exit: 0 ok (malformed traffic included), 1 usage, 2 cannot open the capture\n"
"or compile the filter, 3 the capture broke off.\n",
		progname, progname);
}

static long parse_long(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < min || v > max)
		die(EXIT_DUMP_USAGE, "%s: '%s' is not a number from %ld to %ld", opt, s, min, max);
	return v;
}

/* A byte count with an optional K, M or G (powers of 1024). */
static size_t parse_size(const char *opt, const char *s, size_t min)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned shift = 0;
	switch (toupper((unsigned char)*end)) {
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	}
	if (end == s || *end || *s == '-' || v > (SIZE_MAX >> shift) || (v << shift) < min)
		die(EXIT_DUMP_USAGE, "%s: '%s' is not a size of at least %zu bytes "
		    "(a number, optionally with K, M or G)", opt, s, min);
	return (size_t)(v << shift);
}

static char *join_filter(char **argv, int n)
{
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(argv[i]) + 1;
	char *f = malloc(len), *p = f;
	if (!f)
		die(EXIT_DUMP_USAGE, "out of memory");
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? " " : "", argv[i]);
	*p = 0;
	return f;
}

static void parse_args(int argc, char **argv, struct dump_opts *o)
{
	int c;
	while ((c = getopt_long(argc, argv, "r:i:c:s:p:vXAtnlhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->cap.file = optarg; break;
		case 'i': o->cap.iface = optarg; break;
		case 'c': o->count = parse_long("-c", optarg, 1, 2000000000L); break;
		case 's': o->cap.snaplen = (int)parse_long("-s", optarg, 64, 262144); break;
		case 'p':
			if (o->ports.n >= PORTS_MAX)
				die(EXIT_DUMP_USAGE, "-p: at most %d ports", PORTS_MAX);
			ports_add(&o->ports, (unsigned)parse_long("-p", optarg, 1, 65535));
			break;
		case 'v': o->verbose = 1; break;
		case 'X': o->hex = 1; break;
		case 'A': o->ascii = 1; break;
		case 't': o->ts_mode = o->ts_mode < TS_DATE ? o->ts_mode + 1 : TS_DATE; break;
		case 'n': break;
		case 'l': o->line_buffered = 1; break;
		case OPT_JSON: o->json = 1; break;
		case OPT_SUMMARY: o->summary = 1; break;
		case OPT_TOP: o->top = (unsigned)parse_long("--top", optarg, 0, 100000); break;
		case OPT_MAX_FLOW:
			o->max_flow = parse_size("--max-flow-bytes", optarg, 128 * 1024);
			break;
		case OPT_MAX_TOTAL:
			o->max_total = parse_size("--max-total-bytes", optarg, 128 * 1024);
			break;
		case OPT_FLOW_TIMEOUT:
			o->flow_timeout = (double)parse_long("--flow-timeout", optarg, 1, 86400);
			break;
		case OPT_DUMP_STREAMS: o->dump_dir = optarg; break;
		case OPT_DETECT: o->detect = 1; break;
		case OPT_NO_DETECT: o->detect = 0; break;
		case 'h': usage(stdout); exit(0);
		case 'V': print_version(); exit(0);
		default: usage(stderr); exit(EXIT_DUMP_USAGE);
		}
	}
	if (optind < argc)
		o->cap.filter = join_filter(argv + optind, argc - optind);
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

int main(int argc, char **argv)
{
	struct dump_opts o = {
		.cap = { .snaplen = 262144 }, .detect = -1, .top = 10,
		.max_flow = 4u << 20, .max_total = 256u << 20, .flow_timeout = 120,
	};
	struct engine e;
	struct report rep;
	int interrupted;

	progname = "uwsgi-dump";
	parse_args(argc, argv, &o);
	check_args(&o);
	if (o.line_buffered)
		setvbuf(stdout, NULL, _IOLBF, 0);

	engine_init(&e, o.max_flow, o.max_total, (uint64_t)(o.flow_timeout * 1e6));
	if (o.ports.n)
		e.ports = o.ports;
	e.heuristic = o.detect < 0 ? !o.ports.n : o.detect;
	e.streams.dir = o.dump_dir;

	report_init(&rep, stdout);
	rep.json = o.json;
	rep.summary = o.summary;
	rep.sum.top = o.top;
	rep.text.verbose = o.verbose;
	rep.text.hex = o.hex;
	rep.text.ascii = o.ascii;
	rep.text.ts_mode = o.ts_mode;
	rep.max = o.count;
	rep.stop = &e.stopped;
	e.env.emit = report_event;
	e.env.ctx = &rep;
	e.env.keep_body = o.hex || o.ascii ? DUMP_KEEP_BODY : 0;

	int status = capture_run(&e, &o.cap, &interrupted);
	engine_finish(&e, interrupted ? "the capture was stopped" : "the capture ends here");
	if (o.summary)
		summary_print(&rep.sum, stdout, &e.st);
	if (e.streams.error[0])
		warn("%s", e.streams.error);
	report_free(&rep);
	free((char *)o.cap.filter);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EXIT_DUMP_USAGE, "write stdout: failed");
	return status;
}
