// The compiled Snapshot of the Gateway reference's own examples and of the setups that
// matter to users: which virtual hosts and routes attach to which server, what is dropped, why.
#include <catch2/catch.hpp>

#include "gateway/config/config_pipeline.h"

using namespace gatesim::config;

namespace {

const char* kReferenceExample = R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: my-gateway, namespace: some-config-namespace}
spec:
  selector: {app: my-gateway-controller}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [uk.bookinfo.com, eu.bookinfo.com]
    tls: {httpsRedirect: true}
  - port: {number: 443, name: https-443, protocol: HTTPS}
    hosts: [uk.bookinfo.com, eu.bookinfo.com]
    tls: {mode: SIMPLE, serverCertificate: /etc/certs/servercert.pem, privateKey: /etc/certs/privatekey.pem}
  - port: {number: 9443, name: https-9443, protocol: HTTPS}
    hosts: ["bookinfo-namespace/*.bookinfo.com"]
    tls: {mode: SIMPLE, credentialName: bookinfo-secret}
  - port: {number: 9080, name: http-wildcard, protocol: HTTP}
    hosts: ["*"]
  - port: {number: 2379, name: mongo, protocol: MONGO}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo-rule, namespace: bookinfo-namespace}
spec:
  hosts: [reviews.prod.svc.cluster.local, uk.bookinfo.com, eu.bookinfo.com]
  gateways: [some-config-namespace/my-gateway, mesh]
  http:
  - match:
    - headers:
        cookie: {exact: "user=dev-123"}
    route:
    - destination: {port: {number: 7777}, host: reviews.qa.svc.cluster.local}
  - match:
    - uri: {prefix: /reviews/}
    route:
    - destination: {port: {number: 9080}, host: reviews.prod.svc.cluster.local}
      weight: 80
    - destination: {host: reviews.qa.svc.cluster.local}
      weight: 20
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo-mongo, namespace: bookinfo-namespace}
spec:
  hosts: [mongosvr.prod.svc.cluster.local]
  gateways: [some-config-namespace/my-gateway]
  tcp:
  - match:
    - port: 27017
    route:
    - destination: {host: mongo.prod.svc.cluster.local, port: {number: 5555}}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: prod}
