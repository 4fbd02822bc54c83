#include "frame.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>


#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int transport(const uint8_t *p, size_t cap, size_t wire, int proto,
		     struct segment *s)
{
	s->proto = (uint8_t)proto;
	if (proto == 6) {
		if (cap < 20)
			return FRAME_TRUNCATED;
		size_t hl = (size_t)(p[12] >> 4) * 4;
		if (hl < 20 || hl > wire)
			return FRAME_OTHER;  /* a bogus header: nothing to trust */
		if (hl > cap)
			return FRAME_TRUNCATED;
		s->sport = be16(p);
		s->dport = be16(p + 2);
		s->seq = be32(p + 4);
		s->ack = be32(p + 8);
		s->flags = p[13];
		s->data = p + hl;
		s->len = wire - hl;
		s->cap = cap - hl < s->len ? cap - hl : s->len;
		return FRAME_OK;
	}
	if (proto == 17) {
		if (cap < 8)
			return FRAME_TRUNCATED;
		size_t ulen = be16(p + 4);
		/* The UDP length wins over the IP one when it is sane. */
		if (ulen >= 8 && ulen <= wire)
			wire = ulen;
		s->sport = be16(p);
		s->dport = be16(p + 2);
		s->data = p + 8;
		s->len = wire - 8;
		s->cap = cap - 8 < s->len ? cap - 8 : s->len;
		return FRAME_OK;
	}
	return FRAME_OTHER;
}

static int ipv4(const uint8_t *p, size_t cap, struct segment *s)
{
	if (cap < 20)
		return FRAME_TRUNCATED;
	if (p[0] >> 4 != 4)
		return FRAME_OTHER;
	size_t hl = (size_t)(p[0] & 0x0f) * 4;
	size_t total = be16(p + 2);
	if (total == 0)
		total = cap;  /* TSO: the length was left for the NIC to fill */
	if (hl < 20 || total < hl)
		return FRAME_OTHER;
	if (hl > cap)
		return FRAME_TRUNCATED;
	uint16_t frag = be16(p + 6);
	s->family = 4;
	memcpy(s->src, p + 12, 4);
	memcpy(s->dst, p + 16, 4);
	if (frag & 0x1fff)
		return FRAME_OTHER;  /* a later fragment: no transport header */
	size_t tcap = cap - hl < total - hl ? cap - hl : total - hl;
	int rc = transport(p + hl, tcap, total - hl, p[9], s);
	if (rc == FRAME_OK && (frag & 0x2000))
		return FRAME_FRAGMENT;
	return rc;
}

/* Skip IPv6 extension headers (hop-by-hop, routing, fragment,
 * destination options) up to the transport header. */
static int ipv6(const uint8_t *p, size_t cap, struct segment *s)
{
	if (cap < 40)
		return FRAME_TRUNCATED;
	if (p[0] >> 4 != 6)
		return FRAME_OTHER;
	size_t wire = be16(p + 4);
	if (wire == 0)
		wire = cap - 40;  /* jumbogram or TSO: trust what was captured */
	s->family = 6;
	memcpy(s->src, p + 8, 16);
	memcpy(s->dst, p + 24, 16);
	int next = p[6], fragment = 0;
	size_t off = 40, end = 40 + wire;
	for (int hops = 0; hops < 8; hops++) {
		if (next == 6 || next == 17) {
			if (off > cap)
				return FRAME_TRUNCATED;
			size_t tcap = cap < end ? cap - off : end - off;
			int rc = transport(p + off, tcap, end - off, next, s);
			return rc == FRAME_OK && fragment ? FRAME_FRAGMENT : rc;
		}
		if (next != 0 && next != 43 && next != 44 && next != 60)
			return FRAME_OTHER;
		if (off >= end)
			return FRAME_OTHER;
		if (off > cap || 8 > cap - off)
			return FRAME_TRUNCATED;
		size_t hl = next == 44 ? 8 : ((size_t)p[off + 1] + 1) * 8;
		if (next == 44) {
			if (be16(p + off + 2) & 0xfff8)
				return FRAME_OTHER;  /* not the first fragment */
			fragment = be16(p + off + 2) & 1;
		}
		next = p[off];
		if (hl > end - off)
			return FRAME_OTHER;
		off += hl;
	}
	return FRAME_OTHER;
}

