#!/usr/bin/python3
"""Real backends for gatesim serve integration tests (standard library only).

  backends.py http PORT NAME     HTTP/1.1 keep-alive server answering JSON that echoes the
                                 request (method, path, headers, body length) and NAME
  backends.py tcp-echo PORT      echoes every byte; closes when the client half-closes
  backends.py server-first PORT  sends a greeting before reading (like MySQL), then echoes
  backends.py flaky PORT NAME K HOW
                                 as http, but the first K requests (all when K is -1) get HOW:
                                 an HTTP status code, `reset` (connection closed with a TCP
                                 RST before any response byte) or `slow` (answered after 2 s)
An http or flaky server answers GET /_count with how many other requests it has served.
"""
import http.server
import json
import socket
import socketserver
import struct
import sys
import threading
import time


class EchoHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # head and body are two writes: no delayed-ACK stall between them
    backend_name = "backend"
    fail_first, fail_how = 0, ""
    served = 0
    lock = threading.Lock()

    def _answer(self):
        length = int(self.headers.get("content-length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/_count":  # asked directly by the test, not through the gateway
            return self._send(200, str(EchoHandler.served).encode())
        with EchoHandler.lock:
            EchoHandler.served += 1
            failing = self.fail_first < 0 or EchoHandler.served <= self.fail_first
        if failing and self.fail_how == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if failing and self.fail_how == "slow":
            time.sleep(2)
        payload = json.dumps({
            "backend": self.backend_name,
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body_bytes": len(body),
        }).encode()
        status = int(self.fail_how) if failing and self.fail_how.isdigit() else 200
        if self.path.startswith("/status/"):
            status = int(self.path.split("/")[2])
        if self.path.startswith("/delay/"):  # a slow request, for drain tests
            time.sleep(int(self.path.split("/")[2]) / 1000)
        self._send(status, payload)

    def _send(self, status, payload):
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
    # socketserver's backlog is 5: a gateway opening dozens of pool connections at once (several
    # workers under h2load) would see SYNs dropped and retried a second later.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # The gateway closing a connection it gave up on (timeout, reset) is expected here.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


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
    elif kind == "flaky":
        EchoHandler.backend_name = sys.argv[3]
        EchoHandler.fail_first, EchoHandler.fail_how = int(sys.argv[4]), sys.argv[5]
        ThreadedHTTPServer(("127.0.0.1", port), EchoHandler).serve_forever()
    elif kind == "tcp-echo":
        serve_tcp(port, greeting=False)
    elif kind == "server-first":
        serve_tcp(port, greeting=True)
    else:
        sys.exit("unknown backend kind " + kind)


if __name__ == "__main__":
    main()
