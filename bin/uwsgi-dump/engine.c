#include "engine.h"

#include <string.h>

#include "frame.h"

#define DEFAULT_PORT 3031

static void on_data(void *ctx, const uint8_t *p, size_t n, uint64_t ts);
static void on_gap(void *ctx, uint64_t n, uint64_t ts, const char *why);
static void on_fin(void *ctx, uint64_t ts);

static struct reasm_out out_of(struct flow *f, int side)
{
	struct reasm_out o = { on_data, on_gap, on_fin, &f->sides[side] };
	return o;
}

void engine_init(struct engine *e, size_t max_flow, size_t max_total, uint64_t idle_us)
{
	memset(e, 0, sizeof *e);
	flow_table_init(&e->ft);
	e->pool.limit = max_total;
	e->max_flow = max_flow;
	e->idle_us = idle_us;
	e->env.next_id = 1;
	e->heuristic = 1;
	ports_add(&e->ports, DEFAULT_PORT);
}

static int dir_of(const struct flow *f, int side)
{
	return side == f->client ? DIR_C2S : DIR_S2C;
}

static void pass_on(struct engine *e, struct flow *f, int side, const uint8_t *p,
		    size_t n, uint64_t ts)
{
	streams_write(&e->streams, f, side, p, n);
	conv_data(&f->conv, dir_of(f, side), p, n, ts);
}

/* From here on f is decoded. Without a SYN in the capture a side's first
 * bytes may lie inside a packet, so its decoder looks for a start first;
 * unless the probe has just validated the client's (probed). */
static void become_uwsgi(struct engine *e, struct flow *f, int client, int probed)
{
	int mid = !f->syn[0] && !f->syn[1];
	f->state = FLOW_UWSGI;
	f->client = client;
	e->st.flows++;
	conv_init(&f->conv, &e->env, &f->mem, f->name[client], f->name[!client],
		  mid && !probed, mid);
}

/* ---------------------------------------------------------------------- */
/* Flows on other ports: judged by their first bytes */

static void stop_probing(struct flow *f)
{
	mem_buf_free(&f->mem, &f->probe);
}

/* Not uwsgi. Called from inside the reassembly's callbacks, so its queues
 * are left alone here; tcp_segment frees them once the call returns. */
static void ignore(struct flow *f)
{
	f->state = FLOW_IGNORED;
	stop_probing(f);
}

static void accept_probe(struct engine *e, struct flow *f)
{
	int client = f->probe_side;
	become_uwsgi(e, f, client, 1);
	/* Later connections to this port are uwsgi too, even mid-stream. */
	ports_add(&e->ports, f->key.port[!client]);
	if (f->probe.len)
		pass_on(e, f, client, up_buf_head(&f->probe), f->probe.len, f->probe_ts);
	stop_probing(f);
}

/* Decide with what the probe holds; final: no more bytes will come. */
static void judge(struct engine *e, struct flow *f, int final)
{
	const uint8_t *p = up_buf_head(&f->probe);
	size_t plen = 0;
	int d = detect_packet(p, f->probe.len, &plen);
	/* A bare 4-byte header (a ping) is little evidence: what follows it,
	 * if anything, must look like a packet too. */
	if (d == DETECT_YES && plen == UP_HEADER_SIZE && f->probe.len > plen &&
	    detect_packet(p + plen, f->probe.len - plen, NULL) == DETECT_NO)
		d = DETECT_NO;
	if (d == DETECT_YES || (final && d == DETECT_PARTIAL))
		accept_probe(e, f);
	else if (d == DETECT_NO || final)
		ignore(f);
}

static void probe(struct engine *e, struct flow *f, int side, const uint8_t *p,
		  size_t n, uint64_t ts)
{
	if (f->probe.len == 0) {
		if (f->client >= 0 && side != f->client) {
			ignore(f);  /* the server speaks first: not uwsgi */
			return;
		}
		f->probe_side = side;
		f->probe_ts = ts;
	}
	if (side != f->probe_side) {
		/* The other side answers: the first side's bytes must do. */
		judge(e, f, 1);
		if (f->state == FLOW_UWSGI)
			pass_on(e, f, side, p, n, ts);
		return;
	}
	size_t take = n < PROBE_MAX - f->probe.len ? n : PROBE_MAX - f->probe.len;
	if (mem_buf_append(&f->mem, &f->probe, PROBE_MAX, p, take) < 0) {
		ignore(f);
		return;
	}
	judge(e, f, f->probe.len >= PROBE_MAX);
	if (f->state == FLOW_UWSGI && take < n)
		pass_on(e, f, side, p + take, n - take, ts);
}

