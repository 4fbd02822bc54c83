/* Tests of addr.c and net.c: address parsing and printing, listen/connect
 * round trips over 127.0.0.1, ::1, UNIX paths and abstract sockets, and the
 * deadline, EOF and closed-peer behaviour of the I/O calls. */
#include "test.h"
#include "uwsgiproto/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- address parsing --------------------------------------------------- */

static const struct {
	const char *text;
	int family;
	const char *name;  /* expected up_addr_str() */
	int port;
} good_addrs[] = {
	{ "127.0.0.1:3031", AF_INET, "127.0.0.1:3031", 3031 },
	{ ":3031", AF_INET, "0.0.0.0:3031", 3031 },
	{ "0.0.0.0:80", AF_INET, "0.0.0.0:80", 80 },
	{ "127.0.0.1:0", AF_INET, "127.0.0.1:0", 0 },
	{ "10.1.2.3:65535", AF_INET, "10.1.2.3:65535", 65535 },
	{ "127.0.0.1:00080", AF_INET, "127.0.0.1:80", 80 },
	{ "[::1]:3031", AF_INET6, "[::1]:3031", 3031 },
	{ "[::]:8080", AF_INET6, "[::]:8080", 8080 },
	{ "[::ffff:127.0.0.1]:1", AF_INET6, "[::ffff:127.0.0.1]:1", 1 },
	{ "[2001:DB8::1]:443", AF_INET6, "[2001:db8::1]:443", 443 },
	{ "/tmp/x.sock", AF_UNIX, "/tmp/x.sock", 0 },
	{ "./rel.sock", AF_UNIX, "./rel.sock", 0 },
	{ "run/x.sock", AF_UNIX, "run/x.sock", 0 },
	{ "./odd:80", AF_UNIX, "./odd:80", 0 },
	{ "@abstract", AF_UNIX, "@abstract", 0 },
	{ "@uwsgi/x:1", AF_UNIX, "@uwsgi/x:1", 0 },
};

static void test_addr_parse_good(void)
{
	for (size_t i = 0; i < sizeof good_addrs / sizeof good_addrs[0]; i++) {
		up_addr_t a;
		up_err_t err = { 0 };
		int rc = up_addr_parse(good_addrs[i].text, &a, &err);
		if (rc != 0)
			printf("# %s: %s\n", good_addrs[i].text, err.msg);
		CHECK_EQ(rc, 0);
		CHECK_EQ(a.family, good_addrs[i].family);
		CHECK_EQ(a.ss.ss_family, good_addrs[i].family);
		CHECK_STR(up_addr_str(&a), good_addrs[i].name);
		CHECK_STR(a.text, good_addrs[i].text);
		CHECK_EQ(up_addr_port(&a), good_addrs[i].port);
	}
}

static void test_addr_unix_layout(void)
{
	up_addr_t a;
	const struct sockaddr_un *sun = (const struct sockaddr_un *)&a.ss;
	size_t off = offsetof(struct sockaddr_un, sun_path);

	CHECK_EQ(up_addr_parse("@name", &a, NULL), 0);
	CHECK_EQ(sun->sun_path[0], '\0');
	CHECK(memcmp(sun->sun_path + 1, "name", 4) == 0);
	CHECK_EQ(a.len, off + 5);

	CHECK_EQ(up_addr_parse("/a/b", &a, NULL), 0);
	CHECK_STR(sun->sun_path, "/a/b");
	CHECK_EQ(a.len, off + 5);

	/* The longest path that fits: sizeof sun_path - 1 bytes plus NUL. */
	char path[sizeof sun->sun_path + 1];
	memset(path, 'p', sizeof path);
	path[0] = '/';
	path[sizeof sun->sun_path - 1] = '\0';
	CHECK_EQ(up_addr_parse(path, &a, NULL), 0);
	path[sizeof sun->sun_path - 1] = 'p';
	path[sizeof sun->sun_path] = '\0';
	CHECK_EQ(up_addr_parse(path, &a, NULL), UP_EADDR);

	/* An abstract name may use all of sun_path after the NUL. */
	path[0] = '@';
	path[sizeof sun->sun_path] = '\0';
	CHECK_EQ(up_addr_parse(path, &a, NULL), 0);
	CHECK_EQ(a.len, sizeof(struct sockaddr_un));
	path[sizeof sun->sun_path] = 'p';
	char longer[sizeof path + 2];
	memcpy(longer, path, sizeof path);
	longer[sizeof path] = '\0';
	CHECK_EQ(up_addr_parse(longer, &a, NULL), UP_EADDR);
}

