// Per-rule checks of validation and analysis on small inline configurations; the bundled
// broken examples cover each rule again from a user's file.
#include <catch2/catch.hpp>

#include "gateway/config/config_pipeline.h"

using namespace gatesim::config;

namespace {

std::vector<std::string> ids(const std::string& yaml) {
  const PipelineResult r = run_config_pipeline_on_text(yaml, "t.yaml");
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics.items()) {
    if (d.severity != Severity::kInfo) out.push_back(d.id());
  }
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

std::string gateway(const std::string& servers) {
  return "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  servers:\n" + servers;
}

std::string http_vs(const std::string& http) {
  return gateway("  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [\"*\"]\n") +
         "---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs}\nspec:\n"
         "  hosts: [a.example.com]\n  gateways: [gw]\n  http:\n" + http +
         "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{name: http, port: 80}]}\n";
}

}  // namespace

TEST_CASE("Gateway: protocols, ports, hosts") {
  CHECK(contains(ids(gateway("  - port: {number: 80, name: http, protocol: HTTPX}\n    hosts: [\"*\"]\n")), "GS103"));
  CHECK(contains(ids(gateway("  - port: {number: 80, name: u, protocol: UDP}\n    hosts: [\"*\"]\n")), "GS121"));
  CHECK(contains(ids(gateway("  - port: {number: 70000, name: http, protocol: HTTP}\n    hosts: [\"*\"]\n")), "GS104"));
  CHECK(contains(ids(gateway("  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [\"*.*.com\"]\n")), "GS111"));
  CHECK(contains(ids(gateway("  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [\"Bad_NS/a.com\"]\n")), "GS111"));
  CHECK(contains(ids(gateway("  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: []\n")), "GS102"));
  CHECK(contains(ids(gateway("  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [a.com]\n"
                             "  - port: {number: 81, name: http, protocol: HTTP}\n    hosts: [b.com]\n")),
                 "GS105"));
  CHECK(contains(ids(gateway("  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [a.com]\n    bind: nowhere\n")),
                 "GS113"));
  CHECK(contains(ids("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec: {servers: []}\n"),
                 "GS101"));
  CHECK(contains(ids("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: my.gw}\nspec:\n  servers:\n"
                     "  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [a.com]\n"),
                 "GS016"));
  CHECK(contains(ids(gateway("  - port: {number: 80, name: http, protocol: HTTP, targetPort: 8080}\n    hosts: [a.com]\n")),
                 "GS114"));
}

TEST_CASE("Gateway: TLS mode versus the fields it needs") {
  const std::string https = "  - port: {number: 443, name: https, protocol: HTTPS}\n    hosts: [a.com]\n";
  CHECK(contains(ids(gateway(https)), "GS106"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: SIMPLE}\n")), "GS108"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: MUTUAL, serverCertificate: a.pem, privateKey: k.pem}\n")), "GS109"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: ISTIO_MUTUAL, credentialName: x}\n")), "GS110"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: SIMPLE, credentialName: x, minProtocolVersion: TLSV1_3, "
                                     "maxProtocolVersion: TLSV1_2}\n")),
                 "GS115"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: SIMPLE, credentialName: x, cipherSuites: [NOPE]}\n")), "GS116"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: SIMPLE, credentialName: x, minProtocolVersion: TLSV1_0}\n")),
                 "GS117"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: MUTUAL, credentialName: x, verifyCertificateHash: [abc]}\n")),
                 "GS118"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: SIMPLE, credentialName: missing}\n")), "GS505"));
  CHECK(contains(ids(gateway("  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [a.com]\n"
                             "    tls: {mode: SIMPLE, credentialName: x}\n")),
                 "GS107"));
  CHECK(contains(ids(gateway("  - port: {number: 80, name: tcp, protocol: TCP}\n    hosts: [a.com]\n"
                             "    tls: {httpsRedirect: true}\n")),
                 "GS112"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: PASSTHROUGH, credentialName: x}\n")), "GS119"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: SIMPLE, credentialName: x, caCrl: crl.pem}\n")), "GS120"));
  CHECK(contains(ids(gateway(https + "    tls: {mode: SIMPLE, serverCertificate: a.pem, privateKey: k.pem, caCrl: c.pem}\n")),
                 "GS120"));
  // httpsRedirect alone is fine on plaintext HTTP.
  CHECK_FALSE(contains(ids(gateway("  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [a.com]\n"
                                   "    tls: {httpsRedirect: true}\n")),
                       "GS107"));
}

