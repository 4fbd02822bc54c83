/* The modifier1 table: what each value means and how its payload is framed.
 * Every tool that prints or dispatches on a modifier uses this one table.
 */
#ifndef UWSGIPROTO_MODIFIERS_H
#define UWSGIPROTO_MODIFIERS_H

#include <stddef.h>
#include <stdint.h>

enum up_modifier {
	UP_MOD_WSGI = 0,
	UP_MOD_PSGI = 5,
	UP_MOD_LUA = 6,
	UP_MOD_RACK = 7,
	UP_MOD_JVM = 8,
	UP_MOD_CGI = 9,
	UP_MOD_MANAGE = 10,
	UP_MOD_PHP = 14,
	UP_MOD_MONO = 15,
	UP_MOD_SPOOL = 17,
	UP_MOD_SYMCALL = 18,
	UP_MOD_EVAL = 22,
	UP_MOD_XSLT = 23,
	UP_MOD_V8 = 24,
	UP_MOD_GRIDFS = 25,
	UP_MOD_GLUSTERFS = 26,
	UP_MOD_FASTFUNC = 27,
	UP_MOD_WSGI_STRIP = 30,
	UP_MOD_MSG_VARS = 31,
	UP_MOD_MSG_CHARS = 32,
	UP_MOD_MSG_MARSHAL = 33,
	UP_MOD_SNMP = 48,
	UP_MOD_HTTP_RESPONSE = 72,
	UP_MOD_ANNOUNCE = 73,
	UP_MOD_MULTICAST = 74,
	UP_MOD_CLUSTER = 95,
	UP_MOD_LOG = 96,
	UP_MOD_BRUTAL_RELOAD = 97,
	UP_MOD_GRACEFUL_RELOAD = 98,
	UP_MOD_CONFIG = 99,
	UP_MOD_PING = 100,
	UP_MOD_ECHO = 101,
	UP_MOD_LEGION = 109,
	UP_MOD_SIGNAL = 110,
	UP_MOD_CACHE = 111,
	UP_MOD_RPC = 173,
	UP_MOD_CLOSE = 200,
	UP_MOD_SUBSCRIBE = 224,
	UP_MOD_RESPONSE = 255
};

/* How the bytes after the header are framed. */
enum up_payload {
	UP_PAYLOAD_RAW = 0,    /* opaque bytes (echo, eval, marshal...) */
	UP_PAYLOAD_VARS = 1,   /* a vars block (requests, spooler, subscriptions) */
	UP_PAYLOAD_ARRAY = 2,  /* an uwsgi array (RPC) */
	UP_PAYLOAD_NONE = 3    /* datasize is expected to be 0 (ping, close) */
};

typedef struct up_modifier_info {
	uint8_t m1;
	uint8_t payload;       /* enum up_payload */
	const char *name;      /* short identifier: "wsgi", "ping", "rpc" */
	const char *desc;      /* one line for people */
	const char *m2;        /* what modifier2 means, or NULL */
} up_modifier_info_t;

/* The entry for m1, or NULL when the value is unassigned. */
const up_modifier_info_t *up_modifier_info(unsigned m1);

/* The short name, "reserved" for 1-3, "unknown" when unassigned. */
const char *up_modifier_name(unsigned m1);

/* The payload framing of m1 (UP_PAYLOAD_RAW when unknown). */
int up_modifier_payload(unsigned m1);

/* Look a modifier up by short name (or decimal number). Returns 0..255, or
 * UP_ENOTFOUND. */
int up_modifier_by_name(const char *name);

/* The whole table, in ascending order, for listings. */
const up_modifier_info_t *up_modifier_table(size_t *count);

#endif