spec: {ports: [{name: http, port: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: qa}
spec: {ports: [{name: http, port: 7777}]}
---
apiVersion: v1
kind: Service
metadata: {name: mongo, namespace: prod}
spec: {ports: [{name: mongo, port: 5555}]}
)";

std::vector<std::string> domains(const RouteTable& table) {
  std::vector<std::string> out;
  for (const VirtualHost& vh : table.virtual_hosts) out.push_back(vh.domains.front());
  return out;
}

std::size_t count(const Diagnostics& d, const std::string& id) {
  std::size_t n = 0;
  for (const Diagnostic& x : d.items()) n += x.id() == id ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("reference example: one listener per port, the right chain kinds") {
  const PipelineResult r = run_config_pipeline_on_text(kReferenceExample, "reference.yaml");
  const Snapshot& s = *r.snapshot;
  REQUIRE(s.listeners.size() == 5);
  CHECK(s.find_listener(80)->chains.at(0).kind == FilterChain::Kind::kHttp);
  CHECK(s.find_listener(443)->tls);
  CHECK(s.find_listener(443)->chains.at(0).kind == FilterChain::Kind::kHttps);
  CHECK(s.find_listener(9443)->chains.at(0).server_names == std::vector<std::string>{"*.bookinfo.com"});
  CHECK(s.find_listener(9080)->chains.at(0).route_table == "http.9080");
  CHECK(s.find_listener(2379)->chains.at(0).kind == FilterChain::Kind::kTcp);
}

TEST_CASE("reference example: httpsRedirect vhosts on :80 redirect, routes still attached") {
  const PipelineResult r = run_config_pipeline_on_text(kReferenceExample, "reference.yaml");
  const RouteTable* http80 = r.snapshot->find_route_table("http.80");
  REQUIRE(http80 != nullptr);
  CHECK(domains(*http80) == std::vector<std::string>{"uk.bookinfo.com", "eu.bookinfo.com"});
  for (const VirtualHost& vh : http80->virtual_hosts) {
    CHECK(vh.require_tls);
    CHECK(vh.routes.size() == 2);
  }
}

TEST_CASE("reference example: the HTTPS server's own route table, rules in order, 80/20 weights") {
  const PipelineResult r = run_config_pipeline_on_text(kReferenceExample, "reference.yaml");
  const RouteTable* t = r.snapshot->find_route_table("https.443.https-443.my-gateway.some-config-namespace");
  REQUIRE(t != nullptr);
  const VirtualHost* uk = t->select_virtual_host("UK.bookinfo.com:443");
  REQUIRE(uk != nullptr);
  CHECK(uk->name == "uk.bookinfo.com:443");
  REQUIRE(uk->routes.size() == 2);
  CHECK(uk->routes[0].matches.at(0).headers.at(0).first == "cookie");
  CHECK(uk->routes[0].targets.at(0).cluster == "outbound|7777||reviews.qa.svc.cluster.local");
  REQUIRE(uk->routes[1].targets.size() == 2);
  CHECK(uk->routes[1].targets[0].cluster == "outbound|9080||reviews.prod.svc.cluster.local");
  CHECK(uk->routes[1].targets[0].weight == 80);
  CHECK(uk->routes[1].targets[1].cluster == "outbound|7777||reviews.qa.svc.cluster.local");  // its only port
  CHECK(uk->routes[1].targets[1].weight == 20);
  CHECK(uk->routes[1].retries.num_retries == 2);  // Istio's default policy
  CHECK(t->select_virtual_host("us.bookinfo.com") == nullptr);  // 404 NR
}

TEST_CASE("reference example: the wildcard server admits only its namespace's VirtualServices") {
  const PipelineResult r = run_config_pipeline_on_text(kReferenceExample, "reference.yaml");
  const RouteTable* t = r.snapshot->find_route_table("https.9443.https-9443.my-gateway.some-config-namespace");
  REQUIRE(t != nullptr);
  CHECK(domains(*t) == std::vector<std::string>{"uk.bookinfo.com", "eu.bookinfo.com"});
  const RouteTable* any = r.snapshot->find_route_table("http.9080");
  REQUIRE(any != nullptr);
  CHECK(domains(*any) ==
        std::vector<std::string>{"reviews.prod.svc.cluster.local", "uk.bookinfo.com", "eu.bookinfo.com"});
}

TEST_CASE("reference example: the documented mongo route (port 27017) does not attach to :2379") {
  const PipelineResult r = run_config_pipeline_on_text(kReferenceExample, "reference.yaml");
  const FilterChain& mongo = r.snapshot->find_listener(2379)->chains.at(0);
  CHECK_FALSE(mongo.tcp_route.has_value());
  CHECK(count(r.diagnostics, "GS703") == 1);
}

TEST_CASE("reference example: SNI selects a chain or none (filter_chain_not_found)") {
  const PipelineResult r = run_config_pipeline_on_text(kReferenceExample, "reference.yaml");
  const Listener* l443 = r.snapshot->find_listener(443);
  CHECK(l443->select_chain("eu.bookinfo.com") != nullptr);
  CHECK(l443->select_chain("other.example.com") == nullptr);
  CHECK(l443->select_chain("") == nullptr);
  const Listener* l9443 = r.snapshot->find_listener(9443);
  CHECK(l9443->select_chain("www.bookinfo.com") != nullptr);
  CHECK(l9443->select_chain("bookinfo.com") == nullptr);  // a wildcard never matches the empty label
}

namespace {

std::string two_servers_one_certificate(bool single_wildcard_server) {
  std::string gw = R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: edge}
spec:
  servers:
)";
  if (single_wildcard_server) {
    gw += R"(  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*.example.com"]
    tls: {mode: SIMPLE, credentialName: wildcard-cert}
)";
  } else {
    gw += R"(  - port: {number: 443, name: https-a, protocol: HTTPS}
    hosts: [a.example.com]
    tls: {mode: SIMPLE, credentialName: wildcard-cert}
  - port: {number: 443, name: https-b, protocol: HTTPS}
    hosts: [b.example.com]
    tls: {mode: SIMPLE, credentialName: wildcard-cert}
)";
  }
  return gw + R"(---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: edge}
