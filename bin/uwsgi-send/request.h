/* Encoding what uwsgi-send sends: the vars nginx's uwsgi_params would send
 * for a request, the payloads of ping, RPC, signal, spool and raw packets,
 * --write-packet, and the -v listing of what goes out. */
#ifndef UWSGI_SEND_REQUEST_H
#define UWSGI_SEND_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "send.h"

/* Largest packet head: the 4-byte header and a full vars block. */
#define REQUEST_MAX (4 + 65535)

/* Build the packet for o's mode into buf (REQUEST_MAX bytes): the header
 * and its payload, not a request body (which follows unframed). c gives
 * REMOTE_ADDR/REMOTE_PORT and may be NULL when nothing is connected.
 * body_len < 0 means no body. Returns the length; exits 1 when the vars do
 * not fit in 65535 bytes or an argument is malformed. */
size_t request_build(const struct send_opts *o, const struct conn *c,
		     int64_t body_len, uint8_t *buf);

/* The method a request uses: -X, else HEAD with -I, POST with a body, GET. */
const char *request_method(const struct send_opts *o);

/* -v: print the packet's header and vars (or array items) on stderr, one
 * "> KEY: value" line each, bytes that are not printable as \xNN. */
void request_print(const uint8_t *pkt, size_t len);

/* --write-packet: encode the packet (and the request body, if any) into
 * the file instead of sending it. Returns the exit status. */
int write_packet(const struct send_opts *o);

#endif
