#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/error.h"

#include <stdlib.h>
#include <string.h>

#define V UP_PAYLOAD_VARS
#define A UP_PAYLOAD_ARRAY
#define R UP_PAYLOAD_RAW
#define N UP_PAYLOAD_NONE

static const up_modifier_info_t table[] = {
	{ 0, V, "wsgi", "WSGI request (Python)", NULL },
	{ 1, R, "reserved", "reserved", NULL },
	{ 2, R, "reserved", "reserved", NULL },
	{ 3, R, "reserved", "reserved", NULL },
	{ 5, V, "psgi", "PSGI request (Perl)", NULL },
	{ 6, V, "lua", "Lua WSAPI request", NULL },
	{ 7, V, "rack", "Rack request (Ruby)", NULL },
	{ 8, V, "jvm", "JVM request (JWSGI, Ring)", NULL },
	{ 9, V, "cgi", "CGI request", NULL },
	{ 10, V, "manage", "management request", "management flag" },
	{ 14, V, "php", "PHP request", NULL },
	{ 15, V, "mono", "Mono ASP.NET request", NULL },
	{ 17, V, "spooler", "spooler request: vars become the job's dict", NULL },
	{ 18, R, "symcall", "direct call of a C symbol", NULL },
	{ 22, R, "eval", "raw code evaluation", "language (0 Python, 5 Perl)" },
	{ 23, V, "xslt", "XSLT request", NULL },
	{ 24, V, "v8", "V8 JavaScript request", NULL },
	{ 25, V, "gridfs", "GridFS request", NULL },
	{ 26, V, "glusterfs", "GlusterFS request", NULL },
	{ 27, V, "fastfunc", "FastFunc call: a WSGI request for function m2", "function number" },
	{ 30, V, "wsgi-strip", "WSGI request, PATH_INFO stripped of SCRIPT_NAME", NULL },
	{ 31, V, "message", "generic message passing (vars dict)", "free" },
	{ 32, R, "message-chars", "array-of-chars message passing", "free" },
	{ 33, R, "message-marshal", "marshalled object passing", "free" },
	{ 48, R, "snmp", "SNMP request/response", "SNMP specific" },
	{ 72, R, "http-response", "raw HTTP response ('H' of HTTP/)", "'P'" },
	{ 73, R, "announce", "announce message", "announce type (0 hostname)" },
	{ 74, R, "multicast", "multicast message", NULL },
	{ 95, V, "cluster", "cluster membership dict",
	  "0 add, 1 remove, 2 enable, 3 disable" },
	{ 96, R, "log", "remote log line", NULL },
	{ 97, N, "brutal-reload", "brutal reload request", "0 request, 1 confirmation" },
	{ 98, N, "graceful-reload", "graceful reload request", "0 request, 1 confirmation" },
	{ 99, V, "config", "request a node's configuration", "0 request, 1 answer" },
	{ 100, N, "ping", "ping", "0 ping, 1 pong" },
	{ 101, R, "echo", "echo: payload returned as is", NULL },
	{ 109, R, "legion", "legion message", NULL },
	{ 110, N, "signal", "uwsgi signal", "signal number" },
	{ 111, V, "cache", "cache operation",
	  "0 read, 1 write, 2 delete, 3 dict-based" },
	{ 173, A, "rpc", "RPC: an uwsgi array, function name first", "0, 1 raw" },
	{ 200, N, "close", "close mark for persistent connections", NULL },
	{ 224, V, "subscribe", "subscription packet",
	  "0 subscribe/refresh, 1 unsubscribe" },
	{ 255, R, "response", "generic response", "result" },
};

#define COUNT (sizeof table / sizeof table[0])

const up_modifier_info_t *up_modifier_info(unsigned m1)
{
	size_t lo = 0, hi = COUNT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (table[mid].m1 == m1)
			return &table[mid];
		if (table[mid].m1 < m1)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *up_modifier_name(unsigned m1)
{
	const up_modifier_info_t *m = up_modifier_info(m1);
	return m ? m->name : "unknown";
}

int up_modifier_payload(unsigned m1)
{
	const up_modifier_info_t *m = up_modifier_info(m1);
	return m ? m->payload : UP_PAYLOAD_RAW;
}

int up_modifier_by_name(const char *name)
{
	char *end;
	if (*name >= '0' && *name <= '9') {
		unsigned long v = strtoul(name, &end, 10);
		return (*end || v > 255) ? UP_ENOTFOUND : (int)v;
	}
	for (size_t i = 0; i < COUNT; i++)
		if (strcmp(table[i].name, name) == 0 && strcmp(name, "reserved") != 0)
			return table[i].m1;
	return UP_ENOTFOUND;
}

const up_modifier_info_t *up_modifier_table(size_t *count)
{
	*count = COUNT;
	return table;
}
