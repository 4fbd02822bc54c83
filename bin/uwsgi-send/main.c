/* uwsgi-send: the uwsgi protocol from the shell, as curl is HTTP's.
 * main parses the options and hands over to the mode's module. */
#include <stdio.h>

#include "die.h"
#include "send.h"
#include "bench.h"
#include "modes.h"
#include "opts.h"
#include "request.h"

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
	struct send_opts o;
	int rc = EXIT_SEND_OK;

	progname = "uwsgi-send";
	enum up_opt_action action = opts_load(&o, argc, argv);
	if (action == UP_OPT_HELP)
		opts_usage(stdout);
	else if (action == UP_OPT_VERSION)
		print_version();
	else
		rc = run(&o);
	opts_free(&o);
	return rc;
}
