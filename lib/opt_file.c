/* What reading any config file shares: "FILE[:PART]", opening the file
 * with a message naming it, and the include depth that stops a file that
 * (through others) includes itself. */
#include "uwsgiproto/opt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t up_opt_spec_file_len(const char *spec)
{
	const char *colon = strrchr(spec, ':');
	return colon && !strchr(colon, '/') ? (size_t)(colon - spec) : strlen(spec);
}

int up_opt_load_file(struct up_opt_run *r, const char *spec, up_opt_reader read)
{
	const char *caller = r->where;
	if (r->depth >= UP_OPT_MAX_DEPTH)
		return up_opt_fail(r, "'%.80s': files include each other more than "
				   "%d deep (does one include itself?)", spec,
				   UP_OPT_MAX_DEPTH);
	char *file = strdup(spec);
	if (!file)
		return up_opt_fail(r, "out of memory");
	size_t n = up_opt_spec_file_len(file);
	const char *part = NULL;
	if (file[n]) {
		file[n] = '\0';
		if (file[n + 1])
			part = file + n + 1;
	}
	FILE *f = fopen(file, "r");
	int rc;
	if (!f) {
		rc = up_opt_fail(r, "cannot read '%.80s': %s", file, strerror(errno));
	} else {
		r->depth++;
		rc = read(r, f, file, part, caller);
		r->depth--;
		fclose(f);
	}
	free(file);
	return rc;
}
