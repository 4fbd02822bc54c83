# A deliberately odd uwsgi backend for tests/cgi.bats: what real servers
# rarely send. Usage: cgi_fake_backend.py PORT MODE. Each connection's
# request (header, vars, CONTENT_LENGTH bytes of body) is read whole, then:
#   chunked    a chunked body in three chunks, Transfer-Encoding and
#              Connection fields that must not reach the web server
#   interim    "100 Continue" first, then "201 Created"
#   nothttp    the 4 bytes of a ping answer (not HTTP at all)
#   empty      closes without a byte
#   truncated  announces Content-Length 100, sends 5 bytes, closes
#   stall      answers nothing and keeps the connection open
#   vars       200 with the request's vars as the body, "KEY=value" a line,
#              in the order received, then "body=<n bytes>"
import socket
import struct
import sys
import time

RESPONSES = {
    "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
               b"Connection: close\r\nX-Kept: yes\r\n\r\n"
               b"5\r\nhello\r\n7\r\n, world\r\n2;ext=1\r\n!\n\r\n0\r\nX-Trailer: t\r\n\r\n",
    "interim": b"HTTP/1.1 100 Continue\r\n\r\n"
               b"HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nnew",
    "nothttp": b"\x64\x00\x00\x01",
    "empty": b"",
    "truncated": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
}


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        more = conn.recv(n - len(data))
        if not more:
            break
        data += more
    return data


def read_request(conn):
    head = read_exact(conn, 4)
    if len(head) < 4:
        return [], 0
    _, size, _ = struct.unpack("<BHB", head)
    block = read_exact(conn, size)
    pairs, i = [], 0
    while i + 2 <= len(block):
        kl = struct.unpack_from("<H", block, i)[0]
        k = block[i + 2:i + 2 + kl]
        i += 2 + kl
        vl = struct.unpack_from("<H", block, i)[0]
        v = block[i + 2:i + 2 + vl]
        i += 2 + vl
        pairs.append((k, v))
    length = int(dict(pairs).get(b"CONTENT_LENGTH", b"0") or 0)
    body = read_exact(conn, length)
    return pairs, len(body)


def answer(conn, mode):
    pairs, body_len = read_request(conn)
    if mode == "stall":
        time.sleep(60)
        return
    if mode == "vars":
        text = b"".join(k + b"=" + v + b"\n" for k, v in pairs)
        text += b"body=%d\n" % body_len
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(text)
                     + text)
        return
    conn.sendall(RESPONSES[mode])


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        with conn:
            answer(conn, mode)


main()
