/* Static files for --static-map and --check-static (see static.h for the
 * behaviour). Four parts: the media-type table, HTTP dates, opening a path
 * without leaving its directory, and the answers. Nothing here allocates
 * after static_init, and static_serve only reads the shared struct, so
 * worker threads can call it at once. */
#include "static.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#include "die.h"
#include "uwsgiproto/error.h"

#define MIME_TYPES "/etc/mime.types"
#define MIME_FILE_MAX (1u << 20)
#define MIME_DEFAULT "application/octet-stream"
#define EXT_MAX 32
/* O_NONBLOCK: opening a FIFO someone left in the directory must not hang
 * the worker; it changes nothing for regular files. */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

/* One --static-map or --check-static target. */
struct root {
	char *url;        /* map prefix without its trailing '/' ("" for "/");
			     NULL for --check-static */
	size_t url_len;
	char *real;       /* realpath() of the target */
	size_t real_len;
	int fd;           /* O_PATH of the directory; -1 for a file target */
};

struct mime {
	const char *ext, *type;
};

struct static_files {
	struct root *maps, *checks;
	size_t nmaps, nchecks;
	struct mime *mime;      /* from /etc/mime.types, sorted by ext */
	size_t nmime;
	char *mime_text;        /* the file, cut into the words mime points at */
	int no_openat2;         /* the kernel (or a seccomp filter) lacks it */
};

/* What looking a path up under a root found. */
enum look { LOOK_FILE, LOOK_MISSING, LOOK_DIR, LOOK_FORBIDDEN, LOOK_ERROR };

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die(1, "static files: out of memory");
	return p;
}

/* ---------------------------------------------------------------------- */
/* Media types: /etc/mime.types (first mention of an extension wins), then
 * this table for systems without the file. Sorted by extension. */

static const struct mime builtin_mime[] = {
	{ "avif", "image/avif" },         { "css", "text/css" },
	{ "csv", "text/csv" },            { "gif", "image/gif" },
	{ "gz", "application/gzip" },     { "htm", "text/html" },
	{ "html", "text/html" },          { "ico", "image/vnd.microsoft.icon" },
	{ "jpeg", "image/jpeg" },         { "jpg", "image/jpeg" },
	{ "js", "text/javascript" },      { "json", "application/json" },
	{ "map", "application/json" },    { "md", "text/markdown" },
	{ "mjs", "text/javascript" },     { "mp3", "audio/mpeg" },
	{ "mp4", "video/mp4" },           { "ogg", "audio/ogg" },
	{ "otf", "font/otf" },            { "pdf", "application/pdf" },
	{ "png", "image/png" },           { "svg", "image/svg+xml" },
	{ "tar", "application/x-tar" },   { "ttf", "font/ttf" },
	{ "txt", "text/plain" },          { "wasm", "application/wasm" },
	{ "webm", "video/webm" },         { "webp", "image/webp" },
	{ "woff", "font/woff" },          { "woff2", "font/woff2" },
	{ "xml", "application/xml" },     { "zip", "application/zip" },
};

static int mime_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mime *)a)->ext, ((const struct mime *)b)->ext);
}

/* Sort order for the loaded table: by extension, then by place in the
 * file (the words point into one buffer, so lower address = earlier). */
static int mime_cmp_load(const void *a, const void *b)
{
	const struct mime *x = a, *y = b;
	int c = strcmp(x->ext, y->ext);
	if (c)
		return c;
	return (uintptr_t)x->ext < (uintptr_t)y->ext ? -1 : 1;
}

static char *next_word(char **p)
{
	char *s = *p + strspn(*p, " \t\r");
	size_t n = strcspn(s, " \t\r");
	if (n == 0)
		return NULL;
	*p = s + n + (s[n] != '\0');
	s[n] = '\0';
	return s;
}

