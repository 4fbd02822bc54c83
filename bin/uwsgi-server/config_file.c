/* What reading any config file shares: "FILE[:PART]", opening the file
 * with a message naming it, and the include depth that stops a file that
 * (through others) includes itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_opt.h"

size_t cfg_spec_file_len(const char *spec)
{
	const char *colon = strrchr(spec, ':');
	return colon && !strchr(colon, '/') ? (size_t)(colon - spec) : strlen(spec);
}

int cfg_load_file(struct cfg_run *r, const char *spec, cfg_reader read)
{
	const char *caller = r->where;
	if (r->depth >= CFG_MAX_DEPTH)
		return cfg_fail(r, "'%.80s': files include each other more than "
				"%d deep (does one include itself?)", spec, CFG_MAX_DEPTH);
	char *file = cfg_strdup(spec);
	size_t n = cfg_spec_file_len(file);
	const char *part = NULL;
	if (file[n]) {
		file[n] = '\0';
		if (file[n + 1])
			part = file + n + 1;
	}
	FILE *f = fopen(file, "r");
	int rc;
	if (!f) {
		rc = cfg_fail(r, "cannot read '%.80s': %s", file, strerror(errno));
	} else {
		r->depth++;
		rc = read(r, f, file, part, caller);
		r->depth--;
		fclose(f);
	}
	free(file);
	return rc;
}
