/* A worker: one or more serving threads, each with an epoll set holding
 * the listening sockets (EPOLLEXCLUSIVE: one idle thread wakes per new
 * connection, no thundering herd) and its idle keep-alive connections, so
 * an idle client never pins a thread. A thread serves one request at a
 * time, with the GIL only while Python runs. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "dynapp.h"
#include "fastfunc.h"
#include "handlers.h"
#include "log.h"
#include "procmem.h"
#include "proto.h"
#include "pymod.h"
#include "server.h"
#include "static.h"
#include "usig.h"
#include "uwsgiproto/modifiers.h"
#include "wsgi.h"

#define KEEPALIVE_IDLE_MS 15000
#define MAX_PARKED 512
#define DRAIN_MS 2000

struct parked {
	int fd, http, unix_socket;
	char peer[64], peer_port[8], local_port[8];
	uint64_t since_ms;
	struct parked *prev, *next;
};

struct wthread {
	struct server *s;
	int wid, idx;
	int listening;                /* the listeners are in ep */
	pthread_t tid;
	int ep;
	struct conn c;
	struct request r;
	struct wsgi_thread py;
	struct parked *head, *tail;   /* oldest first */
	size_t nparked;
};

static volatile sig_atomic_t stopping;
/* Set with stopping, and before the last request of a recycled worker. */
static volatile int closing;
static pid_t my_pid;
static int wake_fd = -1;
static char wake_tag, signal_tag;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
	closing = 1;
	uint64_t one = 1;
	ssize_t n = write(wake_fd, &one, sizeof one);
	(void)n;
}

/* The master asks the workers to reopen --logto (FIFO l): open, dup2 and
 * close are async-signal-safe. */
static const char *logto;

