/* Dynamic apps (--dynamic-apps, uWSGI's DynamicApps): a request whose vars
 * name an app (UWSGI_SCRIPT, UWSGI_MODULE with UWSGI_CALLABLE, UWSGI_FILE;
 * UWSGI_CHDIR and UWSGI_PYHOME apply to the load) gets it loaded in the
 * worker on first use, in a sub-interpreter of its own unless
 * --single-interpreter, and mounted at the request's SCRIPT_NAME, where
 * later requests find it. Off by default: it lets the front end choose
 * what code runs. */
#ifndef UWSGI_SERVER_DYNAPP_H
#define UWSGI_SERVER_DYNAPP_H

#include "config.h"
#include "pyapp.h"
#include "request.h"

/* Before the app is picked for r (GIL held): load the app r names when
 * there is none at its SCRIPT_NAME yet. 0 to go on serving r; -1 when r
 * was answered already (500 on a failed load, 503 past --max-apps), the
 * reason in r->err. Without --dynamic-apps the vars are ignored (said once
 * per worker). */
int dynapp_prepare(struct apps *apps, const struct config *c, struct request *r);

#endif