spec:
  hosts: [a.example.com]
  gateways: [web]
  http: [{route: [{destination: {host: a}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b, namespace: edge}
spec:
  hosts: [b.example.com]
  gateways: [web]
  http: [{route: [{destination: {host: b}}]}]
)";
}

}  // namespace

TEST_CASE("coalescing hazard: two servers, one certificate, two route tables") {
  const PipelineResult r = run_config_pipeline_on_text(two_servers_one_certificate(false), "coalesce.yaml");
  const Listener* l = r.snapshot->find_listener(443);
  REQUIRE(l->chains.size() == 2);
  const FilterChain* a = l->select_chain("a.example.com");
  REQUIRE(a != nullptr);
  const RouteTable* table_a = r.snapshot->find_route_table(a->route_table);
  REQUIRE(table_a != nullptr);
  CHECK(table_a->select_virtual_host("a.example.com") != nullptr);
  // A browser that reuses the a.example.com connection for b.example.com gets 404 here.
  CHECK(table_a->select_virtual_host("b.example.com") == nullptr);
  CHECK(count(r.diagnostics, "GS605") == 1);
  CHECK(a->route_table == "https.443.https-a.web.edge");
}

TEST_CASE("coalescing fix: one wildcard server carries both hosts") {
  const PipelineResult r = run_config_pipeline_on_text(two_servers_one_certificate(true), "single.yaml");
  const Listener* l = r.snapshot->find_listener(443);
  REQUIRE(l->chains.size() == 1);
  const RouteTable* t = r.snapshot->find_route_table(l->chains[0].route_table);
  REQUIRE(t != nullptr);
  CHECK(domains(*t) == std::vector<std::string>{"a.example.com", "b.example.com"});
  CHECK(t->select_virtual_host("b.example.com")->routes.at(0).targets.at(0).host == "b.edge.svc.cluster.local");
  CHECK(count(r.diagnostics, "GS605") == 0);
}

TEST_CASE("a server repeating another TLS server's host on the same port is dropped whole") {
  const PipelineResult r = run_config_pipeline_on_text(R"(
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: gw}
spec:
  servers:
  - port: {number: 443, name: https-1, protocol: HTTPS}
    hosts: [a.example.com]
    tls: {mode: PASSTHROUGH}
  - port: {number: 443, name: https-2, protocol: HTTPS}
    hosts: [b.example.com, a.example.com]
    tls: {mode: AUTO_PASSTHROUGH}
  - port: {number: 8443, name: https-3, protocol: HTTPS}
    hosts: [a.example.com]
    tls: {mode: AUTO_PASSTHROUGH}
)", "dup.yaml");
  CHECK(count(r.diagnostics, "GS603") == 1);
  const Listener* l = r.snapshot->find_listener(443);
  CHECK(l->select_chain("b.example.com") == nullptr);  // b came only with the dropped server
  CHECK(r.snapshot->find_listener(8443)->select_chain("a.example.com") != nullptr);  // other port: fine
}

TEST_CASE("TLS chains are ordered as SNI matching tries them: exact, longer wildcard, shorter, any") {
  const PipelineResult r = run_config_pipeline_on_text(R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers:
  - port: {number: 443, name: any, protocol: TLS}
    hosts: ["*"]
    tls: {mode: AUTO_PASSTHROUGH}
  - port: {number: 443, name: wide, protocol: TLS}
    hosts: ["*.com"]
    tls: {mode: AUTO_PASSTHROUGH}
  - port: {number: 443, name: narrow, protocol: TLS}
    hosts: ["*.example.com"]
    tls: {mode: AUTO_PASSTHROUGH}
  - port: {number: 443, name: exact, protocol: TLS}
    hosts: [api.example.com]
    tls: {mode: AUTO_PASSTHROUGH}
)", "order.yaml");
  const Listener* l = r.snapshot->find_listener(443);
  REQUIRE(l->chains.size() == 4);
  CHECK(l->chains[0].server.port.name == "exact");
  CHECK(l->chains[1].server.port.name == "narrow");
  CHECK(l->chains[2].server.port.name == "wide");
  CHECK(l->chains[3].server.port.name == "any");
  CHECK(l->select_chain("api.example.com")->server.port.name == "exact");
  CHECK(l->select_chain("www.example.com")->server.port.name == "narrow");
  CHECK(l->select_chain("example.com")->server.port.name == "wide");
  CHECK(l->select_chain("example.org")->server.port.name == "any");
  CHECK(l->select_chain("")->server.port.name == "any");
}

