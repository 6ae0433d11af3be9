#include "gateway/config/reference_analysis.h"

#include <algorithm>
#include <map>

#include "gateway/config/certificate_check.h"
#include "gateway/config/gateway_binding.h"
#include "gateway/config/host_name.h"
#include "gateway/config/service_registry.h"

namespace gatesim::config {
namespace {

class ReferenceAnalysis {
 public:
  ReferenceAnalysis(const ConfigSet& config, Diagnostics& diagnostics)
      : config_(config), diagnostics_(diagnostics), registry_(config) {
    for (const DestinationRule& dr : config.destination_rules) {
      rules_by_host_[resolve_short_name(to_lower(dr.host.value), dr.meta.namespace_name)].push_back(&dr);
    }
  }

  void run() {
    for (const VirtualService& vs : config_.virtual_services) check_virtual_service(vs);
    for (const Gateway& gw : config_.gateways) check_gateway_credentials(gw);
    check_shared_certificates();
  }

 private:
  const Gateway* find_gateway(const std::string& qualified) const {
    for (const Gateway& gw : config_.gateways) {
      if (gw.meta.namespace_name + "/" + gw.meta.name == qualified) return &gw;
    }
    return nullptr;
  }

  const TlsSecret* find_secret(const std::string& namespace_name, const std::string& name) const {
    for (const TlsSecret& s : config_.secrets) {
      if (s.meta.namespace_name == namespace_name && s.meta.name == name) return &s;
    }
    return nullptr;
  }

  void check_gateway_refs(const std::vector<LocatedString>& refs, const VirtualService& vs, const std::string& label) {
    for (const LocatedString& ref : refs) {
      const std::string q = qualify_gateway_reference(ref.value, vs.meta.namespace_name);
      if (q != "mesh" && find_gateway(q) == nullptr) {
        diagnostics_.add(Code::kGatewayNotFound, ref.origin, label, "gateway \"" + q + "\" is not defined");
      }
    }
  }

  void check_virtual_service(const VirtualService& vs) {
    const std::string label = resource_label("VirtualService", vs.meta);
    check_gateway_refs(vs.gateways, vs, label);
    for (const HttpRoute& r : vs.http) {
      for (const HttpMatchRequest& m : r.match) check_gateway_refs(m.gateways, vs, label);
    }
    for (const auto* rules : {&vs.tcp, &vs.tls}) {
      for (const L4Route& r : *rules) {
        for (const L4MatchAttributes& m : r.match) check_gateway_refs(m.gateways, vs, label);
      }
    }
    const std::vector<std::string> gateways = referenced_gateways(vs);
    if (gateways.size() == 1 && gateways[0] == "mesh") {
      diagnostics_.add(Code::kVirtualServiceMeshOnly, vs.meta.at("spec.gateways"), label,
                       "no gateways listed: this VirtualService applies to sidecars (mesh) only, not at a gateway");
    }
    check_hosts_in_gateways(vs, gateways, label);
    for (const HttpRoute& r : vs.http) {
      for (const HttpRouteDestination& d : r.route) check_destination(d.destination, vs, label);
      for (const HttpMirrorPolicy& m : r.mirrors) check_destination(m.destination, vs, label);
    }
    for (const auto* rules : {&vs.tcp, &vs.tls}) {
      for (const L4Route& r : *rules) {
        for (const RouteDestination& d : r.route) check_destination(d.destination, vs, label);
      }
    }
  }

  void check_hosts_in_gateways(const VirtualService& vs, const std::vector<std::string>& gateways,
                               const std::string& label) {
    std::vector<const Gateway*> resolved;
    for (const std::string& g : gateways) {
      if (const Gateway* gw = find_gateway(g)) resolved.push_back(gw);
    }
    if (resolved.empty()) return;
    for (const LocatedString& host : vs.hosts) {
      bool found = false;
      for (const Gateway* gw : resolved) {
        for (const Server& server : gw->servers) {
          found = found || server_domain_for(server, gw->meta.namespace_name, vs.meta.namespace_name, host.value);
        }
      }
      if (!found) {
        diagnostics_.add(Code::kHostNotInGateway, host.origin, label,
                         "host \"" + host.value + "\" matches no server host of the gateways it binds to");
      }
    }
  }

