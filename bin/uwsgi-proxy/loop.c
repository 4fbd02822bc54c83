/* epoll and a timer heap. */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "loop.h"
#include "uwsgiproto/net.h"

#define MAX_EVENTS 256

int loop_init(struct loop *l)
{
	*l = (struct loop){ 0 };
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->now = up_now_ms();
	return l->epfd < 0 ? -1 : 0;
}

static void bury(struct loop *l)
{
	for (size_t i = 0; i < l->ngraves; i++)
		free(l->graves[i]);
	l->ngraves = 0;
}

void loop_free_later(struct loop *l, void *p)
{
	if (l->ngraves == l->capgraves) {
		size_t cap = l->capgraves ? l->capgraves * 2 : 16;
		void **g = realloc(l->graves, cap * sizeof *g);
		if (!g)
			abort();  /* freeing now could be a use after free */
		l->graves = g;
		l->capgraves = cap;
	}
	l->graves[l->ngraves++] = p;
}

void loop_close(struct loop *l)
{
	bury(l);
	free(l->graves);
	l->graves = NULL;
	if (l->epfd >= 0)
		close(l->epfd);
	free(l->heap);
	l->heap = NULL;
	l->epfd = -1;
}

static int add(struct loop *l, struct io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, io->fd, &ev);
}

int loop_add(struct loop *l, struct io *io)
{
	return add(l, io, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET);
}

int loop_add_level(struct loop *l, struct io *io)
{
	return add(l, io, EPOLLIN);
}

void loop_close_io(struct loop *l, struct io *io)
{
	(void)l;
	/* close() removes the fd from the epoll set (we never dup them). */
	if (io->fd >= 0)
		close(io->fd);
	io->fd = -1;
}

/* ---------------------------------------------------------------------- */
/* The timer heap: heap[0] fires first; slot is each timer's index + 1. */

static void heap_set(struct loop *l, size_t i, struct timer *t)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void sift_up(struct loop *l, size_t i)
{
	struct timer *t = l->heap[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (l->heap[parent]->when <= t->when)
			break;
		heap_set(l, i, l->heap[parent]);
		i = parent;
	}
	heap_set(l, i, t);
}

static void sift_down(struct loop *l, size_t i)
{
	struct timer *t = l->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && l->heap[c + 1]->when < l->heap[c]->when)
			c++;
		if (l->heap[c]->when >= t->when)
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

void timer_stop(struct loop *l, struct timer *t)
{
	if (!t->slot)
		return;
	size_t i = t->slot - 1;
	struct timer *last = l->heap[--l->nheap];
	t->slot = 0;
	if (last == t)
		return;
	heap_set(l, i, last);
	sift_down(l, i);
	sift_up(l, last->slot - 1);
}

void timer_arm(struct loop *l, struct timer *t, uint64_t when)
{
	if (t->slot) {
		uint64_t old = t->when;
		t->when = when;
		if (when < old)
			sift_up(l, t->slot - 1);
		else
			sift_down(l, t->slot - 1);
		return;
	}
	if (l->nheap == l->capheap) {
		size_t cap = l->capheap ? l->capheap * 2 : 64;
		struct timer **h = realloc(l->heap, cap * sizeof *h);
		if (!h)
			abort();  /* a timer that silently never fires is worse */
		l->heap = h;
		l->capheap = cap;
	}
	t->when = when;
	l->heap[l->nheap++] = t;
	sift_up(l, l->nheap - 1);
}

static void fire_timers(struct loop *l)
{
	while (l->nheap && l->heap[0]->when <= l->now) {
		struct timer *t = l->heap[0];
		timer_stop(l, t);
		t->fn(l, t);
	}
}

static int next_wait(const struct loop *l)
{
	if (!l->nheap)
		return 1000;
	uint64_t w = l->heap[0]->when;
	if (w <= l->now)
		return 0;
	return w - l->now > 1000 ? 1000 : (int)(w - l->now);
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[MAX_EVENTS];
	while (!l->stop) {
		int n = epoll_wait(l->epfd, evs, MAX_EVENTS, next_wait(l));
		if (n < 0 && errno != EINTR)
			return -1;
		l->now = up_now_ms();
		for (int i = 0; i < n; i++) {
			struct io *io = evs[i].data.ptr;
			uint32_t e = evs[i].events;
			if (e & EPOLLRDHUP)
				e |= EPOLLIN;
			if (io->fd >= 0)
				io->fn(l, io, e);
		}
		fire_timers(l);
		if (l->after)
			l->after(l, l->after_ctx);
		bury(l);
	}
	return 0;
}
