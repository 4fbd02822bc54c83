#include "handlers.h"

#include <stddef.h>


static const struct mod_handler wsgi = { 0, HANDLER_APP, "wsgi", NULL };
static const struct mod_handler wsgi_strip = { 30, HANDLER_APP, "wsgi-strip", NULL };

static const struct mod_handler *table[256];
static const struct server *server;

void handlers_register(const struct mod_handler *h)
{
	table[h->modifier1] = h;
}

void handlers_init(const struct server *s)
{
	server = s;
	handlers_register(&wsgi);
	handlers_register(&wsgi_strip);
	handlers_register(&handler_ping);
	handlers_register(&handler_echo);
	handlers_register(&handler_reload);
	handlers_register(&handler_brutal_reload);
	handlers_register(&handler_spool);
	handlers_register(&handler_rpc);
	handlers_register(&handler_signal);
	handlers_register(&handler_msg_vars);
	handlers_register(&handler_msg_chars);
	handlers_register(&handler_msg_marshal);
	handlers_register(&handler_fastfunc);
}

const struct mod_handler *handlers_find(uint8_t modifier1)
{
	return table[modifier1];
}

const struct server *handlers_server(void)
{
	return server;
}