static const struct {
	const char *text;
	int code;
	const char *in_msg;  /* a piece the message must contain */
} bad_addrs[] = {
	{ "", UP_EADDR, "empty address" },
	{ "127.0.0.1", UP_EADDR, "missing port" },
	{ "127.0.0.1:", UP_EADDR, "missing port" },
	{ "localhost", UP_EADDR, "missing port" },
	{ "x.sock", UP_EADDR, "missing port" },
	{ "127.0.0.1:65536", UP_EADDR, "out of range" },
	{ "127.0.0.1:99999999999999999999", UP_EADDR, "out of range" },
	{ "127.0.0.1:30x", UP_EADDR, "invalid port \"30x\"" },
	{ "127.0.0.1:-1", UP_EADDR, "invalid port" },
	{ "127.0.0.1:+80", UP_EADDR, "invalid port" },
	{ "127.0.0.1: 80", UP_EADDR, "invalid port" },
	{ "127.0.0.1:80 ", UP_EADDR, "invalid port" },
	{ "[::1", UP_EADDR, "unterminated '['" },
	{ "[::1]", UP_EADDR, "missing port" },
	{ "[::1]:", UP_EADDR, "missing port" },
	{ "[::1]3031", UP_EADDR, "expected ':'" },
	{ "[]:80", UP_EADDR, "empty IPv6 address" },
	{ "[zz::1]:80", UP_EADDR, "invalid IPv6 address" },
	{ "[127.0.0.1]:80", UP_EADDR, "invalid IPv6 address" },
	{ "[localhost]:80", UP_EADDR, "invalid IPv6 address" },
	{ "::1:3031", UP_EADDR, "brackets" },
	{ "@", UP_EADDR, "empty abstract" },
	{ "nosuch..invalid:80", UP_ERESOLVE, "resolve nosuch..invalid: " },
};

static void test_addr_parse_bad(void)
{
	for (size_t i = 0; i < sizeof bad_addrs / sizeof bad_addrs[0]; i++) {
		up_addr_t a;
		up_err_t err = { 0 };
		int rc = up_addr_parse(bad_addrs[i].text, &a, &err);
		if (rc != bad_addrs[i].code)
			printf("# \"%s\" gave %d (%s)\n", bad_addrs[i].text, rc, err.msg);
		CHECK_EQ(rc, bad_addrs[i].code);
		CHECK_EQ(err.code, bad_addrs[i].code);
		if (!strstr(err.msg, bad_addrs[i].in_msg))
			printf("# \"%s\": message \"%s\"\n", bad_addrs[i].text, err.msg);
		CHECK(strstr(err.msg, bad_addrs[i].in_msg) != NULL);
		if (*bad_addrs[i].text && rc == UP_EADDR)
			CHECK(strstr(err.msg, bad_addrs[i].text) != NULL);
		CHECK_EQ(a.family, 0);
		/* A NULL err is always allowed. */
		CHECK_EQ(up_addr_parse(bad_addrs[i].text, &a, NULL), bad_addrs[i].code);
	}

	up_addr_t a;
	up_err_t err = { 0 };
	CHECK_EQ(up_addr_parse(NULL, &a, &err), UP_EADDR);

	char big[UP_ADDR_TEXT_MAX + 10];
	memset(big, 'h', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big + sizeof big - 6, ":3031", 5);
	CHECK_EQ(up_addr_parse(big, &a, &err), UP_EADDR);
	CHECK(strstr(err.msg, "longer than 255 bytes") != NULL);
	CHECK(strlen(err.msg) < 100);
}

static void test_addr_resolve(void)
{
	up_addr_t a;
	up_err_t err = { 0 };

	CHECK_EQ(up_addr_parse("localhost:3031", &a, &err), 0);
	CHECK(a.family == AF_INET || a.family == AF_INET6);
	CHECK(strcmp(up_addr_str(&a), "127.0.0.1:3031") == 0 ||
	      strcmp(up_addr_str(&a), "[::1]:3031") == 0);
	CHECK_STR(a.text, "localhost:3031");
	CHECK_EQ(up_addr_port(&a), 3031);
}