static int by_version(const uint8_t *p, size_t cap, struct segment *s)
{
	if (cap < 1)
		return FRAME_TRUNCATED;
	if (p[0] >> 4 == 4)
		return ipv4(p, cap, s);
	if (p[0] >> 4 == 6)
		return ipv6(p, cap, s);
	return FRAME_OTHER;
}

static int by_ethertype(unsigned type, const uint8_t *p, size_t cap, struct segment *s)
{
	if (type == ETH_IPV4)
		return ipv4(p, cap, s);
	if (type == ETH_IPV6)
		return ipv6(p, cap, s);
	return FRAME_OTHER;
}

static int ethernet(const uint8_t *p, size_t cap, struct segment *s)
{
	if (cap < 14)
		return FRAME_TRUNCATED;
	size_t off = 12;
	unsigned type = be16(p + off);
	/* 802.1Q, 802.1ad and the old QinQ value: a 4-byte tag each. */
	for (int tags = 0; (type == 0x8100 || type == 0x88a8 || type == 0x9100); tags++) {
		if (tags == 4)
			return FRAME_OTHER;
		off += 4;
		if (off > cap || 2 > cap - off)
			return FRAME_TRUNCATED;
		type = be16(p + off);
	}
	off += 2;
	return by_ethertype(type, p + off, cap - off, s);
}

/* BSD loopback: the address family as a 32-bit word, in the capturing
 * host's order (NULL) or network order (LOOP). AF_INET is 2 everywhere;
 * AF_INET6 is 10 on Linux, 24, 28 or 30 on the BSDs and macOS. */
static int loopback(int link, const uint8_t *p, size_t cap, struct segment *s)
{
	if (cap < 4)
		return FRAME_TRUNCATED;
	uint32_t fam = link == LINK_LOOP ? be32(p)
		: (uint32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
	if (fam > 0xffff)  /* written by a host of the other byte order */
		fam = (fam >> 24) | ((fam >> 8) & 0xff00);
	if (fam == 2)
		return ipv4(p + 4, cap - 4, s);
	if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
		return ipv6(p + 4, cap - 4, s);
	return FRAME_OTHER;
}

int frame_link_ok(int link)
{
	switch (link) {
	case LINK_NULL: case LINK_EN10MB: case LINK_RAW_BSD: case LINK_RAW_OBSD:
	case LINK_RAW: case LINK_LOOP: case LINK_LINUX_SLL: case LINK_IPV4:
	case LINK_IPV6: case LINK_LINUX_SLL2:
		return 1;
	}
	return 0;
}

int frame_decode(int link, const uint8_t *p, size_t caplen, uint64_t ts,
		 struct segment *s)
{
	memset(s, 0, sizeof *s);
	s->ts = ts;
	switch (link) {
	case LINK_EN10MB:
		return ethernet(p, caplen, s);
	case LINK_LINUX_SLL:
		if (caplen < 16)
			return FRAME_TRUNCATED;
		return by_ethertype(be16(p + 14), p + 16, caplen - 16, s);
	case LINK_LINUX_SLL2:
		if (caplen < 20)
			return FRAME_TRUNCATED;
		return by_ethertype(be16(p), p + 20, caplen - 20, s);
	case LINK_NULL:
	case LINK_LOOP:
		return loopback(link, p, caplen, s);
	case LINK_RAW_BSD:
	case LINK_RAW_OBSD:
	case LINK_RAW:
		return by_version(p, caplen, s);
	case LINK_IPV4:
		return ipv4(p, caplen, s);
	case LINK_IPV6:
		return ipv6(p, caplen, s);
	}
	return FRAME_BADLINK;
}

void frame_endpoint(const struct segment *s, int which, char *out)
{
	char host[INET6_ADDRSTRLEN];
	const uint8_t *a = which ? s->dst : s->src;
	unsigned port = which ? s->dport : s->sport;
	if (s->family == 6) {
		inet_ntop(AF_INET6, a, host, sizeof host);
		snprintf(out, FRAME_NAME_MAX, "[%s]:%u", host, port);
	} else {
		inet_ntop(AF_INET, a, host, sizeof host);
		snprintf(out, FRAME_NAME_MAX, "%s:%u", host, port);
	}
}
