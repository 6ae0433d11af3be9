#include <catch2/catch.hpp>

#include "gateway/io/address.h"
#include "gateway/io/rng.h"

using namespace gatesim::io;

TEST_CASE("Rng: same seed, same stream, different seed, different stream", "[io]") {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.next();
    CHECK(x == b.next());
    (void)c.next();
  }
  CHECK(Rng(42).next() != Rng(43).next());
  // Fixed expectations pin the algorithm: a change here breaks every recorded trace.
  Rng pinned(1);
  CHECK(pinned.next() == 12966619160104079557ULL);
}

TEST_CASE("Rng: below() is unbiased enough and in range, unit() is at least 0 and below 1", "[io]") {
  Rng rng(7);
  int counts[6] = {0};
  for (int i = 0; i < 60000; ++i) {
    const auto v = rng.below(6);
    REQUIRE(v < 6);
    ++counts[v];
  }
  for (int c : counts) CHECK((c > 9500 && c < 10500));
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.unit();
    CHECK((u >= 0.0 && u < 1.0));
  }
  Rng parent(9);
  Rng child = parent.fork();
  CHECK(child.next() != parent.next());
}

TEST_CASE("addresses parse and print", "[io]") {
  CHECK(parse_address("10.0.0.1:80")->to_string() == "10.0.0.1:80");
  CHECK(parse_address("[::1]:443")->to_string() == "[::1]:443");
  CHECK(parse_address(":8080")->ip == "0.0.0.0");
  CHECK_FALSE(parse_address("10.0.0.1"));
  CHECK_FALSE(parse_address("10.0.0.1:70000"));
  CHECK_FALSE(parse_address("host:80"));
  CHECK_FALSE(parse_address("[::1:80"));
}