/* ---- printing socket addresses ---------------------------------------- */

static void test_addr_format(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(40000) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(8) };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t off = offsetof(struct sockaddr_un, sun_path);
	char out[64], host[64];
	int port;

	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	CHECK_EQ(up_addr_format((struct sockaddr *)&sin, sizeof sin, out, sizeof out),
	         strlen("192.0.2.7:40000"));
	CHECK_STR(out, "192.0.2.7:40000");
	CHECK_EQ(up_addr_host_port((struct sockaddr *)&sin, sizeof sin, host,
	                           sizeof host, &port), 0);
	CHECK_STR(host, "192.0.2.7");
	CHECK_EQ(port, 40000);
	CHECK_EQ(up_addr_host_port((struct sockaddr *)&sin, sizeof sin, host,
	                           sizeof host, NULL), 0);
	/* Exactly fits / one byte short. */
	CHECK_EQ(up_addr_format((struct sockaddr *)&sin, sizeof sin, out, 16), 15);
	CHECK_EQ(up_addr_format((struct sockaddr *)&sin, sizeof sin, out, 15),
	         UP_ENOSPACE);
	CHECK_STR(out, "");
	CHECK_EQ(up_addr_host_port((struct sockaddr *)&sin, sizeof sin, host, 9,
	                           &port), UP_ENOSPACE);
	CHECK_EQ(up_addr_format((struct sockaddr *)&sin, sizeof sin - 1, out,
	                        sizeof out), UP_EINVAL);

	inet_pton(AF_INET6, "2001:db8::42", &sin6.sin6_addr);
	CHECK_EQ(up_addr_format((struct sockaddr *)&sin6, sizeof sin6, out,
	                        sizeof out), strlen("[2001:db8::42]:8"));
	CHECK_STR(out, "[2001:db8::42]:8");
	CHECK_EQ(up_addr_host_port((struct sockaddr *)&sin6, sizeof sin6, host,
	                           sizeof host, &port), 0);
	CHECK_STR(host, "2001:db8::42");
	CHECK_EQ(port, 8);

	/* Unnamed (the usual accept() peer), path, abstract with a NUL. */
	CHECK_EQ(up_addr_format((struct sockaddr *)&sun, sizeof(sa_family_t), out,
	                        sizeof out), 0);
	CHECK_STR(out, "");
	strcpy(sun.sun_path, "/run/u.sock");
	CHECK_EQ(up_addr_format((struct sockaddr *)&sun, sizeof sun, out, sizeof out),
	         strlen("/run/u.sock"));
	CHECK_STR(out, "/run/u.sock");
	CHECK_EQ(up_addr_host_port((struct sockaddr *)&sun, sizeof sun, host,
	                           sizeof host, &port), 0);
	CHECK_STR(host, "/run/u.sock");
	CHECK_EQ(port, 0);
	memcpy(sun.sun_path, "\0ab\0c", 5);
	CHECK_EQ(up_addr_format((struct sockaddr *)&sun, (socklen_t)(off + 5), out,
	                        sizeof out), 5);
	CHECK_STR(out, "@ab?c");

	struct sockaddr bogus = { .sa_family = AF_APPLETALK };
	CHECK_EQ(up_addr_format(&bogus, sizeof bogus, out, sizeof out), UP_EINVAL);
	CHECK_EQ(up_addr_host_port(&bogus, sizeof bogus, host, sizeof host, &port),
	         UP_EINVAL);
	up_addr_t a;
	CHECK_EQ(up_addr_set(&a, &bogus, sizeof bogus), UP_EINVAL);
	CHECK_EQ(up_addr_set(&a, (struct sockaddr *)&sin6, sizeof sin6), 0);
	CHECK_STR(up_addr_str(&a), "[2001:db8::42]:8");
	CHECK_EQ(up_addr_port(&a), 8);
}

/* ---- helpers for the socket tests ------------------------------------- */

/* Listen on text (port 0 for TCP), put the bound address in *bound. */
static int listen_on(const char *text, const up_listen_opts_t *o, up_addr_t *bound)
{
	up_addr_t a;
	up_err_t err = { 0 };

	CHECK_EQ(up_addr_parse(text, &a, &err), 0);
	int lfd = up_listen(&a, o, &err);
	if (lfd < 0)
		printf("# listen %s: %s\n", text, err.msg);
	CHECK(lfd >= 0);
	if (lfd >= 0)
		CHECK_EQ(up_addr_local(lfd, bound, &err), 0);
	return lfd;
}

