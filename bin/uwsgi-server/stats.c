#include "stats.h"
#include "procmem.h"

#include <netinet/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "die.h"
#include "uwsgiproto/json.h"
#include "uwsgiproto/net.h"

int stats_open(const struct config *c)
{
	if (!c->stats)
		return -1;
	up_addr_t a;
	up_err_t err;
	up_listen_opts_t o = { .backlog = 64, .unlink_existing = 1, .nonblock = 1 };
	int fd;
	if (up_addr_parse(c->stats, &a, &err) < 0 || (fd = up_listen(&a, &o, &err)) < 0)
		die(1, "--stats: %s", err.msg);
	warn("stats server on %s%s", up_addr_str(&a), c->stats_http ? " (HTTP)" : "");
	return fd;
}

void listen_queue(int fd, unsigned *queue, unsigned *max)
{
	struct tcp_info ti;
	socklen_t l = sizeof ti;
	*queue = *max = 0;
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &l) == 0 && ti.tcpi_state == TCP_LISTEN) {
		*queue = ti.tcpi_unacked;
		*max = ti.tcpi_sacked;
	}
}

#define KEY(k) up_json_key(out, k)
#define NUM(k, v) (up_json_key(out, k), up_buf_printf(out, "%lld,", (long long)(v)))

static void sockets_json(struct server *s, up_buf_t *out, unsigned *total_queue)
{
	up_buf_puts(out, "\"sockets\":[");
	for (size_t i = 0; i < s->ls.n; i++) {
		const struct listener *l = &s->ls.v[i];
		unsigned q, max;
		listen_queue(l->fd, &q, &max);
		*total_queue += q;
		up_buf_puts(out, i ? ",{" : "{");
		KEY("name");
		up_json_cstr(out, up_addr_str(&l->addr));
		up_buf_puts(out, ",");
		KEY("proto");
		up_json_cstr(out, l->proto == PROTO_HTTP ? "http" : "uwsgi");
		up_buf_puts(out, ",");
		NUM("queue", q);
		NUM("max_queue", max ? max : (unsigned)s->c->listen);
		NUM("shared", 0);
		KEY("can_offload");
		up_buf_puts(out, "0}");
	}
	up_buf_puts(out, "],");
}

static void apps_json(struct server *s, const struct worker_slot *w, up_buf_t *out)
{
	up_buf_puts(out, "\"apps\":[");
	for (size_t i = 0; i < s->apps.n; i++) {
		const struct app *a = &s->apps.v[i];
		size_t k = i < SB_MAX_APPS ? i : SB_MAX_APPS - 1;
		up_buf_puts(out, i ? ",{" : "{");
		NUM("id", i);
		NUM("modifier1", 0);
		KEY("mountpoint");
		up_json_cstr(out, a->mountpoint);
		up_buf_puts(out, ",");
		NUM("startup_time", 0);
		NUM("requests", w->app_requests[k]);
		NUM("exceptions", w->app_exceptions[k]);
		KEY("chdir");
		up_json_cstr(out, s->c->chdir ? s->c->chdir : "");
		up_buf_puts(out, "}");
	}
	up_buf_puts(out, "],");
}

static void cores_json(struct server *s, int wid, up_buf_t *out)
{
	up_buf_puts(out, "\"cores\":[");
	for (int i = 0; i < s->sb->ncores; i++) {
		const struct core_slot *c = scoreboard_core(s->sb, wid, i);
		up_buf_puts(out, i ? ",{" : "{");
		NUM("id", i);
		NUM("requests", c->requests);
		NUM("static_requests", c->static_requests);
		NUM("routed_requests", 0);
		NUM("offloaded_requests", 0);
		NUM("write_errors", c->write_errors);
		NUM("read_errors", c->read_errors);
		NUM("in_request", c->in_request);
		if (c->in_request)
			up_buf_printf(out, "\"vars\":[],\"req_info\":{\"request_start\":%lld}}",
				      (long long)c->request_start);
		else
			up_buf_puts(out, "\"vars\":[],\"req_info\":{}}");
	}
	up_buf_puts(out, "]");
}

