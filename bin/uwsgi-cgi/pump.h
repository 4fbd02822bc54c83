/* The exchange with the backend: one poll loop that sends the packet and
 * the body (read from the web server in bounded pieces) while relaying
 * whatever the backend answers, so an application that streams its answer
 * before reading all of its input cannot deadlock us. */
#ifndef UWSGI_CGI_PUMP_H
#define UWSGI_CGI_PUMP_H

#include <stddef.h>
#include <stdint.h>

#include "cgi.h"
#include "request.h"

/* Connect to c->socket and run the exchange to its end. Returns
 * EXIT_CGI_OK; failures exit via reply_fail. */
int pump_run(const struct conf *c, const struct request *rq, const uint8_t *pkt);

#endif