static void on_hup(int sig)
{
	(void)sig;
	if (!logto)
		return;
	int fd = open(logto, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return;
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static void on_int(int sig)
{
	(void)sig;
	_exit(0);
}

static int64_t wall_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* ---- idle keep-alive connections ---------------------------------------
 * A connection between requests waits in the thread's epoll set,
 * registered once (edge-triggered) when it is first parked: parking again
 * and resuming cost no system call. Only this thread's set holds it, so no
 * other thread can wake for it. An edge may be stale (its bytes were read
 * with the previous request): resume() then finds nothing and parks the
 * connection again. Its record lives until the connection closes. */

static void unlink_parked(struct wthread *t, struct parked *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		t->head = p->next;
	if (p->next)
		p->next->prev = p->prev;
	else
		t->tail = p->prev;
	p->prev = p->next = NULL;
	t->nparked--;
}

/* Append p to the idle list (the newest last). */
static void link_parked(struct wthread *t, struct parked *p)
{
	p->next = NULL;
	p->prev = t->tail;
	if (t->tail)
		t->tail->next = p;
	else
		t->head = p;
	t->tail = p;
	t->nparked++;
}

static void drop_parked(struct wthread *t, struct parked *p)
{
	unlink_parked(t, p);
	close(p->fd);  /* also leaves the epoll set */
	free(p);
}

/* Close the connection in t->c and forget its record. */
static void conn_close(struct wthread *t)
{
	close(t->c.fd);
	free(t->c.slot);
	t->c.slot = NULL;
}

static void park(struct wthread *t)
{
	struct conn *c = &t->c;
	struct parked *p = c->slot;
	int op = 0;
	if (!p) {
		p = malloc(sizeof *p);
		if (!p) {
			conn_close(t);
			return;
		}
		p->fd = c->fd;
		p->http = c->http;
		p->unix_socket = c->unix_socket;
		memcpy(p->peer_port, c->peer_port, sizeof p->peer_port);
		memcpy(p->peer, c->peer, sizeof p->peer);
		memcpy(p->local_port, c->local_port, sizeof p->local_port);
		op = EPOLL_CTL_ADD;
	}
	c->slot = NULL;
	if (t->nparked >= MAX_PARKED) {
		/* The newest goes, not the oldest: an older record may be in
		 * the batch of events being handled. */
		close(p->fd);
		free(p);
		return;
	}
	p->since_ms = up_now_ms();
	link_parked(t, p);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = p };
	if (op == EPOLL_CTL_ADD && epoll_ctl(t->ep, op, p->fd, &ev) < 0)
		drop_parked(t, p);
}

static void expire_parked(struct wthread *t)
{
	uint64_t now = up_now_ms();
	while (t->head && now - t->head->since_ms >= KEEPALIVE_IDLE_MS)
		drop_parked(t, t->head);
}

/* ---- self-healing inside the worker ------------------------------------ */

static char raw_what[160];
static int raw_wid;
static time_t born;
static long recycle_after;     /* --max-requests plus this worker's jitter */

/* --harakiri, or the request's UWSGI_HARAKIRI var when it is a number. */
static int request_harakiri(const struct config *c, const struct request *r)
{
	size_t l = 0;
	const char *v = req_var(r, "UWSGI_HARAKIRI", &l);
	if (v && l > 0 && l < 7 && strspn(v, "0123456789") >= l) {
		int h = 0;
		for (size_t i = 0; i < l; i++)
			h = h * 10 + (v[i] - '0');
		return h;
	}
	return c->harakiri;
}

/* Without a master nobody watches the clock: an alarm does (the less
 * reliable mode: a request blocked with signals masked escapes it). */
static void on_alarm(int sig)
{
	(void)sig;
	char line[320];
	int n = snprintf(line, sizeof line, "*** HARAKIRI ON WORKER %d (pid: %d, raw mode) ***\n"
			 "HARAKIRI [core 0] %s\n", raw_wid, (int)getpid(), raw_what);
	ssize_t w = write(STDERR_FILENO, line, (size_t)n);
	(void)w;
	_exit(1);
}

static void raw_harakiri_arm(int seconds, const char *what)
{
	snprintf(raw_what, sizeof raw_what, "%s", what);
	alarm((unsigned)seconds);
}

static uint64_t self_memory(int rss)
{
	uint64_t r, v;
	proc_memory(0, &r, &v);
	return rss ? r : v;
}

/* After a request: is it time for this worker to make way for a fresh one?
 * It finishes what it has in hand and exits; the master respawns it. */
static void maybe_recycle(struct wthread *t)
{
	const struct config *c = t->s->c;
	const struct worker_slot *w = &t->s->sb->w[t->wid - 1];
	char why[96] = "";
	if (recycle_after && (long)w->delta_requests >= recycle_after)
		snprintf(why, sizeof why, "%llu requests (--max-requests %d)",
			 (unsigned long long)w->delta_requests, c->max_requests);
	else if (c->reload_on_rss && self_memory(1) > ((uint64_t)c->reload_on_rss << 20))
		snprintf(why, sizeof why, "RSS %llu MB over --reload-on-rss %d",
			 (unsigned long long)(self_memory(1) >> 20), c->reload_on_rss);
	else if (c->reload_on_as && self_memory(0) > ((uint64_t)c->reload_on_as << 20))
		snprintf(why, sizeof why, "address space %llu MB over --reload-on-as %d",
			 (unsigned long long)(self_memory(0) >> 20), c->reload_on_as);
	if (!why[0] || stopping)
		return;
	if (c->min_worker_lifetime && time(NULL) - born < c->min_worker_lifetime)
		return;  /* opt-in, as the log line at start-up says */
	warn("worker %d (pid: %d) recycled after %s", t->wid, (int)getpid(), why);
	on_term(0);
}

static void healing_setup(const struct config *c, int wid)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	raw_wid = wid;
	born = time(NULL);
	if (c->max_requests > 0) {
		/* Up to 10% more per worker, so workers do not all recycle at
		 * the same moment. */
		unsigned seed = (unsigned)getpid();
		recycle_after = c->max_requests + rand_r(&seed) % (c->max_requests / 10 + 1);
	}
	if (c->limit_as > 0) {
		struct rlimit rl = { (rlim_t)c->limit_as << 20, (rlim_t)c->limit_as << 20 };
		if (setrlimit(RLIMIT_AS, &rl) < 0)
			warn("--limit-as %d: %m", c->limit_as);
	}
}

/* ---- one request ---------------------------------------------------------- */

/* Under a backlog, or in the aftermath of an overflowed queue, a request
 * whose client has already hung up (it gave up waiting in the listen
 * queue) is dropped before the app runs, so the server catches up with the
 * live clients in moments, not minutes. */
