/* Options from environment variables: PREFIX<NAME>, the option's name
 * upper-cased with '-' as '_', as uWSGI reads UWSGI_* variables. */
#include "uwsgiproto/opt.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void env_name(const char *prefix, const struct up_opt *o, char *buf,
		     size_t size)
{
	snprintf(buf, size, "%s%s", prefix, o->name);
	for (char *p = buf + strnlen(buf, strlen(prefix)); *p; p++)
		*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
}

/* Variables of other names with the prefix are not ours to judge and are
 * left alone (other programs set some). --help and --version are not read
 * from here: images often set UWSGI_VERSION to a release number. An empty
 * value leaves an option that takes one unset, as shells write "unset";
 * an empty flag sets it, as in ini files. */
int up_opt_load_env(struct up_opt_run *r, const char *prefix)
{
	char name[128];
	for (size_t i = 0; i < r->n && !r->failed; i++) {
		const struct up_opt *o = &r->table[i];
		if (up_opt_cli_only(r->table, r->n, o))
			continue;
		env_name(prefix, o, name, sizeof name);
		const char *val = getenv(name);
		if (!val || (!*val && up_opt_target(r->table, r->n, o)->arg == UP_ARG_REQUIRED))
			continue;
		r->where = name;
		up_opt_apply_text(r, o, val);
		r->where = NULL;
	}
	return r->failed ? -1 : 0;
}
