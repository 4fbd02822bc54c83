#include "report.h"
#include "mem.h"

#include <string.h>

#include "jsonout.h"

void report_init(struct report *r, FILE *fp)
{
	memset(r, 0, sizeof *r);
	r->fp = fp;
	up_buf_init(&r->out, 0);
	summary_init(&r->sum, 10);
}

/* An exchange is over: answered, known to get no answer, or a datagram. */
static int closes_exchange(const struct event *ev)
{
	return (ev->kind == EV_RESPONSE && ev->req) || ev->kind == EV_UNANSWERED ||
	       (ev->kind == EV_REQUEST && ev->udp);
}

void report_event(void *ctx, const struct event *ev)
{
	struct report *r = ctx;
	if (r->stop && *r->stop)
		return;
	if (r->summary) {
		summary_add(&r->sum, ev);
	} else {
		up_buf_reset(&r->out);
		if (r->json)
			json_event(&r->out, ev);
		else
			text_event(&r->out, &r->text, ev);
		if (r->out.len)
			fwrite(up_buf_head(&r->out), 1, r->out.len, r->fp);
	}
	if (closes_exchange(ev) && r->max && ++r->done >= r->max && r->stop)
		*r->stop = 1;
}

void report_free(struct report *r)
{
	up_buf_free(&r->out);
	summary_free(&r->sum);
}
