/* What a table prints: the option lines of --help (one per row, aliases
 * too if asked, under the heading of the row's group, descriptions aligned)
 * and the configuration as "name = value" lines through the printers. */
#include "uwsgiproto/opt.h"

/* "  -p, --processes N" or "      --chmod-socket[=MODE]" into buf. */
static int left_column(const struct up_opt *table, size_t n,
		       const struct up_opt *row, char *buf, size_t size)
{
	const struct up_opt *o = up_opt_target(table, n, row);
	char shortname[8] = "    ";
	if (row->short_name)
		snprintf(shortname, sizeof shortname, "-%c, ", row->short_name);
	if (o->arg == UP_ARG_REQUIRED || o->arg == UP_ARG_MAYBE_EMPTY)
		return snprintf(buf, size, "  %s--%s %s", shortname, row->name, o->metavar);
	if (o->arg == UP_ARG_OPTIONAL)
		return snprintf(buf, size, "  %s--%s[=%s]", shortname, row->name, o->metavar);
	return snprintf(buf, size, "  %s--%s", shortname, row->name);
}

static void help_line(const struct up_opt *table, size_t n,
		      const struct up_opt *row, int width, FILE *out)
{
	char left[128], same[64];
	const char *help = row->help;
	left_column(table, n, row, left, sizeof left);
	if (row->alias) {
		snprintf(same, sizeof same, "same as --%s", row->alias);
		help = same;
	}
	fprintf(out, "%-*s  %s\n", width, left, help);
}

void up_opt_help(const struct up_opt *table, size_t n,
		 const char *const *groups, size_t ngroups, int aliases, FILE *out)
{
	char left[128];
	int width = 0;
	for (size_t i = 0; i < n; i++) {
		if (table[i].alias && !aliases)
			continue;
		int k = left_column(table, n, &table[i], left, sizeof left);
		if (k > width)
			width = k;
	}
	/* By group, so a row's place in the table need not follow its group. */
	for (size_t g = 0; g < ngroups; g++) {
		int heading = 0;
		for (size_t i = 0; i < n; i++) {
			if (table[i].group != (int)g || (table[i].alias && !aliases))
				continue;
			if (!heading++)
				fprintf(out, "%s:\n", groups[g]);
			help_line(table, n, &table[i], width, out);
		}
	}
}

void up_opt_print(const struct up_opt *table, size_t n, const void *target,
		  FILE *out)
{
	for (size_t i = 0; i < n; i++)
		if (!table[i].alias && table[i].print)
			table[i].print(target, &table[i], out);
}
