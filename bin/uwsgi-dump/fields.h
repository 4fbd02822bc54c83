/* What the outputs read from requests and responses: the payload, a var,
 * the method and URI, the time between them. */
#ifndef UWSGI_DUMP_FIELDS_H
#define UWSGI_DUMP_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "uwsgiproto/vars.h"

/* The payload after the header (the vars block, the array...). */
const uint8_t *req_payload(const struct req *r, size_t *n);

/* The payload framing of r's modifier1 (enum up_payload). */
int req_kind(const struct req *r);

/* Find var key in a vars-framed request: 1 and *v, or 0. */
int req_var(const struct req *r, const char *key, up_var_t *v);

/* METHOD and URI of a request that has REQUEST_METHOD (1), else 0. The
 * URI is REQUEST_URI, or PATH_INFO and QUERY_STRING when it is absent;
 * q and qlen give the query part to append (length 0 when none). */
int req_method_uri(const struct req *r, up_var_t *method, up_var_t *uri,
		   const uint8_t **q, size_t *qlen);

/* Milliseconds from a to b (0 if b is earlier). */
double ms_between(uint64_t a, uint64_t b);

/* The modifier's name, with modifier2 where it changes the meaning
 * ("unsubscribe", "pong"). */
const char *req_name(const struct req *r);

#endif