static int is_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);
	return fl >= 0 && (fl & FD_CLOEXEC);
}

static int is_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl >= 0 && (fl & O_NONBLOCK);
}

/* Connect to a listener, ping-pong a few bytes, check the peer address. */
static void roundtrip(const char *text, const char *peer_prefix)
{
	up_addr_t bound, peer;
	up_err_t err = { 0 };
	char buf[32];

	int lfd = listen_on(text, NULL, &bound);
	if (lfd < 0)
		return;
	CHECK(is_cloexec(lfd));
	if (bound.family != AF_UNIX)
		CHECK(up_addr_port(&bound) > 0);

	int cfd = up_connect(&bound, 2000, &err);
	if (cfd < 0)
		printf("# %s\n", err.msg);
	CHECK(cfd >= 0);
	CHECK(is_cloexec(cfd));
	CHECK(!is_nonblock(cfd));
	int sfd = up_accept(lfd, &peer, 0, &err);
	CHECK(sfd >= 0);
	CHECK(is_cloexec(sfd));
	CHECK_EQ(peer.family, bound.family);
	CHECK(strncmp(up_addr_str(&peer), peer_prefix, strlen(peer_prefix)) == 0);

	CHECK_EQ(up_write_all(cfd, "hello uwsgi", 11, 1000, up_addr_str(&bound), &err), 0);
	CHECK_EQ(up_read_exact(sfd, buf, 11, 1000, up_addr_str(&peer), &err), 0);
	CHECK_MEM(buf, 11, "hello uwsgi");
	CHECK_EQ(up_write_all(sfd, "pong", 4, 1000, NULL, &err), 0);
	CHECK_EQ(up_read_some(cfd, buf, sizeof buf, 1000, NULL, &err), 4);
	CHECK_MEM(buf, 4, "pong");

	/* EOF: read_some gives 0. */
	close(sfd);
	CHECK_EQ(up_read_some(cfd, buf, sizeof buf, 1000, NULL, &err), 0);
	close(cfd);
	close(lfd);
}

static void test_tcp4_roundtrip(void)
{
	roundtrip("127.0.0.1:0", "127.0.0.1:");
}

static void test_tcp6_roundtrip(void)
{
	roundtrip("[::1]:0", "[::1]:");
}

/* A scratch directory; the caller removes what it made, then the dir. */
static void make_dir(char *dir, size_t cap)
{
	snprintf(dir, cap, "/tmp/up-test-net.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
}

static void test_unix_roundtrip(void)
{
	char dir[64], path[128];
	struct stat st;

	make_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/s.sock", dir);
	roundtrip(path, "");  /* the client is unnamed: peer prints as "" */
	CHECK(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode));
	unlink(path);
	CHECK_EQ(rmdir(dir), 0);
}

static void test_abstract_roundtrip(void)
{
	char name[64];

	snprintf(name, sizeof name, "@uwsgiproto-test-net-%ld", (long)getpid());
	roundtrip(name, "");
}

/* ---- connect errors ---------------------------------------------------- */

static void test_connect_refused(void)
{
	up_addr_t a, bound;
	up_err_t err = { 0 };
	char want[128];

	/* A bound socket that does not listen: its port refuses for sure. */
	CHECK_EQ(up_addr_parse("127.0.0.1:0", &a, NULL), 0);
	int hold = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(bind(hold, (struct sockaddr *)&a.ss, a.len) == 0);
	CHECK_EQ(up_addr_local(hold, &bound, &err), 0);

	CHECK_EQ(up_connect(&bound, 1000, &err), UP_ESYS);
	CHECK_EQ(err.code, UP_ESYS);
	CHECK_EQ(err.sys_errno, ECONNREFUSED);
	snprintf(want, sizeof want, "connect %s: Connection refused", up_addr_str(&bound));
	CHECK_STR(err.msg, want);
	close(hold);

	/* A UNIX path with nothing there. */
	CHECK_EQ(up_addr_parse("/nonexistent-dir-up/x.sock", &a, NULL), 0);
	CHECK_EQ(up_connect(&a, 1000, &err), UP_ESYS);
	CHECK_STR(err.msg, "connect /nonexistent-dir-up/x.sock: No such file or directory");

	/* Port 0 is not a destination. */
	CHECK_EQ(up_addr_parse("127.0.0.1:0", &a, NULL), 0);
	CHECK_EQ(up_connect(&a, 1000, &err), UP_EADDR);
	CHECK(strstr(err.msg, "connect 127.0.0.1:0: ") == err.msg);
}

