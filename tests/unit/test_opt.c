/* The option engine (lib/opt*.c): the command line's GNU forms, ranges,
 * aliases, sizes, seconds, choices, the environment, ini and XML files
 * with their line numbers, include depth, --help and the printers. */
#include "uwsgiproto/opt.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

struct target {
	int num;
	long long big;
	size_t size;
	long long wait_ms;
	int flag, other;
	char *name;
	char *opt;
	char *body;
	struct up_opt_list items;
	int mode;
};

enum { G_NUMBERS, G_REST };
static const char *const groups[] = { "Numbers", "The rest" };

#define UP_OPT_TARGET struct target

static const struct up_opt table[] = {
	{ G_NUMBERS, "number", 'n', UP_ARG_REQUIRED, "N", "a number", up_opt_set_int, up_opt_print_int, UP_OPT_FIELD(num), 1, 100, NULL },
	{ G_NUMBERS, "num-alias", 0, UP_OPT_ALIAS("number") },
	{ G_NUMBERS, "big", 0, UP_ARG_REQUIRED, "N", "a big one", up_opt_set_ll, up_opt_print_ll, UP_OPT_FIELD(big), 0, LLONG_MAX, NULL },
	{ G_NUMBERS, "size", 'b', UP_ARG_REQUIRED, "BYTES", "bytes", up_opt_set_size, up_opt_print_size, UP_OPT_FIELD(size), 1, 1 << 20, NULL },
	{ G_REST, "wait", 0, UP_ARG_REQUIRED, "SECONDS", "seconds", up_opt_set_msec, NULL, UP_OPT_FIELD(wait_ms), 10, 10000, NULL },
	{ G_REST, "flag", 'f', UP_ARG_NONE, NULL, "a flag", up_opt_set_flag, up_opt_print_flag, UP_OPT_FIELD(flag), 0, 0, NULL },
	{ G_REST, "other", 'g', UP_ARG_NONE, NULL, "another", up_opt_set_flag, up_opt_print_flag, UP_OPT_FIELD(other), 0, 0, NULL },
	{ G_REST, "name", 0, UP_ARG_REQUIRED, "S", "a string", up_opt_set_str, up_opt_print_str, UP_OPT_FIELD(name), 0, 0, NULL },
	{ G_REST, "body", 0, UP_ARG_MAYBE_EMPTY, "DATA", "may be empty", up_opt_set_str, NULL, UP_OPT_FIELD(body), 0, 0, NULL },
	{ G_REST, "opt", 'o', UP_ARG_OPTIONAL, "V", "optional", up_opt_set_str, up_opt_print_str, UP_OPT_FIELD(opt), 0, 0, NULL },
	{ G_REST, "item", 'i', UP_ARG_REQUIRED, "X", "repeatable", up_opt_set_list, up_opt_print_list, UP_OPT_FIELD(items), 0, 0, NULL },
	{ G_REST, "mode", 0, UP_ARG_REQUIRED, "rr|lc|hash", "a choice", up_opt_set_choice, NULL, UP_OPT_FIELD(mode), 0, 0, NULL },
	{ G_REST, "ini", 0, UP_ARG_REQUIRED, "FILE", "an ini file", up_opt_set_ini, NULL, 0, 0, 0, NULL },
	{ G_REST, "xml", 0, UP_ARG_REQUIRED, "FILE", "an XML file", up_opt_set_xml, NULL, 0, 0, 0, NULL },
	{ G_REST, "help", 'h', UP_ARG_NONE, NULL, "help", up_opt_set_help, NULL, 0, 0, 0, NULL },
	{ G_REST, "version", 'V', UP_ARG_NONE, NULL, "version", up_opt_set_version, NULL, 0, 0, 0, NULL },
};
#define NROWS (sizeof table / sizeof table[0])

static struct target t;
static struct up_opt_run run;
static char seen[256];

static int record_positional(struct up_opt_run *r, const char *arg)
{
	(void)r;
	size_t n = strlen(seen);
	snprintf(seen + n, sizeof seen - n, "%s%s", n ? "," : "", arg);
	return 0;
}

