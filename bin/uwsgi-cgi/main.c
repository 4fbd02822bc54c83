/* uwsgi-cgi: the CGI program a web server runs per request; it hands the
 * request to a warm uwsgi server and relays the answer. main reads the
 * settings, builds the request and runs the exchange. */
#include <signal.h>

#include "cgi.h"
#include "conf.h"
#include "die.h"
#include "pump.h"
#include "request.h"

int main(int argc, char **argv)
{
	static uint8_t pkt[REQUEST_MAX];
	struct conf c;
	struct request rq;

	progname = "uwsgi-cgi";
	/* A client gone mid-response is EPIPE on stdout: handled, quietly. */
	signal(SIGPIPE, SIG_IGN);
	conf_init(&c);
	conf_parse(&c, argc, argv);
	request_build(&rq, &c, pkt);
	int rc = pump_run(&c, &rq, pkt);
	conf_free(&c);
	return rc;
}
