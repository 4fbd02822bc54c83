/* libFuzzer target for uwsgi-cgi's script files: the "key = value" lines
 * of a script whose #! line names uwsgi-cgi (conf.c: read_script and
 * script_line), with every setter they reach (socket, modifiers,
 * timeouts, var, pass).
 *
 * The input is the file's bytes, written to a file under /dev/shm that
 * load_script reads as the real tool does (NUL bytes and oversized files
 * included). A bad file must fail with one line naming the script; a good
 * one leaves settings within their documented bounds.
 *
 * reply_fail's exit becomes a longjmp (stub below), which leaves what the
 * real exit would have freed: conf.c's allocations are tracked and freed
 * after each input, and leak checking is off while the script loads.
 * die.c is compiled in
 * for progname and print_version, which conf.c names. Written for both
 * shapes of conf.c: its own option table, and the option engine's
 * (lib/opt, where load_script takes a run of the engine).
 */
#include "../../bin/common/die.c"

#include <stdlib.h>

/* conf.c's own malloc()s, recorded so that what reply_fail's longjmp
 * leaves behind (the script's text, in a local) is freed after each
 * input: otherwise 64 KiB a failing input would pile up. */
static void *held[64];

static void *held_malloc(size_t n)
{
	void *p = malloc(n);
	for (size_t i = 0; p && i < sizeof held / sizeof held[0]; i++)
		if (!held[i]) {
			held[i] = p;
			break;
		}
	return p;
}

static void held_free(void *p)
{
	for (size_t i = 0; p && i < sizeof held / sizeof held[0]; i++)
		if (held[i] == p)
			held[i] = NULL;
	free(p);
}

#define malloc held_malloc
#define free held_free
#include "../../bin/uwsgi-cgi/conf.c"
#undef malloc
#undef free

#include <sanitizer/lsan_interface.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static jmp_buf fail_jmp;
static char fail_msg[768];
static char path[64];

void reply_fail(int status, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fail_msg, sizeof fail_msg, fmt, ap);
	va_end(ap);
	ASSERT(status == 502 && code == EXIT_CGI_CONFIG);
	ASSERT(!strchr(fail_msg, '\n'));
	ASSERT(strstr(fail_msg, path));  /* the script, and where in it */
	longjmp(fail_jmp, 1);
}

static void check_settings(const struct conf *c)
{
	ASSERT(c->modifier1 >= 0 && c->modifier1 <= 255);
	ASSERT(c->modifier2 >= 0 && c->modifier2 <= 255);
	ASSERT(c->timeout_ms == -1 || (c->timeout_ms >= 1 && c->timeout_ms <= 86400000));
	ASSERT(c->connect_timeout_ms == -1 ||
	       (c->connect_timeout_ms >= 1 && c->connect_timeout_ms <= 86400000));
	ASSERT(!c->socket || (*c->socket && strlen(c->socket) < UP_ADDR_TEXT_MAX));
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void remove_script(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(path, sizeof path, "/dev/shm/fuzz_cgi_script.%d.cgi", (int)getpid());
	atexit(remove_script);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf c;
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	ASSERT(fd >= 0);
	ASSERT(size == 0 || write(fd, data, size) == (ssize_t)size);
	close(fd);
	conf_init(&c);
	c.script = path;
	__lsan_disable();
	if (setjmp(fail_jmp) == 0) {
		struct up_opt_run run = { .table = table, .n = NOPTS, .target = &c };
		load_script(&run);
		check_settings(&c);
	}
	__lsan_enable();
	conf_free(&c);
	for (size_t i = 0; i < sizeof held / sizeof held[0]; i++)
		held_free(held[i]);
	return 0;
}