static void mime_add(struct static_files *s, size_t *cap, char *ext, const char *type)
{
	if (s->nmime == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		s->mime = realloc(s->mime, *cap * sizeof *s->mime);
		if (!s->mime)
			die(1, "static files: out of memory");
	}
	for (char *c = ext; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	s->mime[s->nmime++] = (struct mime){ ext, type };
}

/* Lines are "type ext ext…"; '#' starts a comment line. */
static void mime_parse(struct static_files *s, char *text)
{
	size_t cap = 0;
	for (char *line = text; line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *p = line, *type = next_word(&p), *ext;
		if (type && type[0] != '#')
			while ((ext = next_word(&p)))
				mime_add(s, &cap, ext, type);
		line = nl ? nl + 1 : NULL;
	}
	if (s->nmime == 0)
		return;
	qsort(s->mime, s->nmime, sizeof *s->mime, mime_cmp_load);
	size_t k = 1;
	for (size_t i = 1; i < s->nmime; i++)
		if (strcmp(s->mime[i].ext, s->mime[k - 1].ext) != 0)
			s->mime[k++] = s->mime[i];
	s->nmime = k;
}

/* A missing or unreadable file leaves only the builtin table; one larger
 * than MIME_FILE_MAX is read up to there. */
static void mime_load(struct static_files *s, const char *path)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	if (!f)
		return;
	if (fstat(fileno(f), &st) < 0 || st.st_size <= 0) {
		fclose(f);
		return;
	}
	size_t cap = st.st_size > MIME_FILE_MAX ? MIME_FILE_MAX : (size_t)st.st_size;
	char *text = xcalloc(cap + 1, 1);
	size_t n = fread(text, 1, cap, f);
	fclose(f);
	text[n] = '\0';
	s->mime_text = text;
	mime_parse(s, text);
}

