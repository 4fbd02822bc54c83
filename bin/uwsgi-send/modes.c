/* The non-request exchanges: ping, RPC, uwsgi signal, spool and raw
 * packets. Each sends one packet and reads one uwsgi answer. */
#include <stdio.h>
#include <string.h>

#include "body.h"
#include "conn.h"
#include "die.h"
#include "modes.h"
#include "output.h"
#include "request.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"

/* Connect, send o's packet (and a raw request's --body-file, for
 * vars-framed modifiers) and leave the connection open for the answer. */
static void send_packet(struct conn *c, const struct send_opts *o)
{
	static uint8_t pkt[REQUEST_MAX];
	conn_open(c, o);
	size_t n = request_build(o, c, -1, pkt);
	if (o->verbose)
		request_print(pkt, n);
	if (conn_send(c, pkt, n) < 0 || o->mode != MODE_RAW || !o->body_file)
		return;
	if (up_modifier_payload((unsigned)o->modifier1) != UP_PAYLOAD_VARS)
		return;
	struct body b;
	body_open_file(&b, o->body_file);
	body_send(&b, c);
	body_close(&b);
}

/* Read a 4-byte uwsgi header as the answer; `hint` says what to check when
 * the node closes without one. */
static up_header_t read_header(struct conn *c, const struct send_opts *o, const char *hint)
{
	uint8_t raw[UP_HEADER_SIZE];
	up_header_t h;
	size_t got = 0;
	while (got < sizeof raw) {
		size_t r = conn_read(c, raw + got, sizeof raw - got);
		if (r == 0 && got == 0)
			die(EXIT_SEND_RESPONSE, "%s: empty reply from server (%s)", c->peer, hint);
		if (r == 0)
			die(EXIT_SEND_RESPONSE, "%s: answer truncated inside its header", c->peer);
		got += r;
	}
	up_header_decode(raw, sizeof raw, &h);
	if (o->verbose)
		fprintf(stderr, "< [modifier1 %u (%s), datasize %u, modifier2 %u]\n",
			h.modifier1, up_modifier_name(h.modifier1), h.datasize, h.modifier2);
	return h;
}

static void unexpected(const struct conn *c, up_header_t h, const char *wanted)
{
	die(EXIT_SEND_RESPONSE, "%s: answered modifier1 %u (%s), modifier2 %u "
	    "instead of %s", c->peer, h.modifier1, up_modifier_name(h.modifier1),
	    h.modifier2, wanted);
}

int ping_exchange(const struct send_opts *o)
{
	struct conn c;
	send_packet(&c, o);
	up_header_t h = read_header(&c, o, "does the node answer pings? uWSGI needs "
				    "--plugin ping");
	if (h.modifier1 != UP_MOD_PING || h.modifier2 != 1)
		unexpected(&c, h, "a pong (100/1)");
	conn_close(&c);
	puts("PONG");
	return EXIT_SEND_OK;
}

int rpc_exchange(const struct send_opts *o)
{
	static uint8_t payload[UP_MAX_DATASIZE];
	struct conn c;
	send_packet(&c, o);
	up_header_t h = read_header(&c, o, "is the function registered? uWSGI needs "
				    "--plugin rpc");
	if (h.modifier1 != UP_MOD_RPC)
		unexpected(&c, h, "an RPC answer (173)");
	conn_read_exact(&c, payload, h.datasize, "RPC answer");
	conn_close(&c);
	struct output out;
	output_init(&out, o->output);
	output_write(&out, payload, h.datasize);
	output_close(&out);
	return EXIT_SEND_OK;
}

/* Signal and spool answers: a generic response (255), modifier2 1 = done. */
static int generic_answer(const struct send_opts *o, const char *hint, const char *refused)
{
	struct conn c;
	send_packet(&c, o);
	up_header_t h = read_header(&c, o, hint);
	conn_close(&c);
	if (h.modifier1 != UP_MOD_RESPONSE)
		unexpected(&c, h, "a generic response (255)");
	if (h.modifier2 != 1)
		die(EXIT_SEND_RESPONSE, "%s: %s (modifier2 %u)", c.peer, refused, h.modifier2);
	return EXIT_SEND_OK;
}

int signal_exchange(const struct send_opts *o)
{
	return generic_answer(o, "uWSGI needs --plugin signal",
			      "the node could not raise the signal");
}

int spool_exchange(const struct send_opts *o)
{
	return generic_answer(o, "does the node run a spooler?",
			      "the spooler refused the job");
}

int reload_exchange(const struct send_opts *o)
{
	struct conn c;
	send_packet(&c, o);
	up_header_t h = read_header(&c, o, "the node refused it or does not take "
				    "management requests");
	conn_close(&c);
	unsigned want = o->brutal ? UP_MOD_BRUTAL_RELOAD : UP_MOD_GRACEFUL_RELOAD;
	if (h.modifier1 != want || h.modifier2 != 1)
		unexpected(&c, h, "a reload confirmation");
	return EXIT_SEND_OK;
}

int echo_exchange(const struct send_opts *o)
{
	static uint8_t buf[UP_MAX_DATASIZE + 1];
	struct conn c;
	size_t got = 0, n;
	send_packet(&c, o);
	while (got < sizeof buf && (n = conn_read(&c, buf + got, sizeof buf - got)) > 0)
		got += n;
	conn_close(&c);
	if (got == 0)
		die(EXIT_SEND_RESPONSE, "%s: empty reply from server (uWSGI needs "
		    "--plugin echo)", c.peer);
	struct output out;
	output_init(&out, o->output);
	output_write(&out, buf, got);
	output_close(&out);
	size_t want = strlen(o->echo);
	if (got != want || memcmp(buf, o->echo, want) != 0)
		die(EXIT_SEND_RESPONSE, "%s: the echo differs from what was sent "
		    "(%zu bytes back, %zu sent)", c.peer, got, want);
	return EXIT_SEND_OK;
}

int raw_exchange(const struct send_opts *o)
{
	static uint8_t buf[64 * 1024];
	struct conn c;
	struct output out;
	size_t n, total = 0;
	send_packet(&c, o);
	output_init(&out, o->output);
	while ((n = conn_read(&c, buf, sizeof buf)) > 0) {
		output_write(&out, buf, n);
		total += n;
	}
	conn_close(&c);
	if (total == 0)
		conn_empty_reply(&c);
	output_close(&out);
	return EXIT_SEND_OK;
}
