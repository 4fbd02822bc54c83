/* Ini files, read with Debian's libinih: the keys of one section applied
 * in file order, so a repeated key adds another value to a repeatable
 * option (two "socket =" lines, two sockets) and the last one wins for
 * the others. */
#include "uwsgiproto/opt.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <string.h>

/* Long enough for any path or log format; longer lines are an error
 * rather than being cut. */
#define LINE_MAX_BYTES 65536

struct ini_state {
	struct up_opt_run *r;
	FILE *f;
	const char *file;
	const char *section;
	int lineno;          /* the line being read */
	int at_line_start;   /* the next read starts a new line */
	size_t line_len;     /* bytes of the current line so far */
	int too_long;        /* the first line over LINE_MAX_BYTES, or 0 */
	int read_errno;      /* why reading failed, or 0 */
	int found;           /* the section had a key */
	char where[512];
};

/* Make libinih read uWSGI's dialect. Debian builds it with these knobs as
 * variables (libinih's, not ours: set before every parse, never relied
 * on between them): a bare key ("master") is a flag, indented lines are
 * ordinary lines (not continuations), ';' starts a comment only at the
 * start of a line (values such as log formats may hold one), and lines
 * may be long. */
static void inih_dialect(void)
{
	ini_allow_no_value = true;
	ini_allow_multiline = false;
	ini_allow_inline_comments = false;
	ini_use_stack = false;
	ini_allow_realloc = true;
	ini_max_line = LINE_MAX_BYTES;
	ini_stop_on_first_error = true;
}

/* libinih reads through this, so we know the line each key is on (Debian's
 * build does not hand it to the handler). A long line takes several reads;
 * only the first one starts a line. */
static char *read_line(char *buf, int size, void *user)
{
	struct ini_state *s = user;
	char *got = fgets(buf, size, s->f);
	if (!got) {
		if (ferror(s->f))
			s->read_errno = errno;
		return NULL;
	}
	size_t n = strlen(got);
	if (s->at_line_start) {
		s->lineno++;
		s->line_len = 0;
	}
	s->line_len += n;
	s->at_line_start = n > 0 && got[n - 1] == '\n';
	/* libinih's buffer is full and the line goes on: it would be cut. */
	if (!s->at_line_start && s->line_len >= LINE_MAX_BYTES - 1 && !s->too_long)
		s->too_long = s->lineno;
	return got;
}

static int on_key(void *user, const char *section, const char *name,
		  const char *value)
{
	struct ini_state *s = user;
	struct up_opt_run *r = s->r;
	if (r->failed || s->too_long)
		return 0;       /* ini_result() says why */
	if (strcmp(section, s->section))
		return 1;
	s->found = 1;
	const struct up_opt *o = up_opt_find(r->table, r->n, name);
	int rc;
	if (o) {
		snprintf(s->where, sizeof s->where, "%s:%d: %s", s->file, s->lineno, name);
		r->where = s->where;
		rc = up_opt_apply_text(r, o, value ? value : "");
	} else {
		snprintf(s->where, sizeof s->where, "%s:%d", s->file, s->lineno);
		r->where = s->where;
		rc = up_opt_fail(r, "unknown option '%.80s'", name);
	}
	r->where = NULL;
	return rc == 0;
}

/* After the parse: the first problem, named by file and line where there
 * is one, else by the caller's where ("--ini", "app.ini:3: ini"). */
static int ini_result(struct ini_state *s, int parsed, const char *caller)
{
	struct up_opt_run *r = s->r;
	if (r->failed)
		return -1;
	r->where = caller;
	if (parsed == -2)
		return up_opt_fail(r, "out of memory");
	if (s->read_errno)
		return up_opt_fail(r, "cannot read '%s': %s", s->file,
				   strerror(s->read_errno));
	r->where = NULL;
	if (parsed > 0 && parsed == s->too_long)
		return up_opt_fail(r, "%s:%d: line longer than %d bytes", s->file,
				   parsed, LINE_MAX_BYTES - 2);
	if (parsed > 0)
		return up_opt_fail(r, "%s:%d: not a [section], key = value or "
				   "comment line", s->file, parsed);
	r->where = caller;
	if (!s->found)
		return up_opt_fail(r, "'%s' has no options in section [%s]",
				   s->file, s->section);
	return 0;
}

static int read_ini(struct up_opt_run *r, FILE *f, const char *file,
		    const char *section, const char *caller)
{
	struct ini_state s = {
		.r = r, .f = f, .file = file,
		.section = section ? section : r->section, .at_line_start = 1,
	};
	inih_dialect();
	int parsed = ini_parse_stream(read_line, &s, on_key, &s);
	return ini_result(&s, parsed, caller);
}

int up_opt_load_ini(struct up_opt_run *r, const char *spec)
{
	return up_opt_load_file(r, spec, read_ini);
}

int up_opt_set_ini(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	(void)o;
	return up_opt_load_file(r, val, read_ini);
}