static int client_gone(const struct request *r, const struct scoreboard *sb)
{
	if (!sb->backlog && time(NULL) >= sb->overflowed_until)
		return 0;
	struct pollfd p = { .fd = r->c->fd, .events = POLLRDHUP };
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

static int should_listen(struct wthread *t);

/* "KEY=value KEY=value ...", as much as fits, for --harakiri-verbose. */
static void record_vars(struct core_slot *core, const struct request *r)
{
	size_t at = 0, cap = sizeof core->vars;
	for (size_t i = 0; i < r->nvars && at + 1 < cap; i++) {
		int n = snprintf(core->vars + at, cap - at, "%s%.*s=%.*s", i ? " " : "",
				 (int)r->vars[i].kl, r->vars[i].k, (int)r->vars[i].vl, r->vars[i].v);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	core->vars[at < cap ? at : cap - 1] = 0;
}

static size_t put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return n;
}

/* "PEER - METHOD URI" (the URI cut at 100 bytes) for the scoreboard and
 * harakiri reports; what fits in 160 bytes, without printf on every
 * request. */
static int describe(char what[160], const struct request *r)
{
	const char *peer = r->c->peer[0] ? r->c->peer : "-";
	size_t pl = strnlen(peer, 45), ml = r->method_len < 10 ? r->method_len : 10;
	size_t ul = r->uri_len > 100 ? 100 : r->uri_len, at = 0;
	at += put(what + at, peer, pl);
	at += put(what + at, " - ", 3);
	at += put(what + at, r->method, ml);
	at += put(what + at, " ", 1);
	at += put(what + at, r->uri, ul);
	what[at] = 0;
	return (int)at;
}

static void handle(struct wthread *t, struct request *r)
{
	if (client_gone(r, t->s->sb)) {
		r->keep_alive = 0;
		return;
	}
	/* Holding idle keep-alive clients while a sibling has none and
	 * nothing to do (a worker just added, say): end this connection after
	 * its answer, so the client's next one can land there. */
	if (r->keep_alive && t->nparked > 0 && !should_listen(t))
		r->keep_alive = 0;
	if (recycle_after && (long)t->s->sb->w[t->wid - 1].delta_requests + 1 >= recycle_after)
		closing = 1;
	struct server *s = t->s;
	const struct config *c = s->c;
	int64_t start = wall_us();
	struct sb_request q = { .wid = t->wid, .core = t->idx, .app = -1 };
	char what[160];
	int wl = describe(what, r);
	int harakiri = request_harakiri(c, r);
	scoreboard_busy(s->sb, t->wid, t->idx, what, wl, harakiri);
	if (c->harakiri_verbose && harakiri > 0)
		record_vars(scoreboard_core(s->sb, t->wid, t->idx), r);
	if (!c->master && harakiri > 0)
		raw_harakiri_arm(harakiri, what);
	if (c->limit_post > 0 && (r->content_length > c->limit_post || r->chunked)) {
		/* A chunked body's size is unknown until it has been read: under
		 * --limit-post it is refused like one that is too big. */
		snprintf(r->err, sizeof r->err, "request body over --limit-post %lld",
			 c->limit_post);
		r->expect_continue = 0;
		resp_error(r, 413, "Request Entity Too Large\n");
	} else if (r->modifier1 == UP_MOD_FASTFUNC) {
		PyEval_RestoreThread(t->py.ts);
		q.exception = fastfunc_handle(&t->py, r);
		PyEval_SaveThread();
	} else if (s->statics && static_serve(s->statics, r)) {
		q.is_static = 1;
	} else {
		PyEval_RestoreThread(t->py.ts);
		if (dynapp_prepare(&s->apps, c, r) == 0)
			q.exception = wsgi_handle(&t->py, r, &s->apps, c, &q.app);
		PyEval_SaveThread();
	}
	if (!c->master && harakiri > 0)
		alarm(0);
	q.us = (uint64_t)(wall_us() - start);
	q.tx = r->resp_bytes;
	q.write_error = r->write_error;
	uint64_t total = scoreboard_count(s->sb, &q);
	scoreboard_idle(s->sb, t->wid, t->idx);
	struct reqlog l = {
		.pid = my_pid, .wid = t->wid, .core = t->idx, .app = q.app,
		.worker_requests = s->sb->w[t->wid - 1].requests,
		.total_requests = total, .start_us = start, .duration_us = q.us,
	};
	log_request(c, r, &l);
	if (r->err[0] && !r->write_error && r->status >= 500)
		log_conn_error(r->c->peer, r->err);
	maybe_recycle(t);
}

/* Serve requests on the connection in t->c until it closes or idles; the
 * first `have` bytes of its buffer are already read. */
static void serve(struct wthread *t, size_t have)
{
	struct conn *c = &t->c;
	struct request *r = &t->r;
	const struct config *cf = t->s->c;
	size_t head_max = cf->buffer_size > 16384 ? cf->buffer_size : 16384;
	c->len = have;
	c->used = c->keep = 0;
	for (;;) {
		proto_begin(r, c);
		int rc = c->http ? proto_http_read(r, head_max)
				 : proto_uwsgi_read(r, cf->buffer_size);
		if (rc == PROTO_ERROR)
			log_conn_error(c->peer, r->err);
		if (rc != PROTO_REQUEST)
			break;
		handle(t, r);
		/* While stopping, an answer sent before the flag said keep-alive: the
		 * client may already be sending its next request, which the drain
		 * answers with Connection: close. */
		if (!c->http || !r->keep_alive || r->write_error)
			break;
		if (req_body_drain(r) < 0)
			break;
		if (c->len > c->used)
			continue;  /* a pipelined request is already here */
		park(t);
		return;
	}
	conn_close(t);
}

/* The read the request needs anyway, without waiting. A connection with
 * nothing to read waits in the epoll set instead of holding the thread: a
 * parked one woken by a stale edge (its bytes were read with the previous
 * request), and a new one whose client has sent nothing yet (after an
 * overflowed listen queue the kernel hands over, for seconds, silent
 * connections whose clients are long gone). */
static void serve_or_park(struct wthread *t)
{
	struct conn *c = &t->c;
	ssize_t n = recv(c->fd, c->buf, c->cap, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
		park(t);
		return;
	}
	if (n <= 0) {
		conn_close(t);
		return;
	}
	serve(t, (size_t)n);
}

static void accept_one(struct wthread *t, const struct listener *l)
{
	up_addr_t peer;
	int fd = up_accept(l->fd, &peer, 1, NULL);
	if (fd < 0)
		return;  /* another worker took it, or a transient error */
	struct conn *c = &t->c;
	c->fd = fd;
	c->slot = NULL;
	c->http = l->proto == PROTO_HTTP;
	c->unix_socket = l->addr.family == AF_UNIX;
	c->peer[0] = 0;
	int peer_port = 0;
	up_addr_host_port((struct sockaddr *)&peer.ss, peer.len, c->peer, sizeof c->peer,
			  &peer_port);
	/* Text once per connection, not once per request. */
	snprintf(c->peer_port, sizeof c->peer_port, "%d", peer_port);
	snprintf(c->local_port, sizeof c->local_port, "%d", up_addr_port(&l->addr));
	serve_or_park(t);
}

static void resume(struct wthread *t, struct parked *p)
{
	struct conn *c = &t->c;
	unlink_parked(t, p);
	c->fd = p->fd;
	c->http = p->http;
	c->unix_socket = p->unix_socket;
	memcpy(c->peer_port, p->peer_port, sizeof c->peer_port);
	memcpy(c->peer, p->peer, sizeof c->peer);
	memcpy(c->local_port, p->local_port, sizeof c->local_port);
	c->slot = p;
	serve_or_park(t);
}

/* ---- threads -------------------------------------------------------------- */

/* Keep-alive clients spread over the workers: a thread that already holds
 * idle connections leaves new ones to a sibling that is idle and holds
 * none, instead of taking every connection because it happens to be the
 * first waiter the kernel wakes. */
static int should_listen(struct wthread *t)
{
	struct scoreboard *sb = t->s->sb;
	struct core_slot *me = scoreboard_core(sb, t->wid, t->idx);
	me->parked = (int)t->nparked;
	if (t->nparked == 0)
		return 1;
	for (int w = 1; w <= sb->nworkers; w++) {
		if (sb->w[w - 1].pid <= 0)
			continue;
		for (int k = 0; k < sb->ncores; k++) {
			const struct core_slot *o = scoreboard_core(sb, w, k);
			if (o != me && o->parked == 0 && !o->in_request)
				return 0;
		}
	}
	return 1;
}

static void set_listening(struct wthread *t, int on)
{
	struct server *s = t->s;
	if (on == t->listening)
		return;
	for (size_t i = 0; i < s->ls.n; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE,
					  .data.ptr = &s->ls.v[i] };
		epoll_ctl(t->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, s->ls.v[i].fd, &ev);
	}
	t->listening = on;
}

