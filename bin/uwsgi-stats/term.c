#include "term.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define ENTER_SCREEN "\033[?1049h\033[?25l\033[H\033[2J"
#define LEAVE_SCREEN "\033[?25h\033[?1049l"

volatile sig_atomic_t term_stop, term_resized, term_resumed;

static struct termios saved;
static int keys_raw, screen_on;

static void put(const char *s)
{
	/* Best effort: there is nobody to tell if the terminal is gone. */
	if (write(STDOUT_FILENO, s, strlen(s)) < 0)
		return;
}

/* Ctrl-Z: give the shell a sane terminal, then stop for real; SIGCONT
 * brings the screen back (term_resume). write, tcsetattr and kill are
 * async-signal-safe. */
static void on_suspend(void)
{
	if (screen_on)
		put(LEAVE_SCREEN);
	if (keys_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	kill(getpid(), SIGSTOP);
}

static void on_signal(int sig)
{
	if (sig == SIGTSTP)
		on_suspend();
	else if (sig == SIGWINCH)
		term_resized = 1;
	else if (sig == SIGCONT)
		term_resumed = term_resized = 1;
	else
		term_stop = 1;
}

/* No SA_RESTART: a signal ends the wait for a key at once. */
static void catch(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void keys_on(void)
{
	struct termios raw = saved;
	/* Keys arrive one at a time, unechoed; ISIG stays so ^C and ^Z work,
	 * OPOST stays so "\n" still returns the carriage. */
	raw.c_lflag &= (tcflag_t)~(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

void term_enter(int screen)
{
	catch(SIGINT);
	catch(SIGTERM);
	catch(SIGHUP);
	catch(SIGWINCH);
	catch(SIGCONT);
	catch(SIGTSTP);
	atexit(term_leave);
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		keys_raw = 1;
		keys_on();
	}
	if (screen) {
		screen_on = 1;
		put(ENTER_SCREEN);
	}
}

void term_resume(void)
{
	if (keys_raw)
		keys_on();
	if (screen_on)
		put(ENTER_SCREEN);
}

void term_leave(void)
{
	if (screen_on)
		put(LEAVE_SCREEN);
	if (keys_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	screen_on = keys_raw = 0;
}

void term_size(int *rows, int *cols)
{
	struct winsize ws;
	*rows = 24;
	*cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}
