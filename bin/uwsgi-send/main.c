/* uwsgi-send: the uwsgi protocol from the shell, as curl is HTTP's.
 * main parses the options and hands over to the mode's module. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "send.h"
#include "bench.h"
#include "modes.h"
#include "request.h"
#include "uwsgiproto/modifiers.h"

enum {
	OPT_VAR = 256, OPT_HOST, OPT_PING, OPT_RPC, OPT_SIGNAL, OPT_SPOOL,
	OPT_MOD2, OPT_BODY_FILE, OPT_WRITE_PACKET, OPT_CONNECT_TIMEOUT, OPT_BENCH,
	OPT_ECHO, OPT_RELOAD, OPT_BRUTAL_RELOAD,
};

static const struct option longopts[] = {
	{ "request", required_argument, NULL, 'X' },
	{ "header", required_argument, NULL, 'H' },
	{ "data", required_argument, NULL, 'd' },
	{ "data-binary", required_argument, NULL, 'd' },
	{ "var", required_argument, NULL, OPT_VAR },
	{ "host", required_argument, NULL, OPT_HOST },
	{ "include", no_argument, NULL, 'i' },
	{ "head", no_argument, NULL, 'I' },
	{ "output", required_argument, NULL, 'o' },
	{ "fail", no_argument, NULL, 'f' },
	{ "silent", no_argument, NULL, 's' },
	{ "show-error", no_argument, NULL, 'S' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "ping", no_argument, NULL, OPT_PING },
	{ "rpc", no_argument, NULL, OPT_RPC },
	{ "signal", required_argument, NULL, OPT_SIGNAL },
	{ "spool", no_argument, NULL, OPT_SPOOL },
	{ "echo", required_argument, NULL, OPT_ECHO },
	{ "reload", no_argument, NULL, OPT_RELOAD },
	{ "brutal-reload", no_argument, NULL, OPT_BRUTAL_RELOAD },
	{ "modifier1", required_argument, NULL, 'm' },
	{ "modifier2", required_argument, NULL, OPT_MOD2 },
	{ "body-file", required_argument, NULL, OPT_BODY_FILE },
	{ "write-packet", required_argument, NULL, OPT_WRITE_PACKET },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "timeout", required_argument, NULL, 't' },
	{ "max-time", required_argument, NULL, 't' },
	{ "bench", no_argument, NULL, OPT_BENCH },
	{ "requests", required_argument, NULL, 'n' },
	{ "concurrency", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: %s [OPTIONS] ADDRESS [PATH[?QUERY]]\n"
"       %s --ping ADDRESS\n"
"       %s --rpc ADDRESS NAME [ARG...]\n"
"       %s --signal N ADDRESS\n"
"       %s --spool ADDRESS KEY=VALUE...\n"
"       %s --echo DATA ADDRESS | --reload ADDRESS | --brutal-reload ADDRESS\n"
"       %s -m MODIFIER1 [--modifier2 N] [--var K=V]... [--body-file F] ADDRESS\n"
"ADDRESS is host:port, [v6]:port, /path/to.sock or @abstract.\n"
"Requests (modifier1 0):\n"
"  -X, --request METHOD     method (default GET, POST with -d, HEAD with -I)\n"
"  -H, --header 'N: v'      add a header (HTTP_N); 'N:' removes one, 'N;' sends it empty\n"
"  -d, --data DATA|@FILE|@- body, bytes untouched (--data-binary is the same)\n"
"      --var KEY=VALUE      add or replace any var (empty VALUE allowed)\n"
"      --host NAME          Host header and SERVER_NAME\n"
"  -i, --include            print the status line and headers too\n"
"  -I, --head               send HEAD and print the head only\n"
"  -o, --output FILE        write the body to FILE\n"
"  -f, --fail               exit 22 on status >= 400, print no body\n"
"Other requests:\n"
"      --ping               modifier1 100; prints PONG\n"
"      --rpc                modifier1 173: call NAME(ARG...) and print the result\n"
"      --signal N           modifier1 110: raise uwsgi signal N on the node\n"
"      --spool              modifier1 17: enqueue a spooler job\n"
"      --echo DATA          modifier1 101: print what comes back (exit 4 if it differs)\n"
"      --reload             modifier1 98: ask for a graceful reload (exit 0 when confirmed)\n"
"      --brutal-reload      modifier1 97: ask for a brutal reload\n"
"  -m, --modifier1 N|NAME   raw request with this modifier1; prints the answer's bytes\n"
"      --modifier2 N        modifier2 of a raw request (default 0)\n"
"      --body-file FILE     bytes sent after the vars of a raw request\n"
"      --write-packet FILE  write the encoded packet to FILE (- for stdout), send nothing\n"
"Load:\n"
"      --bench              send the request -n times over -c connections, report\n"
"  -n, --requests N         requests in all (default 1000)\n"
"  -c, --concurrency C      connections at once (default 10)\n"
"Common:\n"
"      --connect-timeout S  limit for connecting (default 5; fractions allowed)\n"
"  -t, --timeout S          limit for the whole exchange (--max-time; default none)\n"
"  -s, --silent             no error messages;  -S, --show-error: errors even with -s\n"
"  -v, --verbose            print the vars sent ('> ') and the answer's head ('< ')\n"
"  -h, --help               this help;  -V, --version: the version\n"
"Exit: 0 ok, 1 usage, 2 connect, 3 timeout, 4 bad or empty answer, 22 --fail.\n",
		progname, progname, progname, progname, progname, progname, progname);
}

static int parse_seconds(const char *opt, const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || v < 0 || v > 86400)
		die(EXIT_SEND_USAGE, "%s: '%s' is not a number of seconds", opt, s);
	return (int)(v * 1000 + 0.5);
}

static long parse_long(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < min || v > max)
		die(EXIT_SEND_USAGE, "%s: '%s' is not a number from %ld to %ld",
		    opt, s, min, max);
	return v;
}

static void set_mode(struct send_opts *o, enum send_mode m)
{
	if (o->mode != MODE_WSGI && o->mode != m)
		die(EXIT_SEND_USAGE, "--ping, --rpc, --signal, --spool, --echo, "
		    "--reload and -m exclude each other");
	o->mode = m;
}

/* Append to a growable array of argument pointers. */
static void push(const char ***arr, int *n, const char *v)
{
	const char **a = realloc(*arr, (size_t)(*n + 1) * sizeof *a);
	if (!a)
		die(EXIT_SEND_USAGE, "out of memory");
	a[(*n)++] = v;
	*arr = a;
}