static void worker_json(struct server *s, int wid, up_buf_t *out)
{
	const struct worker_slot *w = &s->sb->w[wid - 1];
	uint64_t rss = 0, vsz = 0;
	if (w->pid > 0)
		proc_memory(w->pid, &rss, &vsz);
	up_buf_puts(out, wid > 1 ? ",{" : "{");
	NUM("id", wid);
	NUM("pid", w->pid);
	NUM("accepting", w->pid > 0);
	NUM("requests", w->requests);
	NUM("delta_requests", w->delta_requests);
	NUM("exceptions", w->exceptions);
	NUM("harakiri_count", w->harakiri_count);
	NUM("signals", 0);
	NUM("signal_queue", 0);
	KEY("status");
	up_json_cstr(out, scoreboard_status_name(w->status));
	up_buf_puts(out, ",");
	NUM("rss", rss);
	NUM("vsz", vsz);
	NUM("running_time", w->running_time_us);
	NUM("last_spawn", w->last_spawn);
	NUM("respawn_count", w->respawn_count);
	NUM("tx", w->tx);
	NUM("avg_rt", w->avg_rt_us);
	apps_json(s, w, out);
	cores_json(s, wid, out);
	up_buf_puts(out, "}");
}

int stats_json(struct server *s, up_buf_t *out)
{
	static const char *const locks[] = { "user 0", "signal", "filemon", "timer",
					     "rbtimer", "cron", "rpc", "snmp" };
	char cwd[4096];
	unsigned queue = 0;
	up_buf_t socks;
	up_buf_init(&socks, 0);
	sockets_json(s, &socks, &queue);
	up_buf_puts(out, "{");
	KEY("version");
	up_json_cstr(out, UP_VERSION);
	up_buf_puts(out, ",");
	NUM("listen_queue", queue);
	NUM("listen_queue_errors", s->sb->listen_queue_errors);
	NUM("signal_queue", 0);
	NUM("load", s->sb->load);
	NUM("pid", getpid());
	NUM("start_time", s->start_time);
	NUM("uid", getuid());
	NUM("gid", getgid());
	KEY("cwd");
	up_json_cstr(out, getcwd(cwd, sizeof cwd) ? cwd : "");
	up_buf_puts(out, ",\"locks\":[");
	for (size_t i = 0; i < sizeof locks / sizeof locks[0]; i++) {
		up_buf_puts(out, i ? ",{" : "{");
		KEY(locks[i]);
		up_buf_puts(out, "0}");
	}
	up_buf_puts(out, "],");
	up_buf_append(out, up_buf_head(&socks), socks.len);
	up_buf_free(&socks);
	up_buf_puts(out, "\"workers\":[");
	for (int i = 1; i <= s->sb->nworkers; i++)
		worker_json(s, i, out);
	return up_buf_puts(out, "]}\n");
}

void stats_serve(struct server *s, int fd)
{
	int cfd;
	while ((cfd = up_accept(fd, NULL, 0, NULL)) >= 0) {
		up_buf_t doc;
		up_buf_init(&doc, 16u << 20);
		if (s->c->stats_http) {
			/* Take the request in first: closing on unread bytes would
			 * reset the connection under the answer. */
			char req[4096];
			up_read_some(cfd, req, sizeof req, 1000, NULL, NULL);
		}
		if (stats_json(s, &doc) == 0) {
			char head[160];
			int hl = snprintf(head, sizeof head, "HTTP/1.0 200 OK\r\nContent-Type: "
					  "application/json\r\nContent-Length: %zu\r\n\r\n", doc.len);
			if (s->c->stats_http)
				up_write_all(cfd, head, (size_t)hl, 1000, NULL, NULL);
			up_write_all(cfd, up_buf_head(&doc), doc.len, 1000, NULL, NULL);
		}
		up_buf_free(&doc);
		close(cfd);
	}
}
