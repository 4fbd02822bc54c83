/* XML files, uWSGI's way, read with expat. The options are the children
 * of the root element named by the run's section (<uwsgi>), or, when the
 * root is some other element, of its first child of that name (the first
 * with id="ID" when an id is asked for). Each child's name is an option
 * and its text the value; <master/> is a flag. Values are applied in
 * document order. */
#include "uwsgiproto/opt.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALUE_MAX 65536

struct xml_state {
	struct up_opt_run *r;
	XML_Parser p;
	const char *file;
	const char *id;            /* the id asked for, or NULL */
	int depth;                 /* of the element open now; the root is 1 */
	int root_is_stanza;
	int stanza;                /* depth of the chosen <uwsgi>, 0 outside it */
	int found;                 /* the chosen <uwsgi> was seen */
	const struct up_opt *opt;  /* the option element open now */
	unsigned long opt_line;
	char name[128];            /* its name as written */
	char *text;                /* its text so far */
	size_t len, cap;
	char where[512];
};

/* Record an error at the current line and stop the parse. */
static void fail_here(struct xml_state *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fail_here(struct xml_state *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(s->where, sizeof s->where, "%s:%lu", s->file,
		 (unsigned long)XML_GetCurrentLineNumber(s->p));
	s->r->where = s->where;
	up_opt_fail(s->r, "%s", msg);
	s->r->where = NULL;
	XML_StopParser(s->p, XML_FALSE);
}

static int id_matches(const XML_Char **attrs, const char *id)
{
	for (; attrs[0]; attrs += 2)
		if (!strcmp(attrs[0], "id"))
			return !strcmp(attrs[1], id);
	return 0;
}

/* A <uwsgi> (the run's section) that is the root, or a child of a root of
 * another name. */
static void maybe_stanza(struct xml_state *s, const XML_Char *name,
			 const XML_Char **attrs)
{
	if (s->found || strcmp(name, s->r->section))
		return;
	if (s->depth == 1)
		s->root_is_stanza = 1;
	else if (s->depth != 2 || s->root_is_stanza)
		return;
	if (!s->id || id_matches(attrs, s->id)) {
		s->stanza = s->depth;
		s->found = 1;
	}
}

static void on_start(void *user, const XML_Char *name, const XML_Char **attrs)
{
	struct xml_state *s = user;
	s->depth++;
	if (s->r->failed)
		return;         /* expat may call on after XML_StopParser */
	if (s->opt) {
		fail_here(s, "unexpected element <%.80s> inside an option", name);
	} else if (s->stanza && s->depth == s->stanza + 1) {
		s->opt = up_opt_find(s->r->table, s->r->n, name);
		if (!s->opt) {
			fail_here(s, "unknown option '%.80s'", name);
			return;
		}
		snprintf(s->name, sizeof s->name, "%s", name);
		s->opt_line = (unsigned long)XML_GetCurrentLineNumber(s->p);
		s->len = 0;
	} else if (!s->stanza) {
		maybe_stanza(s, name, attrs);
	}
}

static void on_text(void *user, const XML_Char *text, int len)
{
	struct xml_state *s = user;
	if (s->r->failed || !s->opt || len <= 0)
		return;
	if ((size_t)len > VALUE_MAX - s->len) {
		fail_here(s, "the value of <%.80s> is too long", s->name);
		return;
	}
	if (s->len + (size_t)len + 1 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		while (cap < s->len + (size_t)len + 1)
			cap *= 2;
		char *t = realloc(s->text, cap);
		if (!t) {
			fail_here(s, "out of memory");
			return;
		}
		s->text = t;
		s->cap = cap;
	}
	memcpy(s->text + s->len, text, (size_t)len);
	s->len += (size_t)len;
}

/* The option's text without the whitespace that indents it. */
static void apply_option(struct xml_state *s)
{
	const char *t = s->text ? s->text : "";
	size_t n = s->len;
	while (n > 0 && strchr(" \t\r\n", t[n - 1]))
		n--;
	while (n > 0 && strchr(" \t\r\n", *t))
		t++, n--;
	char *val = strndup(t, n);
	snprintf(s->where, sizeof s->where, "%s:%lu: %s", s->file, s->opt_line, s->name);
	s->r->where = s->where;
	if (!val)
		up_opt_fail(s->r, "out of memory");
	if (s->r->failed || up_opt_apply_text(s->r, s->opt, val) < 0)
		XML_StopParser(s->p, XML_FALSE);
	s->r->where = NULL;
	free(val);
}

static void on_end(void *user, const XML_Char *name)
{
	struct xml_state *s = user;
	(void)name;
	if (s->r->failed) {
		s->depth--;
		return;
	}
	if (s->opt && s->depth == s->stanza + 1) {
		apply_option(s);
		s->opt = NULL;
	} else if (s->stanza && s->depth == s->stanza) {
		s->stanza = 0;
	}
	s->depth--;
}

/* Feed the whole file to the parser; 0, or -1 with the error recorded. */
static int parse_file(struct xml_state *s, FILE *f, const char *caller)
{
	for (;;) {
		void *buf = XML_GetBuffer(s->p, 8192);
		if (!buf)
			return up_opt_fail(s->r, "out of memory");
		size_t n = fread(buf, 1, 8192, f);
		if (ferror(f)) {
			s->r->where = caller;
			return up_opt_fail(s->r, "cannot read '%s': %s", s->file, strerror(errno));
		}
		int final = feof(f) != 0;
		if (XML_ParseBuffer(s->p, (int)n, final) == XML_STATUS_ERROR) {
			if (s->r->failed)
				return -1;
			s->r->where = NULL;     /* the line says where */
			return up_opt_fail(s->r, "%s:%lu: %s", s->file,
					(unsigned long)XML_GetCurrentLineNumber(s->p),
					XML_ErrorString(XML_GetErrorCode(s->p)));
		}
		if (final)
			return 0;
	}
}

static int read_xml(struct up_opt_run *r, FILE *f, const char *file,
		    const char *id, const char *caller)
{
	struct xml_state s = { .r = r, .file = file, .id = id };
	s.p = XML_ParserCreate(NULL);
	if (!s.p)
		return up_opt_fail(r, "out of memory");
	XML_SetUserData(s.p, &s);
	XML_SetElementHandler(s.p, on_start, on_end);
	XML_SetCharacterDataHandler(s.p, on_text);
	int rc = parse_file(&s, f, caller);
	XML_ParserFree(s.p);
	free(s.text);
	if (rc < 0)
		return rc;
	r->where = caller;
	if (!s.found && id)
		return up_opt_fail(r, "'%s' has no <%s id=\"%s\"> element",
				   file, r->section, id);
	if (!s.found)
		return up_opt_fail(r, "'%s' has no <%s> element", file, r->section);
	return 0;
}

int up_opt_load_xml(struct up_opt_run *r, const char *spec)
{
	return up_opt_load_file(r, spec, read_xml);
}

int up_opt_set_xml(struct up_opt_run *r, const struct up_opt *o, const char *val)
{
	(void)o;
	return up_opt_load_file(r, val, read_xml);
}