  void check_destination(const Destination& d, const VirtualService& vs, const std::string& label) {
    if (d.host.value.empty()) return;
    const std::string host = resolve_short_name(to_lower(d.host.value), vs.meta.namespace_name);
    const RegistryService* service = registry_.find(host);
    if (service == nullptr) {
      diagnostics_.add(Code::kDestinationHostNotFound, d.host.origin, label,
                       "destination host \"" + host + "\" is defined by no Service or ServiceEntry");
      return;
    }
    if (d.port && !service->ports.empty() && service->find_port(*d.port) == nullptr) {
      diagnostics_.add(Code::kDestinationPortNotFound, vs.meta.at(d.origin.path + ".port.number"), label,
                       "port " + std::to_string(*d.port) + " is not a port of " + service->source);
    } else if (!d.port && service->ports.size() > 1) {
      diagnostics_.add(Code::kDestinationPortNotFound, vs.meta.at(d.origin.path + ".port"), label,
                       service->source + " has " + std::to_string(service->ports.size()) +
                           " ports; the destination must name one");
    }
    if (!d.subset.empty() && !subset_defined(host, d.subset, vs.meta.namespace_name)) {
      diagnostics_.add(Code::kSubsetNotFound, vs.meta.at(d.origin.path + ".subset"), label,
                       "subset \"" + d.subset + "\" is defined by no DestinationRule for " + host);
    }
  }

  bool subset_defined(const std::string& host, const std::string& subset, const std::string& viewer_namespace) const {
    auto rules = rules_by_host_.find(host);
    if (rules == rules_by_host_.end()) return false;
    for (const DestinationRule* dr : rules->second) {
      if (!is_exported_to(dr->export_to, dr->meta.namespace_name, viewer_namespace)) continue;
      for (const Subset& s : dr->subsets) {
        if (s.name == subset) return true;
      }
    }
    return false;
  }

  void check_gateway_credentials(const Gateway& gw) {
    const std::string label = resource_label("Gateway", gw.meta);
    for (const Server& server : gw.servers) {
      if (!server.tls || !server.tls->terminates()) continue;
      const ServerTlsSettings& tls = *server.tls;
      std::vector<LocatedString> credentials = tls.credential_names;
      if (tls.credential_name) credentials.insert(credentials.begin(), *tls.credential_name);
      for (const LocatedString& credential : credentials) {
        const TlsSecret* secret = find_secret(gw.meta.namespace_name, credential.value);
        if (secret == nullptr) {
          diagnostics_.add(Code::kCredentialNotFound, credential.origin, label,
                           "Secret " + gw.meta.namespace_name + "/" + credential.value + " is not defined");
          continue;
        }
        if (!secret->has_key_pair()) {
          diagnostics_.add(Code::kSecretMissingData, credential.origin, label,
                           "Secret " + gw.meta.namespace_name + "/" + credential.value +
                               " holds no certificate and key (tls.crt/tls.key or cert/key)");
        }
        const bool mutual = tls.mode == ServerTlsMode::kMutual || tls.mode == ServerTlsMode::kOptionalMutual;
        if (mutual && !tls.ca_certificates && !tls.ca_cert_credential_name && secret->ca_pem.empty() &&
            find_secret(gw.meta.namespace_name, credential.value + "-cacert") == nullptr) {
          diagnostics_.add(Code::kCaCredentialNotFound, credential.origin, label,
                           std::string(to_string(tls.mode)) + " needs a CA: add ca.crt to the Secret, or a Secret " +
                               credential.value + "-cacert");
        }
      }
      if (tls.ca_cert_credential_name && find_secret(gw.meta.namespace_name, tls.ca_cert_credential_name->value) == nullptr) {
        diagnostics_.add(Code::kCaCredentialNotFound, tls.ca_cert_credential_name->origin, label,
                         "Secret " + gw.meta.namespace_name + "/" + tls.ca_cert_credential_name->value + " is not defined");
      }
      if (!tls.has_credential()) check_certificate_files(gw, tls, label);
    }
  }

