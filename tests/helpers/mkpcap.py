#!/usr/bin/python3
"""Hand-crafted captures for tests/dump.bats: TCP conversations carrying
uwsgi, written as pcap or pcapng with the link type, snaplen and segment
order a test needs (out of order, retransmitted, overlapping, mid-stream,
VLAN, IPv6, Linux cooked v1/v2, BSD loopback, raw IP, garbage...).

    mkpcap.py SCENARIO OUT.pcap [--link NAME] [--ng] [--snaplen N] [--v6]
    mkpcap.py --list
    mkpcap.py --fuzz-seeds DIR      seeds for tests/fuzz/fuzz_dump.c

Standard library only (Debian's /usr/bin/python3)."""
import argparse
import os
import random
import struct
import sys

LINKS = {"en10mb": 1, "vlan": 1, "qinq": 1, "sll": 113, "sll2": 276,
         "null": 0, "loop": 108, "raw": 101}
FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def le16(n):
    return struct.pack("<H", n)


def uwsgi(m1, pairs=(), m2=0, payload=None):
    """A uwsgi packet: header then vars (or a raw payload)."""
    if payload is None:
        payload = b"".join(le16(len(k)) + k + le16(len(v)) + v
                           for k, v in ((enc(k), enc(v)) for k, v in pairs))
    return bytes([m1]) + le16(len(payload)) + bytes([m2]) + payload


def array(items):
    return b"".join(le16(len(enc(i))) + enc(i) for i in items)


def enc(s):
    return s if isinstance(s, bytes) else s.encode("latin-1")


def wsgi(method, uri, body=b"", extra=()):
    """The vars nginx's uwsgi_params sends, plus extra pairs."""
    path, _, query = uri.partition("?")
    pairs = [("QUERY_STRING", query), ("REQUEST_METHOD", method),
             ("CONTENT_TYPE", "application/octet-stream" if body else ""),
             ("CONTENT_LENGTH", str(len(body)) if body else ""),
             ("REQUEST_URI", uri), ("PATH_INFO", path),
             ("DOCUMENT_ROOT", "/usr/share/nginx/html"),
             ("SERVER_PROTOCOL", "HTTP/1.1"), ("REQUEST_SCHEME", "http"),
             ("REMOTE_ADDR", "192.0.2.7"), ("REMOTE_PORT", "51000"),
             ("SERVER_PORT", "80"), ("SERVER_NAME", "example.test"),
             ("HTTP_HOST", "example.test"), ("HTTP_USER_AGENT", "mkpcap/1")]
    pairs += list(extra)
    return uwsgi(0, pairs) + body


def http(status, body=b"", reason="OK", chunked=False, length=True, extra=()):
    head = "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n" % (status, reason)
    for k, v in extra:
        head += "%s: %s\r\n" % (k, v)
    if chunked:
        head += "Transfer-Encoding: chunked\r\n\r\n"
        data = b""
        for i in range(0, len(body), 7):
            part = body[i:i + 7]
            data += b"%x\r\n" % len(part) + part + b"\r\n"
        return head.encode() + data + b"0\r\n\r\n"
    if length:
        head += "Content-Length: %d\r\n" % len(body)
    return head.encode() + b"\r\n" + body


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def addr_bytes(a, v6):
    import socket
    return socket.inet_pton(socket.AF_INET6 if v6 else socket.AF_INET, a)


