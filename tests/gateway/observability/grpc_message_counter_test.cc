// gRPC messages counted from DATA as it passes, however the bytes are cut.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "gateway/observability/grpc_message_counter.h"

using gatesim::observability::GrpcMessageCounter;

namespace {

std::string message(const std::string& payload, bool compressed = false) {
  const auto n = static_cast<std::uint32_t>(payload.size());
  return std::string{static_cast<char>(compressed ? 1 : 0), static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                     static_cast<char>(n >> 8), static_cast<char>(n)} +
         payload;
}

std::uint64_t count_in_chunks(const std::string& stream, std::size_t chunk) {
  GrpcMessageCounter counter;
  for (std::size_t at = 0; at < stream.size(); at += chunk) counter.inspect(std::string_view(stream).substr(at, chunk));
  return counter.messages();
}

}  // namespace

TEST_CASE("gRPC messages: one per length prefix, whatever the DATA frames cut", "[observability][grpc]") {
  // Payloads that contain bytes which would look like prefixes if the counter did not skip them.
  const std::string stream = message("hello") + message(std::string(300, '\0')) + message("") +
                             message(std::string(70000, '\1'), true) + message("x");
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{5}, std::size_t{7},
                            std::size_t{4096}, stream.size()}) {
    INFO("chunk " << chunk);
    CHECK(count_in_chunks(stream, chunk) == 5);
  }
}

TEST_CASE("gRPC messages: a message counts when its prefix starts, before its payload arrives", "[observability][grpc]") {
  GrpcMessageCounter counter;
  const std::string m = message(std::string(1000, 'a'));
  counter.inspect(m.substr(0, 1));
  CHECK(counter.messages() == 1);  // Envoy's FrameInspector counts at the flags byte
  counter.inspect(m.substr(1, 600));
  CHECK(counter.messages() == 1);
  counter.inspect(m.substr(601));
  counter.inspect(message("b").substr(0, 3));
  CHECK(counter.messages() == 2);
}

TEST_CASE("gRPC messages: a flags byte other than 0 or 1 stops counting", "[observability][grpc]") {
  GrpcMessageCounter counter;
  counter.inspect(message("ok"));
  counter.inspect(std::string("\x07garbage") + message("never counted"));
  CHECK(counter.messages() == 1);
  counter.inspect(message("still not"));
  CHECK(counter.messages() == 1);
}