static void *thread_main(void *arg)
{
	struct wthread *t = arg;
	struct server *s = t->s;
	PyGILState_STATE gs = PyGILState_Ensure();
	(void)gs;
	wsgi_thread_init(&t->py, PyThreadState_Get(), s->c->threads > 1, s->c->processes > 1);
	PyEval_SaveThread();
	struct epoll_event evs[64];
	uint64_t drain_until = 0;
	for (;;) {
		int timeout;
		if (stopping) {
			/* Draining: no new connections; each idle keep-alive client
			 * gets one more answer, with Connection: close, so a
			 * recycle or reload costs it no error. */
			if (!drain_until) {
				set_listening(t, 0);
				epoll_ctl(t->ep, EPOLL_CTL_DEL, wake_fd, NULL);
				drain_until = up_now_ms() + DRAIN_MS;
			}
			uint64_t now = up_now_ms();
			if (!t->head || now >= drain_until)
				break;
			timeout = (int)(drain_until - now);
		} else {
			set_listening(t, should_listen(t));
			timeout = t->head ? (t->listening ? KEEPALIVE_IDLE_MS : 200) : -1;
		}
		int n = epoll_wait(t->ep, evs, 64, timeout);
		for (int i = 0; i < n; i++) {
			void *ptr = evs[i].data.ptr;
			int listener = (char *)ptr >= (char *)s->ls.v &&
				       (char *)ptr < (char *)(s->ls.v + s->ls.n);
			if (ptr == &wake_tag || (listener && stopping))
				continue;
			if (ptr == &signal_tag) {
				usig_dispatch(usig_worker_fd(t->wid));
				continue;
			}
			if (listener)
				accept_one(t, ptr);
			else
				resume(t, ptr);
		}
		expire_parked(t);
	}
	/* A client whose request is already here gets its answer (with
	 * Connection: close); the others are closed. */
	while (t->head) {
		struct parked *p = t->head;
		char b;
		if (recv(p->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 1)
			resume(t, p);
		else
			drop_parked(t, p);
	}
	return NULL;
}

static void thread_setup(struct wthread *t, struct server *s, int wid, int idx)
{
	const struct config *c = s->c;
	memset(t, 0, sizeof *t);
	t->s = s;
	t->wid = wid;
	t->idx = idx;
	size_t head = c->buffer_size > 16384 ? c->buffer_size : 16384;
	t->c.cap = 4 + head + 16384;
	t->c.buf = malloc(t->c.cap);
	t->c.timeout_ms = c->socket_timeout * 1000;
	t->c.closing = &closing;
	up_buf_init(&t->c.head, 1u << 20);
	t->r.maxvars = head / 4 + 256;
	t->r.vars = malloc(t->r.maxvars * sizeof *t->r.vars);
	t->r.scratch_cap = 2 * head + 1024;
	t->r.scratch = malloc(t->r.scratch_cap);
	t->ep = epoll_create1(EPOLL_CLOEXEC);
	if (!t->c.buf || !t->r.vars || !t->r.scratch || t->ep < 0)
		die(1, "worker %d: cannot allocate its buffers", wid);
	set_listening(t, 1);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &wake_tag };
	epoll_ctl(t->ep, EPOLL_CTL_ADD, wake_fd, &ev);
	/* uwsgi signals: one idle thread runs the handler (usig.h). */
	struct epoll_event sev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &signal_tag };
	if (usig_worker_fd(wid) >= 0)
		epoll_ctl(t->ep, EPOLL_CTL_ADD, usig_worker_fd(wid), &sev);
}

