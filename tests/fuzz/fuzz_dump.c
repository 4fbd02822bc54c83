/* libFuzzer target for uwsgi-dump's decoding path: frames -> link/IP/TCP
 * decoding -> flow table -> TCP reassembly -> uwsgi/HTTP decoding -> the
 * text, JSON and summary outputs.
 *
 * Input: one control byte, then frames as [u16 LE length][bytes]. The
 * control byte's low 3 bits pick the link type; bit 3 turns the
 * first-bytes heuristic off; bit 4 keeps bodies (as -X does). A length
 * with its top bit set also moves the clock 200 s on, so that flows go
 * idle. Limits are small so that the memory bounds and eviction run.
 * At the end every flow is closed: all memory must have been given back.
 *
 * The tool's modules are compiled in here (a unity build), so that the
 * target needs nothing but the library from the Makefile's fuzz rule.
 */
#include "../../bin/uwsgi-dump/decode.c"
#include "../../bin/uwsgi-dump/dec_client.c"
#include "../../bin/uwsgi-dump/dec_server.c"
#include "../../bin/uwsgi-dump/detect.c"
#include "../../bin/uwsgi-dump/engine.c"
#include "../../bin/uwsgi-dump/fields.c"
#include "../../bin/uwsgi-dump/flow.c"
#include "../../bin/uwsgi-dump/frame.c"
#include "../../bin/uwsgi-dump/jsonout.c"
#include "../../bin/uwsgi-dump/mem.c"
#include "../../bin/uwsgi-dump/reasm.c"
#include "../../bin/uwsgi-dump/streams.c"
#include "../../bin/uwsgi-dump/summary.c"
#include "../../bin/uwsgi-dump/text.c"

#include <stdint.h>
#include <stdio.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static const int links[8] = {
	LINK_EN10MB, LINK_LINUX_SLL, LINK_LINUX_SLL2, LINK_NULL,
	LINK_LOOP, LINK_RAW, LINK_IPV4, LINK_IPV6,
};

struct sink {
	up_buf_t out;
	struct text_opts text;
	struct summary sum;
	uint64_t events;
};

/* Every event through every output; the text is thrown away. */
static void sink_event(void *ctx, const struct event *ev)
{
	struct sink *k = ctx;
	ASSERT(ev->src && ev->dst);
	if (ev->kind == EV_REQUEST || ev->kind == EV_UNANSWERED)
		ASSERT(ev->req);
	if (ev->kind == EV_RESPONSE)
		ASSERT(ev->resp);
	up_buf_reset(&k->out);
	text_event(&k->out, &k->text, ev);
	json_event(&k->out, ev);
	summary_add(&k->sum, ev);
	k->events++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct engine e;
	struct sink k;
	memset(&k, 0, sizeof k);
	up_buf_init(&k.out, 0);
	summary_init(&k.sum, 5);
	k.text.verbose = 1;
	k.text.hex = (data[0] >> 4) & 1;
	k.text.ts_mode = TS_EPOCH;
	engine_init(&e, 128 * 1024, 512 * 1024, 60 * 1000000ull);
	e.heuristic = !((data[0] >> 3) & 1);
	e.env.emit = sink_event;
	e.env.ctx = &k;
	e.env.keep_body = (data[0] >> 4) & 1 ? 256 : 0;
	int link = links[data[0] & 7];

	uint64_t ts = 1700000000000000ull;
	size_t off = 1;
	while (size - off >= 2) {
		size_t len = up_get_le16(data + off);
		off += 2;
		if (len & 0x8000)
			ts += 200 * 1000000ull;
		len &= 0x7fff;
		if (len > size - off)
			len = size - off;
		/* An exact-size copy: a read past the frame is an ASan error. */
		uint8_t *frame = malloc(len ? len : 1);
		if (!frame)
			break;
		memcpy(frame, data + off, len);
		ts += 1000;
		engine_frame(&e, link, frame, len, ts);
		free(frame);
		off += len;
		ASSERT(e.pool.used <= e.pool.limit + e.max_flow);
	}
	engine_finish(&e, "end of input");
	ASSERT(e.pool.used == 0);
	ASSERT(e.ft.unsettled == 0);
	ASSERT(e.ft.count == 0);

	FILE *null = fopen("/dev/null", "w");
	if (null) {
		summary_print(&k.sum, null, &e.st);
		fclose(null);
	}
	summary_free(&k.sum);
	up_buf_free(&k.out);
	return 0;
}