/* ---------------------------------------------------------------------- */
/* Reassembly callbacks */

static void on_data(void *ctx, const uint8_t *p, size_t n, uint64_t ts)
{
	struct flow_side *fs = ctx;
	struct flow *f = fs->f;
	if (f->state == FLOW_UNKNOWN)
		probe(f->owner, f, fs->side, p, n, ts);
	else if (f->state == FLOW_UWSGI)
		pass_on(f->owner, f, fs->side, p, n, ts);
}

static void on_gap(void *ctx, uint64_t n, uint64_t ts, const char *why)
{
	struct flow_side *fs = ctx;
	struct flow *f = fs->f;
	if (f->state == FLOW_UNKNOWN && f->probe.len)
		judge(f->owner, f, 1);
	else if (f->state == FLOW_UNKNOWN)
		ignore(f);  /* nothing known before a gap: do not guess */
	if (f->state == FLOW_UWSGI)
		conv_gap(&f->conv, dir_of(f, fs->side), n, ts, why);
}

static void on_fin(void *ctx, uint64_t ts)
{
	struct flow_side *fs = ctx;
	struct flow *f = fs->f;
	if (f->state == FLOW_UNKNOWN && f->probe.len)
		judge(f->owner, f, 1);
	if (f->state == FLOW_UWSGI)
		conv_end(&f->conv, dir_of(f, fs->side), ts, fs->side == f->client
			 ? "the client closed the connection"
			 : "the server closed the connection");
	if (f->rd[0].done && f->rd[1].done)
		f->dead = 1;
}

/* ---------------------------------------------------------------------- */
/* Flow lifetime */

/* Give up on f's holes and end its conversation. */
static void close_flow(struct engine *e, struct flow *f, const char *why)
{
	if (f->state == FLOW_UNKNOWN && f->probe.len)
		judge(e, f, 1);
	for (int side = 0; side < 2 && f->state != FLOW_IGNORED; side++) {
		struct reasm_out o = out_of(f, side);
		reasm_flush(&f->rd[side], &f->mem, &o, f->last_ts, "missing from the capture");
	}
	if (f->state == FLOW_UWSGI)
		conv_close(&f->conv, f->last_ts, why);
	f->dead = 1;
}

static void remove_flow(struct engine *e, struct flow *f)
{
	if (f->state == FLOW_UWSGI)
		conv_free(&f->conv);
	reasm_free(&f->rd[0], &f->mem);
	reasm_free(&f->rd[1], &f->mem);
	stop_probing(f);
	streams_close(f);
	flow_remove(&e->ft, f);
}

static void expire(struct engine *e, uint64_t now)
{
	struct flow *f;
	while ((f = e->ft.oldest) && f->last_ts + e->idle_us < now) {
		close_flow(e, f, "idle timeout");
		remove_flow(e, f);
	}
}

/* Keep room for one more flow's worth of bytes under the total cap, by
 * giving up the least recently active flows (but never `keep`). */
static void make_room(struct engine *e, const struct flow *keep)
{
	struct flow *f;
	while (e->pool.used + e->max_flow > e->pool.limit && (f = e->ft.oldest) && f != keep) {
		e->st.evicted++;
		close_flow(e, f, "the flow was given up to stay under --max-total-bytes");
		remove_flow(e, f);
	}
}

/* A SYN on a flow that already had one with another sequence number (or
 * had data without one): the 4-tuple is being reused. */
static int reused(const struct flow *f, int side, const struct segment *s)
{
	if ((s->flags & (TCP_SYN | TCP_ACK)) != TCP_SYN)
		return 0;
	return f->syn[side] ? f->isn[side] != s->seq : f->rd[side].started;
}