/* Fill a listener's backlog (never accepting) until a connect times out. */
static void connect_timeout_on(const char *text)
{
	up_listen_opts_t o = { .backlog = 1 };
	up_addr_t bound;
	up_err_t err = { 0 };
	int fds[32], nfds = 0, rc = 0;
	uint64_t t0 = 0, t1 = 0;
	char want[200];

	int lfd = listen_on(text, &o, &bound);
	if (lfd < 0)
		return;
	while (nfds < 32) {
		t0 = up_now_ms();
		rc = up_connect(&bound, 150, &err);
		t1 = up_now_ms();
		if (rc < 0)
			break;
		fds[nfds++] = rc;
	}
	CHECK_EQ(rc, UP_ETIMEDOUT);
	CHECK(nfds >= 1);
	CHECK(t1 - t0 >= 140);
	CHECK(t1 - t0 < 1500);
	snprintf(want, sizeof want, "connect %s: timed out after 150 ms",
	         up_addr_str(&bound));
	CHECK_STR(err.msg, want);
	while (nfds > 0)
		close(fds[--nfds]);
	close(lfd);
}

static void test_connect_timeout_tcp(void)
{
	connect_timeout_on("127.0.0.1:0");
}

static void test_connect_timeout_unix(void)
{
	char name[64];

	snprintf(name, sizeof name, "@uwsgiproto-test-backlog-%ld", (long)getpid());
	connect_timeout_on(name);
}

/* ---- I/O deadlines and closed peers ----------------------------------- */

/* A connected TCP pair over loopback: *c client side, *s server side. */
static int tcp_pair(int *c, int *s)
{
	up_addr_t bound;
	up_err_t err = { 0 };

	*c = *s = -1;
	int lfd = listen_on("127.0.0.1:0", NULL, &bound);
	if (lfd < 0)
		return -1;
	*c = up_connect(&bound, 2000, &err);
	*s = up_accept(lfd, NULL, 0, &err);
	close(lfd);
	CHECK(*c >= 0 && *s >= 0);
	return *c >= 0 && *s >= 0 ? 0 : -1;
}

static void test_read_timeout(void)
{
	int c, s;
	char buf[16];
	up_err_t err = { 0 };

	if (tcp_pair(&c, &s) < 0)
		return;
	uint64_t t0 = up_now_ms();
	CHECK_EQ(up_read_some(c, buf, sizeof buf, 200, "127.0.0.1:1", &err), UP_ETIMEDOUT);
	uint64_t el = up_now_ms() - t0;
	CHECK(el >= 195);
	CHECK(el < 2000);
	CHECK_STR(err.msg, "read 127.0.0.1:1: timed out after 200 ms");

	t0 = up_now_ms();
	CHECK_EQ(up_read_exact(c, buf, sizeof buf, 200, NULL, &err), UP_ETIMEDOUT);
	el = up_now_ms() - t0;
	CHECK(el >= 195 && el < 2000);
	CHECK_STR(err.msg, "read: timed out after 200 ms");

	/* Timeout 0: only what is there right now. */
	CHECK_EQ(up_read_some(c, buf, sizeof buf, 0, NULL, &err), UP_ETIMEDOUT);
	CHECK_EQ(up_write_all(s, "x", 1, 0, NULL, &err), 0);
	CHECK_EQ(up_read_exact(c, buf, 1, 1000, NULL, &err), 0);
	CHECK_EQ(up_read_some(c, buf, 0, 0, NULL, &err), UP_EINVAL);
	close(c);
	close(s);
}

