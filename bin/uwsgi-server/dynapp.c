/* Loading the app a request names (dynapp.h). Loads are serialised per
 * worker by one mutex, taken with the GIL released, so two threads asking
 * for the same new app load it once. */
#include "dynapp.h"

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

/* Does r carry UWSGI_SCRIPT, UWSGI_MODULE or UWSGI_FILE (non-empty)? One
 * pass over the vars: this runs for every request. */
static int names_app(const struct request *r)
{
	for (size_t i = 0; i < r->nvars; i++) {
		const struct var *v = &r->vars[i];
		if (v->vl == 0 || v->kl < 10 || memcmp(v->k, "UWSGI_", 6) != 0)
			continue;
		if ((v->kl == 12 && (memcmp(v->k + 6, "SCRIPT", 6) == 0 ||
				     memcmp(v->k + 6, "MODULE", 6) == 0)) ||
		    (v->kl == 10 && memcmp(v->k + 6, "FILE", 4) == 0))
			return 1;
	}
	return 0;
}

#ifndef UP_ROCK_SOLID
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

/* A request var as a C string in buf; "" when absent. -1 when it holds a
 * NUL or does not fit. */
static int var_str(const struct request *r, const char *key, char *buf, size_t cap)
{
	size_t l = 0;
	const char *v = req_var(r, key, &l);
	buf[0] = 0;
	if (!v)
		return 0;
	if (l >= cap || memchr(v, 0, l))
		return -1;
	memcpy(buf, v, l);
	buf[l] = 0;
	return 0;
}

/* Is a loaded app mounted exactly at mount? */
static int mounted(const struct apps *apps, const char *mount)
{
	for (size_t i = 0; i < apps->n; i++)
		if (apps->v[i].callable && strcmp(apps->v[i].mountpoint, mount) == 0)
			return 1;
	return 0;
}

static int refuse(struct request *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct request *r, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
	resp_error(r, status, status == 503 ? "Service Unavailable\n"
					    : "Internal Server Error\n");
	return -1;
}

struct dynvars {
	char script[PATH_MAX], module[PATH_MAX], callable[256], file[PATH_MAX];
	char dir[PATH_MAX], pyhome[PATH_MAX], mount[PATH_MAX];
};

static int read_vars(const struct request *r, struct dynvars *d)
{
	if (var_str(r, "UWSGI_SCRIPT", d->script, sizeof d->script) < 0 ||
	    var_str(r, "UWSGI_MODULE", d->module, sizeof d->module) < 0 ||
	    var_str(r, "UWSGI_CALLABLE", d->callable, sizeof d->callable) < 0 ||
	    var_str(r, "UWSGI_FILE", d->file, sizeof d->file) < 0 ||
	    var_str(r, "UWSGI_CHDIR", d->dir, sizeof d->dir) < 0 ||
	    var_str(r, "UWSGI_PYHOME", d->pyhome, sizeof d->pyhome) < 0 ||
	    var_str(r, "SCRIPT_NAME", d->mount, sizeof d->mount) < 0)
		return -1;
	/* "/" and "" are both the root, as for --mount. */
	if (strcmp(d->mount, "/") == 0)
		d->mount[0] = 0;
	return 0;
}

/* Load the app d names at d->mount, under load_lock. */
static const struct app *load(struct apps *apps, const struct config *c,
			      const struct dynvars *d)
{
	char src[PATH_MAX + 8];
	if (d->file[0])
		snprintf(src, sizeof src, "file=%s", d->file);
	else if (d->script[0])
		snprintf(src, sizeof src, "module=%s", d->script);
	else
		snprintf(src, sizeof src, "module=%s", d->module);
	/* As uWSGI: the first app takes the main interpreter. */
	size_t loaded = 0;
	for (size_t i = 0; i < apps->n; i++)
		loaded += apps->v[i].callable != NULL;
	struct app_spec s = {
		.mount = d->mount, .source = src, .cname = d->callable[0] ? d->callable : NULL,
		.dir = d->dir[0] ? d->dir : NULL, .pyhome = d->pyhome[0] ? d->pyhome : NULL,
		.own_interp = !c->single_interpreter && loaded > 0,
	};
	return py_add_app(apps, &s);
}

/* The app r names, loaded unless its SCRIPT_NAME has one already. */
static int load_named(struct apps *apps, const struct config *c, struct request *r)
{
	struct dynvars d;
	if (read_vars(r, &d) < 0)
		return refuse(r, 500, "dynamic app: a UWSGI_* var or SCRIPT_NAME is too long or "
			      "holds a NUL");
	if (mounted(apps, d.mount))
		return 0;
	int ready = 0, full = 0;
	Py_BEGIN_ALLOW_THREADS
	pthread_mutex_lock(&load_lock);
	Py_END_ALLOW_THREADS
	if (mounted(apps, d.mount))
		ready = 1;  /* another thread loaded it meanwhile */
	else if (apps->n >= (size_t)c->max_apps)
		full = 1;
	else
		ready = load(apps, c, &d) != NULL;
	pthread_mutex_unlock(&load_lock);
	if (full)
		return refuse(r, 503, "dynamic app for SCRIPT_NAME '%s' refused: --max-apps %d "
			      "reached", d.mount, c->max_apps);
	if (!ready)
		return refuse(r, 500, "dynamic app for SCRIPT_NAME '%s' failed to load (the "
			      "traceback is above)", d.mount);
	return 0;
}
#endif

int dynapp_prepare(struct apps *apps, const struct config *c, struct request *r)
{
	static int said;
	if (!names_app(r))
		return 0;
	if (!c->dynamic_apps) {
		if (!said) {
			said = 1;
			log_line("%s: UWSGI_SCRIPT/UWSGI_MODULE/UWSGI_FILE ignored: dynamic apps "
				 "are off (--dynamic-apps); said once per worker",
				 r->c->peer[0] ? r->c->peer : "-");
		}
		return 0;
	}
#ifdef UP_ROCK_SOLID
	(void)apps;
	return 0;  /* never here: main() refuses --dynamic-apps */
#else
	return load_named(apps, c, r);
#endif
}
