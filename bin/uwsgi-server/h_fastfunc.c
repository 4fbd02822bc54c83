/* modifier1 27: the request goes to the WSGI callable in slot modifier2 of
 * uwsgi.fastfuncs, with the same environ and response path as a WSGI
 * request but no mountpoint routing. A free slot is refused as an unknown
 * modifier is: logged with the peer, the connection closed unanswered. */
#include <stdio.h>

#include "fastfunc.h"
#include "handlers.h"
#include "proto.h"
#include "uwsgiproto/modifiers.h"

/* Before the vars are read: is there a callable to serve this? */
static int check(struct request *r, const up_packet_t *pkt)
{
	char why[120];
	PyGILState_STATE g = PyGILState_Ensure();
	PyObject *f = fastfunc_get(pkt->hdr.modifier2, NULL, why, sizeof why);
	int ok = f != NULL;
	Py_XDECREF(f);
	PyGILState_Release(g);
	if (ok)
		return PROTO_REQUEST;
	snprintf(r->err, sizeof r->err, "unavailable modifier requested: %d (fastfunc): %.100s",
		 UP_MOD_FASTFUNC, why);
	return PROTO_ERROR;
}

int fastfunc_handle(struct wsgi_thread *t, struct request *r)
{
	static char root[] = "";
	char why[120];
	PyInterpreterState *is = NULL;
	PyObject *f = fastfunc_get(r->modifier2, &is, why, sizeof why);
	if (!f) {
		/* Emptied by another thread of the app since check() ran. */
		snprintf(r->err, sizeof r->err, "FastFunc: %s", why);
		resp_error(r, 503, "Service Unavailable: this FastFunc slot is free\n");
		return 0;
	}
	struct app app = { .mountpoint = root, .source = "uwsgi.fastfuncs", .callable = f,
			   .interp = is };
	int rc = wsgi_call(t, r, &app, 0);
	Py_DECREF(f);
	return rc;
}

const struct mod_handler handler_fastfunc = { UP_MOD_FASTFUNC, HANDLER_CALLABLE, "fastfunc",
					      check };
