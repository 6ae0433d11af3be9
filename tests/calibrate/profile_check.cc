// Checks a cost profile written by `gatesim calibrate`: it parses, every unit has a positive
// price, the orderings that hold on any machine hold (why only these: calibrate_quick_test.sh),
// and the machine block says where it was measured. Prints every failure; exit 1 when there is one.
#include <iostream>

#include "sim/cpu/cost_profile.h"

using gatesim::io::Work;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: profile_check PROFILE.yaml\n";
    return 2;
  }
  std::string error;
  const auto profile = gatesim::sim::load_cost_profile(argv[1], &error);
  if (!profile) {
    std::cerr << "FAIL: " << error << "\n";
    return 1;
  }
  int failures = 0;
  auto fail = [&](const std::string& what) {
    std::cerr << "FAIL: " << what << "\n";
    ++failures;
  };
  auto ns = [&](Work w) { return profile->nanoseconds(w); };
  auto name = [](Work w) { return std::string(gatesim::io::to_string(w)); };
  for (int u = 0; u < gatesim::io::kWorkKinds; ++u) {
    const Work w = static_cast<Work>(u);
    if (!(ns(w) > 0)) fail(name(w) + " is not positive: " + std::to_string(ns(w)));
  }
  for (Work handshake : {Work::kTlsHandshakeEcdsa, Work::kTlsHandshakeRsa, Work::kTlsHandshakeEd25519}) {
    for (Work request : {Work::kHttp1Request, Work::kHttp2Stream}) {
      if (!(ns(handshake) > ns(request))) fail(name(handshake) + " is not above " + name(request));
    }
  }
  if (!(ns(Work::kTlsHandshakeRsa) > ns(Work::kTlsHandshakeEcdsa))) fail("tls_handshake_rsa is not above tls_handshake_ecdsa");
  for (Work bytes : {Work::kTlsBytes, Work::kTcpBytes}) {
    if (!(ns(bytes) < 100)) fail(name(bytes) + " is not below 100 ns a byte: " + std::to_string(ns(bytes)));
  }
  for (const char* key : {"cpu", "cores", "kernel", "openssl", "gatesim", "date", "method"}) {
    if (profile->machine.count(key) == 0 || profile->machine.at(key).empty()) fail(std::string("machine.") + key + " missing");
  }
  if (failures == 0) std::cout << "profile ok: " << argv[1] << "\n";
  return failures == 0 ? 0 : 1;
}
