/* uwsgi-dump: the uwsgi protocol in packet captures, as tcpdump shows
 * packets. main parses the options and wires capture -> engine -> report. */
#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "die.h"
#include "dump.h"
#include "engine.h"
#include "opts.h"
#include "report.h"

int main(int argc, char **argv)
{
	struct dump_opts o;
	struct engine e;
	struct report rep;
	int interrupted;

	progname = "uwsgi-dump";
	enum up_opt_action action = opts_load(&o, argc, argv);
	if (action != UP_OPT_RUN) {
		if (action == UP_OPT_HELP)
			opts_usage(stdout);
		else
			print_version();
		opts_free(&o);
		return EXIT_DUMP_OK;
	}
	if (o.line_buffered)
		setvbuf(stdout, NULL, _IOLBF, 0);

	engine_init(&e, o.max_flow, o.max_total, (uint64_t)o.flow_timeout * 1000000);
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
	opts_free(&o);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EXIT_DUMP_USAGE, "write stdout: failed");
	return status;
}
