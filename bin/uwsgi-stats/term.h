/* The terminal for --watch: keys without Enter or echo, the alternate
 * screen, the size, and restoring all of it on every way out. */
#ifndef UWSGI_STATS_TERM_H
#define UWSGI_STATS_TERM_H

#include <signal.h>

/* Set by the signal handlers term_enter installs. */
extern volatile sig_atomic_t term_stop;     /* SIGINT, SIGTERM, SIGHUP */
extern volatile sig_atomic_t term_resized;  /* SIGWINCH */
extern volatile sig_atomic_t term_resumed;  /* SIGCONT after Ctrl-Z */

/* Take over the terminal: keys read one by one when stdin is a tty, the
 * alternate screen and a hidden cursor when stdout is (screen != 0).
 * term_leave runs at exit too. */
void term_enter(int screen);

/* Give the terminal back; safe to call more than once. */
void term_leave(void);

/* Take the terminal over again after Ctrl-Z and fg (SIGCONT). */
void term_resume(void);

/* Rows and columns of stdout's terminal (24x80 when unknown). */
void term_size(int *rows, int *cols);

#endif
