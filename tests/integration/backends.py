#!/usr/bin/python3
"""Real backends for gatesim serve integration tests (standard library only).

  backends.py http PORT NAME     HTTP/1.1 keep-alive server answering JSON that echoes the
                                 request (method, path, headers, body length) and NAME
  backends.py tcp-echo PORT      echoes every byte; closes when the client half-closes
  backends.py server-first PORT  sends a greeting before reading (like MySQL), then echoes
"""
import http.server
import json
import socket
import socketserver
import sys
import threading
import time


class EchoHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    backend_name = "backend"

    def _answer(self):
        length = int(self.headers.get("content-length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        payload = json.dumps({
            "backend": self.backend_name,
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body_bytes": len(body),
        }).encode()
        status = 200
        if self.path.startswith("/status/"):
            status = int(self.path.split("/")[2])
        if self.path.startswith("/delay/"):  # a slow request, for drain tests
            time.sleep(int(self.path.split("/")[2]) / 1000)
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

    def log_message(self, *args):
        pass


class ThreadedHTTPServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_tcp(port, greeting):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)

    def handle(conn):
        with conn:
            if greeting:
                conn.sendall(b"220 gatesim server-first greeting\r\n")
            while True:
                data = conn.recv(65536)
                if not data:
                    conn.shutdown(socket.SHUT_WR)
                    return
                conn.sendall(data)

    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def main():
    kind, port = sys.argv[1], int(sys.argv[2])
    if kind == "http":
        EchoHandler.backend_name = sys.argv[3] if len(sys.argv) > 3 else "backend"
        ThreadedHTTPServer(("127.0.0.1", port), EchoHandler).serve_forever()
    elif kind == "tcp-echo":
        serve_tcp(port, greeting=False)
    elif kind == "server-first":
        serve_tcp(port, greeting=True)
    else:
        sys.exit("unknown backend kind " + kind)


if __name__ == "__main__":
    main()