class Capture:
    def __init__(self, link="en10mb", snaplen=262144, ng=False, t=1700000000000000):
        self.link, self.snaplen, self.ng, self.t = link, snaplen, ng, t
        self.records = []

    def frame(self, ip, v6):
        """Wrap an IP packet in the link layer."""
        etype = 0x86dd if v6 else 0x0800
        link = self.link
        if link in ("en10mb", "vlan", "qinq"):
            tags = b""
            if link == "qinq":
                tags = struct.pack("!HH", 0x88a8, 100) + struct.pack("!HH", 0x8100, 42)
            elif link == "vlan":
                tags = struct.pack("!HH", 0x8100, 42)
            return (b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + tags
                    + struct.pack("!H", etype) + ip)
        if link == "sll":
            return struct.pack("!HHH", 0, 772, 6) + b"\0" * 8 + struct.pack("!H", etype) + ip
        if link == "sll2":
            return struct.pack("!HHIHBB", etype, 0, 1, 772, 0, 6) + b"\0" * 8 + ip
        if link == "null":
            return struct.pack("<I", 30 if v6 else 2) + ip
        if link == "loop":
            return struct.pack("!I", 30 if v6 else 2) + ip
        return ip  # raw

    def add(self, data, dt=0.001):
        self.t += int(round(dt * 1e6))  # microseconds, kept exact
        self.records.append((self.t, data))

    def idle(self, seconds):
        self.t += int(seconds * 1e6)

    def write(self, path):
        link = LINKS[self.link]
        with open(path, "wb") as f:
            if self.ng:
                self._write_ng(f, link)
                return
            f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, self.snaplen, link))
            for t, data in self.records:
                cap = data[:self.snaplen]
                sec, usec = divmod(t, 1000000)
                f.write(struct.pack("<IIII", sec, usec, len(cap), len(data)) + cap)

    def _write_ng(self, f, link):
        def block(btype, body):
            body += b"\0" * (-len(body) % 4)
            n = len(body) + 12
            return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
        f.write(block(0x0a0d0d0a, struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1)))
        f.write(block(1, struct.pack("<HHI", link, 0, self.snaplen)))
        for t, data in self.records:
            cap = data[:self.snaplen]
            us = t
            f.write(block(6, struct.pack("<IIIII", 0, us >> 32, us & 0xffffffff,
                                         len(cap), len(data)) + cap))


class Conn:
    """One TCP connection between a client and a server endpoint."""

    def __init__(self, cap, cli=("127.0.0.1", 40000), srv=("127.0.0.1", 3031),
                 v6=False, seqs=(1000, 900000)):
        self.cap, self.ep, self.v6 = cap, [cli, srv], v6
        self.seq = list(seqs)

    def ip(self, side, payload, proto=6):
        (sa, _), (da, _) = self.ep[side], self.ep[1 - side]
        src, dst = addr_bytes(sa, self.v6), addr_bytes(da, self.v6)
        if self.v6:
            return struct.pack("!IHBB", 6 << 28, len(payload), proto, 64) + src + dst + payload
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64,
                          proto, 0, src, dst)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        return hdr + payload

    def put(self, side, seq, data=b"", flags=ACK | PSH, dt=0.001):
        """One segment with an explicit sequence number."""
        (sa, sp), (da, dp) = self.ep[side], self.ep[1 - side]
        ack = self.seq[1 - side] if flags & ACK else 0
        tcp = struct.pack("!HHIIBBHHH", sp, dp, seq & 0xffffffff, ack & 0xffffffff,
                          5 << 4, flags, 65535, 0, 0)
        src, dst = addr_bytes(sa, self.v6), addr_bytes(da, self.v6)
        pseudo = src + dst + (struct.pack("!I", len(tcp) + len(data)) + b"\0\0\0\x06"
                              if self.v6 else struct.pack("!BBH", 0, 6, len(tcp) + len(data)))
        c = csum(pseudo + tcp + data)
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        self.cap.add(self.cap.frame(self.ip(side, tcp + data), self.v6), dt)

    def handshake(self):
        self.put(0, self.seq[0], flags=SYN)
        self.seq[0] += 1
        self.put(1, self.seq[1], flags=SYN | ACK)
        self.seq[1] += 1
        self.put(0, self.seq[0], flags=ACK)

    def pieces(self, side, data, size):
        """Cut data into (seq, bytes) segments and advance the sequence."""
        out = []
        for i in range(0, len(data), size):
            out.append((self.seq[side] + i, data[i:i + size]))
        self.seq[side] += len(data)
        return out

    def send(self, side, data, mss=1400, dt=0.001):
        for seq, part in self.pieces(side, data, mss):
            self.put(side, seq, part, dt=dt)
        self.put(1 - side, self.seq[1 - side], flags=ACK)  # a bare ACK back

    def fin(self, side):
        self.put(side, self.seq[side], flags=FIN | ACK)
        self.seq[side] += 1

    def close(self):
        self.fin(1)
        self.fin(0)
        self.put(1, self.seq[1], flags=ACK)

    def rst(self, side):
        self.put(side, self.seq[side], flags=RST | ACK)