TEST_CASE("VirtualService: actions, weights, regexes, redirects") {
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    redirect: {uri: /x}\n")), "GS203"));
  CHECK(contains(ids(http_vs("  - match: [{uri: {prefix: /}}]\n")), "GS204"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}, weight: -1}, {destination: {host: web}, weight: 5}]\n")),
                 "GS205"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}, weight: 0}, {destination: {host: web}, weight: 0}]\n")),
                 "GS206"));
  CHECK(contains(ids(http_vs("  - match: [{uri: {regex: \"/a(b\"}}]\n    route: [{destination: {host: web}}]\n")), "GS207"));
  CHECK(contains(ids(http_vs("  - match: [{headers: {x: {regex: \"(?<name>x)\"}}}]\n    route: [{destination: {host: web}}]\n")),
                 "GS207"));  // Perl named groups are not RE2
  CHECK(contains(ids(http_vs("  - redirect: {uri: /x, redirectCode: 404}\n")), "GS208"));
  CHECK(contains(ids(http_vs("  - redirect: {uri: /x, redirectCode: 305}\n")), "GS222"));  // valid 3xx, dropped by istiod
  CHECK(contains(ids(http_vs("  - redirect: {uri: /x, scheme: ftp}\n")), "GS221"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    retries: {retryOn: 5xx}\n")), "GS220"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    retries: {attempts: 2, retryOn: \"5xx, reset\"}\n")),
                 "GS220"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    rewrite: {}\n")), "GS231"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    headers: {request: {set: {host: a, \":authority\": b}}}\n")),
                 "GS225"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    headers: {response: {set: {x-pct: \"100%\"}}}\n")),
                 "GS225"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    corsPolicy: {allowMethods: [get]}\n")), "GS226"));
  CHECK(contains(ids(http_vs("  - match: [{headers: {x: {prefix: \"\"}}}]\n    route: [{destination: {host: web}}]\n")),
                 "GS232"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    fault: {abort: {percentage: {value: 5}}}\n")),
                 "GS223"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    fault: {delay: {exponentialDelay: 1s}}\n")),
                 "GS230"));
  CHECK(contains(ids(http_vs("  - redirect: {uri: /x}\n    rewrite: {uri: /y}\n")), "GS209"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    fault: {abort: {httpStatus: 503, percentage: {value: 101}}}\n")),
                 "GS210"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    fault: {delay: {fixedDelay: 500us, percentage: {value: 5}}}\n")),
                 "GS211"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    fault: {abort: {grpcStatus: \"14\", percentage: {value: 5}}}\n")),
                 "GS212"));
  CHECK(contains(ids(http_vs("  - match: [{headers: {\"X User\": {exact: a}}}]\n    route: [{destination: {host: web}}]\n")),
                 "GS213"));
  CHECK_FALSE(contains(ids(http_vs("  - match: [{headers: {X-User: {exact: a}}}]\n    route: [{destination: {host: web}}]\n")),
                       "GS213"));  // Istio accepts upper case; Envoy matches header names case-insensitively
  CHECK(contains(ids(http_vs("  - directResponse: {status: 99}\n")), "GS214"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web}}]\n    retries: {attempts: 2, retryOn: \"5xx,sometimes\"}\n")),
                 "GS220"));
  CHECK(contains(ids(http_vs("  - redirect: {port: 8443, derivePort: FROM_REQUEST_PORT}\n")), "GS221"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web, port: {number: 99999}}}]\n")), "GS217"));
  CHECK(ids(http_vs("  - route: [{destination: {host: web}}]\n    timeout: 3s\n")).empty());
}

TEST_CASE("VirtualService: references to gateways, hosts, subsets, ports") {
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: nowhere}}]\n")), "GS602"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web, subset: v9}}]\n")), "GS606"));
  CHECK(contains(ids(http_vs("  - route: [{destination: {host: web, port: {number: 81}}}]\n")), "GS608"));
  const std::string vs_to_missing_gateway =
      "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs}\nspec:\n"
      "  hosts: [a.example.com]\n  gateways: [istio-system/missing]\n"
      "  http: [{route: [{destination: {host: a.example.com}}]}]\n"
      "---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: a}\n"
      "spec: {hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}\n";
  CHECK(contains(ids(vs_to_missing_gateway), "GS601"));
  const std::string host_outside =
      gateway("  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: [\"*.example.com\"]\n") +
      "---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs}\nspec:\n"
      "  hosts: [example.com]\n  gateways: [gw]\n  http: [{directResponse: {status: 200}}]\n";
  CHECK(contains(ids(host_outside), "GS604"));
}

