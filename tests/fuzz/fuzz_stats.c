/* libFuzzer target for uwsgi-stats' reading of a stats document: the
 * in-place repair of strings, jansson, the model (doc.c), the totals and
 * rates (tally.c), every metric, and every output built from them: the
 * summary view, the --json document and the --nagios line with its
 * perfdata and long output.
 *
 * Input: a control byte, then one document, or two separated by a NUL
 * (NUL never survives in a document): the first is then the earlier
 * sample, so that rates are computed. The control byte's low 5 bits pick
 * the metric a -w/-c pair applies to (31: the default metric), bit 5
 * turns colour on. A document that does not parse must leave nothing
 * allocated and an error text behind.
 *
 * The tool's modules are compiled in here (a unity build); the
 * fetching (sockets) stays out, replaced by the one stub below.
 */
#include "../../bin/uwsgi-stats/doc.c"
#include "../../bin/uwsgi-stats/fmt.c"
#include "../../bin/uwsgi-stats/jsonout.c"
#include "../../bin/uwsgi-stats/metrics.c"
#include "../../bin/uwsgi-stats/nagios.c"
#include "../../bin/uwsgi-stats/range.c"
#include "../../bin/uwsgi-stats/repair.c"
#include "../../bin/uwsgi-stats/table.c"
#include "../../bin/uwsgi-stats/tally.c"
#include "../../bin/uwsgi-stats/view.c"

#include <stdint.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

/* nagios_run fetches; the target calls its parts directly instead. */
enum fetch_status snapshot(const struct target *t, int timeout_ms, struct doc *d,
                           struct fetch_result *r)
{
	(void)t; (void)timeout_ms; (void)d; (void)r;
	__builtin_trap();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* --json prints on stdout. */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

/* Parse n bytes as a document; 0 or -1 as doc_parse. */
static int load(struct doc *d, const uint8_t *p, size_t n)
{
	up_buf_t raw;
	char err[256] = "";
	up_buf_init(&raw, 0);
	if (up_buf_append(&raw, p, n) < 0) {
		up_buf_free(&raw);
		return -1;
	}
	int rc = doc_parse(d, &raw, err, sizeof err);
	up_buf_free(&raw);
	if (rc < 0) {
		ASSERT(err[0] && d->root == NULL && d->workers == NULL && d->nodes == NULL);
		return -1;
	}
	ASSERT(d->kind == DOC_NODE || d->kind == DOC_ROUTER);
	return 0;
}

/* The --nagios line, as nagios_run builds it. */
static void nagios_line(const struct doc *d, int control)
{
	struct stats_opts o;
	struct doc_totals t;
	up_buf_t line, problems;
	memset(&o, 0, sizeof o);
	o.address = "fuzz";
	o.verbose = 1;
	o.nchecks = 1;
	o.checks[0].metric = (control & 31) < (int)M_COUNT ? (control & 31) : -1;
	o.checks[0].has_warn = o.checks[0].has_crit = 1;
	ASSERT(range_parse("80", &o.checks[0].warn) == 0);
	ASSERT(range_parse("~:95", &o.checks[0].crit) == 0);
	range_format(&o.checks[0].warn, o.checks[0].warn_text, sizeof o.checks[0].warn_text);
	range_format(&o.checks[0].crit, o.checks[0].crit_text, sizeof o.checks[0].crit_text);
	doc_totals(d, &t);
	int metric = o.checks[0].metric < 0 ? default_metric(d) : o.checks[0].metric;
	double v, min, max;
	if (metric_value(metric, d, &t, &v, &min, &max) < 0)
		o.nchecks = 0;  /* nagios_die's case: the metric does not apply */
	up_buf_init(&line, 0);
	up_buf_init(&problems, 0);
	int state = evaluate(&o, d, &t, &problems);
	ASSERT(state >= STATE_OK && state <= STATE_CRITICAL);
	summary_text(&line, d, &t);
	all_perfdata(&line, &o, d, &t);
	long_output(&line, d);
	up_buf_free(&line);
	up_buf_free(&problems);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int control = data[0];
	const uint8_t *p = data + 1, *nul = memchr(p, 0, size - 1);
	struct sample s;
	memset(&s, 0, sizeof s);
	if (nul) {
		s.have_prev = load(&s.prev, p, (size_t)(nul - p)) == 0;
		size -= (size_t)(nul + 1 - data);
		p = nul + 1;
	} else {
		size -= 1;
	}
	if (load(&s.cur, p, size) == 0) {
		s.dt = 2.5;
		up_buf_t out;
		up_buf_init(&out, 0);
		view_render(&out, &s.cur, s.have_prev ? &s.prev : NULL, s.dt, (control >> 5) & 1);
		up_buf_free(&out);
		jsonout_print(&s, "127.0.0.1:9191");
		nagios_line(&s.cur, control);
		doc_free(&s.cur);
	}
	if (s.have_prev)
		doc_free(&s.prev);
	return 0;
}
