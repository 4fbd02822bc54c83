/* --json: the document normalised for jq and scripts. Both kinds of
 * document come out with the same top-level keys where they share them,
 * units are in the key names (_bytes, _ms, _s), missing values are null,
 * and "metrics" holds every --nagios metric by name. */
#ifndef UWSGI_STATS_JSONOUT_H
#define UWSGI_STATS_JSONOUT_H

#include "sample.h"

/* Print s's normalised JSON on stdout; label names the address read.
 * Returns 0, or -1 when out of memory or stdout fails. */
int jsonout_print(const struct sample *s, const char *label);

#endif
