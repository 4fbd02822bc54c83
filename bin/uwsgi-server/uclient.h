/* The client side of the uwsgi module's node-to-node calls (uwsgi.rpc to
 * another node, uwsgi.signal(num, node)): one packet out, one answer's
 * header back, with --socket-timeout as the deadline. Call without the
 * GIL. */
#ifndef UWSGI_SERVER_UCLIENT_H
#define UWSGI_SERVER_UCLIENT_H

#include <stddef.h>

#include "uwsgiproto/error.h"
#include "uwsgiproto/packet.h"

/* Connect to node ("host:port", a UNIX path...), send the n bytes of pkt
 * and read the answer's 4-byte header into *h. Returns the connected fd
 * (the caller reads the rest and closes it), or -1 with err holding one
 * line ("connect 127.0.0.1:1: Connection refused", "... closed without
 * an answer"). */
int uclient_send(const char *node, int timeout_ms, const void *pkt, size_t n,
		 up_header_t *h, char *err, size_t errcap);

/* The same with the failure's code kept (UP_ETIMEDOUT, UP_ECLOSED, UP_ESYS
 * with its errno, UP_EADDR...), for callers that tell them apart. */
int uclient_send_err(const char *node, int timeout_ms, const void *pkt, size_t n,
		     up_header_t *h, up_err_t *e);

#endif
