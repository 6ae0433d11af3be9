#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/tls/tls_session.h"

// Certificates shared with the bundled examples (examples/istio/certs, ECDSA P-256).
inline std::string test_pem(const std::string& name) {
  std::ifstream in(std::string(GATESIM_SOURCE_DIR) + "/examples/istio/certs/" + name);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Records what one end of a TLS session saw.
struct TlsEnd : gatesim::tls::TlsSessionCallbacks {
  bool handshake = false;
  bool closed = false;
  std::string error;
  std::string plaintext;
  void on_handshake_complete() override { handshake = true; }
  void on_plaintext(std::string_view bytes) override { plaintext.append(bytes); }
  void on_tls_closed() override { closed = true; }
  void on_tls_error(const std::string& reason) override { error = reason; }
};

// Moves ciphertext between two sessions until neither has output, `chunk` bytes at a time
// (0 = everything at once) so records arrive fragmented.
inline void pump(gatesim::tls::TlsSession& a, gatesim::tls::TlsSession& b, std::size_t chunk = 0) {
  for (int round = 0; round < 1000 && (a.has_output() || b.has_output()); ++round) {
    for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      const std::string bytes = from->take_output();
      if (chunk == 0) {
        to->receive(bytes);
      } else {
        for (std::size_t i = 0; i < bytes.size(); i += chunk) to->receive(std::string_view(bytes).substr(i, chunk));
      }
    }
  }
}
