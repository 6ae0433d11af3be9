#!/usr/bin/python3
"""h2_requests.py PORT SNI CA AUTHORITY PATH [AUTHORITY PATH ...]

One TLS connection to 127.0.0.1:PORT (SNI given, ALPN h2 required, the certificate checked
against CA and SNI) carrying one GET per AUTHORITY PATH pair, one after the other, as a
browser coalescing hosts onto one connection does. Prints `local_port N` (so the gateway's
access log can prove one connection), then `AUTHORITY PATH STATUS` per request. Uses Debian's
python3-h2.
"""
import socket
import ssl
import sys

import h2.config
import h2.connection
import h2.events


def main():
    port, sni, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    pairs = list(zip(sys.argv[4::2], sys.argv[5::2]))
    context = ssl.create_default_context(cafile=ca)
    context.set_alpn_protocols(["h2"])
    sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname=sni)
    if sock.selected_alpn_protocol() != "h2":
        sys.exit("ALPN selected %r, not h2" % sock.selected_alpn_protocol())
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    print("local_port", sock.getsockname()[1], flush=True)
    for authority, path in pairs:
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, [(":method", "GET"), (":scheme", "https"), (":authority", authority),
                                   (":path", path)], end_stream=True)
        sock.sendall(conn.data_to_send())
        status = None
        while True:
            data = sock.recv(65536)
            if not data:
                sys.exit("connection closed before the answer to %s %s" % (authority, path))
            events = conn.receive_data(data)
            sock.sendall(conn.data_to_send())
            for event in events:
                if isinstance(event, h2.events.ResponseReceived) and event.stream_id == stream:
                    status = dict(event.headers)[":status"]
                elif isinstance(event, h2.events.DataReceived):
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamReset) and event.stream_id == stream:
                    status = "reset"
                elif isinstance(event, h2.events.ConnectionTerminated):
                    sys.exit("GOAWAY before the answer to %s %s" % (authority, path))
            if status == "reset" or any(isinstance(e, h2.events.StreamEnded) and e.stream_id == stream
                                        for e in events):
                break
        sock.sendall(conn.data_to_send())
        print(authority, path, status, flush=True)
    conn.close_connection()
    sock.sendall(conn.data_to_send())
    sock.close()


if __name__ == "__main__":
    main()
