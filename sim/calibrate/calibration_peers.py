# Load generators and a backend for `gatesim calibrate` that h2load and nginx cannot be:
# HTTP/2 uploads in many small DATA frames (the http2_frame workload) and bulk TCP through
# the gateway's TCP proxy (tcp_byte). Built into the gatesim binary (calibration_peers_text.h)
# and written to the calibration's temporary folder. Their CPU is not measured: only the
# gateway's is. Prints one line "ok ..." on success; anything else is a failure.
import socket
import ssl
import struct
import sys
import threading

CHUNK = b"x" * (1 << 20)


def tcp_backend(port):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(128)

    def serve(conn):
        with conn:
            command = conn.recv(1)
            if command == b"U":  # upload: swallow everything, then close
                while conn.recv(1 << 20):
                    pass
            elif command == b"D":  # download: send the asked number of bytes, then close
                header = b""
                while len(header) < 8:
                    more = conn.recv(8 - len(header))
                    if not more:
                        return
                    header += more
                left = struct.unpack(">Q", header)[0]
                while left > 0:
                    n = conn.send(CHUNK[: min(left, len(CHUNK))])
                    left -= n
                conn.shutdown(socket.SHUT_WR)
                while conn.recv(65536):
                    pass

    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def tcp_client(port, mode, total, connections):
    per = total // connections
    for _ in range(connections):
        with socket.create_connection(("127.0.0.1", port)) as s:
            if mode == "upload":
                s.sendall(b"U")
                left = per
                while left > 0:
                    n = min(left, len(CHUNK))
                    s.sendall(CHUNK[:n])
                    left -= n
                s.shutdown(socket.SHUT_WR)
                while s.recv(65536):
                    pass
            else:
                s.sendall(b"D" + struct.pack(">Q", per))
                got = 0
                while True:
                    data = s.recv(1 << 20)
                    if not data:
                        break
                    got += len(data)
                if got != per:
                    print(f"download got {got} of {per} bytes")
                    return 1
    print(f"ok {connections} connections, {per * connections} bytes")
    return 0


def h2_upload(port, host, streams, frames, frame_size, connections):
    """POSTs `streams` uploads of `frames` DATA frames of `frame_size` bytes each, 8 streams in
    flight. HTTP/2 is spoken by hand (precomputed frames, literal HPACK) rather than with the h2
    library: at ~50 us a frame the library, not the gateway, would set the pace."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])

    def frame(kind, flags, sid, payload):
        return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", sid) + payload

    def literal(name, value):  # literal header field without indexing, new name (RFC 7541 6.2.2)
        return bytes([0, len(name)]) + name + bytes([len(value)]) + value

    block = b"".join(literal(n, v) for n, v in [
        (b":method", b"POST"), (b":scheme", b"https"), (b":authority", host.encode()),
        (b":path", b"/upload"), (b"content-length", str(frames * frame_size).encode())])
    chunk = b"u" * frame_size
    data_head = struct.pack(">I", frame_size)[1:] + bytes([0, 0])  # DATA, no flags
    last_head = struct.pack(">I", frame_size)[1:] + bytes([0, 1])  # DATA, END_STREAM

    def upload(sid):
        sid_bytes = struct.pack(">I", sid)
        return (frame(1, 4, sid, block) + (data_head + sid_bytes + chunk) * (frames - 1) +
                last_head + sid_bytes + chunk)

    body = frames * frame_size
    in_flight = 8
    ok = 0
    per_connection = streams // connections
    for _ in range(connections):
        sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname=host)
        if sock.selected_alpn_protocol() != "h2":
            print(f"ALPN chose {sock.selected_alpn_protocol()}, not h2")
            return 1
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(4, 0, 0, b""))
        buffer = b""
        window = 65535  # the connection's send window; each stream's is larger than one upload
        open_streams = {}  # stream id -> status seen
        next_sid = 1
        sent = 0

        def read_frames():
            nonlocal buffer, window, ok
            data = sock.recv(1 << 16)
            if not data:
                raise RuntimeError("the gateway closed the connection")
            buffer += data
            while len(buffer) >= 9:
                length = int.from_bytes(buffer[0:3], "big")
                if len(buffer) < 9 + length:
                    break
                kind, flags = buffer[3], buffer[4]
                sid = int.from_bytes(buffer[5:9], "big") & 0x7FFFFFFF
                payload = buffer[9:9 + length]
                buffer = buffer[9 + length:]
                if kind == 4 and not flags & 1:  # SETTINGS: acknowledge
                    sock.sendall(frame(4, 1, 0, b""))
                elif kind == 8 and sid == 0:  # WINDOW_UPDATE for the connection
                    window += int.from_bytes(payload, "big") & 0x7FFFFFFF
                elif kind == 6 and not flags & 1:  # PING: answer
                    sock.sendall(frame(6, 1, 0, payload))
                elif kind == 1 and sid in open_streams:  # HEADERS: ":status: 200" is HPACK index 8
                    open_streams[sid] = open_streams[sid] or (payload[:1] == b"\x88")
                elif kind == 3 and sid in open_streams:  # RST_STREAM
                    del open_streams[sid]
                elif kind == 7:  # GOAWAY
                    raise RuntimeError("the gateway sent GOAWAY")
                if kind in (0, 1) and flags & 1 and sid in open_streams:  # END_STREAM
                    ok += 1 if open_streams.pop(sid) else 0

        while sent < per_connection or open_streams:
            if sent < per_connection and len(open_streams) < in_flight and window >= body:
                open_streams[next_sid] = False
                sock.sendall(upload(next_sid))
                window -= body
                next_sid += 2
                sent += 1
            else:
                read_frames()
        sock.sendall(frame(7, 0, 0, struct.pack(">II", next_sid - 2, 0)))
        sock.close()
    print(f"ok {ok} of {per_connection * connections} uploads answered 200")
    return 0 if ok == per_connection * connections else 1


def main(argv):
    if argv[1] == "tcp-backend":
        tcp_backend(int(argv[2]))
        return 0
    if argv[1] == "tcp-client":
        return tcp_client(int(argv[2]), argv[3], int(argv[4]), int(argv[5]))
    if argv[1] == "h2-upload":
        return h2_upload(int(argv[2]), argv[3], int(argv[4]), int(argv[5]), int(argv[6]), int(argv[7]))
    print(f"unknown mode {argv[1]}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