/* Like getopt's '+': the first word that is no option ends the line. */
static int stop_positional(struct up_opt_run *r, const char *arg)
{
	record_positional(r, arg);
	return 1;
}

static void reset(void)
{
	up_opt_free(table, NROWS, &t);
	memset(&t, 0, sizeof t);
	memset(&run, 0, sizeof run);
	run.table = table;
	run.n = NROWS;
	run.target = &t;
	run.section = "test";
	seen[0] = '\0';
}

/* argv from a NULL-terminated list of words after argv[0]. */
static int args(const char *first, ...)
{
	char *argv[32] = { (char *)"prog" };
	int argc = 1;
	va_list ap;
	va_start(ap, first);
	for (const char *w = first; w && argc < 31; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	reset();
	return up_opt_load_args(&run, argc, argv);
}

#define ARGS(...) args(__VA_ARGS__, (const char *)NULL)

static void test_argv_forms(void)
{
	CHECK_EQ(ARGS("--number=5"), 0);
	CHECK_EQ(t.num, 5);
	CHECK_EQ(ARGS("--number", "6"), 0);
	CHECK_EQ(t.num, 6);
	CHECK_EQ(ARGS("-n7"), 0);
	CHECK_EQ(t.num, 7);
	CHECK_EQ(ARGS("-n", "8"), 0);
	CHECK_EQ(t.num, 8);
	CHECK_EQ(ARGS("-fgn9"), 0);
	CHECK(t.flag && t.other && t.num == 9);
	CHECK_EQ(ARGS("--numb", "10"), 0);      /* a unique prefix */
	CHECK_EQ(t.num, 10);
	CHECK_EQ(ARGS("--num", "11"), 0);       /* number and its alias */
	CHECK_EQ(t.num, 11);
	CHECK_EQ(ARGS("--body", ""), 0);        /* curl's -d '' */
	CHECK_STR(t.body, "");
	CHECK_EQ(ARGS("--opt"), 0);             /* a bare optional value */
	CHECK_STR(t.opt, "");
	CHECK_EQ(ARGS("-ox", "--name", "-dash"), 0);
	CHECK_STR(t.opt, "x");
	CHECK_STR(t.name, "-dash");             /* a value may start with '-' */
	CHECK_EQ(ARGS("-i", "a", "--item=b", "--item", "c"), 0);
	CHECK_EQ(t.items.n, 3);
	CHECK_STR(t.items.v[2], "c");
}

static void test_positional(void)
{
	CHECK_EQ(ARGS("one", "-f"), -1);
	CHECK_STR(run.err, "unexpected argument 'one' (options only; try --help)");
	reset();
	run.positional = record_positional;
	char *argv[] = { "prog", "a", "-f", "-", "--", "--number", "b", NULL };
	CHECK_EQ(up_opt_load_args(&run, 7, argv), 0);
	CHECK_STR(seen, "a,-,--number,b");
	CHECK_EQ(t.flag, 1);
	CHECK_EQ(t.num, 0);
	reset();
	run.positional = stop_positional;
	char *argv2[] = { "prog", "-f", "script", "-g", "x", NULL };
	CHECK_EQ(up_opt_load_args(&run, 5, argv2), 0);
	CHECK_STR(seen, "script");
	CHECK(t.flag && !t.other);
	reset();
	struct up_opt_list words = { 0 };
	run.positional = up_opt_keep_word;
	run.words = &words;
	CHECK_EQ(up_opt_load_args(&run, 5, argv2), 0);
	CHECK_EQ(words.n, 2);
	CHECK_STR(words.v[0], "script");
	CHECK_STR(words.v[1], "x");
	CHECK(t.flag && t.other);
	up_opt_list_free(&words);
}

static void test_argv_errors(void)
{
	CHECK_EQ(ARGS("--numbr", "4"), -1);
	CHECK_STR(run.err, "unrecognized option '--numbr' (try --help)");
	CHECK_EQ(ARGS("-q"), -1);
	CHECK_STR(run.err, "invalid option '-q' (try --help)");
	CHECK_EQ(ARGS("--n", "4"), -1);
	CHECK_STR(run.err, "option '--n' is ambiguous (try --help)");
	CHECK_EQ(ARGS("--number"), -1);
	CHECK_STR(run.err, "option '--number' needs a value");
	CHECK_EQ(ARGS("-n"), -1);
	CHECK_STR(run.err, "option '-n' needs a value");
	CHECK_EQ(ARGS("--flag=yes"), -1);
	CHECK_STR(run.err, "option '--flag' takes no value");
	CHECK_EQ(ARGS("--name", ""), -1);
	CHECK_STR(run.err, "--name: needs a value");
	CHECK_EQ(ARGS("--name", "a\nb"), -1);
	CHECK_STR(run.err, "--name: a value cannot hold a line break");
	/* The first error is kept. */
	CHECK_EQ(ARGS("-n", "x"), -1);
	up_opt_fail(&run, "later");
	CHECK_STR(run.err, "-n: 'x' is not a number");
}

static void test_ranges(void)
{
	CHECK_EQ(ARGS("--number", "0"), -1);
	CHECK_STR(run.err, "--number: '0' is not between 1 and 100");
	CHECK_EQ(ARGS("--number", "101"), -1);
	CHECK_STR(run.err, "--number: '101' is not between 1 and 100");
	CHECK_EQ(ARGS("--number", "-1"), -1);
	CHECK_STR(run.err, "--number: '-1' is not a number");
	CHECK_EQ(ARGS("--number", "5x"), -1);
	CHECK_STR(run.err, "--number: '5x' is not a number");
	CHECK_EQ(ARGS("--number", "99999999999999999999"), -1);
	CHECK_STR(run.err, "--number: '99999999999999999999' is not between 1 and 100");
	CHECK_EQ(ARGS("--big", "9223372036854775807"), 0);
	CHECK_EQ(t.big, LLONG_MAX);
	CHECK_EQ(ARGS("-b", "64k"), 0);
	CHECK_EQ(t.size, 65536);
	CHECK_EQ(ARGS("-b", "1M"), 0);
	CHECK_EQ(t.size, 1 << 20);
	CHECK_EQ(ARGS("-b", "2m"), -1);
	CHECK_STR(run.err, "-b: '2m' is not between 1 and 1048576");
	CHECK_EQ(ARGS("-b", "1z"), -1);
	CHECK_STR(run.err, "-b: '1z' is not a number of bytes");
	CHECK_EQ(ARGS("--wait", "1.5"), 0);
	CHECK_EQ(t.wait_ms, 1500);
	CHECK_EQ(ARGS("--wait", "0.001"), -1);
	CHECK_STR(run.err, "--wait: '0.001' is not a number of seconds from 0.01 to 10");
	CHECK_EQ(ARGS("--wait", "x"), -1);
	CHECK_STR(run.err, "--wait: 'x' is not a number of seconds from 0.01 to 10");
}

static void test_alias_choice_actions(void)
{
	CHECK_EQ(ARGS("--num-alias", "9"), 0);
	CHECK_EQ(t.num, 9);
	CHECK_EQ(ARGS("--num-alias", "0"), -1);
	CHECK_STR(run.err, "--num-alias: '0' is not between 1 and 100");
	CHECK(up_opt_find(table, NROWS, "num_alias") == &table[1]);
	CHECK(up_opt_target(table, NROWS, &table[1]) == &table[0]);
	CHECK_EQ(ARGS("--mode", "hash"), 0);
	CHECK_EQ(t.mode, 2);
	CHECK_EQ(ARGS("--mode", "has"), -1);
	CHECK_STR(run.err, "--mode: 'has' is not one of rr, lc, hash");
	/* --help stops the reading: what follows is not judged. */
	CHECK_EQ(ARGS("-f", "-h", "--bogus"), 0);
	CHECK_EQ(run.action, UP_OPT_HELP);
	CHECK_EQ(ARGS("-fV", "--bogus"), 0);
	CHECK_EQ(run.action, UP_OPT_VERSION);
}

static void test_env(void)
{
	reset();
	setenv("TEST_NUMBER", "7", 1);
	setenv("TEST_ITEM", "e", 1);
	setenv("TEST_NAME", "", 1);      /* empty: left unset */
	setenv("TEST_FLAG", "", 1);      /* empty flag: set */
	setenv("TEST_VERSION", "2.0", 1);/* command line only: not read */
	setenv("TEST_NOSUCH", "1", 1);   /* not ours */
	CHECK_EQ(up_opt_load_env(&run, "TEST_"), 0);
	CHECK_EQ(t.num, 7);
	CHECK_EQ(t.items.n, 1);
	CHECK(t.name == NULL);
	CHECK_EQ(t.flag, 1);
	CHECK_EQ(run.action, UP_OPT_RUN);
	setenv("TEST_OTHER", "maybe", 1);
	reset();
	CHECK_EQ(up_opt_load_env(&run, "TEST_"), -1);
	CHECK_STR(run.err, "TEST_OTHER: 'maybe' is not true or false");
	unsetenv("TEST_OTHER");
}

static char dir[] = "/tmp/test_opt.XXXXXX";

/* Write text to dir/name and return the path (static buffer). */
static const char *file(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	snprintf(p, 256, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return p;
}

static void test_ini(void)
{
	char want[512];
	const char *p = file("a.ini",
			     "# comment\n; another\nstray = 1\n[test]\nflag\n"
			     "  number = 12\nname = a ; b\nitem = x\nitem = y\n"
			     "[other]\nnumber = 99\n[test]\nnum_alias = 13\n");
	reset();
	CHECK_EQ(up_opt_load_ini(&run, p), 0);
	CHECK_EQ(t.flag, 1);
	CHECK_EQ(t.num, 13);
	CHECK_STR(t.name, "a ; b");
	CHECK_EQ(t.items.n, 2);
	snprintf(want, sizeof want, "%s:other", p);
	reset();
	CHECK_EQ(up_opt_load_ini(&run, want), 0);
	CHECK_EQ(t.num, 99);

	p = file("typo.ini", "[test]\nflag = on\n\nnmber = 4\n");
	reset();
	CHECK_EQ(up_opt_load_ini(&run, p), -1);
	snprintf(want, sizeof want, "%s:4: unknown option 'nmber'", p);
	CHECK_STR(run.err, want);

	p = file("bad.ini", "[test]\nnumber = x\n");
	reset();
	CHECK_EQ(up_opt_load_ini(&run, p), -1);
	snprintf(want, sizeof want, "%s:2: number: 'x' is not a number", p);
	CHECK_STR(run.err, want);

	p = file("syntax.ini", "[test]\nflag\n[unclosed\n");
	reset();
	CHECK_EQ(up_opt_load_ini(&run, p), -1);
	snprintf(want, sizeof want, "%s:3: not a [section], key = value or comment line", p);
	CHECK_STR(run.err, want);

	p = file("cli.ini", "[test]\nhelp = true\n");
	reset();
	CHECK_EQ(up_opt_load_ini(&run, p), -1);
	snprintf(want, sizeof want, "%s:2: help: works on the command line only", p);
	CHECK_STR(run.err, want);

	reset();
	run.where = "--ini";
	CHECK_EQ(up_opt_load_ini(&run, "/nonexistent.ini"), -1);
	CHECK_STR(run.err, "--ini: cannot read '/nonexistent.ini': No such file or directory");
	snprintf(want, sizeof want, "%s:nosuch", p);
	reset();
	CHECK_EQ(up_opt_load_ini(&run, want), -1);
	snprintf(want, sizeof want, "'%s' has no options in section [nosuch]", p);
	CHECK_STR(run.err, want);
}

static void test_include_depth(void)
{
	char want[1024], text[300];
	const char *leaf = file("leaf.ini", "[leaf]\nnumber = 3\n");
	snprintf(text, sizeof text, "[test]\nflag\nini = %s:leaf\n", leaf);
	const char *outer = file("outer.ini", text);
	CHECK_EQ(ARGS("--ini", outer), 0);
	CHECK(t.flag && t.num == 3);

	char self[256];
	snprintf(self, sizeof self, "%s/self.ini", dir);
	snprintf(text, sizeof text, "[test]\nini = %s\n", self);
	file("self.ini", text);
	CHECK_EQ(ARGS("--ini", self), -1);
	snprintf(want, sizeof want, "%s:2: ini: '%s': files include each other "
		 "more than %d deep (does one include itself?)", self, self,
		 UP_OPT_MAX_DEPTH);
	CHECK_STR(run.err, want);
	CHECK_EQ(run.depth, 0);
}

static void test_xml(void)
{
	char want[512];
	const char *p = file("a.xml", "<all>\n <test id=\"one\"><number>4</number></test>\n"
			     " <test id=\"two\">\n  <flag/>\n  <number> 5 </number>\n"
			     "  <name><![CDATA[<x>]]></name>\n </test>\n</all>\n");
	snprintf(want, sizeof want, "%s:two", p);
	CHECK_EQ(ARGS("--xml", want), 0);
	CHECK(t.flag && t.num == 5);
	CHECK_STR(t.name, "<x>");
	CHECK_EQ(ARGS("--xml", p), 0);
	CHECK_EQ(t.num, 4);
	p = file("bad.xml", "<test>\n<flag/>\n<number>0</number>\n</test>\n");
	CHECK_EQ(ARGS("--xml", p), -1);
	snprintf(want, sizeof want, "%s:3: number: '0' is not between 1 and 100", p);
	CHECK_STR(run.err, want);
	p = file("none.xml", "<other/>\n");
	CHECK_EQ(ARGS("--xml", p), -1);
	snprintf(want, sizeof want, "--xml: '%s' has no <test> element", p);
	CHECK_STR(run.err, want);
}

static void test_help_and_print(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	up_opt_help(table, NROWS, groups, 2, 1, out);
	fclose(out);
	CHECK(strstr(buf, "Numbers:\n  -n, --number N ") == buf);
	CHECK(strstr(buf, "\n      --num-alias N      same as --number\n") != NULL);
	CHECK(strstr(buf, "\nThe rest:\n") != NULL);
	CHECK(strstr(buf, "\n  -o, --opt[=V]          optional\n") != NULL);
	CHECK(strstr(buf, "\n      --mode rr|lc|hash  a choice\n") != NULL);
	free(buf);

	CHECK_EQ(ARGS("-n", "3", "-b", "2k", "-f", "--item", "a", "--item", "b", "--name", "s"), 0);
	out = open_memstream(&buf, &len);
	up_opt_print(table, NROWS, &t, out);
	fclose(out);
	CHECK_STR(buf, "number = 3\nbig = 0\nsize = 2048\nflag = true\nname = s\n"
		  "item = a\nitem = b\n");
	free(buf);
}

static void test_cleanup(void)
{
	reset();
	const char *names[] = { "a.ini", "typo.ini", "bad.ini", "syntax.ini", "cli.ini",
				"leaf.ini", "outer.ini", "self.ini", "a.xml", "bad.xml",
				"none.xml" };
	char p[256];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	CHECK_EQ(rmdir(dir), 0);
}

static void test_setup(void)
{
	CHECK(mkdtemp(dir) != NULL);
}

static const struct test_case tests[] = {
	T(test_setup),
	T(test_argv_forms),
	T(test_positional),
	T(test_argv_errors),
	T(test_ranges),
	T(test_alias_choice_actions),
	T(test_env),
	T(test_ini),
	T(test_include_depth),
	T(test_xml),
	T(test_help_and_print),
	T(test_cleanup),
};

TEST_MAIN(tests)
