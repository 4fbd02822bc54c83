#include "sample.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "die.h"

enum fetch_status snapshot(const struct target *t, int timeout_ms, struct doc *d,
                           struct fetch_result *r)
{
	up_buf_t raw;
	char why[300];
	memset(d, 0, sizeof *d);
	up_buf_init(&raw, FETCH_MAX + 1);
	enum fetch_status s = fetch_document(t, timeout_ms, &raw, r);
	if (s == FETCH_OK && doc_parse(d, &raw, why, sizeof why) < 0) {
		snprintf(r->msg, sizeof r->msg, "%.200s: %.300s", t->label, why);
		s = r->status = FETCH_ANSWER;
	}
	up_buf_free(&raw);
	if (s == FETCH_OK)
		d->fetch_seconds = r->seconds;
	return s;
}

int sample_exit_code(enum fetch_status s)
{
	switch (s) {
	case FETCH_OK: return EXIT_STATS_OK;
	case FETCH_CONNECT: return EXIT_STATS_CONNECT;
	case FETCH_TIMEOUT: return EXIT_STATS_TIMEOUT;
	case FETCH_ANSWER: break;
	}
	return EXIT_STATS_ANSWER;
}

void sample_sleep(double seconds)
{
	struct timespec ts = { (time_t)seconds,
			       (long)((seconds - (double)(time_t)seconds) * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void sample_take(struct sample *s, const struct target *t, const struct stats_opts *o)
{
	struct fetch_result r;
	memset(s, 0, sizeof *s);
	if (snapshot(t, o->timeout_ms, &s->cur, &r) != FETCH_OK)
		die(sample_exit_code(r.status), "%s", r.msg);
	if (o->interval_ms <= 0)
		return;
	double start = fetch_clock();
	s->prev = s->cur;
	s->have_prev = 1;
	sample_sleep(o->interval_ms / 1000.0);
	if (snapshot(t, o->timeout_ms, &s->cur, &r) != FETCH_OK) {
		doc_free(&s->prev);
		die(sample_exit_code(r.status), "%s", r.msg);
	}
	s->dt = fetch_clock() - start;
}

void sample_free(struct sample *s)
{
	doc_free(&s->cur);
	if (s->have_prev)
		doc_free(&s->prev);
}
