#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "uwsgiproto/error.h"

#define SGR_BOLD "\033[1m"
#define SGR_RESET "\033[0m"

void table_init(struct table *t, size_t ncols, const char *const *heads,
                const char *align)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	t->heads = heads;
	t->align = align;
}

void table_add(struct table *t, const char *text, const char *color)
{
	if (t->failed)
		return;
	if (t->ncells == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct table_cell *c = realloc(t->cells, cap * sizeof *c);
		if (!c) {
			t->failed = 1;
			return;
		}
		t->cells = c;
		t->cap = cap;
	}
	struct table_cell *c = &t->cells[t->ncells++];
	size_t n = strlen(text);
	if (n >= sizeof c->text) {
		n = sizeof c->text - 4;
		memcpy(c->text + n, "...", 4);
	} else {
		c->text[n] = '\0';
	}
	memcpy(c->text, text, n);
	c->color = color;
}

/* Columns on screen: UTF-8 continuation bytes take none. */
static size_t width_of(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static int cell_out(up_buf_t *out, const char *text, const char *color,
                    size_t width, char align, int last)
{
	size_t pad = width - width_of(text);
	int rc = 0;
	if (align == 'r')
		rc |= up_buf_printf(out, "%*s", (int)pad, "");
	if (color)
		rc |= up_buf_puts(out, color);
	rc |= up_buf_puts(out, text);
	if (color)
		rc |= up_buf_puts(out, SGR_RESET);
	if (!last)
		return rc | up_buf_printf(out, "%*s", align != 'r' ? (int)pad + 2 : 2, "");
	while (out->len && up_buf_head(out)[out->len - 1] == ' ')
		out->len--;             /* no trailing blanks after an empty cell */
	return rc | up_buf_puts(out, "\n");
}

int table_render(const struct table *t, up_buf_t *out, int color)
{
	size_t width[32] = { 0 }, c, i;
	int rc = 0;
	if (t->failed || t->ncols > 32)
		return UP_ENOSPACE;
	for (c = 0; c < t->ncols; c++)
		width[c] = width_of(t->heads[c]);
	for (i = 0; i < t->ncells; i++)
		if (width_of(t->cells[i].text) > width[i % t->ncols])
			width[i % t->ncols] = width_of(t->cells[i].text);
	for (c = 0; c < t->ncols; c++)
		rc |= cell_out(out, t->heads[c], color ? SGR_BOLD : NULL, width[c],
			       t->align[c], c + 1 == t->ncols);
	for (i = 0; i < t->ncells; i++) {
		c = i % t->ncols;
		rc |= cell_out(out, t->cells[i].text, color ? t->cells[i].color : NULL,
			       width[c], t->align[c], c + 1 == t->ncols);
	}
	if (t->ncells % t->ncols)
		rc |= up_buf_puts(out, "\n");
	return rc ? UP_ENOSPACE : 0;
}

void table_free(struct table *t)
{
	free(t->cells);
	t->cells = NULL;
	t->ncells = t->cap = 0;
}