def udp(cap, src, dst, payload, v6=False):
    (sa, sp), (da, dp) = src, dst
    c = Conn(cap, src, dst, v6)
    u = struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload
    cap.add(cap.frame(c.ip(0, u, proto=17), v6))


# ---------------------------------------------------------------------------
# Scenarios. Each returns nothing; the test knows what they contain.

def ep(v6, port):
    return ("::1" if v6 else "127.0.0.1", port)


def talk(cap, v6, cport, sport, *msgs, end="close"):
    """A whole connection: the handshake, the (side, bytes) messages in
    order (side 0 the client), then FINs (or a reset by the server)."""
    c = Conn(cap, ep(v6, cport), ep(v6, sport), v6)
    c.handshake()
    for side, data in msgs:
        c.send(side, data)
    if end == "rst":
        c.rst(1)
    else:
        c.close()
    return c


def sc_basic(cap, v6):
    """GET /hello?x=1 answered 200 with 5 bytes, then POST with a body."""
    talk(cap, v6, 40000, 3031,
         (0, wsgi("GET", "/hello?x=1", extra=[("HTTP_X_TEST", "t\u00e9st")])),
         (1, http(200, b"hello")))
    talk(cap, v6, 40001, 3031, (0, wsgi("POST", "/upload", body=b"B" * 3000)),
         (1, http(201, b"stored", reason="Created")))


def sc_ooo(cap, v6):
    """Request and response segments delivered out of order."""
    c = Conn(cap, ep(v6, 40010), ep(v6, 3031), v6)
    c.handshake()
    segs = c.pieces(0, wsgi("POST", "/ooo", body=b"0123456789" * 50), 100)
    for seq, part in segs[1:3] + segs[:1] + segs[3:][::-1]:
        c.put(0, seq, part)
    segs = c.pieces(1, http(200, b"x" * 400), 120)
    for seq, part in segs[::-1]:
        c.put(1, seq, part)
    c.close()


def sc_retrans(cap, v6):
    """Every segment sent twice, some three times, with acks in between."""
    c = Conn(cap, ep(v6, 40020), ep(v6, 3031), v6)
    c.handshake()
    segs = c.pieces(0, wsgi("GET", "/retrans?a=b"), 60)
    for i, (seq, part) in enumerate(segs):
        c.put(0, seq, part)
        c.put(0, seq, part)
        if i == 2:
            c.put(0, segs[0][0], segs[0][1])
    for seq, part in c.pieces(1, http(404, b"not here", reason="Not Found"), 50):
        c.put(1, seq, part)
        c.put(1, seq, part)
    c.close()


def sc_overlap(cap, v6):
    """Segments that overlap each other (same bytes), in and out of order."""
    c = Conn(cap, ep(v6, 40030), ep(v6, 3031), v6)
    c.handshake()
    data = wsgi("PUT", "/overlap", body=bytes(range(256)) * 4)
    base = c.seq[0]
    c.seq[0] += len(data)
    cuts = [(0, 150), (100, 400), (350, 700), (650, len(data)), (20, 30)]
    for i in [0, 2, 1, 4, 3]:
        a, b = cuts[i]
        c.put(0, base + a, data[a:b])
    resp = http(200, b"ok" * 100)
    base = c.seq[1]
    c.seq[1] += len(resp)
    for a, b in [(0, 80), (40, 160), (120, len(resp)), (0, len(resp))]:
        c.put(1, base + a, resp[a:b])
    c.close()


def sc_midstream(cap, v6):
    """The capture starts inside the first request of a keep-alive
    connection: its tail, its answer, then a whole second exchange."""
    c = Conn(cap, ep(v6, 40040), ep(v6, 3031), v6)
    first = wsgi("GET", "/first", extra=[("HTTP_COOKIE", "a=" + "c" * 300)])
    c.seq[0] += 200  # these bytes were sent before the capture started
    c.put(0, c.seq[0], first[200:])
    c.seq[0] += len(first) - 200
    c.send(1, http(200, b"first"))
    c.send(0, wsgi("GET", "/second"))
    c.send(1, http(200, b"second!"))
    c.close()