  void check_certificate_files(const Gateway& gw, const ServerTlsSettings& tls, const std::string& label) {
    std::vector<std::pair<std::optional<LocatedString>, std::optional<LocatedString>>> pairs;
    pairs.emplace_back(tls.server_certificate, tls.private_key);
    for (const TlsCertificateFiles& files : tls.tls_certificates) pairs.emplace_back(files.server_certificate, files.private_key);
    for (const auto& [cert, key] : pairs) {
      if (!cert || !key) continue;
      std::string error;
      auto cert_pem = read_pem_file(cert->value, gw.meta.file, &error);
      if (!cert_pem) {
        diagnostics_.add(Code::kCertificateFileUnreadable, cert->origin, label,
                         error + "; this server cannot terminate TLS until the file exists");
        continue;
      }
      auto key_pem = read_pem_file(key->value, gw.meta.file, &error);
      if (!key_pem) {
        diagnostics_.add(Code::kCertificateFileUnreadable, key->origin, label,
                         error + "; this server cannot terminate TLS until the file exists");
        continue;
      }
      if (auto problem = key_pair_error(*cert_pem, *key_pem)) {
        diagnostics_.add(Code::kInvalidCertificate, cert->origin, label, *problem);
      }
    }
  }

  // IST0138: the same certificate on several servers lets HTTP/2 clients reuse one
  // connection for all their hosts, and the SNI-chosen server then answers 404.
  void check_shared_certificates() {
    std::map<std::string, std::string> first_user;  // certificate identity -> "Gateway ns/name server N"
    for (const Gateway& gw : config_.gateways) {
      for (std::size_t i = 0; i < gw.servers.size(); ++i) {
        const Server& server = gw.servers[i];
        if (!server.tls || !server.tls->terminates()) continue;
        std::string identity;
        Origin at = server.tls->origin;
        if (server.tls->credential_name) {
          identity = "secret " + gw.meta.namespace_name + "/" + server.tls->credential_name->value;
          at = server.tls->credential_name->origin;
        } else if (server.tls->server_certificate) {
          identity = "file " + server.tls->server_certificate->value;
          at = server.tls->server_certificate->origin;
        } else {
          continue;
        }
        // Only servers of one gateway workload (same selector) on one port can share a connection.
        std::string workload;
        for (const auto& [key, value] : gw.selector) workload += key + "=" + value + ",";
        const std::string key = identity + "|" + workload + "|" + std::to_string(server.port.number);
        const std::string user = resource_label("Gateway", gw.meta) + " " + server.origin.path;
        auto [it, inserted] = first_user.emplace(key, user);
        if (!inserted) {
          diagnostics_.add(Code::kDuplicateCertificate, at, resource_label("Gateway", gw.meta),
                           "the same certificate (" + identity + ") is used by " + it->second +
                               "; HTTP/2 clients may reuse one connection for both servers' hosts and get 404s. "
                               "Put the hosts in one server, or use distinct certificates");
        }
      }
    }
  }

  const ConfigSet& config_;
  Diagnostics& diagnostics_;
  ServiceRegistry registry_;
  std::map<std::string, std::vector<const DestinationRule*>> rules_by_host_;
};

}  // namespace

void analyze_references(const ConfigSet& config, Diagnostics& diagnostics) {
  ReferenceAnalysis(config, diagnostics).run();
}

}  // namespace gatesim::config
