/* Requests on uwsgi sockets are dispatched by modifier1 through one table:
 * WSGI (0, 30) goes to the app; every other kind this server answers is an
 * entry with its own handler module (ping, echo, management...). The
 * entry's shape is what a later plugin interface registers from a shared
 * object. */
#ifndef UWSGI_SERVER_HANDLERS_H
#define UWSGI_SERVER_HANDLERS_H

#include <stdint.h>

#include "request.h"
#include "server.h"
#include "uwsgiproto/stream.h"

enum handler_kind {
	HANDLER_APP,      /* the vars are a request for the WSGI app */
	HANDLER_PACKET,   /* serve() answers the packet itself */
	HANDLER_CALLABLE, /* the vars are a request for a callable the entry's
			     module picks instead of the mounted apps
			     (FastFuncs); serve() checks that it exists
			     (PROTO_REQUEST) or refuses the packet */
};

struct mod_handler {
	uint8_t modifier1;
	enum handler_kind kind;
	const char *name;
	/* HANDLER_PACKET: answer pkt on r's connection. Returns PROTO_HANDLED,
	 * or PROTO_ERROR with the reason in r->err (logged, connection closed).
	 * HANDLER_CALLABLE: PROTO_REQUEST, or PROTO_ERROR as above. */
	int (*serve)(struct request *r, const up_packet_t *pkt);
};

/* Set up the table for a worker of s. */
void handlers_init(const struct server *s);

/* Add or replace an entry (the plugin hook). */
void handlers_register(const struct mod_handler *h);

/* The entry for modifier1, or NULL: "unavailable modifier requested". */
const struct mod_handler *handlers_find(uint8_t modifier1);

/* Entries of the handler modules. */
extern const struct mod_handler handler_ping, handler_echo, handler_reload,
	handler_brutal_reload;
extern const struct mod_handler handler_spool, handler_rpc, handler_signal;
extern const struct mod_handler handler_msg_vars, handler_msg_chars, handler_msg_marshal;
extern const struct mod_handler handler_fastfunc;

/* What the management handlers need from the server. */
const struct server *handlers_server(void);

#endif
