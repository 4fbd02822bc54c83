/* The event loop: one epoll set (edge-triggered: a callback reads or
 * writes until EAGAIN and remembers readiness itself) and timers in a
 * binary min-heap, so arming, moving and firing a timer cost O(log n)
 * whatever the number of connections. The only module that calls epoll. */
#ifndef UWSGI_PROXY_LOOP_H
#define UWSGI_PROXY_LOOP_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct io;
struct timer;

/* events: EV_READ, EV_WRITE, EV_HUP, EV_ERR, EV_RDHUP (EPOLL* values). */
typedef void (*io_fn)(struct loop *l, struct io *io, uint32_t events);
typedef void (*timer_fn)(struct loop *l, struct timer *t);

/* A descriptor watched by the loop; embed it in the owner's struct. */
struct io {
	int fd;       /* -1 once closed: late events for it are dropped */
	io_fn fn;
};

/* A one-shot timer; embed it in the owner's struct, zeroed. */
struct timer {
	uint64_t when;   /* ms on up_now_ms()'s clock */
	size_t slot;     /* heap index + 1; 0 when not armed */
	timer_fn fn;
};

struct loop {
	int epfd;
	int stop;            /* set by anyone: loop_run returns */
	uint64_t now;        /* ms, refreshed after each wait */
	struct timer **heap;
	size_t nheap, capheap;
	void (*after)(struct loop *l, void *ctx);  /* after each batch */
	void *after_ctx;
	void **graves;       /* loop_free_later */
	size_t ngraves, capgraves;
};

enum { EV_READ = 0x001, EV_WRITE = 0x004, EV_ERR = 0x008, EV_HUP = 0x010,
       EV_RDHUP = 0x2000 };

/* 0, or -1 with errno set. */
int loop_init(struct loop *l);
void loop_close(struct loop *l);

/* Watch io->fd for reads and writes, edge-triggered. 0 or -1 (errno). */
int loop_add(struct loop *l, struct io *io);

/* Watch io->fd for reads only, level-triggered (listening sockets,
 * signalfd, UDP: one accept or datagram per wake-up is fine). */
int loop_add_level(struct loop *l, struct io *io);

/* Stop watching and close io->fd; io->fd becomes -1. */
void loop_close_io(struct loop *l, struct io *io);

/* free(p) after the current batch of events: an event fetched in the
 * same batch may still point into p (its io has fd -1 by then). */
void loop_free_later(struct loop *l, void *p);

/* Arm t to fire at `when` (ms), moving it if already armed. */
void timer_arm(struct loop *l, struct timer *t, uint64_t when);
void timer_stop(struct loop *l, struct timer *t);
static inline int timer_armed(const struct timer *t) { return t->slot != 0; }

/* Run until l->stop is set. 0, or -1 when epoll_wait fails. */
int loop_run(struct loop *l);

#endif