TEST_CASE("merging VirtualServices on one host: catch-alls move last, rules after a catch-all vanish") {
  const PipelineResult r = run_config_pipeline_on_text(R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a-first, creationTimestamp: "2024-01-01T00:00:00Z"}
spec:
  hosts: [shop.example.com]
  gateways: [gw]
  http:
  - match: [{uri: {prefix: /cart}}]
    route: [{destination: {host: cart}}]
  - route: [{destination: {host: web}}]
  - match: [{uri: {prefix: /never}}]
    route: [{destination: {host: web}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b-second, creationTimestamp: "2024-02-01T00:00:00Z"}
spec:
  hosts: [shop.example.com]
  gateways: [gw]
  http:
  - match: [{uri: {exact: /checkout}}]
    route: [{destination: {host: checkout}}]
---
apiVersion: v1
kind: Service
metadata: {name: cart}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: checkout}
spec: {ports: [{name: http, port: 80}]}
)", "merge.yaml");
  const VirtualHost* vh = r.snapshot->find_route_table("http.80")->select_virtual_host("shop.example.com");
  REQUIRE(vh != nullptr);
  REQUIRE(vh->routes.size() == 3);
  CHECK(vh->routes[0].matches.at(0).uri->value == "/cart");
  CHECK(vh->routes[1].matches.at(0).uri->value == "/checkout");
  CHECK(vh->routes[2].catch_all);
  CHECK(vh->routes[2].virtual_service == "default/a-first");
  CHECK(count(r.diagnostics, "GS215") == 1);
}

TEST_CASE("plaintext HTTP servers on one port merge, TCP cannot share the port") {
  const PipelineResult r = run_config_pipeline_on_text(R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: one}
spec:
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [a.example.com]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: two}
spec:
  servers:
  - port: {number: 80, name: http, protocol: HTTP2}
    hosts: [b.example.com]
  - port: {number: 80, name: tcp, protocol: TCP}
    hosts: [c.example.com]
)", "merge80.yaml");
  const Listener* l = r.snapshot->find_listener(80);
  REQUIRE(l->chains.size() == 1);
  CHECK(count(r.diagnostics, "GS607") == 1);
  CHECK(count(r.diagnostics, "GS701") == 2);  // neither server has a VirtualService
  const RouteTable* t = r.snapshot->find_route_table("http.80");
  CHECK(domains(*t) == std::vector<std::string>{"*"});  // blackhole: every request 404 NR
  CHECK(t->virtual_hosts.at(0).routes.empty());
}

