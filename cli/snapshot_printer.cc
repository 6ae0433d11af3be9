#include "cli/snapshot_printer.h"

#include <sstream>

namespace gatesim::cli {
namespace {

using config::StringMatch;

std::string describe(const StringMatch& m) {
  switch (m.kind) {
    case StringMatch::Kind::kExact: return "=" + m.value;
    case StringMatch::Kind::kPrefix: return "^" + m.value;
    case StringMatch::Kind::kRegex: return "~" + m.value;
    case StringMatch::Kind::kPresent: return " present";
  }
  return "";
}

std::string describe(const config::HttpMatchRequest& m) {
  std::ostringstream s;
  const char* sep = "";
  auto add = [&](const std::string& part) {
    s << sep << part;
    sep = " ";
  };
  if (m.uri) add("uri" + describe(*m.uri) + (m.ignore_uri_case ? "(i)" : ""));
  if (m.method) add("method" + describe(*m.method));
  if (m.authority) add("authority" + describe(*m.authority));
  if (m.scheme) add("scheme" + describe(*m.scheme));
  for (const auto& [name, match] : m.headers) add("header:" + name + describe(match));
  for (const auto& [name, match] : m.without_headers) add("!header:" + name + describe(match));
  for (const auto& [name, match] : m.query_params) add("query:" + name + describe(match));
  if (m.port) add("port=" + std::to_string(*m.port));
  return s.str().empty() ? "any" : s.str();
}

std::string describe_action(const config::CompiledRoute& r) {
  if (r.redirect) {
    const auto& d = *r.redirect;
    return "redirect " + std::to_string(d.redirect_code) + (d.scheme.empty() ? "" : " scheme=" + d.scheme) +
           (d.authority.empty() ? "" : " authority=" + d.authority) + (d.uri.empty() ? "" : " uri=" + d.uri);
  }
  if (r.direct_response) return "direct " + std::to_string(r.direct_response->status);
  std::string out;
  for (const config::RouteTarget& t : r.targets) {
    out += (out.empty() ? "-> " : ", ") + t.cluster + (r.targets.size() > 1 ? " w=" + std::to_string(t.weight) : "");
  }
  return out.empty() ? "(no action)" : out;
}

std::string names(const std::vector<std::string>& server_names) {
  if (server_names.empty()) return "any SNI";
  std::string out;
  for (const std::string& n : server_names) out += (out.empty() ? "" : ",") + n;
  return "SNI " + out;
}

}  // namespace

void print_snapshot(const config::Snapshot& snapshot, std::ostream& out) {
  for (const config::Listener& l : snapshot.listeners) {
    out << "listener " << (l.bind.empty() ? "0.0.0.0" : l.bind) << ":" << l.port << (l.tls ? " (TLS)" : "") << "\n";
    for (const config::FilterChain& chain : l.chains) {
      out << "  chain " << config::to_string(chain.kind) << " " << (l.tls ? names(chain.server_names) : "plaintext")
          << "  [" << chain.gateway << " server " << chain.server.port.name << "]";
      if (chain.tls_material) out << " cert " << chain.tls_material->source;
      out << "\n";
      for (const auto* l4 : {&chain.tcp_route, &chain.passthrough_route}) {
        if (!*l4) continue;
        for (const config::RouteTarget& t : (*l4)->targets) out << "    -> " << t.cluster << " w=" << t.weight << "\n";
      }
      if (chain.route_table.empty()) continue;
      const config::RouteTable* table = snapshot.find_route_table(chain.route_table);
      if (table == nullptr) continue;
      out << "    routes " << table->name << "\n";
      for (const config::VirtualHost& vh : table->virtual_hosts) {
        out << "      vhost " << vh.name << (vh.require_tls ? " (301 to https)" : "")
            << (vh.routes.empty() && !vh.require_tls ? " (no routes: 404 NR)" : "") << "\n";
        for (const config::CompiledRoute& r : vh.routes) {
          std::string matches;
          for (const config::HttpMatchRequest& m : r.matches) matches += (matches.empty() ? "" : " | ") + describe(m);
          out << "        " << (matches.empty() ? "any" : matches) << "  " << describe_action(r) << "  ["
              << r.virtual_service << " http[" << r.rule_index << "]]\n";
        }
      }
    }
  }
  out << snapshot.clusters.size() << " clusters:";
  for (const config::Cluster& c : snapshot.clusters) out << "\n  " << c.name << " (" << c.endpoints.size() << " endpoints)";
  out << "\n";
}

}  // namespace gatesim::cli
