/* uwsgi-cgi: CGI bridge from a web server to a uwsgi backend.
 * For now only --help and --version: the tool's work arrives with its issue. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "die.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [OPTIONS] [SCRIPT]\n"
		"  -h, --help     show this help and exit\n"
		"  -V, --version  show the version and exit\n", progname);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	progname = "uwsgi-cgi";
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			print_version();
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	die(1, "not built yet: only --help and --version work in this version");
}
