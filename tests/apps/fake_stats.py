"""A stand-in stats server for uwsgi-stats' tests: it answers every
connection on 127.0.0.1:PORT the way MODE says, so the suite can show what
the tool does with answers real uWSGI never gives on demand.

usage: fake_stats.py MODE PORT [FILE...]

  raw FILE        the file's bytes, then close (a plain --stats socket)
  seq FILE...     as raw, the first file to the first connection, the
                  second to the second..., the last one from then on
  truncated FILE  the first half of the file, then close
  garbage         binary bytes that are no JSON, then close
  hang            accept and never answer
  http FILE       read the request, answer HTTP/1.0 with Content-Length
  chunked FILE    the same, HTTP/1.1 with a chunked body
  close FILE      the same, no length: the body ends with the connection
  http404         HTTP/1.0 404 Not Found
"""
import socket
import sys
import threading
import time


def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def chunks(body, size=97):
    out = b""
    for i in range(0, len(body), size):
        part = body[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


def answer(mode, body, conn):
    if mode in ("raw", "seq"):
        conn.sendall(body)
    elif mode == "truncated":
        conn.sendall(body[:len(body) // 2])
    elif mode == "garbage":
        conn.sendall(b"\x00\x01\x02garbage\xff\xfe not json")
    elif mode == "hang":
        time.sleep(60)
    elif mode == "http404":
        read_head(conn)
        conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    else:
        read_head(conn)
        head = {
            "http": b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n" % len(body),
            "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n",
            "close": b"HTTP/1.0 200 OK\r\n",
        }[mode]
        payload = chunks(body) if mode == "chunked" else body
        conn.sendall(head + b"Content-Type: application/json\r\n\r\n" + payload)


def serve(mode, body, conn):
    try:
        answer(mode, body, conn)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    bodies = [open(f, "rb").read() for f in sys.argv[3:]] or [b""]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(16)
    served = 0
    while True:
        conn, _ = srv.accept()
        body = bodies[min(served, len(bodies) - 1)]
        served += 1
        threading.Thread(target=serve, args=(mode, body, conn), daemon=True).start()


if __name__ == "__main__":
    main()