static void signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

void worker_run(struct server *s, int wid)
{
	const struct config *c = s->c;
	my_pid = getpid();
	logto = c->logto;
	pymod_set_worker(wid);
	wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	signals();
	healing_setup(c, wid);
	handlers_init(s);
	s->sb->w[wid - 1].pid = getpid();
	s->sb->w[wid - 1].delta_requests = 0;
	s->sb->w[wid - 1].status = WORKER_IDLE;
	/* Loads what the master did not (all of them with --lazy-apps). */
	if (py_load_apps(&s->apps) == 0)
		warn("worker %d: no app loaded: every request gets a 500", wid);
	int n = c->threads;
	struct wthread *th = calloc((size_t)n, sizeof *th);
	if (!th)
		die(1, "out of memory");
	for (int i = 0; i < n; i++)
		thread_setup(&th[i], s, wid, i);
	/* The main thread serves too; it gives up the GIL for the others. */
	PyThreadState *main_ts = PyEval_SaveThread();
#ifndef UP_ROCK_SOLID
	for (int i = 1; i < n; i++)
		if (pthread_create(&th[i].tid, NULL, thread_main, &th[i]) != 0)
			die(1, "worker %d: cannot start thread %d", wid, i);
#endif
	thread_main(&th[0]);
#ifndef UP_ROCK_SOLID
	for (int i = 1; i < n; i++)
		pthread_join(th[i].tid, NULL);
#endif
	PyEval_RestoreThread(main_ts);
	_exit(0);
}
