/* Aligned text tables for the summary and --watch: cells are added row by
 * row, widths are measured once all are in, colour never counts toward a
 * width. */
#ifndef UWSGI_STATS_TABLE_H
#define UWSGI_STATS_TABLE_H

#include <stddef.h>

#include "uwsgiproto/buf.h"

struct table_cell {
	char text[96];       /* longer texts are cut, ending in "..." */
	const char *color;   /* an SGR sequence, or NULL */
};

struct table {
	size_t ncols;
	const char *const *heads;
	const char *align;   /* one letter a column: 'l' or 'r' */
	struct table_cell *cells;
	size_t ncells, cap;
	int failed;          /* out of memory while adding */
};

void table_init(struct table *t, size_t ncols, const char *const *heads,
                const char *align);

/* Add the next cell, filling rows left to right. */
void table_add(struct table *t, const char *text, const char *color);

/* Append the table to out, the head row in bold when color is set (cell
 * colours are used only then). Returns 0 or the buffer's error. */
int table_render(const struct table *t, up_buf_t *out, int color);

void table_free(struct table *t);

#endif