/* A peer sending one byte every 40 ms must not stretch a 300 ms deadline. */
static void test_read_deadline_is_total(void)
{
	int c, s;
	char buf[100];
	up_err_t err = { 0 };

	if (tcp_pair(&c, &s) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(c);
		for (int i = 0; i < 50; i++) {
			if (write(s, "d", 1) != 1)
				break;
			usleep(40000);
		}
		_exit(0);
	}
	close(s);
	uint64_t t0 = up_now_ms();
	CHECK_EQ(up_read_exact(c, buf, sizeof buf, 300, NULL, &err), UP_ETIMEDOUT);
	uint64_t el = up_now_ms() - t0;
	CHECK(el >= 295);
	CHECK(el < 1000);
	close(c);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Reading a non-blocking fd without a deadline waits in poll on EAGAIN. */
static void test_read_nonblocking_fd(void)
{
	int c, s;
	char buf[16];
	up_err_t err = { 0 };

	if (tcp_pair(&c, &s) < 0)
		return;
	CHECK_EQ(up_set_nonblock(c, 1), 0);
	CHECK(is_nonblock(c));
	pid_t pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(write(s, "late", 4) == 4 ? 0 : 1);
	}
	CHECK_EQ(up_read_exact(c, buf, 4, -1, NULL, &err), 0);
	CHECK_MEM(buf, 4, "late");
	int st = -1;
	waitpid(pid, &st, 0);
	CHECK_EQ(st, 0);
	CHECK_EQ(up_set_nonblock(c, 0), 0);
	CHECK(!is_nonblock(c));
	close(c);
	close(s);
}

static void test_read_exact_early_close(void)
{
	int c, s;
	char buf[10];
	up_err_t err = { 0 };

	if (tcp_pair(&c, &s) < 0)
		return;
	CHECK_EQ(up_write_all(s, "abc", 3, 1000, NULL, &err), 0);
	close(s);
	CHECK_EQ(up_read_exact(c, buf, sizeof buf, 1000, "peer", &err), UP_ECLOSED);
	CHECK_STR(err.msg, "read peer: connection closed after 3 of 10 bytes");
	CHECK_EQ(up_read_exact(c, buf, 0, 1000, NULL, &err), 0);
	close(c);
}

/* Writing to a peer that is gone returns an error instead of SIGPIPE. */
static void test_write_closed_peer(void)
{
	int c, s, rc = 0;
	static char chunk[65536];
	up_err_t err = { 0 };

	signal(SIGPIPE, SIG_DFL);
	if (tcp_pair(&c, &s) < 0)
		return;
	close(s);
	for (int i = 0; i < 200 && rc == 0; i++)
		rc = up_write_all(c, chunk, sizeof chunk, 1000, "gone", &err);
	CHECK_EQ(rc, UP_ECLOSED);
	CHECK(err.sys_errno == EPIPE || err.sys_errno == ECONNRESET);
	CHECK(strncmp(err.msg, "write gone: ", 12) == 0);
	close(c);
}

static void test_write_timeout(void)
{
	int c, s, small = 4096;
	size_t n = 8u << 20;
	char *big = calloc(1, n);
	up_err_t err = { 0 };

	if (!big || tcp_pair(&c, &s) < 0) {
		free(big);
		return;
	}
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	uint64_t t0 = up_now_ms();
	CHECK_EQ(up_write_all(c, big, n, 200, "slow", &err), UP_ETIMEDOUT);
	uint64_t el = up_now_ms() - t0;
	CHECK(el >= 195 && el < 2000);
	CHECK_STR(err.msg, "write slow: timed out after 200 ms");
	close(c);
	close(s);
	free(big);
}

/* Many iovecs (more than IOV_MAX, some empty) through a small send buffer:
 * partial writes land mid-vector and the bytes arrive in order. */
static void test_writev_partial(void)
{
	enum { NIOV = 1500 };
	int c, s, small = 4096;
	size_t total = 0;
	up_err_t err = { 0 };

	if (tcp_pair(&c, &s) < 0)
		return;
	size_t cap = (size_t)NIOV * 1200;
	unsigned char *src = malloc(cap), *dst = malloc(cap);
	struct iovec *iov = calloc(NIOV, sizeof *iov);
	CHECK(src && dst && iov);
	if (!src || !dst || !iov)
		goto out;
	for (size_t i = 0; i < cap; i++)
		src[i] = (unsigned char)(i * 7 + i / 251);
	for (int i = 0; i < NIOV; i++) {
		size_t len = i % 5 == 0 ? 0 : (size_t)(i * 37 % 1200);
		iov[i].iov_base = src + total;
		iov[i].iov_len = len;
		total += len;
	}
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
	pid_t pid = fork();
	if (pid == 0) {
		close(s);
		_exit(up_writev_all(c, iov, NIOV, 5000, NULL, NULL) == 0 ? 0 : 1);
	}
	close(c);
	c = -1;
	CHECK_EQ(up_read_exact(s, dst, total, 5000, NULL, &err), 0);
	CHECK(memcmp(src, dst, total) == 0);
	char extra;
	CHECK_EQ(up_read_some(s, &extra, 1, 5000, NULL, &err), 0);
	int st = -1;
	waitpid(pid, &st, 0);
	CHECK_EQ(st, 0);
out:
	if (c >= 0)
		close(c);
	close(s);
	free(src);
	free(dst);
	free(iov);
}

