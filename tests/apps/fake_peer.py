# A misbehaving uwsgi peer for tests/send.bats.
# usage: fake_peer.py MODE HOST PORT
#   silent   accept and never answer (keeps every connection open)
#   garbage  read the request's packet, answer "garbage\n" and close
#   close    read the request's packet, close without answering
#   pong     read the request's packet, answer a pong (64 00 00 01)
#   rpcbig   read the request's packet, answer an RPC result of modifier2 5
#            whose CONTENT_LENGTH is "12a" (not a number), then 12 bytes
#   interim  read the request's packet, answer 4300 interim heads
#            ("HTTP/1.1 100 ") then "200 OK" with the body "ok"
# HOST may be an IPv6 address (::1), a UNIX socket path or an @abstract
# name (bound with its exact length, PORT then ignored). Serves
# connections one after the other until killed.
import socket
import sys

mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode not in ("silent", "garbage", "close", "pong", "rpcbig", "interim"):
    sys.exit("fake_peer.py: unknown mode " + mode)

if host[0] in "@/":
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind("\0" + host[1:] if host[0] == "@" else host)
else:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
srv.listen(16)
held = []


def read_packet(conn):
    """Header and vars, so that closing does not reset the connection."""
    def exact(n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                break
            data += chunk
        return data
    head = exact(4)
    if len(head) == 4:
        exact(head[1] | head[2] << 8)


while True:
    conn, _ = srv.accept()
    if mode == "silent":
        held.append(conn)  # keep it open, answer nothing
        continue
    read_packet(conn)
    if mode == "garbage":
        conn.sendall(b"garbage\n")
    elif mode == "pong":
        conn.sendall(b"\x64\x00\x00\x01")
    elif mode == "rpcbig":
        cl = b"\x0e\x00CONTENT_LENGTH\x03\x0012a"
        conn.sendall(bytes([173, len(cl), 0, 5]) + cl + b"0123456789ab")
    elif mode == "interim":
        conn.sendall(b"HTTP/1.1 100 \n\n" * 4300 +
                     b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    conn.close()