static const char *mime_type(const struct static_files *s, const char *name)
{
	const char *slash = strrchr(name, '/'), *base = slash ? slash + 1 : name;
	const char *dot = strrchr(base, '.');
	if (!dot || dot == base || strlen(dot + 1) >= EXT_MAX)
		return MIME_DEFAULT;
	char ext[EXT_MAX];
	size_t i = 0;
	for (const char *c = dot + 1; *c; c++)
		ext[i++] = (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c;
	ext[i] = '\0';
	struct mime key = { ext, NULL };
	const struct mime *m = NULL;
	if (s->nmime)
		m = bsearch(&key, s->mime, s->nmime, sizeof key, mime_cmp);
	if (!m)
		m = bsearch(&key, builtin_mime, sizeof builtin_mime / sizeof *builtin_mime,
			    sizeof key, mime_cmp);
	return m ? m->type : MIME_DEFAULT;
}

/* ---------------------------------------------------------------------- */
/* HTTP dates (RFC 9110 §5.6.7): we send IMF-fixdate and accept it, the
 * obsolete RFC 850 form and asctime(). Names are ours, not the locale's. */

static const char wday_names[7][10] = { "Sunday", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday" };
static const char month_names[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static void http_date(time_t t, char *out, size_t cap)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, cap, "%.3s, %02d %s %04d %02d:%02d:%02d GMT",
		 wday_names[tm.tm_wday], tm.tm_mday, month_names[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

struct scan {
	const char *p, *end;
};

static int sc_lit(struct scan *s, const char *lit)
{
	size_t n = strlen(lit);
	if (n > (size_t)(s->end - s->p) || memcmp(s->p, lit, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

/* Exactly `digits` decimal digits. */
static int sc_num(struct scan *s, int digits, int *out)
{
	if ((size_t)digits > (size_t)(s->end - s->p))
		return -1;
	int v = 0;
	for (int i = 0; i < digits; i++, s->p++) {
		if (*s->p < '0' || *s->p > '9')
			return -1;
		v = v * 10 + (*s->p - '0');
	}
	*out = v;
	return 0;
}

static int sc_month(struct scan *s, struct tm *tm)
{
	for (int m = 0; m < 12; m++) {
		if (sc_lit(s, month_names[m]) == 0) {
			tm->tm_mon = m;
			return 0;
		}
	}
	return -1;
}

/* A weekday name, abbreviated (IMF-fixdate, asctime) or whole (RFC 850). */
static int sc_wday(struct scan *s, int whole)
{
	for (int d = 0; d < 7; d++) {
		char name[10];
		snprintf(name, sizeof name, "%.*s", whole ? 9 : 3, wday_names[d]);
		if (sc_lit(s, name) == 0)
			return 0;
	}
	return -1;
}

static int sc_time(struct scan *s, struct tm *tm)
{
	return sc_num(s, 2, &tm->tm_hour) || sc_lit(s, ":") ||
	       sc_num(s, 2, &tm->tm_min) || sc_lit(s, ":") ||
	       sc_num(s, 2, &tm->tm_sec) ? -1 : 0;
}

/* RFC 850's two-digit year: the one not more than 50 years ahead. */
static int full_year(int yy)
{
	time_t now = time(NULL);
	struct tm t;
	gmtime_r(&now, &t);
	int cur = t.tm_year + 1900, y = cur - cur % 100 + yy;
	return y > cur + 50 ? y - 100 : y;
}

/* The three forms; each fills tm with tm_year as the full year. The
 * checks are chained with || so they run left to right. */
static int date_imf(struct scan *s, struct tm *tm)  /* Sun, 06 Nov 1994 08:49:37 GMT */
{
	return sc_wday(s, 0) || sc_lit(s, ", ") || sc_num(s, 2, &tm->tm_mday) ||
	       sc_lit(s, " ") || sc_month(s, tm) || sc_lit(s, " ") ||
	       sc_num(s, 4, &tm->tm_year) || sc_lit(s, " ") || sc_time(s, tm) ||
	       sc_lit(s, " GMT") ? -1 : 0;
}

static int date_rfc850(struct scan *s, struct tm *tm)  /* Sunday, 06-Nov-94 08:49:37 GMT */
{
	if (sc_wday(s, 1) || sc_lit(s, ", ") || sc_num(s, 2, &tm->tm_mday) ||
	    sc_lit(s, "-") || sc_month(s, tm) || sc_lit(s, "-") ||
	    sc_num(s, 2, &tm->tm_year) || sc_lit(s, " ") || sc_time(s, tm) ||
	    sc_lit(s, " GMT"))
		return -1;
	tm->tm_year = full_year(tm->tm_year);
	return 0;
}

static int date_asctime(struct scan *s, struct tm *tm)  /* Sun Nov  6 08:49:37 1994 */
{
	if (sc_wday(s, 0) || sc_lit(s, " ") || sc_month(s, tm) || sc_lit(s, " "))
		return -1;
	if (sc_lit(s, " ") == 0 ? sc_num(s, 1, &tm->tm_mday) : sc_num(s, 2, &tm->tm_mday))
		return -1;
	return sc_lit(s, " ") || sc_time(s, tm) || sc_lit(s, " ") ||
	       sc_num(s, 4, &tm->tm_year) ? -1 : 0;
}

/* An HTTP-date in any of the three forms, the whole value and nothing
 * else (so a list of two dates is invalid and gets ignored). */
static int parse_http_date(const char *v, size_t n, time_t *out)
{
	static int (*const forms[])(struct scan *, struct tm *) = {
		date_imf, date_rfc850, date_asctime,
	};
	for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
		struct scan s = { v, v + n };
		struct tm tm = { 0 };
		if (forms[i](&s, &tm) || s.p != s.end)
			continue;
		if (tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
		    tm.tm_min > 59 || tm.tm_sec > 60)
			return -1;
		tm.tm_year -= 1900;
		*out = timegm(&tm);
		return 0;
	}
	return -1;
}

/* ---------------------------------------------------------------------- */
/* openat2(), where the kernel has it */

static int sys_openat2(int dirfd, const char *path, uint64_t resolve)
{
#ifdef SYS_openat2
	struct open_how how = { .flags = OPEN_FLAGS, .resolve = resolve };
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
#else
	(void)dirfd, (void)path, (void)resolve;
	errno = ENOSYS;
	return -1;
#endif
}

/* Whether openat2() works here: kernels before 5.6 say ENOSYS, and some
 * container seccomp profiles EPERM. */
static int probe_openat2(const struct static_files *s)
{
	const struct root *all[2] = { s->maps, s->checks };
	size_t n[2] = { s->nmaps, s->nchecks };
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < n[k]; i++) {
			if (all[k][i].fd < 0)
				continue;
			int fd = sys_openat2(all[k][i].fd, ".", RESOLVE_BENEATH);
			if (fd < 0)
				return 0;
			close(fd);
			return 1;
		}
	}
	return 0;  /* only file targets: never needed */
}

/* ---------------------------------------------------------------------- */
/* Configuration */

/* "--static-map '/s=/srv/x': /srv/x: No such file or directory"; the path
 * is not repeated when it is the whole entry (--check-static). */
__attribute__((noreturn))
static void root_die(const char *opt, const char *entry, const char *path,
		     const char *msg)
{
	if (entry == path)
		die(1, "%s '%s': %s", opt, entry, msg);
	die(1, "%s '%s': %s: %s", opt, entry, path, msg);
}

static void open_root(struct root *rt, const char *opt, const char *entry,
		      const char *path)
{
	char real[PATH_MAX];
	struct stat st;
	if (!realpath(path, real) || stat(real, &st) < 0)
		root_die(opt, entry, path, strerror(errno));
	rt->fd = -1;
	if (S_ISDIR(st.st_mode)) {
		rt->fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rt->fd < 0)
			root_die(opt, entry, path, strerror(errno));
	} else if (!S_ISREG(st.st_mode) || !rt->url) {
		root_die(opt, entry, path, rt->url ? "not a directory or a regular file"
					       : "not a directory");
	}
	rt->real = strdup(real);
	if (!rt->real)
		die(1, "static files: out of memory");
	rt->real_len = strlen(real);
}

/* "/url=DIR" (or "/url=FILE"); a trailing '/' on url is dropped. */
static void parse_map(struct root *rt, const char *entry)
{
	const char *eq = strchr(entry, '=');
	if (entry[0] != '/' || !eq || !eq[1])
		die(1, "--static-map '%s': expected /url=DIR", entry);
	size_t ul = (size_t)(eq - entry);
	while (ul > 0 && entry[ul - 1] == '/')
		ul--;
	rt->url = strndup(entry, ul);
	if (!rt->url)
		die(1, "static files: out of memory");
	rt->url_len = ul;
	open_root(rt, "--static-map", entry, eq + 1);
}

struct static_files *static_init(const struct config *c)
{
	if (c->static_map.n == 0 && c->check_static.n == 0)
		return NULL;
	struct static_files *s = xcalloc(1, sizeof *s);
	s->maps = xcalloc(c->static_map.n, sizeof *s->maps);
	s->checks = xcalloc(c->check_static.n, sizeof *s->checks);
	for (size_t i = 0; i < c->static_map.n; i++, s->nmaps++)
		parse_map(&s->maps[i], c->static_map.v[i]);
	for (size_t i = 0; i < c->check_static.n; i++, s->nchecks++)
		open_root(&s->checks[i], "--check-static", c->check_static.v[i],
			  c->check_static.v[i]);
	s->no_openat2 = !probe_openat2(s);
	mime_load(s, MIME_TYPES);
	return s;
}

static void free_roots(struct root *rt, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (rt[i].fd >= 0)
			close(rt[i].fd);
		free(rt[i].url);
		free(rt[i].real);
	}
	free(rt);
}

void static_free(struct static_files *s)
{
	if (!s)
		return;
	free_roots(s->maps, s->nmaps);
	free_roots(s->checks, s->nchecks);
	free(s->mime);
	free(s->mime_text);
	free(s);
}

/* ---------------------------------------------------------------------- */
/* Opening a path under a root without leaving it */

/* The part of the resolved path res below the root ("." for the root
 * itself), or NULL when res is outside it. The '/' after the prefix
 * matters: /srv/media2 is not under /srv/media. */
static const char *below(const struct root *rt, const char *res)
{
	if (rt->real_len == 1)
		return res[1] ? res + 1 : ".";
	if (strncmp(res, rt->real, rt->real_len) != 0)
		return NULL;
	if (res[rt->real_len] == '\0')
		return ".";
	return res[rt->real_len] == '/' ? res + rt->real_len + 1 : NULL;
}

/* realpath() resolves every link; the result must still be under the root.
 * Used without openat2, and for absolute links (RESOLVE_BENEATH refuses
 * them even when they point inside). With openat2 the final open refuses
 * any link, so one swapped in after realpath() cannot lead out; without
 * it only the last component is protected (O_NOFOLLOW). */
static int open_checked(const struct static_files *s, const struct root *rt,
			const char *rel)
{
	char full[PATH_MAX], res[PATH_MAX];
	if (snprintf(full, sizeof full, "%s/%s", rt->real, rel) >= (int)sizeof full) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (!realpath(full, res))
		return -1;
	const char *inside = below(rt, res);
	if (!inside) {
		errno = EXDEV;
		return -1;
	}
	if (!s->no_openat2)
		return sys_openat2(rt->fd, inside, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
	return open(res, OPEN_FLAGS | O_NOFOLLOW);
}

static int open_below(const struct static_files *s, const struct root *rt,
		      const char *rel)
{
	if (!s->no_openat2) {
		int fd = sys_openat2(rt->fd, rel, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
		if (fd >= 0 || errno != EXDEV)
			return fd;
	}
	return open_checked(s, rt, rel);
}

/* PATH_INFO's rest "/a/b.png" as "a/b.png" ("." when empty). Returns 0,
 * LOOK_FORBIDDEN for a ".." segment or a NUL, LOOK_MISSING when too long. */
static int rel_path(const char *rest, size_t rl, char *out, size_t cap,
		    const char **why)
{
	while (rl > 0 && *rest == '/')
		rest++, rl--;
	if (memchr(rest, '\0', rl)) {
		*why = "NUL byte in the path";
		return LOOK_FORBIDDEN;
	}
	for (size_t i = 0; i < rl;) {
		size_t seg = i;
		while (i < rl && rest[i] != '/')
			i++;
		if (i - seg == 2 && rest[seg] == '.' && rest[seg + 1] == '.') {
			*why = "'..' in the path";
			return LOOK_FORBIDDEN;
		}
		i++;
	}
	if (rl >= cap)
		return LOOK_MISSING;
	if (rl == 0)
		rest = ".", rl = 1;
	memcpy(out, rest, rl);
	out[rl] = '\0';
	return 0;
}

static enum look errno_look(int e, const char **why)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		return LOOK_MISSING;
	case EXDEV:
		*why = "leads out of its directory";
		return LOOK_FORBIDDEN;
	case ELOOP:
		*why = "symlink loop or swapped link";
		return LOOK_FORBIDDEN;
	case EACCES:
	case EPERM:
	case ENXIO:
	case ENODEV:
		*why = strerror(e);
		return LOOK_FORBIDDEN;
	default:
		*why = strerror(e);
		return LOOK_ERROR;
	}
}

/* Look rest up under rt; on LOOK_FILE *fd is open and *st filled, and
 * *name is the name the media type comes from. */
static enum look look_up(const struct static_files *s, const struct root *rt,
			 const char *rest, size_t rl, char *rel, size_t cap,
			 int *fd, struct stat *st, const char **why)
{
	if (rt->fd < 0) {
		/* A file target answers its own URL only. */
		if (rl > 0)
			return LOOK_MISSING;
		snprintf(rel, cap, "%s", rt->real);
		*fd = open(rt->real, OPEN_FLAGS);
	} else {
		int rc = rel_path(rest, rl, rel, cap, why);
		if (rc)
			return (enum look)rc;
		*fd = open_below(s, rt, rel);
	}
	if (*fd < 0)
		return errno_look(errno, why);
	enum look l;
	if (fstat(*fd, st) < 0) {
		l = errno_look(errno, why);
	} else if (S_ISREG(st->st_mode)) {
		return LOOK_FILE;
	} else if (S_ISDIR(st->st_mode)) {
		l = LOOK_DIR;
	} else {
		l = LOOK_FORBIDDEN;
		*why = "not a regular file";
	}
	close(*fd);
	*fd = -1;
	return l;
}

/* ---------------------------------------------------------------------- */
/* Answers */

/* The path for the log line: at most 100 bytes, control bytes as '?'. */
static void log_reason(struct request *r, const char *path, size_t pl, const char *why)
{
	char p[101];
	snprintf(r->err, sizeof r->err, "static %s: %s", up_safe_text(p, sizeof p, path, pl), why);
}

static int not_modified(const struct request *r, time_t mtime)
{
	size_t n;
	const char *v = req_var(r, "HTTP_IF_MODIFIED_SINCE", &n);
	time_t since;
	if (!v || req_var(r, "HTTP_IF_NONE_MATCH", NULL) || parse_http_date(v, n, &since) < 0)
		return 0;
	return mtime <= since;
}

static void send_file(const struct static_files *s, struct request *r, int fd,
		      const struct stat *st, const char *name)
{
	char date[64], len[24];
	http_date(st->st_mtime, date, sizeof date);
	if (not_modified(r, st->st_mtime)) {
		struct var h = { "Last-Modified", date, 13, (uint16_t)strlen(date) };
		if (resp_head(r, "304 Not Modified", 16, &h, 1, -1, -1) == 0)
			resp_end(r);
		return;
	}
	const char *type = mime_type(s, name);
	snprintf(len, sizeof len, "%lld", (long long)st->st_size);
	struct var h[3] = {
		{ "Content-Type", type, 12, (uint16_t)strlen(type) },
		{ "Content-Length", len, 14, (uint16_t)strlen(len) },
		{ "Last-Modified", date, 13, (uint16_t)strlen(date) },
	};
	if (resp_head(r, "200 OK", 6, h, 3, st->st_size, st->st_size) == 0 &&
	    resp_sendfile(r, fd, 0, (uint64_t)st->st_size) == 0)
		resp_end(r);
}

/* Try one root. Returns 1 when an answer went out, 0 when the path is not
 * there (missing; or a directory under --check-static). */
static int try_root(const struct static_files *s, const struct root *rt,
		    struct request *r, const char *path, size_t pl,
		    const char *rest, size_t rl)
{
	char rel[PATH_MAX];
	const char *why = "";
	struct stat st;
	int fd = -1;
	switch (look_up(s, rt, rest, rl, rel, sizeof rel, &fd, &st, &why)) {
	case LOOK_FILE:
		send_file(s, r, fd, &st, rel);
		close(fd);
		return 1;
	case LOOK_MISSING:
		return 0;
	case LOOK_DIR:
		if (!rt->url)
			return 0;
		why = "a directory";
		/* fall through */
	case LOOK_FORBIDDEN:
		log_reason(r, path, pl, why);
		resp_error(r, 403, "Forbidden\n");
		return 1;
	case LOOK_ERROR:
		log_reason(r, path, pl, why);
		resp_error(r, 500, "Internal Server Error\n");
		return 1;
	}
	return 0;
}

/* The rest of PATH_INFO after a map's prefix, on a segment boundary. */
static const char *map_rest(const struct root *m, const char *path, size_t pl,
			    size_t *rl)
{
	if (pl < m->url_len || memcmp(path, m->url, m->url_len) != 0)
		return NULL;
	if (pl > m->url_len && path[m->url_len] != '/')
		return NULL;
	*rl = pl - m->url_len;
	return path + m->url_len;
}

static int get_or_head(const struct request *r)
{
	return (r->method_len == 3 && memcmp(r->method, "GET", 3) == 0) ||
	       (r->method_len == 4 && memcmp(r->method, "HEAD", 4) == 0);
}

int static_serve(const struct static_files *s, struct request *r)
{
	size_t pl, rl;
	const char *path, *rest;
	if (!s || !get_or_head(r) || !(path = req_var(r, "PATH_INFO", &pl)))
		return 0;
	int mapped = 0;
	for (size_t i = 0; i < s->nmaps; i++) {
		if (!(rest = map_rest(&s->maps[i], path, pl, &rl)))
			continue;
		mapped = 1;
		if (try_root(s, &s->maps[i], r, path, pl, rest, rl))
			return 1;
	}
	if (mapped) {
		resp_error(r, 404, "Not Found\n");
		return 1;
	}
	for (size_t i = 0; i < s->nchecks; i++)
		if (try_root(s, &s->checks[i], r, path, pl, path, pl))
			return 1;
	return 0;
}
