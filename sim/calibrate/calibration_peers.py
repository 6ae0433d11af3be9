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
    import h2.config
    import h2.connection
    import h2.events

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])
    chunk = b"u" * frame_size
    ok = 0
    for _ in range(connections):
        raw = socket.create_connection(("127.0.0.1", port))
        sock = context.wrap_socket(raw, server_hostname=host)
        if sock.selected_alpn_protocol() != "h2":
            print(f"ALPN chose {sock.selected_alpn_protocol()}, not h2")
            return 1
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        conn.initiate_connection()
        sock.sendall(conn.data_to_send())

        def pump(until):
            while not until():
                data = sock.recv(65536)
                if not data:
                    raise RuntimeError("the gateway closed the connection")
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.ResponseReceived):
                        status[event.stream_id] = dict(event.headers).get(":status")
                    elif isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)):
                        ended.add(event.stream_id)
                    elif isinstance(event, h2.events.DataReceived):
                        conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                out = conn.data_to_send()
                if out:
                    sock.sendall(out)

        status, ended = {}, set()
        for _ in range(streams):
            sid = conn.get_next_available_stream_id()
            conn.send_headers(sid, [(":method", "POST"), (":scheme", "https"), (":authority", host),
                                    (":path", "/upload"), ("content-length", str(frames * frame_size))])
            for i in range(frames):
                if conn.local_flow_control_window(sid) < frame_size:
                    sock.sendall(conn.data_to_send())
                    pump(lambda: conn.local_flow_control_window(sid) >= frame_size)
                conn.send_data(sid, chunk, end_stream=(i == frames - 1))
            sock.sendall(conn.data_to_send())
            pump(lambda: sid in ended)
            if status.get(sid) == "200":
                ok += 1
        conn.close_connection()
        sock.sendall(conn.data_to_send())
        sock.close()
    print(f"ok {ok} of {streams * connections} uploads answered 200")
    return 0 if ok == streams * connections else 1


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