TEST_CASE("matches for another port or gateway are dropped at compile time") {
  const PipelineResult r = run_config_pipeline_on_text(R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [x.example.com]
  gateways: [gw, other-gw]
  http:
  - match: [{port: 8080, uri: {prefix: /a}}]
    route: [{destination: {host: x}}]
  - match: [{gateways: [other-gw], uri: {prefix: /b}}, {uri: {prefix: /c}}]
    route: [{destination: {host: x}, weight: 0}]
  - route:
    - {destination: {host: x, subset: v1}, weight: 0}
    - {destination: {host: x, subset: v2}, weight: 5}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: other-gw}
spec:
  servers:
  - port: {number: 81, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: x}
spec:
  host: x
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: x}
spec:
  hosts: [x.default.svc.cluster.local]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints:
  - {address: 10.0.0.1, labels: {version: v1}}
  - {address: 10.0.0.2, labels: {version: v2}, ports: {http: 8080}}
)", "ports.yaml");
  const VirtualHost* vh = r.snapshot->find_route_table("http.80")->select_virtual_host("x.example.com");
  REQUIRE(vh != nullptr);
  REQUIRE(vh->routes.size() == 2);
  CHECK(vh->routes[0].matches.size() == 1);  // only the /c match applies at gw
  CHECK(vh->routes[0].matches[0].uri->value == "/c");
  CHECK(vh->routes[0].targets.at(0).weight == 100);  // lone destination takes everything
  REQUIRE(vh->routes[1].targets.size() == 1);        // zero-weight destination dropped
  CHECK(vh->routes[1].targets[0].cluster == "outbound|80|v2|x.default.svc.cluster.local");
  CHECK(count(r.diagnostics, "GS702") == 1);
  const Cluster* v2 = r.snapshot->find_cluster("outbound|80|v2|x.default.svc.cluster.local");
  REQUIRE(v2 != nullptr);
  REQUIRE(v2->endpoints.size() == 1);
  CHECK(v2->endpoints[0].address == "10.0.0.2");
  CHECK(v2->endpoints[0].port == 8080);
  CHECK(r.snapshot->find_cluster("outbound|80||x.default.svc.cluster.local")->endpoints.size() == 2);
}

