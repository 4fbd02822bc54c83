/* RPC: the functions this process exports (uwsgi.register_rpc, in
 * pymod_rpc.c) and the modifier1 173 handler that calls them for other
 * nodes (h_rpc.c). Registered in the master while the apps load, a function
 * is known to every worker; registered in a worker, to that worker only. */
#ifndef UWSGI_SERVER_RPC_H
#define UWSGI_SERVER_RPC_H

#include <stddef.h>
#include <stdint.h>

#include "uwsgiproto/vars.h"

/* The most arguments a call carries (uWSGI's limit). */
#define RPC_MAX_ARGS 255

/* Call the local function named by items[0] with items[1..n) as bytes
 * arguments; takes the GIL. On success returns 0 with the result in *out
 * (malloc'd: the caller frees it; NULL when empty) and *outlen; -1 with the
 * reason in err when the function is unknown, raised (the traceback is
 * logged) or returned something that is not bytes or str. */
int rpc_call_local(const up_var_t *items, size_t n, uint8_t **out, size_t *outlen,
		   char *err, size_t errcap);

/* A call's payload (an uwsgi array: the name, then the arguments) into
 * items[0..*n), pointing into p; items has room for RPC_MAX_ARGS + 1.
 * Returns 0, or -1 with err saying what is wrong (no function name, more
 * than 255 arguments, a malformed array and where). */
int rpc_split_call(const uint8_t *p, size_t len, up_var_t *items, size_t *n, char *err,
		   size_t errcap);

/* The length a modifier2 5 answer announces in its vars block (dict):
 * CONTENT_LENGTH, digits only, at most max. 0 with *len, or -1 with err. */
int rpc_answer_length(const uint8_t *dict, size_t dlen, size_t max, size_t *len, char *err,
		      size_t errcap);

#endif
