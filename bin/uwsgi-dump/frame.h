/* From a captured frame to the transport segment inside it: link layer
 * (Ethernet with 802.1Q/802.1ad tags, Linux cooked v1 and v2, BSD
 * NULL/LOOP, raw IP), IPv4 or IPv6, then TCP or UDP. Every field is read
 * inside the captured length, as tcpdump's netdissect does; a frame cut by
 * the snaplen before the transport header is reported, never read past.
 * Link types are the numbers pcap_datalink() returns (DLT_*), which this
 * module knows by value so that it needs no libpcap.
 */
#ifndef UWSGI_DUMP_FRAME_H
#define UWSGI_DUMP_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum {
	LINK_NULL = 0,         /* DLT_NULL: 4-byte family, host order */
	LINK_EN10MB = 1,       /* DLT_EN10MB */
	LINK_RAW_BSD = 12,     /* DLT_RAW on Linux and most systems */
	LINK_RAW_OBSD = 14,    /* DLT_RAW on OpenBSD */
	LINK_RAW = 101,        /* LINKTYPE_RAW as stored in files */
	LINK_LOOP = 108,       /* DLT_LOOP: 4-byte family, network order */
	LINK_LINUX_SLL = 113,  /* DLT_LINUX_SLL */
	LINK_IPV4 = 228,
	LINK_IPV6 = 229,
	LINK_LINUX_SLL2 = 276, /* DLT_LINUX_SLL2 */
};

enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_ACK = 0x10 };

/* One TCP segment or UDP datagram. */
struct segment {
	uint64_t ts;              /* microseconds since the epoch */
	uint8_t family;           /* 4 or 6 */
	uint8_t proto;            /* 6 TCP, 17 UDP */
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes */
	uint16_t sport, dport;
	uint32_t seq, ack;        /* TCP only */
	uint8_t flags;            /* TCP flags */
	const uint8_t *data;      /* payload as captured */
	size_t cap;               /* payload bytes captured */
	size_t len;               /* payload bytes on the wire (>= cap) */
};

enum frame_result {
	FRAME_OK = 1,
	FRAME_OTHER = 0,          /* not IP, not TCP/UDP, or a later fragment */
	FRAME_TRUNCATED = -1,     /* cut before the end of the transport header */
	FRAME_FRAGMENT = -2,      /* a first IP fragment: payload incomplete */
	FRAME_BADLINK = -3,       /* a link type this module does not know */
};

/* Decode frame p[0..caplen) of link type `link`. On FRAME_OK and
 * FRAME_FRAGMENT *s is filled (s->data points into p). */
int frame_decode(int link, const uint8_t *p, size_t caplen, uint64_t ts,
		 struct segment *s);

/* 1 if frame_decode knows the link type. */
int frame_link_ok(int link);

/* "ip:port" or "[ip6]:port" for a segment's source (which 0) or
 * destination (1) into out (at least FRAME_NAME_MAX bytes). */
#define FRAME_NAME_MAX 56
void frame_endpoint(const struct segment *s, int which, char *out);

#endif
