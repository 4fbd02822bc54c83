/* --nagios: one status line as the Monitoring Plugins guidelines define
 * it ("UWSGI OK - text|perfdata"), long output with -v, and exactly the
 * exit statuses 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Everything,
 * errors included, goes to stdout, where the monitoring system reads it. */
#ifndef UWSGI_STATS_NAGIOS_H
#define UWSGI_STATS_NAGIOS_H

#include "stats.h"
#include "target.h"
#include "uwsgiproto/buf.h"

/* Print "UWSGI STATE - message" and exit with state. */
void nagios_die(int state, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *nagios_state_name(int state);

/* Read t's stats document, evaluate o's checks, print, return the state. */
int nagios_run(const struct stats_opts *o, const struct target *t);

/* The state check c gives value v: CRITICAL when its critical range
 * alerts, else WARNING when its warning range does, else OK. */
int nagios_check_state(const struct check *c, double v);

/* Append "label=value[uom];warn;crit;min;max" (empty trailing fields
 * dropped) to out; c gives the thresholds, or NULL. */
int nagios_perfdata(up_buf_t *out, int metric, const struct check *c,
                    double v, double min, double max);

/* Append why check c gave state (WARNING or CRITICAL) for value v:
 * "busy-pct is 100% (critical 95)". */
int nagios_problem(up_buf_t *out, int metric, const struct check *c, double v,
                   int state);

/* Append the value with its unit for the status text ("100%", "0.2 s"). */
int nagios_value_text(up_buf_t *out, int metric, double v);

#endif
