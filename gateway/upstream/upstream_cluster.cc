#include "gateway/upstream/upstream_cluster.h"

#include <algorithm>

namespace gatesim::upstream {
namespace {

std::optional<io::Address> endpoint_address(const config::Endpoint& e) {
  // DNS names are resolved by the simulator's DNS or the scenario, not here.
  return io::parse_address((e.address.find(':') != std::string::npos ? "[" + e.address + "]" : e.address) + ":" +
                           std::to_string(e.port));
}

// The value of cookie `name` in a Cookie header ("a=1; b=2").
std::optional<std::string> cookie_value(const std::string& header, const std::string& name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(pos, end - pos);
    const std::size_t first = pair.find_first_not_of(' ');
    pair = first == std::string::npos ? "" : pair.substr(first);
    const std::size_t eq = pair.find('=');
    if (eq != std::string::npos && pair.compare(0, eq, name) == 0) return pair.substr(eq + 1);
    pos = end + 1;
  }
  return std::nullopt;
}

std::optional<std::string> query_value(const std::string& path, const std::string& name) {
  const std::size_t q = path.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::size_t pos = q + 1;
  while (pos <= path.size()) {
    std::size_t end = path.find('&', pos);
    if (end == std::string::npos) end = path.size();
    const std::string pair = path.substr(pos, end - pos);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string::npos ? "" : pair.substr(eq + 1);
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

HostLease::HostLease(std::shared_ptr<UpstreamHost> host) : host_(std::move(host)) {
  if (host_) ++host_->lb.active_requests;
}
HostLease::~HostLease() {
  if (host_) --host_->lb.active_requests;
}
HostLease::HostLease(HostLease&& other) noexcept : host_(std::move(other.host_)) {}
HostLease& HostLease::operator=(HostLease&& other) noexcept {
  if (this != &other) {
    if (host_) --host_->lb.active_requests;
    host_ = std::move(other.host_);
  }
  return *this;
}

UpstreamCluster::UpstreamCluster(io::Runtime& runtime, const config::Cluster& cluster, UpstreamSettings settings,
                                 std::function<void()> on_connect_failure)
    : runtime_(runtime),
      name_(cluster.name),
      settings_(std::move(settings)),
      resources_(std::make_shared<ClusterResources>()),
      rng_(runtime.rng().fork()),
      lb_(settings_.lb, settings_.ring_size, rng_) {
  resources_->limits = settings_.limits;
  resources_->on_connect_failure = std::move(on_connect_failure);
  if (settings_.outlier) outlier_.emplace(*settings_.outlier, runtime.now());
  update_endpoints(cluster);
}

UpstreamCluster::~UpstreamCluster() {
  if (outlier_timer_) runtime_.cancel(*outlier_timer_);
}

void UpstreamCluster::update_endpoints(const config::Cluster& cluster) {
  std::vector<std::shared_ptr<UpstreamHost>> next;
  std::vector<std::optional<std::size_t>> previous;
  for (const config::Endpoint& e : cluster.endpoints) {
    // Istio sends Envoy only ready endpoints (PILOT_SEND_UNHEALTHY_ENDPOINTS is off).
    if (!e.ready) continue;
    const auto address = endpoint_address(e);
    if (!address) continue;
    const std::string key = address->to_string();
    if (std::any_of(next.begin(), next.end(), [&](const auto& h) { return h->lb.address == key; })) continue;
    std::optional<std::size_t> old;
    for (std::size_t i = 0; i < hosts_.size() && !old; ++i) {
      if (hosts_[i]->lb.address == key) old = i;
    }
    if (old) {
      next.push_back(hosts_[*old]);
    } else {
      auto host = std::make_shared<UpstreamHost>();
      host->address = *address;
      host->lb.address = key;
      host->resources = resources_;
      next.push_back(std::move(host));
    }
    previous.push_back(old);
  }
  hosts_ = std::move(next);
  if (outlier_) outlier_->set_hosts(previous);
}

std::optional<std::uint64_t> UpstreamCluster::hash_of(LbContext& context) const {
  if (!settings_.hash_key || context.request == nullptr) return std::nullopt;
  const HashKey& key = *settings_.hash_key;
  switch (key.source) {
    case HashKey::Source::kHeader:
      if (const std::string* v = http::find_header(context.request->headers, key.name)) return stable_hash(*v);
      return std::nullopt;
    case HashKey::Source::kCookie: {
      if (const std::string* v = http::find_header(context.request->headers, "cookie")) {
        if (auto value = cookie_value(*v, key.name)) return stable_hash(*value);
      }
      if (!key.cookie_ttl) return std::nullopt;  // no cookie, none to mint: balanced at random
      // Envoy mints the value from the downstream connection's addresses, so racing requests
      // of one connection get the same cookie, and sends it back with the response.
      static const char digits[] = "0123456789abcdef";
      std::string value;
      const std::uint64_t h = stable_hash(context.connection_key);
      for (int shift = 60; shift >= 0; shift -= 4) value += digits[(h >> shift) & 15];
      const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(*key.cookie_ttl).count();
      std::string cookie = key.name + "=\"" + value + "\"";
      if (max_age > 0) cookie += "; Max-Age=" + std::to_string(max_age);
      if (!key.cookie_path.empty()) cookie += "; Path=" + key.cookie_path;
      context.set_cookie = cookie + "; HttpOnly";
      return stable_hash(value);
    }
    case HashKey::Source::kSourceIp:
      return context.source_ip.empty() ? std::nullopt : std::optional<std::uint64_t>(stable_hash(context.source_ip));
    case HashKey::Source::kQueryParameter:
      if (auto value = query_value(context.request->path, key.name)) return stable_hash(*value);
      return std::nullopt;
  }
  return std::nullopt;
}

HostLease UpstreamCluster::choose(LbContext& context) {
  // Member scratch vectors: no allocation per request once they have grown.
  std::vector<const LbHost*>& eligible = eligible_;
  std::vector<std::size_t>& index = eligible_index_;
  eligible.clear();
  index.clear();
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    if (outlier_ && outlier_->ejected(i)) continue;
    eligible.push_back(&hosts_[i]->lb);
    index.push_back(i);
  }
  // Panic routing (every host, ejected or not) below min_health_percent; Istio's 0 disables it.
  if (outlier_ && settings_.outlier->min_health_percent > 0 && !hosts_.empty() &&
      100 * eligible.size() < settings_.outlier->min_health_percent * hosts_.size()) {
    eligible.clear();
    index.clear();
    for (std::size_t i = 0; i < hosts_.size(); ++i) {
      eligible.push_back(&hosts_[i]->lb);
      index.push_back(i);
    }
  }
  const auto hash = hash_of(context);
  std::optional<std::size_t> chosen = lb_.choose(eligible, hash, rng_);
  // previous_hosts: up to 5 selections for a host this request has not tried yet.
  for (int attempt = 1; attempt < 5 && chosen && context.tried_hosts != nullptr &&
                        std::find(context.tried_hosts->begin(), context.tried_hosts->end(),
                                  eligible[*chosen]->address) != context.tried_hosts->end();
       ++attempt) {
    chosen = lb_.choose(eligible, hash ? std::optional<std::uint64_t>(*hash + attempt) : std::nullopt, rng_);
  }
  if (!chosen) return HostLease();
  return HostLease(hosts_[index[*chosen]]);
}

std::shared_ptr<tls::ClientTlsContext> UpstreamCluster::tls_context(http::Version version) {
  auto& context = tls_contexts_[version];
  if (context != nullptr || !settings_.tls) return context;
  const OriginationTls& o = *settings_.tls;
  tls::ClientTlsOptions options;
  if (!o.insecure_skip_verify) options.ca_pem = o.ca_pem;
  if (o.mutual) {
    options.certificate_pem = o.certificate_pem;
    options.key_pem = o.key_pem;
  }
  options.verify_names = o.subject_alt_names;
  options.alpn = {version == http::Version::kHttp2 ? "h2" : "http/1.1"};
  context = tls::ClientTlsContext::create(options, &tls_error_);
  return context;
}

std::unique_ptr<UpstreamRequest> UpstreamCluster::start(UpstreamHost& host, const http::RequestHead& head,
                                                        bool end_stream, http::Version downstream,
                                                        UpstreamResponseCallbacks& callbacks) {
  const http::Version version = settings_.protocol_for(downstream);
  std::string sni;
  std::shared_ptr<tls::ClientTlsContext> context;
  if (settings_.tls) {
    context = tls_context(version);
    // Istio's auto SNI: the request's host when the rule names no sni.
    sni = settings_.tls->sni.empty() ? head.authority.substr(0, http::authority_host_end(head.authority))
                                     : settings_.tls->sni;
  }
  auto& pool = host.pools[{version, sni}];
  if (pool == nullptr) {
    HttpPoolOptions options;
    options.version = version;
    options.connect_timeout = settings_.connect_timeout;
    options.idle_timeout = settings_.idle_timeout;
    options.max_requests_per_connection = settings_.max_requests_per_connection;
    options.max_concurrent_streams = settings_.max_concurrent_streams;
    options.tls = context;
    options.sni = sni;
    pool = std::make_unique<HttpPool>(runtime_, host.address, options, *host.resources);
  }
  return pool->start(head, end_stream, callbacks);
}

std::optional<std::size_t> UpstreamCluster::index_of(const UpstreamHost& host) const {
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    if (hosts_[i].get() == &host) return i;
  }
  return std::nullopt;
}

void UpstreamCluster::report(const UpstreamHost& host, std::optional<int> status) {
  if (!outlier_) return;
  const auto index = index_of(host);
  if (!index) return;  // the host left the cluster while the request ran
  if (outlier_->report(*index, status, runtime_.now()) == OutlierDetector::Result::kEjected) schedule_outlier_tick();
}

void UpstreamCluster::schedule_outlier_tick() {
  if (outlier_timer_ || !outlier_) return;
  const auto next = outlier_->next_tick(runtime_.now());
  if (!next) return;
  outlier_timer_ = runtime_.schedule(*next - runtime_.now(), [this] {
    outlier_timer_.reset();
    outlier_->tick(runtime_.now());
    schedule_outlier_tick();
  });
}

std::uint64_t UpstreamCluster::connections_opened() const {
  std::uint64_t n = 0;
  for (const auto& host : hosts_) {
    for (const auto& [key, pool] : host->pools) n += pool->connections_opened();
  }
  return n;
}

bool UpstreamCluster::acquire_retry() {
  if (resources_->retries >= resources_->limits.max_retries) {
    ++resources_->retry_overflows;
    return false;
  }
  ++resources_->retries;
  return true;
}

void UpstreamCluster::release_retry() {
  if (resources_->retries > 0) --resources_->retries;
}

}  // namespace gatesim::upstream
