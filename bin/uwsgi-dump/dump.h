/* uwsgi-dump: the options and exit codes the modules share. */
#ifndef UWSGI_DUMP_H
#define UWSGI_DUMP_H

#include <stddef.h>

/* Exit statuses, documented in uwsgi-dump(1). Malformed traffic is not an
 * error of the tool: it is reported and the exit status stays 0. */
enum dump_exit {
	EXIT_DUMP_OK = 0,
	EXIT_DUMP_USAGE = 1,    /* bad arguments */
	EXIT_DUMP_CAPTURE = 2,  /* cannot open the file or interface, bad filter,
	                           unsupported link type */
	EXIT_DUMP_READ = 3,     /* the capture broke off (a damaged file, a
	                           failing interface); what was read is shown */
};

#define DUMP_KEEP_BODY 65536  /* body bytes shown by -X/-A per message */

#endif