static struct flow *new_flow(struct engine *e, const struct segment *s,
			     const struct flow_key *k, int side)
{
	int sp = ports_has(&e->ports, s->sport), dp = ports_has(&e->ports, s->dport);
	if (!sp && !dp && !e->heuristic)
		return NULL;
	make_room(e, NULL);
	struct flow *f = flow_add(&e->ft, k, &e->pool, e->max_flow);
	if (!f)
		return NULL;
	f->owner = e;
	frame_endpoint(s, 0, f->name[side]);
	frame_endpoint(s, 1, f->name[!side]);
	if (s->flags & TCP_SYN) {
		f->client = (s->flags & TCP_ACK) ? !side : side;
		f->syn[side] = 1;
		f->isn[side] = s->seq;
	}
	if (sp || dp) {
		/* The client talks to the uwsgi port; the SYN, when seen, knows. */
		int client = f->client >= 0 ? f->client
			: (dp && !sp) ? side : (sp && !dp) ? !side
			: (s->sport > s->dport ? side : !side);
		become_uwsgi(e, f, client, 0);
	}
	return f;
}

static void tcp_segment(struct engine *e, const struct segment *s)
{
	struct flow_key k;
	int side;
	flow_key_of(s, &k, &side);
	struct flow *f = flow_find(&e->ft, &k);
	if (f && reused(f, side, s)) {
		close_flow(e, f, "the connection was replaced by a new one");
		remove_flow(e, f);
		f = NULL;
	}
	if (!f) {
		if ((s->flags & TCP_RST) || (!(s->flags & TCP_SYN) && s->len == 0))
			return;  /* nothing to start a flow with */
		if (!(f = new_flow(e, s, &k, side)))
			return;
	}
	make_room(e, f);
	flow_touch(&e->ft, f, s->ts);
	if (s->flags & TCP_SYN && !f->syn[side]) {
		f->syn[side] = 1;
		f->isn[side] = s->seq;
	}
	if (f->state == FLOW_IGNORED) {
		if (s->flags & (TCP_RST | TCP_FIN))
			f->dead = 1;  /* nothing held: forget it at the first sign */
	} else {
		struct reasm_out o = out_of(f, side);
		reasm_segment(&f->rd[side], s, &f->mem, &o);
		if (s->flags & TCP_ACK && !f->dead) {
			struct reasm_out peer = out_of(f, !side);
			reasm_acked(&f->rd[!side], s->ack, &f->mem, &peer, s->ts);
		}
		if (s->flags & TCP_RST)
			close_flow(e, f, "the connection was reset");
		if (f->state == FLOW_IGNORED) {
			reasm_free(&f->rd[0], &f->mem);
			reasm_free(&f->rd[1], &f->mem);
		}
	}
	if (f->dead)
		remove_flow(e, f);
}

static void udp_datagram(struct engine *e, const struct segment *s, int fragment)
{
	if (!ports_has(&e->ports, s->dport) && !ports_has(&e->ports, s->sport)) {
		size_t plen;
		if (!e->heuristic || fragment || s->cap != s->len ||
		    detect_packet(s->data, s->cap, &plen) != DETECT_YES || plen != s->len)
			return;
	}
	char src[FRAME_NAME_MAX], dst[FRAME_NAME_MAX];
	frame_endpoint(s, 0, src);
	frame_endpoint(s, 1, dst);
	if (fragment) {
		struct event ev = { .kind = EV_MALFORMED, .ts = s->ts, .src = src, .dst = dst,
				    .udp = 1, .reason = "an IP fragment: datagrams are not "
				    "reassembled from fragments" };
		e->st.fragments++;
		e->env.emit(e->env.ctx, &ev);
		return;
	}
	decode_datagram(&e->env, src, dst, s->data, s->cap, s->len, s->ts);
}

void engine_frame(struct engine *e, int link, const uint8_t *p, size_t caplen,
		  uint64_t ts)
{
	struct segment s;
	e->st.frames++;
	if (e->stopped)
		return;
	expire(e, ts);
	int rc = frame_decode(link, p, caplen, ts, &s);
	if (rc == FRAME_TRUNCATED)
		e->st.truncated++;
	else if (rc != FRAME_OK && rc != FRAME_FRAGMENT)
		e->st.other++;
	else if (s.proto == 6)
		tcp_segment(e, &s);
	else
		udp_datagram(e, &s, rc == FRAME_FRAGMENT);
	if (e->pool.used > e->st.peak_memory)
		e->st.peak_memory = e->pool.used;
}

void engine_tick(struct engine *e, uint64_t now)
{
	if (!e->stopped)
		expire(e, now);
}

void engine_finish(struct engine *e, const char *why)
{
	struct flow *f;
	while ((f = e->ft.oldest)) {
		if (!e->stopped)
			close_flow(e, f, why);
		remove_flow(e, f);
	}
	flow_table_free(&e->ft);
}