static void parse_args(int argc, char **argv, struct send_opts *o)
{
	int c, diag = 1, show = 0;
	while ((c = getopt_long(argc, argv, "X:H:d:iIo:fsSvm:t:n:c:hV",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'X': o->method = optarg; break;
		case 'H': push(&o->headers, &o->nheaders, optarg); break;
		case 'd': push(&o->data, &o->ndata, optarg); break;
		case OPT_VAR: push(&o->vars, &o->nvars, optarg); break;
		case OPT_HOST: o->host = optarg; break;
		case 'i': o->include = 1; break;
		case 'I': o->head = 1; break;
		case 'o': o->output = optarg; break;
		case 'f': o->fail = 1; break;
		case 's': diag = 0; break;
		case 'S': show = 1; break;
		case 'v': o->verbose = 1; break;
		case OPT_PING: set_mode(o, MODE_PING); break;
		case OPT_RPC: set_mode(o, MODE_RPC); break;
		case OPT_SPOOL: set_mode(o, MODE_SPOOL); break;
		case OPT_ECHO: set_mode(o, MODE_ECHO); o->echo = optarg; break;
		case OPT_RELOAD: set_mode(o, MODE_RELOAD); break;
		case OPT_BRUTAL_RELOAD: set_mode(o, MODE_RELOAD); o->brutal = 1; break;
		case OPT_SIGNAL:
			set_mode(o, MODE_SIGNAL);
			o->signum = (int)parse_long("--signal", optarg, 0, 255);
			break;
		case 'm':
			set_mode(o, MODE_RAW);
			if ((o->modifier1 = up_modifier_by_name(optarg)) < 0)
				die(EXIT_SEND_USAGE, "-m: unknown modifier '%s' "
				    "(a number 0-255 or a name such as ping, echo, rpc)", optarg);
			break;
		case OPT_MOD2: o->modifier2 = (int)parse_long("--modifier2", optarg, 0, 255); break;
		case OPT_BODY_FILE: o->body_file = optarg; break;
		case OPT_WRITE_PACKET: o->write_packet = optarg; break;
		case OPT_CONNECT_TIMEOUT:
			o->connect_timeout_ms = parse_seconds("--connect-timeout", optarg);
			break;
		case 't': o->timeout_ms = parse_seconds("--timeout", optarg); break;
		case OPT_BENCH: o->bench = 1; break;
		case 'n': o->count = parse_long("-n", optarg, 1, 1000000000L); break;
		case 'c': o->concurrency = (int)parse_long("-c", optarg, 1, 10000); break;
		case 'h': usage(stdout); exit(0);
		case 'V': print_version(); exit(0);
		default: usage(stderr); exit(EXIT_SEND_USAGE);
		}
	}
	die_quiet = !diag && !show;
	if (optind >= argc)
		die(EXIT_SEND_USAGE, "no ADDRESS given (try --help)");
	o->address = argv[optind++];
	if (o->mode == MODE_WSGI && optind < argc)
		o->path = argv[optind++];
	o->args = argv + optind;
	o->nargs = argc - optind;
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

static int run(const struct send_opts *o)
{
	if (o->write_packet)
		return write_packet(o);
	if (o->bench)
		return bench_run(o);
	switch (o->mode) {
	case MODE_WSGI: return wsgi_exchange(o);
	case MODE_PING: return ping_exchange(o);
	case MODE_RPC: return rpc_exchange(o);
	case MODE_SIGNAL: return signal_exchange(o);
	case MODE_SPOOL: return spool_exchange(o);
	case MODE_RAW: return raw_exchange(o);
	case MODE_ECHO: return echo_exchange(o);
	case MODE_RELOAD: return reload_exchange(o);
	}
	return EXIT_SEND_USAGE;
}

int main(int argc, char **argv)
{
	struct send_opts o = {
		.mode = MODE_WSGI, .path = "/", .modifier1 = -1, .modifier2 = -1,
		.timeout_ms = -1, .connect_timeout_ms = 5000,
		.count = 1000, .concurrency = 10,
	};

	progname = "uwsgi-send";
	parse_args(argc, argv, &o);
	check_args(&o);
	int rc = run(&o);
	free(o.headers);
	free(o.data);
	free(o.vars);
	return rc;
}