TEST_CASE("TLS passthrough: one chain per tls match, by sniHosts, duplicates skipped") {
  const PipelineResult r = run_config_pipeline_on_text(R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: ["*.example.com"]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: ["*.example.com"]
  gateways: [gw]
  tls:
  - match: [{sniHosts: [db.example.com], port: 443}]
    route: [{destination: {host: db}}]
  - match: [{sniHosts: [api.example.com]}, {sniHosts: [db.example.com]}]
    route: [{destination: {host: api}}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {ports: [{name: tls, port: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {ports: [{name: https, port: 443}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: db}
subsets:
- addresses: [{ip: 10.1.0.5}, {ip: 10.1.0.6}]
  ports: [{name: tls, port: 15432}]
)", "passthrough.yaml");
  const Listener* l = r.snapshot->find_listener(443);
  REQUIRE(l->chains.size() == 2);
  const FilterChain* db = l->select_chain("db.example.com");
  REQUIRE(db != nullptr);
  CHECK(db->kind == FilterChain::Kind::kPassthrough);
  CHECK(db->passthrough_route->targets.at(0).cluster == "outbound|5432||db.default.svc.cluster.local");
  CHECK(l->select_chain("api.example.com")->passthrough_route->targets.at(0).host == "api.default.svc.cluster.local");
  CHECK(l->select_chain("www.example.com") == nullptr);
  CHECK(count(r.diagnostics, "GS610") == 1);
  const Cluster* c = r.snapshot->find_cluster("outbound|5432||db.default.svc.cluster.local");
  REQUIRE(c != nullptr);
  REQUIRE(c->endpoints.size() == 2);
  CHECK(c->endpoints[1].address == "10.1.0.6");
  CHECK(c->endpoints[1].port == 15432);
}

TEST_CASE("retries: explicit policy, status codes split out, attempts 0 disables") {
  const PipelineResult r = run_config_pipeline_on_text(R"(
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: [r.example.com]
  gateways: [gw]
  http:
  - match: [{uri: {prefix: /a}}]
    retries: {attempts: 3, perTryTimeout: 2s, retryOn: "gateway-error,503,connect-failure"}
    timeout: 10s
    route: [{destination: {host: web}}]
  - retries: {attempts: 0}
    route: [{destination: {host: web}}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{name: http, port: 80}]}
)", "retries.yaml");
  CHECK_FALSE(r.diagnostics.has_errors());
  const VirtualHost* vh = r.snapshot->find_route_table("http.80")->select_virtual_host("r.example.com");
  REQUIRE(vh->routes.size() == 2);
  const RetryPolicy& p = vh->routes[0].retries;
  CHECK(p.num_retries == 3);
  CHECK(p.retry_on == "gateway-error,connect-failure,retriable-status-codes");
  CHECK(p.retriable_status_codes == std::vector<std::uint32_t>{503});
  CHECK(p.per_try_timeout == Duration(2000000000));
  CHECK(vh->routes[0].timeout == Duration(10000000000));
  CHECK(vh->routes[1].retries.num_retries == 0);
  CHECK_FALSE(vh->routes[1].timeout.has_value());
}

TEST_CASE("sidecar inbound listeners: declared ports are HTTP or TCP, undeclared ones detect", "[inbound]") {
  const std::string services = R"(
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {ports: [{name: mysql, port: 3307}, {port: 3308, name: data}, {name: http-web, port: 8080}]}
)";
  CompileOptions options;
  options.inbound = {{"db.default.svc.cluster.local", 3308, 15001, std::chrono::milliseconds(100)},
                     {"db.default.svc.cluster.local", 3307, 15002, {}},
                     {"db.default.svc.cluster.local", 8080, 15003, {}}};
  const PipelineResult r = run_config_pipeline_on_text(services, "inbound.yaml", {}, options);
  const Listener* undeclared = r.snapshot->find_listener(15001);
  REQUIRE(undeclared != nullptr);
  CHECK(undeclared->detect_protocol);
  CHECK(undeclared->detection_timeout == std::chrono::milliseconds(100));
  REQUIRE(undeclared->chains.size() == 2);
  CHECK(undeclared->chains[0].kind == FilterChain::Kind::kHttp);
  CHECK(undeclared->chains[1].tcp_route->targets.at(0).cluster == "outbound|3308||db.default.svc.cluster.local");
  const RouteTable* table = r.snapshot->find_route_table(undeclared->chains[0].route_table);
  REQUIRE(table != nullptr);
  CHECK(table->select_virtual_host("anything.example")->routes.at(0).targets.at(0).port == 3308);
  const Listener* mysql = r.snapshot->find_listener(15002);
  CHECK_FALSE(mysql->detect_protocol);
  REQUIRE(mysql->chains.size() == 1);
  CHECK(mysql->chains[0].kind == FilterChain::Kind::kTcp);
  const Listener* web = r.snapshot->find_listener(15003);
  CHECK_FALSE(web->detect_protocol);
  CHECK(web->chains.at(0).kind == FilterChain::Kind::kHttp);
}

TEST_CASE("TLS passthrough: one VirtualService routing two servers gives each server its own SNI names (GW-GO tls routes)") {
  const PipelineResult r = run_config_pipeline_on_text(R"(apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: default}
spec:
  servers:
  - port: {number: 443, name: tls-db, protocol: TLS}
    hosts: [db.example.com]
    tls: {mode: PASSTHROUGH}
  - port: {number: 443, name: tls-legacy, protocol: TLS}
    hosts: ["*.legacy.example.com"]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: both, namespace: default}
spec:
  hosts: [db.example.com, "*.legacy.example.com"]
  gateways: [edge]
  tls:
  - match: [{port: 443, sniHosts: [db.example.com]}]
    route: [{destination: {host: db.internal, port: {number: 5432}}}]
  - match: [{port: 443, sniHosts: ["*.legacy.example.com"]}]
    route: [{destination: {host: legacy.internal, port: {number: 443}}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: db, namespace: default}
spec:
  hosts: [db.internal, legacy.internal]
  ports: [{number: 5432, name: tls, protocol: TLS}, {number: 443, name: tls2, protocol: TLS}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
)", "two-passthrough.yaml");
  for (const auto& d : r.diagnostics.items()) INFO(d.format());
  CHECK(r.diagnostics.items().empty());  // no false "already routed" / "no tls route" warnings
  const Listener* l = r.snapshot->find_listener(443);
  REQUIRE(l != nullptr);
  REQUIRE(l->chains.size() == 2);
  CHECK(l->chains[0].server_names == std::vector<std::string>{"db.example.com"});
  CHECK(l->chains[0].server.port.name == "tls-db");
  CHECK(l->chains[1].server_names == std::vector<std::string>{"*.legacy.example.com"});
  CHECK(l->chains[1].server.port.name == "tls-legacy");
}
