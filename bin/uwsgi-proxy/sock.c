/* Non-blocking connect, UDP and multicast, socket options. */
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"

int sock_connect(const up_addr_t *a, int *pending)
{
	int fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	sock_nodelay(fd, a->family);
	*pending = 0;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) == 0)
		return fd;
	/* A UNIX socket whose backlog is full says EAGAIN: a refusal, not
	 * something to wait for. */
	if (errno == EINPROGRESS) {
		*pending = 1;
		return fd;
	}
	int e = errno;
	close(fd);
	errno = e;
	return -1;
}

int sock_error(int fd)
{
	int e = 0;
	socklen_t len = sizeof e;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return errno;
	return e;
}

void sock_nodelay(int fd, int family)
{
	int one = 1;
	if (family == AF_INET || family == AF_INET6)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int is_multicast(const up_addr_t *a)
{
	if (a->family == AF_INET) {
		const struct sockaddr_in *s = (const void *)&a->ss;
		return IN_MULTICAST(ntohl(s->sin_addr.s_addr));
	}
	if (a->family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)&a->ss;
		return IN6_IS_ADDR_MULTICAST(&s->sin6_addr);
	}
	return 0;
}

/* Join an IPv4 group on every interface that has an IPv4 address
 * (loopback included, so nodes on the same host are heard too). Returns
 * how many joins worked. */
static int join_every_interface(int fd, struct in_addr group)
{
	struct ifaddrs *ifs, *i;
	int joined = 0;
	if (getifaddrs(&ifs) < 0)
		return 0;
	for (i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		struct ip_mreq m = { .imr_multiaddr = group };
		m.imr_interface = ((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
		joined += setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m) == 0;
	}
	freeifaddrs(ifs);
	return joined;
}

/* Bind the group's port on the wildcard address, then join the group. */
static int join_group(int fd, const up_addr_t *a, up_err_t *err)
{
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (a->family == AF_INET) {
		struct sockaddr_in any = *(const struct sockaddr_in *)&a->ss;
		struct in_addr group = any.sin_addr;
		any.sin_addr.s_addr = htonl(INADDR_ANY);
		if (bind(fd, (struct sockaddr *)&any, sizeof any) < 0)
			return up_err_sys(err, UP_ESYS, "bind %s", a->name);
		if (join_every_interface(fd, group) == 0)
			return up_err_sys(err, UP_ESYS, "join multicast group %s", a->name);
		return 0;
	}
	struct sockaddr_in6 any = *(const struct sockaddr_in6 *)&a->ss;
	struct ipv6_mreq m = { .ipv6mr_multiaddr = any.sin6_addr };
	any.sin6_addr = in6addr_any;
	if (bind(fd, (struct sockaddr *)&any, sizeof any) < 0)
		return up_err_sys(err, UP_ESYS, "bind %s", a->name);
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m) < 0)
		return up_err_sys(err, UP_ESYS, "join multicast group %s", a->name);
	return 0;
}

int sock_udp(const up_addr_t *a, up_err_t *err)
{
	if (a->family == AF_UNIX) {
		up_err_set(err, UP_EADDR, "%s: subscriptions need a UDP address", a->name);
		return -1;
	}
	int fd = socket(a->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		up_err_sys(err, UP_ESYS, "socket %s", a->name);
		return -1;
	}
	int rc = is_multicast(a) ? join_group(fd, a, err)
		: bind(fd, (const struct sockaddr *)&a->ss, a->len) < 0
		? up_err_sys(err, UP_ESYS, "bind %s", a->name) : 0;
	if (rc < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void sock_reset_on_close(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}
