#include "ping.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "fetch.h"
#include "metrics.h"
#include "nagios.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/packet.h"

/* The metric -w/-c apply to: only the round-trip time exists here. */
static const struct check *time_check(const struct stats_opts *o, int time_metric)
{
	const struct check *found = NULL;
	for (int i = 0; i < o->nchecks; i++) {
		if (o->checks[i].metric >= 0 && o->checks[i].metric != time_metric)
			nagios_die(STATE_UNKNOWN, "--ping measures only --metric time");
		found = &o->checks[i];
	}
	return found;
}

static void io_failed(const struct stats_opts *o, int rc, const up_err_t *err,
                      const char *peer)
{
	if (rc == UP_ETIMEDOUT)
		nagios_die(o->timeout_state, "no pong from %s within %.3g s", peer,
			   o->timeout_ms / 1000.0);
	if (rc == UP_ECLOSED)
		nagios_die(STATE_CRITICAL, "no pong from %s: the connection closed (a "
			   "uWSGI node answers pings only with --plugin ping)", peer);
	nagios_die(STATE_CRITICAL, "%s", err->msg);
}

/* Send the ping and read the answer's header (and its text, if any). */
static up_header_t exchange(const struct stats_opts *o, const struct target *t,
                            char *text, size_t cap)
{
	const char *peer = t->label;
	uint64_t deadline = up_now_ms() + (uint64_t)o->timeout_ms;
	uint8_t pkt[UP_HEADER_SIZE];
	up_header_t h = { 0 };
	up_err_t err;
	int fd = up_connect(&t->addr, o->timeout_ms, &err);
	if (fd < 0)
		io_failed(o, fd == UP_ETIMEDOUT ? fd : UP_ESYS, &err, peer);
	up_header_write(pkt, sizeof pkt, UP_MOD_PING, 0, 0);
	int rc = up_write_all(fd, pkt, sizeof pkt, up_ms_left(deadline), peer, &err);
	if (rc == 0)
		rc = up_read_exact(fd, pkt, sizeof pkt, up_ms_left(deadline), peer, &err);
	if (rc == 0) {
		up_header_decode(pkt, sizeof pkt, &h);
		size_t n = h.datasize < cap ? h.datasize : cap - 1;
		if (n)
			rc = up_read_exact(fd, text, n, up_ms_left(deadline), peer, &err);
		text[rc == 0 ? n : 0] = '\0';
	}
	close(fd);
	if (rc < 0)
		io_failed(o, rc, &err, peer);
	return h;
}

/* Keep a node's warning text printable on the one status line. */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '|')
			*s = '?';
}

int ping_run(const struct stats_opts *o, const struct target *t)
{
	char text[512];
	int metric = metric_find("time");
	const struct check *c = time_check(o, metric);
	if (t->http)
		nagios_die(STATE_UNKNOWN, "--ping needs a uwsgi socket, not a URL");
	double start = fetch_clock();
	up_header_t h = exchange(o, t, text, sizeof text);
	double secs = fetch_clock() - start;
	if (h.modifier1 != UP_MOD_PING || h.modifier2 != 1)
		nagios_die(STATE_UNKNOWN, "%s answered modifier1 %u (%s), modifier2 %u "
			   "instead of a pong", t->label, h.modifier1,
			   up_modifier_name(h.modifier1), h.modifier2);
	int state = c ? nagios_check_state(c, secs) : STATE_OK;
	printable(text);
	if (text[0] && state < STATE_WARNING)
		state = STATE_WARNING;
	up_buf_t line;
	up_buf_init(&line, 0);
	up_buf_printf(&line, "UWSGI %s - ", nagios_state_name(state));
	if (c && nagios_check_state(c, secs) != STATE_OK) {
		nagios_problem(&line, metric, c, secs, nagios_check_state(c, secs));
		up_buf_puts(&line, "; ");
	}
	up_buf_printf(&line, "PONG from %s in %.3f s%s%s|", t->label, secs,
		      text[0] ? ": " : "", text);
	nagios_perfdata(&line, metric, c, secs, 0, NAN);
	up_buf_puts(&line, "\n");
	fwrite(up_buf_head(&line), 1, line.len, stdout);
	fflush(stdout);
	up_buf_free(&line);
	return state;
}
