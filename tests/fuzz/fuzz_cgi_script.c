/* libFuzzer target for uwsgi-cgi's script files: the "key = value" lines
 * of a script whose #! line names uwsgi-cgi (conf.c), with every setter
 * they reach (socket, modifiers, timeouts, var, pass).
 *
 * The input is the file's bytes; files holding NUL are refused by
 * read_script before any line is read, and so skipped here. A bad line
 * must fail with one line naming the script and the line number; a good
 * script leaves settings within their documented bounds. conf_free must
 * give everything back (LeakSanitizer checks).
 *
 * reply_fail's exit becomes a longjmp (stub below); die.c is compiled in
 * for progname and print_version, which conf.c names.
 */
#include "../../bin/common/die.c"
#include "../../bin/uwsgi-cgi/conf.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>

#define ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static jmp_buf fail_jmp;
static char fail_msg[768];

void reply_fail(int status, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fail_msg, sizeof fail_msg, fmt, ap);
	va_end(ap);
	ASSERT(status == 502 && code == EXIT_CGI_CONFIG);
	ASSERT(!strchr(fail_msg, '\n'));
	ASSERT(!strncmp(fail_msg, "fuzz.cgi:", 9));  /* the script and its line */
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
	for (size_t i = 0; i < c->nvars; i++)
		ASSERT(strchr(c->vars[i], '=') && c->vars[i][0] != '=');
	for (size_t i = 0; i < c->npass; i++)
		ASSERT(c->pass[i][0] && c->pass[i][0] != '*');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf c;
	if (size > CONF_SCRIPT_MAX || memchr(data, 0, size))
		return 0;
	conf_init(&c);
	c.script = "fuzz.cgi";
	c.text = malloc(size + 1);
	if (!c.text)
		return 0;
	memcpy(c.text, data, size);
	c.text[size] = 0;
	if (setjmp(fail_jmp) == 0) {
		script_lines(&c);
		check_settings(&c);
	}
	conf_free(&c);
	return 0;
}