def sc_pipelined(cap, v6):
    """Three requests in one segment, their answers in one segment: a
    ping, an RPC call and a WSGI request; then two requests split byte by
    byte."""
    c = Conn(cap, ep(v6, 40050), ep(v6, 3031), v6)
    c.handshake()
    c.send(0, uwsgi(100) + uwsgi(173, payload=array(["hello", "a", "b"]))
           + wsgi("GET", "/third"))
    c.send(1, uwsgi(100, m2=1) + uwsgi(173, payload=b"hello a,b") + http(200, b"3"))
    c.send(0, wsgi("GET", "/bytes") + uwsgi(17, [("name", "job1")]), mss=1)
    c.send(1, http(200, b"by", chunked=True) + uwsgi(255, m2=1), mss=3)
    c.close()


def sc_http_tls(cap, v6):
    """HTTP on 8080, TLS on 8443, SSH on 2222 and a broken look-alike on
    7000: none of them uwsgi. Then real uwsgi on port 9000."""
    rnd = random.Random(8443)
    hello = bytes.fromhex("16030102000100") + bytes(rnd.getrandbits(8) for _ in range(40))
    talk(cap, v6, 40060, 8080, (0, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
         (1, http(200, b"plain http")))
    talk(cap, v6, 40061, 8443, (0, hello), (1, bytes.fromhex("160303003d02") + b"\0" * 60))
    talk(cap, v6, 40062, 2222, (1, b"SSH-2.0-OpenSSH_9.2\r\n"), (0, b"SSH-2.0-client\r\n"))
    talk(cap, v6, 40063, 7000, (0, bytes([0, 8, 0, 0, 3, 0]) + b"abc" + b"\xff" * 5))
    talk(cap, v6, 40064, 9000, (0, wsgi("GET", "/on-9000")), (1, http(200, b"nine")))


def sc_garbage(cap, v6):
    """Random bytes on the uwsgi port, and streams that are almost uwsgi."""
    rnd = random.Random(3031)
    talk(cap, v6, 40070, 3031, (0, bytes([250]) + bytes(rnd.getrandbits(8) for _ in range(3000))),
         (1, bytes(rnd.getrandbits(8) for _ in range(500))))
    # A vars block whose third var's key length runs past the end.
    talk(cap, v6, 40071, 3031, (0, bytes([0]) + le16(11) + b"\0" + le16(1) + b"A" + le16(1)
                                + b"B" + le16(200) + b"CCC"))
    # An empty key.
    talk(cap, v6, 40072, 3031, (0, bytes([0]) + le16(6) + b"\0" + le16(0) + le16(2) + b"xy"))
    # Size past end: the header announces 300 bytes, 20 come.
    talk(cap, v6, 40073, 3031, (0, bytes([0]) + le16(300) + b"\0" + le16(3) + b"KEY" + le16(13)
                                + b"value is cut."))
    # HTTP spoken to the uwsgi port.
    talk(cap, v6, 40074, 3031, (0, b"GET /oops HTTP/1.1\r\nHost: x\r\n\r\n"))
    # An unassigned modifier1, then a good request on the same stream.
    talk(cap, v6, 40075, 3031, (0, bytes([4, 3, 0, 0, 1, 2, 3]) + wsgi("GET", "/after-garbage")),
         (1, http(200, b"ok")))


def sc_bigvars(cap, v6):
    """A request with 1500 bytes of vars and a 4000-byte body, for small
    snaplens."""
    c = Conn(cap, ep(v6, 40080), ep(v6, 3031), v6)
    c.handshake()
    c.send(0, wsgi("POST", "/big", body=b"Z" * 4000,
                   extra=[("HTTP_COOKIE", "k=" + "v" * 1200)]), mss=1000)
    c.send(1, http(200, b"R" * 3000), mss=1000)
    c.close()


def sc_lost(cap, v6):
    """A segment of the request body missing from the capture, then one of
    the response body; everything after is there."""
    c = Conn(cap, ep(v6, 40090), ep(v6, 3031), v6)
    c.handshake()
    segs = c.pieces(0, wsgi("POST", "/lossy", body=b"L" * 5000), 1000)
    for i, (seq, part) in enumerate(segs):
        if i != 3:
            c.put(0, seq, part)
    segs = c.pieces(1, http(200, b"M" * 5000), 1000)
    for i, (seq, part) in enumerate(segs):
        if i != 2:
            c.put(1, seq, part)
    c.close()


def sc_memlimit(cap, v6):
    """A hole at the start of a 600 KB body that never fills: the segments
    after it cannot all be kept under --max-flow-bytes 128K."""
    c = Conn(cap, ep(v6, 40100), ep(v6, 3031), v6)
    c.handshake()
    segs = c.pieces(0, wsgi("POST", "/hole", body=b"H" * 600000), 1400)
    for i, (seq, part) in enumerate(segs):
        if i != 1:
            c.put(0, seq, part)
    c.send(1, http(200, b"done"))
    c.close()


def sc_manyholes(cap, v6):
    """Twenty connections open at once, each with a hole early in a 90 KB
    body: more than --max-total-bytes 1M can hold."""
    conns = []
    for i in range(20):
        c = Conn(cap, ep(v6, 40200 + i), ep(v6, 3031), v6)
        c.handshake()
        conns.append((c, c.pieces(0, wsgi("POST", "/many/%d" % i, body=b"m" * 90000), 1400)))
    for c, segs in conns:
        for j, (seq, part) in enumerate(segs):
            if j != 1:
                c.put(0, seq, part)
    for c, _ in conns:
        c.send(1, http(200, b"ok"))
        c.close()


def sc_idle(cap, v6):
    """A request whose server goes silent for 300 s; then another flow."""
    c = Conn(cap, ep(v6, 40110), ep(v6, 3031), v6)
    c.handshake()
    c.send(0, wsgi("GET", "/slow"))
    cap.idle(300)
    talk(cap, v6, 40111, 3031, (0, uwsgi(100)), (1, uwsgi(100, m2=1)))


def sc_http_features(cap, v6):
    """HEAD, 204, 100-continue, chunked, close-delimited, and a reset."""
    talk(cap, v6, 40120, 3031, (0, wsgi("HEAD", "/head")),
         (1, http(200, b"", extra=[("X-Len", "99")])))
    talk(cap, v6, 40121, 3031, (0, wsgi("DELETE", "/gone")),
         (1, b"HTTP/1.1 204 No Content\r\n\r\n"))
    talk(cap, v6, 40122, 3031, (0, wsgi("POST", "/cont", body=b"abc")),
         (1, b"HTTP/1.1 100 Continue\r\n\r\n" + http(200, b"continued")))
    talk(cap, v6, 40123, 3031, (0, wsgi("GET", "/chunked")),
         (1, http(200, b"a chunked body of 31 bytes here", chunked=True)))
    talk(cap, v6, 40124, 3031, (0, wsgi("GET", "/eof")),
         (1, http(200, b"until the close", length=False)))
    talk(cap, v6, 40125, 3031, (0, wsgi("GET", "/reset")),
         (1, http(200, b"0123456789")[:-4]), end="rst")


def sc_specials(cap, v6):
    """Echo, a uwsgi signal, message passing (31 and 32) and an eval,
    each on its own connection as uWSGI closes after answering."""
    talk(cap, v6, 40300, 3031, (0, uwsgi(101, payload=b"hello echo")), (1, b"hello echo"))
    talk(cap, v6, 40301, 3031, (0, uwsgi(110, m2=17)), (1, uwsgi(255, m2=1)))
    talk(cap, v6, 40302, 3031, (0, uwsgi(31, [("to", "worker"), ("msg", "hi")], m2=5)))
    talk(cap, v6, 40303, 3031, (0, uwsgi(32, payload=b"chars")))
    talk(cap, v6, 40304, 3031, (0, uwsgi(22, payload=b"print(1)\n")), (1, b"1\n"))


def sc_bulk(cap, v6):
    """Many exchanges, as nginx sends them, for benchmarks: MKPCAP_BULK of
    them (default 2000), every tenth a POST with a 64 KB body."""
    for i in range(int(os.environ.get("MKPCAP_BULK", "2000"))):
        body = b"p" * 65536 if i % 10 == 9 else b""
        talk(cap, v6, 10000 + i % 50000, 3031,
             (0, wsgi("POST" if body else "GET", "/item/%d?page=%d" % (i % 97, i), body=body)),
             (1, http(200, b"x" * (200 + i % 1000))))


def sc_udp(cap, v6):
    """Subscription datagrams as uWSGI sends them, and a broken one."""
    sub = [("key", "sub.example"), ("address", "127.0.0.1:9405"), ("modifier1", "0"),
           ("modifier2", "0"), ("cores", "1"), ("load", "0"), ("weight", "0")]
    src, dst = ep(v6, 41000), ep(v6, 7777)
    udp(cap, src, dst, uwsgi(224, sub), v6)
    udp(cap, src, dst, uwsgi(224, sub, m2=1), v6)
    udp(cap, src, ep(v6, 3031), uwsgi(224, sub)[:30], v6)
    udp(cap, src, ep(v6, 53), b"\x12\x34\x01\x00\x00\x01" + b"\0" * 20, v6)


SCENARIOS = {name[3:]: fn for name, fn in globals().items() if name.startswith("sc_")}


def fuzz_seeds(out):
    """The fuzz target's input: one byte choosing the link type (an index
    into its table: 0 Ethernet, 1 SLL, 2 SLL2, 3 NULL, 4 LOOP, 5 raw), then
    frames as [u16 LE length][bytes], the length's top bit for a pause of
    minutes. Every scenario over Ethernet, and a few over other links, with
    IPv6, or cut to a snaplen of 96."""
    os.makedirs(out, exist_ok=True)
    index = {"en10mb": 0, "vlan": 0, "qinq": 0, "sll": 1, "sll2": 2, "null": 3,
             "loop": 4, "raw": 5}
    runs = [(name, "en10mb", False, 65535) for name in sorted(SCENARIOS)
            if name not in ("memlimit", "manyholes", "bulk")]
    runs += [("basic", "sll2", False, 65535), ("basic", "qinq", True, 65535),
             ("pipelined", "raw", True, 65535), ("udp", "null", True, 65535),
             ("ooo", "loop", False, 65535), ("bigvars", "sll", False, 96)]
    for name, link, v6, snap in runs:
        cap = Capture(link)
        SCENARIOS[name](cap, v6)
        blob = bytearray([index[link]])
        last = cap.records[0][0] if cap.records else 0
        for t, data in cap.records:
            idle = 0x8000 if t - last > 100 * 1000000 else 0  # the target's clock jump
            last = t
            blob += le16(min(len(data), snap) | idle) + data[:snap]
        label = name if (link, v6, snap) == ("en10mb", False, 65535) else \
            "%s-%s%s%s" % (name, link, "-v6" if v6 else "", "-snap%d" % snap if snap < 65535 else "")
        with open(os.path.join(out, label), "wb") as f:
            f.write(bytes(blob))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--link", default="en10mb", choices=sorted(LINKS))
    ap.add_argument("--ng", action="store_true", help="write pcapng")
    ap.add_argument("--snaplen", type=int, default=262144)
    ap.add_argument("--v6", action="store_true", help="IPv6 (::1)")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--fuzz-seeds", metavar="DIR")
    a = ap.parse_args()
    if a.list:
        for name, fn in sorted(SCENARIOS.items()):
            print("%-14s %s" % (name, fn.__doc__.split("\n")[0]))
        return 0
    if a.fuzz_seeds:
        fuzz_seeds(a.fuzz_seeds)
        return 0
    if a.scenario not in SCENARIOS or not a.out:
        ap.error("give a SCENARIO (see --list) and an OUT file")
    cap = Capture(a.link, a.snaplen, a.ng)
    SCENARIOS[a.scenario](cap, a.v6)
    cap.write(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