/* Not a socket: send() gives ENOTSOCK and the write falls back to write(). */
static void test_write_pipe(void)
{
	int p[2];
	char buf[8];
	up_err_t err = { 0 };
	struct iovec iov[3] = {
		{ .iov_base = "ab", .iov_len = 2 },
		{ .iov_base = "", .iov_len = 0 },
		{ .iov_base = "cde", .iov_len = 3 },
	};

	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(up_write_all(p[1], "xyz", 3, 1000, "pipe", &err), 0);
	CHECK_EQ(up_writev_all(p[1], iov, 3, -1, "pipe", &err), 0);
	CHECK_EQ(up_writev_all(p[1], NULL, 0, -1, "pipe", &err), 0);
	CHECK_EQ(up_read_exact(p[0], buf, 8, 1000, "pipe", &err), 0);
	CHECK_MEM(buf, 8, "xyzabcde");

	/* A blocking pipe nobody drains: the deadline still holds. */
	size_t n = 1u << 20;
	char *big = calloc(1, n);
	CHECK(big != NULL);
	uint64_t t0 = up_now_ms();
	CHECK_EQ(up_write_all(p[1], big, n, 200, "pipe", &err), UP_ETIMEDOUT);
	uint64_t el = up_now_ms() - t0;
	CHECK(el >= 195 && el < 2000);
	CHECK_STR(err.msg, "write pipe: timed out after 200 ms");
	free(big);
	close(p[0]);
	close(p[1]);

	/* A closed fd is an error with the label, not a crash. */
	CHECK_EQ(up_write_all(p[1], "x", 1, 100, "fd", &err), UP_ESYS);
	CHECK_EQ(err.sys_errno, EBADF);
	CHECK(strncmp(err.msg, "write fd: ", 10) == 0);
}

/* ---- listening options and errors ------------------------------------- */

static void test_unix_chmod(void)
{
	char dir[64], path[128];
	struct stat st;
	up_addr_t a;
	up_err_t err = { 0 };
	up_listen_opts_t o = { .mode = 0600 };

	make_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/m.sock", dir);
	CHECK_EQ(up_addr_parse(path, &a, NULL), 0);
	int lfd = up_listen(&a, &o, &err);
	CHECK(lfd >= 0);
	CHECK(stat(path, &st) == 0);
	CHECK_EQ(st.st_mode & 0777, 0600);
	close(lfd);
	unlink(path);

	o.mode = 0666;
	lfd = up_listen(&a, &o, &err);
	CHECK(lfd >= 0);
	CHECK(stat(path, &st) == 0);
	CHECK_EQ(st.st_mode & 0777, 0666);
	close(lfd);
	unlink(path);
	CHECK_EQ(rmdir(dir), 0);
}

