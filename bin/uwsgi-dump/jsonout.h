/* --json: one JSON object per line, for jq and scripts. The fields are
 * listed in uwsgi-dump(1); every object has kind ("request", "response",
 * "unanswered", "malformed", "gap"), ts (seconds since the epoch, with
 * microseconds), src and dst. */
#ifndef UWSGI_DUMP_JSONOUT_H
#define UWSGI_DUMP_JSONOUT_H

#include "event.h"
#include "uwsgiproto/buf.h"

/* Append ev as one line of JSON to o. */
void json_event(up_buf_t *o, const struct event *ev);

#endif
