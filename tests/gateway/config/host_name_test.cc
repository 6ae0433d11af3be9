#include <catch2/catch.hpp>

#include "gateway/config/host_name.h"

using namespace gatesim::config;

TEST_CASE("host matching follows Istio's name.go") {
  CHECK(hosts_match("foo.com", "foo.com"));
  CHECK_FALSE(hosts_match("foo.com", "bar.com"));
  CHECK(hosts_match("*.com", "foo.com"));
  CHECK(hosts_match("bar.com", "*.com"));
  CHECK_FALSE(hosts_match("*.foo.com", "foo.com"));
  CHECK(hosts_match("*.foo.com", "a.b.foo.com"));
  CHECK(hosts_match("*", "foo.com"));
  CHECK(hosts_match("*", "*.com"));
  CHECK(hosts_match("*.a.com", "*.com"));
  CHECK_FALSE(hosts_match("*.a.com", "*.b.com"));
}

TEST_CASE("virtual-host domains are the more specific side of each overlap") {
  CHECK(intersect_hosts("*.foo.com", "1.foo.com") == std::optional<std::string>("1.foo.com"));
  CHECK(intersect_hosts("1.foo.com", "*.foo.com") == std::optional<std::string>("1.foo.com"));
  CHECK(intersect_hosts("*", "*.foo.com") == std::optional<std::string>("*.foo.com"));
  CHECK(intersect_hosts("*.foo.com", "*.bar.foo.com") == std::optional<std::string>("*.bar.foo.com"));
  CHECK_FALSE(intersect_hosts("*.example.com", "example.com"));
  CHECK_FALSE(intersect_hosts("*.example.com", "newexample.com"));
}

TEST_CASE("wildcard domain syntax is Istio's (agent.ValidateWildcardDomain)") {
  for (const char* ok : {"*", "*.example.com", "reviews", "*foo.com", "*-foo.com", "istio.io.", "istio.", "A.Example.COM"}) {
    INFO(ok);
    CHECK_FALSE(wildcard_domain_error(ok));
  }
  for (const char* bad : {"foo.*.com", "-bad.com", "a..b", "", "10.0.0.1", "a.b.123", "**.com", "a_b.com"}) {
    INFO(bad);
    CHECK(wildcard_domain_error(bad));
  }
  CHECK(wildcard_domain_error(std::string(64, 'a') + ".com"));
  CHECK(wildcard_domain_error(std::string(250, 'a') + ".com.io"));
}

TEST_CASE("specificity order: exact, longer wildcard, shorter wildcard, *") {
  CHECK(more_specific_host("a.example.com", "*.example.com"));
  CHECK(more_specific_host("*.a.example.com", "*.example.com"));
  CHECK(more_specific_host("*.example.com", "*"));
  CHECK_FALSE(more_specific_host("*", "x.com"));
}

TEST_CASE("short names resolve in the referring namespace") {
  CHECK(resolve_short_name("reviews", "bookinfo") == "reviews.bookinfo.svc.cluster.local");
  CHECK(resolve_short_name("reviews.prod", "bookinfo") == "reviews.prod");
  CHECK(resolve_short_name("*", "bookinfo") == "*");
  const NamespacedHost h = split_namespaced_host("prod/*.example.com");
  CHECK(h.namespace_name == "prod");
  CHECK(h.host == "*.example.com");
  CHECK(split_namespaced_host("example.com").namespace_name == "*");
}