static void test_unix_unlink_existing(void)
{
	char dir[64], path[128], want[256];
	up_addr_t a;
	up_err_t err = { 0 };
	up_listen_opts_t keep = { 0 }, clean = { .unlink_existing = 1 };

	make_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/u.sock", dir);
	CHECK_EQ(up_addr_parse(path, &a, NULL), 0);

	/* Leave a stale socket file behind. */
	int lfd = up_listen(&a, NULL, &err);
	CHECK(lfd >= 0);
	close(lfd);

	CHECK_EQ(up_listen(&a, &keep, &err), UP_ESYS);
	CHECK_EQ(err.sys_errno, EADDRINUSE);
	snprintf(want, sizeof want, "bind %s: Address already in use", path);
	CHECK_STR(err.msg, want);

	lfd = up_listen(&a, &clean, &err);
	CHECK(lfd >= 0);

	/* A live socket is not stolen. */
	CHECK_EQ(up_listen(&a, &clean, &err), UP_ESYS);
	CHECK(strstr(err.msg, "another process is listening") != NULL);
	int cfd = up_connect(&a, 1000, &err);  /* the old listener still works */
	CHECK(cfd >= 0);
	close(cfd);
	close(lfd);
	unlink(path);

	/* A regular file is not removed. */
	int f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	CHECK(f >= 0);
	close(f);
	CHECK_EQ(up_listen(&a, &clean, &err), UP_ESYS);
	CHECK(strstr(err.msg, "not a socket") != NULL);
	CHECK(access(path, F_OK) == 0);
	unlink(path);

	/* Nothing there: unlink_existing is harmless. */
	lfd = up_listen(&a, &clean, &err);
	CHECK(lfd >= 0);
	close(lfd);
	unlink(path);
	CHECK_EQ(rmdir(dir), 0);
}

static void test_listen_errors(void)
{
	up_addr_t bound, a;
	up_err_t err = { 0 };
	char want[200];

	/* A port that is already listening. */
	int lfd = listen_on("127.0.0.1:0", NULL, &bound);
	CHECK_EQ(up_listen(&bound, NULL, &err), UP_ESYS);
	snprintf(want, sizeof want, "bind %s: Address already in use", up_addr_str(&bound));
	CHECK_STR(err.msg, want);
	close(lfd);

	/* A directory that is not there. */
	CHECK_EQ(up_addr_parse("/nonexistent-dir-up/x.sock", &a, NULL), 0);
	CHECK_EQ(up_listen(&a, NULL, &err), UP_ESYS);
	CHECK_STR(err.msg, "bind /nonexistent-dir-up/x.sock: No such file or directory");
	CHECK_EQ(errno, ENOENT);
}

static void test_listen_nonblock_accept(void)
{
	up_listen_opts_t o = { .nonblock = 1, .backlog = 5 };
	up_addr_t bound, peer;
	up_err_t err = { 0 };

	int lfd = listen_on("127.0.0.1:0", &o, &bound);
	if (lfd < 0)
		return;
	CHECK(is_nonblock(lfd));
	CHECK_EQ(up_accept(lfd, &peer, 0, &err), UP_ESYS);
	CHECK(errno == EAGAIN || errno == EWOULDBLOCK);
	CHECK_EQ(err.sys_errno, errno);
	CHECK(strstr(err.msg, up_addr_str(&bound)) != NULL);

	int cfd = up_connect(&bound, 1000, &err);
	CHECK(cfd >= 0);
	int sfd = -1;
	for (int i = 0; i < 100 && sfd < 0; i++) {  /* loopback: nearly at once */
		sfd = up_accept(lfd, &peer, 1, NULL);
		if (sfd < 0)
			usleep(10000);
	}
	CHECK(sfd >= 0);
	CHECK(is_nonblock(sfd));
	CHECK(is_cloexec(sfd));
	char host[64];
	int port = 0;
	CHECK_EQ(up_addr_host_port((struct sockaddr *)&peer.ss, peer.len, host,
	                           sizeof host, &port), 0);
	CHECK_STR(host, "127.0.0.1");
	CHECK(port > 0);
	close(sfd);
	close(cfd);
	close(lfd);
}

static const struct test_case tests[] = {
	T(test_addr_parse_good),
	T(test_addr_unix_layout),
	T(test_addr_parse_bad),
	T(test_addr_resolve),
	T(test_addr_format),
	T(test_tcp4_roundtrip),
	T(test_tcp6_roundtrip),
	T(test_unix_roundtrip),
	T(test_abstract_roundtrip),
	T(test_connect_refused),
	T(test_connect_timeout_tcp),
	T(test_connect_timeout_unix),
	T(test_read_timeout),
	T(test_read_deadline_is_total),
	T(test_read_nonblocking_fd),
	T(test_read_exact_early_close),
	T(test_write_closed_peer),
	T(test_write_timeout),
	T(test_writev_partial),
	T(test_write_pipe),
	T(test_unix_chmod),
	T(test_unix_unlink_existing),
	T(test_listen_errors),
	T(test_listen_nonblock_accept),
};

TEST_MAIN(tests)
