#include "watch.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "sample.h"
#include "term.h"
#include "view.h"

#define SGR_RESET "\033[0m"

/* Append line[0..len) cut to cols visible columns: SGR sequences and UTF-8
 * continuation bytes take none. A cut line gets a reset so a colour cannot
 * leak to the next one. */
static void clip_line(up_buf_t *out, const uint8_t *p, size_t len, int cols)
{
	size_t i = 0, end = 0;
	int used = 0;
	while (i < len) {
		if (p[i] == 0x1b) {
			while (i < len && !(p[i] >= 0x40 && p[i] <= 0x7e && p[i] != '['))
				i++;
			end = ++i;
			continue;
		}
		if ((p[i] & 0xc0) != 0x80 && used++ == cols)
			break;
		end = ++i;
	}
	up_buf_append(out, p, end);
	if (end < len)
		up_buf_puts(out, SGR_RESET);
}

/* Show frame: in place on a terminal, one screen after another on a pipe. */
static void draw(const up_buf_t *frame, int tty)
{
	up_buf_t out;
	up_err_t err;
	const uint8_t *p = up_buf_head(frame), *end = p + frame->len;
	int rows, cols;
	up_buf_init(&out, 0);
	if (!tty) {
		up_buf_append(&out, p, frame->len);
		up_buf_puts(&out, "\n");
	} else {
		term_size(&rows, &cols);
		up_buf_puts(&out, "\033[H");
		for (int row = 0; row < rows && p < end; row++) {
			const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			clip_line(&out, p, n, cols);
			/* No newline on the last row: it would scroll the screen. */
			up_buf_puts(&out, row + 1 < rows ? "\033[K\n" : "\033[K");
			p += n + (nl != NULL);
		}
		up_buf_puts(&out, "\033[J");
	}
	up_write_all(STDOUT_FILENO, up_buf_head(&out), out.len, -1, "stdout", &err);
	up_buf_free(&out);
}

/* Wait for the next read, watching keys and signals. Returns 1 to quit. */
static int wait_keys(double due, const up_buf_t *frame, int tty, int *keys)
{
	for (;;) {
		if (term_stop)
			return 1;
		if (term_resumed) {
			term_resumed = 0;
			term_resume();
		}
		if (term_resized) {
			term_resized = 0;
			draw(frame, tty);
		}
		double left = due - fetch_clock();
		if (left <= 0)
			return 0;
		struct pollfd pfd = { *keys ? STDIN_FILENO : -1, POLLIN, 0 };
		int n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n <= 0 || !(pfd.revents & (POLLIN | POLLHUP)))
			continue;
		char k[64];
		ssize_t r = read(STDIN_FILENO, k, sizeof k);
		if (r <= 0 && !(r < 0 && errno == EINTR))
			*keys = 0;          /* stdin closed: only signals stop us now */
		else if (r > 0 && (memchr(k, 'q', (size_t)r) || memchr(k, 'Q', (size_t)r)))
			return 1;
	}
}

static void status_line(up_buf_t *f, const struct stats_opts *o, const struct target *t,
                        int color)
{
	char clock[16];
	time_t now = time(NULL);
	struct tm tm;
	strftime(clock, sizeof clock, "%H:%M:%S", localtime_r(&now, &tm));
	up_buf_printf(f, "%suwsgi-stats %s  every %g s  %s  (q quits)%s\n\n",
		      color ? "\033[7m" : "", t->label, o->watch_ms / 1000.0, clock,
		      color ? SGR_RESET : "");
}

int watch_run(const struct stats_opts *o, const struct target *t, int color)
{
	const char *term = getenv("TERM");
	int tty = isatty(STDOUT_FILENO) && !(term && !strcmp(term, "dumb"));
	int keys = isatty(STDIN_FILENO), have_prev = 0, quit = 0;
	struct doc prev, cur;
	double prev_at = 0;
	up_buf_t frame;
	up_buf_init(&frame, 0);
	term_enter(tty);
	while (!quit && !term_stop) {
		struct fetch_result r;
		double due = fetch_clock() + o->watch_ms / 1000.0;
		enum fetch_status s = snapshot(t, o->timeout_ms, &cur, &r);
		double now = fetch_clock();
		up_buf_reset(&frame);
		status_line(&frame, o, t, color);
		if (s == FETCH_OK) {
			view_render(&frame, &cur, have_prev ? &prev : NULL, now - prev_at, color);
			if (have_prev)
				doc_free(&prev);
			prev = cur;
			prev_at = now;
			have_prev = 1;
		} else {
			up_buf_printf(&frame, "%s\n(trying again every %g s)\n", r.msg,
				      o->watch_ms / 1000.0);
			if (have_prev)
				doc_free(&prev);
			have_prev = 0;
		}
		draw(&frame, tty);
		quit = wait_keys(due, &frame, tty, &keys);
	}
	term_leave();
	if (have_prev)
		doc_free(&prev);
	up_buf_free(&frame);
	return EXIT_STATS_OK;
}
