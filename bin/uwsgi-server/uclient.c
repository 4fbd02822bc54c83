#include "uclient.h"

#include <stdio.h>
#include <unistd.h>

#include "uwsgiproto/net.h"

int uclient_send_err(const char *node, int timeout_ms, const void *pkt, size_t n,
		     up_header_t *h, up_err_t *e)
{
	up_addr_t a;
	uint8_t raw[UP_HEADER_SIZE];
	int rc = up_addr_parse(node, &a, e);
	if (rc < 0)
		return -1;
	int fd = up_connect(&a, timeout_ms, e);
	if (fd < 0)
		return -1;
	/* One deadline for the whole exchange. */
	uint64_t end = up_now_ms() + (uint64_t)timeout_ms;
	rc = up_write_all(fd, pkt, n, timeout_ms, up_addr_str(&a), e);
	if (rc == 0) {
		rc = up_read_exact(fd, raw, sizeof raw, up_ms_left(end), up_addr_str(&a), e);
	}
	if (rc == UP_ETIMEDOUT)
		/* Name the budget the caller gave, not what the read had left. */
		up_err_set(e, rc, "read %s: timed out after %d ms", up_addr_str(&a), timeout_ms);
	if (rc < 0) {
		close(fd);
		return -1;
	}
	up_header_decode(raw, sizeof raw, h);
	return fd;
}

int uclient_send(const char *node, int timeout_ms, const void *pkt, size_t n,
		 up_header_t *h, char *err, size_t errcap)
{
	up_err_t e;
	int fd = uclient_send_err(node, timeout_ms, pkt, n, h, &e);
	if (fd < 0)
		snprintf(err, errcap, "%s", e.msg);
	return fd;
}