namespace {

std::string dr(const std::string& spec) {
  return "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: dr}\nspec:\n  host: web\n" + spec;
}

std::string se(const std::string& spec) {
  return "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: se}\nspec:\n" + spec;
}

}  // namespace

TEST_CASE("DestinationRule: policies as Istio checks them") {
  CHECK(ids(dr("  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}\n")).empty());
  CHECK(contains(ids(dr("  trafficPolicy: {}\n")), "GS306"));
  CHECK(contains(ids(dr("  trafficPolicy: {connectionPool: {}}\n")), "GS306"));
  CHECK(contains(ids(dr("  trafficPolicy: {loadBalancer: {consistentHash: {maglev: {tableSize: 1000}}}}\n")), "GS303"));
  CHECK(ids(dr("  trafficPolicy: {loadBalancer: {consistentHash: {maglev: {tableSize: 65537}}}}\n")).empty());
  CHECK(contains(ids(dr("  trafficPolicy: {connectionPool: {http: {useClientProtocol: true, h2UpgradePolicy: UPGRADE}}}\n")),
                 "GS304"));
  CHECK(ids(dr("  trafficPolicy: {connectionPool: {tcp: {idleTimeout: 0s}}}\n")).empty());  // 0s disables it
  CHECK(contains(ids(dr("  trafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: 3}}\n")), "GS305"));
  CHECK(contains(ids(dr("  trafficPolicy: {tls: {mode: MUTUAL, clientCertificate: c.pem}}\n")), "GS307"));
  CHECK(contains(ids(dr("  trafficPolicy: {tls: {mode: SIMPLE, credentialName: c, caCertificates: ca.pem}}\n")), "GS307"));
  CHECK(contains(ids(dr("  subsets: [{name: v1}, {name: v1}]\n")), "GS302"));
  CHECK(ids(dr("  subsets: [{name: V1, labels: {version: v1}}]\n")).empty());  // Istio's labels allow upper case
  CHECK(contains(ids(dr("  exportTo: [\"*\", prod]\n")), "GS013"));
}

TEST_CASE("ServiceEntry: resolution, hosts, ports, endpoints") {
  const std::string port = "  ports: [{number: 443, name: https, protocol: TLS}]\n";
  CHECK(ids(se("  hosts: [api.example.com]\n" + port + "  resolution: DNS\n")).empty());
  CHECK(ids(se("  hosts: [api.example.com]\n" + port + "  resolution: STATIC\n")).empty());
  CHECK(contains(ids(se("  hosts: [\"*\"]\n" + port + "  resolution: NONE\n")), "GS111"));
  CHECK(contains(ids(se("  hosts: [\"*foo.com\"]\n" + port + "  resolution: NONE\n")), "GS410"));
  CHECK(contains(ids(se("  hosts: [a.example.com, b.example.com]\n  ports: [{number: 5432, name: tcp, protocol: TCP}]\n"
                        "  resolution: DNS\n")),
                 "GS409"));
  CHECK(contains(ids(se("  hosts: [a.example.com]\n" + port + "  resolution: NONE\n  endpoints: [{address: 10.0.0.1}]\n")),
                 "GS403"));
  CHECK(contains(ids(se("  hosts: [a.example.com]\n" + port + "  resolution: STATIC\n  endpoints: [{address: db.example.com}]\n")),
                 "GS407"));
  CHECK(contains(ids(se("  hosts: [a.example.com]\n" + port +
                        "  resolution: STATIC\n  endpoints: [{address: 10.0.0.1, ports: {http: 8443}}]\n")),
                 "GS408"));
  CHECK(contains(ids(se("  hosts: [a.example.com]\n  addresses: [10.0.0.0/24]\n" + port + "  resolution: DNS\n")), "GS403"));
}

TEST_CASE("Service ports: appProtocol precedence and unrecognised names") {
  const PipelineResult r = run_config_pipeline_on_text(
      "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n"
      "  - {name: http-api, appProtocol: grpc, port: 80}\n  - {name: web, port: 8080}\n",
      "svc.yaml");
  bool precedence = false, unrecognised = false;
  for (const Diagnostic& d : r.diagnostics.items()) {
    if (d.id() == "GS405") {
      precedence = true;
      CHECK(d.message == "appProtocol \"grpc\" (GRPC) takes precedence over port name \"http-api\" (HTTP)");
    }
    if (d.id() == "GS406") {
      unrecognised = true;
      CHECK(d.path == "spec.ports[1].name");
    }
  }
  CHECK(precedence);
  CHECK(unrecognised);
}
