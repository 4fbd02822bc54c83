/* The summary people read (the default output, and each screen of
 * --watch): the node or router, one row per worker or backend node, the
 * sockets and the totals, in aligned columns. */
#ifndef UWSGI_STATS_VIEW_H
#define UWSGI_STATS_VIEW_H

#include "doc.h"
#include "uwsgiproto/buf.h"

/* Append d's summary to out. Rates are taken against prev, read dt
 * seconds earlier (prev NULL: rates show "-"). color adds SGR colours.
 * Returns 0 or the buffer's error. */
int view_render(up_buf_t *out, const struct doc *d, const struct doc *prev,
                double dt, int color);

#endif
