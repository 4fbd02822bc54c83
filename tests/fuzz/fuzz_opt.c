/* libFuzzer target for the option engine's command-line and ini readers.
 *
 * The first byte picks the reader. For the command line the rest is split
 * at NUL bytes into words; for ini files it is the file's text (through a
 * memfd, as the reader opens files by name). Whatever the bytes, a load
 * either succeeds or fails with one line that is not empty, holds no line
 * break and fits err; the include depth is back to 0; every string the
 * target owns is freed (ASan sees leaks and overruns).
 */
#include "uwsgiproto/opt.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)
#define MAX_WORDS 64

struct target {
	int num, flag;
	long long big, ms;
	size_t size;
	char *str, *opt;
	struct up_opt_list list;
	int choice;
};

#define UP_OPT_TARGET struct target

static const struct up_opt table[] = {
	{ 0, "num", 'n', UP_ARG_REQUIRED, "N", "", up_opt_set_int, NULL, UP_OPT_FIELD(num), 0, 1000, NULL },
	{ 0, "number", 0, UP_ARG_NONE, NULL, NULL, NULL, NULL, 0, 0, 0, "num" },
	{ 0, "big", 'B', UP_ARG_REQUIRED, "N", "", up_opt_set_ll, NULL, UP_OPT_FIELD(big), 0, 1LL << 62, NULL },
	{ 0, "size", 'b', UP_ARG_REQUIRED, "B", "", up_opt_set_size, NULL, UP_OPT_FIELD(size), 1, 1 << 30, NULL },
	{ 0, "wait", 'w', UP_ARG_REQUIRED, "S", "", up_opt_set_msec, NULL, UP_OPT_FIELD(ms), 0, 86400000, NULL },
	{ 0, "flag", 'f', UP_ARG_NONE, NULL, "", up_opt_set_flag, NULL, UP_OPT_FIELD(flag), 0, 0, NULL },
	{ 0, "str", 's', UP_ARG_REQUIRED, "S", "", up_opt_set_str, NULL, UP_OPT_FIELD(str), 0, 0, NULL },
	{ 0, "opt", 'o', UP_ARG_OPTIONAL, "V", "", up_opt_set_str, NULL, UP_OPT_FIELD(opt), 0, 0, NULL },
	{ 0, "list", 'l', UP_ARG_REQUIRED, "X", "", up_opt_set_list, NULL, UP_OPT_FIELD(list), 0, 0, NULL },
	{ 0, "choice", 'c', UP_ARG_REQUIRED, "a|bb|ccc", "", up_opt_set_choice, NULL, UP_OPT_FIELD(choice), 0, 0, NULL },
	{ 0, "help", 'h', UP_ARG_NONE, NULL, "", up_opt_set_help, NULL, 0, 0, 0, NULL },
};

static int positional(struct up_opt_run *r, const char *arg)
{
	return arg[0] == 'x' ? up_opt_fail(r, "no '%.10s'", arg) : 0;
}

static void load_args(struct up_opt_run *r, const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *argv[MAX_WORDS + 2] = { (char *)"fuzz" };
	int argc = 1;
	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *p = text; p <= text + size && argc <= MAX_WORDS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	up_opt_load_args(r, argc, argv);
	free(text);
}

static void load_ini(struct up_opt_run *r, const uint8_t *data, size_t size)
{
	char path[64];
	int fd = memfd_create("fuzz.ini", 0);
	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof path, "/proc/self/fd/%d:%s", fd,
			 size && data[0] & 1 ? "other" : "test");
		up_opt_load_ini(r, path);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct target t = { 0 };
	struct up_opt_run r = {
		.table = table, .n = sizeof table / sizeof table[0], .target = &t,
		.section = "test", .positional = positional,
	};
	if (size < 1)
		return 0;
	if (data[0] & 1)
		load_args(&r, data + 1, size - 1);
	else
		load_ini(&r, data + 1, size - 1);
	ASSERT(r.depth == 0);
	ASSERT(!r.failed || (r.err[0] && !strpbrk(r.err, "\r\n")));
	ASSERT(strlen(r.err) < sizeof r.err);
	up_opt_free(table, r.n, &t);
	ASSERT(t.str == NULL && t.list.n == 0);
	return 0;
}
