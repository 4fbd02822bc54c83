/* The uwsgi front (what nginx's uwsgi_pass talks to): frame the packet,
 * find its routing key, then relay raw. A ping is answered here. */
#include <string.h>

#include "conn.h"
#include "die.h"
#include "uwsgiproto/modifiers.h"
#include "uwsgiproto/vars.h"

/* The value of var key in the packet's vars, or NULL. */
static const uint8_t *var(const up_packet_t *p, const char *key, size_t *len)
{
	up_var_t v;
	if (up_modifier_payload(p->hdr.modifier1) != UP_PAYLOAD_VARS ||
	    up_vars_find(p->payload, p->payload_len, key, strlen(key), &v) != 1)
		return NULL;
	*len = v.vlen;
	return v.val;
}

static void pong(struct conn *c, size_t head_len)
{
	static const uint8_t p[4] = { UP_MOD_PING, 0, 0, 1 };
	c->in.start += head_len;
	memcpy(c->out.buf, p, sizeof p);
	c->out.start = 0;
	c->out.end = sizeof p;
	c->st = CS_RELAY;
	c->resp = RESP_DONE;
	c->closing = 1;
}

static void bad_packet(struct conn *c, int rc)
{
	if (rc == UP_EHTTPONUWSGI) {
		conn_fail(c, 400, "HTTP request on a uwsgi socket (use --http-socket)");
		return;
	}
	c->px->refused++;
	warn("%s: bad uwsgi packet: %s%s", c->peer, up_strerror(rc),
	     rc == UP_ETOOBIG ? " (raise --buffer-size)" : "");
	conn_close(c);
}

void front_uwsgi_head(struct conn *c)
{
	up_packet_t pkt;
	size_t klen = 0, hlen = 0, cl_len = 0;
	int rc = up_stream_parse(&c->ps, c->in.buf + c->in.start, half_len(&c->in), &pkt);
	if (rc == 0)
		return;
	if (rc < 0) {
		bad_packet(c, rc);
		return;
	}
	if (pkt.hdr.modifier1 == UP_MOD_PING) {
		pong(c, pkt.head_len);
		return;
	}
	const uint8_t *key = var(&pkt, "UWSGI_FASTROUTER_KEY", &klen);
	if (!key)
		key = var(&pkt, "HTTP_HOST", &klen);
	const uint8_t *h = var(&pkt, c->px->conf.hash_key ? c->px->conf.hash_key
			       : "REMOTE_ADDR", &hlen);
	if (h)
		conn_set_hkey(c, h, hlen);
	else
		conn_set_hkey(c, (const uint8_t *)c->peer, strlen(c->peer));
	const uint8_t *cl = var(&pkt, "CONTENT_LENGTH", &cl_len);
	int no_body = !cl || !cl_len || (cl_len == 1 && cl[0] == '0');
	/* Resending is possible while we hold every byte of the request. */
	c->retry_ok = no_body && c->in.start == 0 && half_len(&c->in) == pkt.head_len;
	c->pool = conn_route(c->px, key, klen);
	c->st = CS_RELAY;  /* conn_dispatch moves it on */
	conn_dispatch(c);
}
